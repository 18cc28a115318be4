import { describe, expect, it } from 'vitest';
import { createChatLookup, SLOW_UPSTREAM_MEMORY_MS } from '../../../../shared/chat/chat-lookup';
import { createCredentialsProvider } from '../../../../shared/credentials';
import { UpstreamTimeoutError } from '../../../../shared/errors';
import { createRequestLog } from '../../../../shared/request-log';
import { createLookupService } from '../../../../shared/trace/lookup-service';
import { buildAccessControl } from '../../../builders/build-access';
import { buildFakeGateway } from '../../../builders/build-fake-gateway';

const input = { instance: 'MQ_INST_1234567890123456_BXdemo01', topic: 'orders', msgId: '0A000C22303918B4AAC244F9ABC301A3' };
const caller = { channel: 'slack' as const, id: 'T0DEMO0001/C0DEMO0001', scope: { instances: ['*'], topics: ['*'] }, defaultInstance: undefined };
const context = { requestId: 'r', credentials: { accessKeyId: 'k', accessKeySecret: 's' }, function: { timeout: 30 } };

const buildLookup = (fake: ReturnType<typeof buildFakeGateway>, now: () => number) =>
  createChatLookup({
    lookups: createLookupService({ brokers: fake.brokers, access: buildAccessControl(), now, producerUtcOffsetMinutes: 480 }),
    credentials: createCredentialsProvider(undefined),
    now,
  });

describe('Function: createChatLookup', () => {
  describe('Given an inline lookup that ran out of its budget', () => {
    it('defers the next inline lookups at once, without calling ONS, until the memory expires', async () => {
      // Arrange: ONS times out once, then answers.
      let nowMs = 1_000_000;
      let calls = 0;
      const fake = buildFakeGateway(() => {
        calls++;
        if (calls === 1) throw new UpstreamTimeoutError('slow');
        return { requestId: 'UP', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] };
      });
      const lookup = buildLookup(fake, () => nowMs);
      const run = () => lookup.run(caller, input, { context, log: createRequestLog('r'), budgetMs: 1500, deferrable: true });

      // Act + Assert: the timeout defers and starts the memory.
      expect(await run()).toMatchObject({ kind: 'defer', because: 'UPSTREAM_TIMEOUT' });
      nowMs += SLOW_UPSTREAM_MEMORY_MS - 1;
      expect(await run()).toMatchObject({ kind: 'defer', because: 'UPSTREAM_SLOW' });
      expect(calls).toBe(1);

      // After the memory, inline is tried again.
      nowMs += 2;
      expect(await run()).toMatchObject({ kind: 'answer' });
      expect(calls).toBe(2);
    });

    it('still answers inline when deferring is impossible, and never skips a deferred run', async () => {
      let calls = 0;
      const fake = buildFakeGateway(() => {
        calls++;
        if (calls === 1) throw new UpstreamTimeoutError('slow');
        return { requestId: 'UP', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] };
      });
      const lookup = buildLookup(fake, () => 5);
      await lookup.run(caller, input, { context, log: createRequestLog('r'), budgetMs: 1500, deferrable: true });
      expect(await lookup.run(caller, input, { context, log: createRequestLog('r'), budgetMs: 1500, deferrable: false })).toMatchObject({ kind: 'answer' });
      expect(await lookup.run(caller, input, { context, log: createRequestLog('r'), budgetMs: 6000, deferrable: true, phase: 'deferred' })).toMatchObject({ kind: 'answer' });
      expect(calls).toBe(3);
    });
  });
});
