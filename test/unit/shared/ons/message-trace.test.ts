import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { UpstreamError } from '../../../../shared/errors';
import { fetchMessageTrace, MessageTraceResponseSchema } from '../../../../shared/ons/message-trace';
import type { OnsCaller } from '../../../../shared/ons/ons-gateway';
import type { CallContext, UpstreamAttempt } from '../../../../shared/trace/broker-port';

const QUERY = { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'TopicA', msgId: '1E05791C117818B4AAC23B1BB0CE0001' };

function buildFakeCaller(answer: unknown) {
  const calls: Array<{ action: string; params: Record<string, string | undefined>; schema: unknown }> = [];
  const contexts: CallContext[] = [];
  const caller: OnsCaller = {
    async call<S extends z.ZodType>(action: string, params: Record<string, string | undefined>, schema: S, ctx: CallContext) {
      calls.push({ action, params, schema });
      contexts.push(ctx);
      if (answer instanceof Error) throw answer;
      return schema.parse(answer) as z.output<S>;
    },
  };
  return { caller, calls, contexts };
}

describe('Function: fetchMessageTrace', () => {
  describe('Given a documented answer', () => {
    it('calls OnsMessageTrace with the query and maps tracks to camel case', async () => {
      // Arrange
      const { caller, calls } = buildFakeCaller({
        RequestId: 'UP-1',
        Data: {
          MessageTrack: [
            { ConsumerGroup: 'GID_a', TrackType: 'CONSUMED', InstanceId: QUERY.instanceId },
            { ConsumerGroup: 'GID_b', TrackType: 'NOT_ONLINE', ExceptionDesc: 'offline', InstanceId: '' },
          ],
        },
      });

      // Act
      const result = await fetchMessageTrace(caller, QUERY, { deadline: createDeadline(1000, () => 0) });

      // Assert
      expect(calls).toEqual([
        { action: 'OnsMessageTrace', params: { InstanceId: QUERY.instanceId, Topic: 'TopicA', MsgId: QUERY.msgId }, schema: MessageTraceResponseSchema },
      ]);
      expect(result).toEqual({
        requestId: 'UP-1',
        tracks: [
          { consumerGroup: 'GID_a', trackType: 'CONSUMED', instanceId: QUERY.instanceId },
          { consumerGroup: 'GID_b', trackType: 'NOT_ONLINE', exceptionDesc: 'offline' },
        ],
      });
    });

    it('answers no tracks when Data is missing', async () => {
      // Arrange
      const { caller } = buildFakeCaller({ RequestId: 'UP-2' });

      // Act
      const result = await fetchMessageTrace(caller, QUERY, { deadline: createDeadline(1000, () => 0) });

      // Assert
      expect(result).toEqual({ requestId: 'UP-2', tracks: [] });
    });
  });

  describe('Given a call context', () => {
    it('hands it to the caller as is: its deadline, trail and call timeout', async () => {
      // Arrange
      const { caller, contexts } = buildFakeCaller({ RequestId: 'UP-3' });
      const trail: UpstreamAttempt[] = [];
      const ctx = { deadline: createDeadline(1000, () => 0), trail, callTimeoutMs: 700 };

      // Act
      await fetchMessageTrace(caller, QUERY, ctx);

      // Assert
      expect(contexts).toHaveLength(1);
      expect(contexts[0]).toBe(ctx);
    });
  });

  describe('Given the caller rejects', () => {
    it('passes the error through', async () => {
      // Arrange
      const { caller } = buildFakeCaller(new UpstreamError('OnsMessageTrace failed: X'));

      // Act
      const lookup = fetchMessageTrace(caller, QUERY, { deadline: createDeadline(1000, () => 0) });

      // Assert
      await expect(lookup).rejects.toThrow(UpstreamError);
    });
  });
});
