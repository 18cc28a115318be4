import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../../shared/access/access-control';
import { createAccountScope } from '../../../../shared/account-scope';
import { createBrokerDirectory } from '../../../../shared/brokers/registry';
import type { Credentials } from '../../../../shared/credentials';
import { createDeadline } from '../../../../shared/deadline';
import { NotFoundError, UpstreamTimeoutError } from '../../../../shared/errors';
import { createRequestLog } from '../../../../shared/request-log';
import type { Broker, ConsumptionAnswer, MessageRef } from '../../../../shared/trace/broker-port';
import { createLookupService, type LookupOptions } from '../../../../shared/trace/lookup-service';
import { TraceReportSchema } from '../../../../shared/trace/report-schema';
import { createMemoryVerdictCache } from '../../../../shared/trace/verdict-cache';
import { buildAccessControl } from '../../../builders/build-access';
import { buildFakeClock } from '../../../builders/fake-clock';

const NOW = Date.parse('2019-10-20T00:00:00.000Z');
const V4 = 'MQ_INST_1234567890123456_BXhFHryi';
const MSG = '1E05791C117818B4AAC23B1BB0CE0001';
const OTHER_MSG = '1E05791C117818B4AAC23B1BB0CE0002';
const CREDS: Credentials = { accessKeyId: 'STS.instance-one', accessKeySecret: 'SK' };
const everything: Caller = { channel: 'http', id: 'tester', scope: { instances: ['*'], topics: ['*'] }, defaultInstance: undefined };

const answer = (trackType: string, requestId: string): ConsumptionAnswer => ({
  requestId,
  groups: [{ consumerGroup: 'GID_a', trackType, meaning: 'm', advice: 'a' }],
  caveats: ['OFFSET_BASED'],
});

/**
 * A lookup service over one fake 4.x broker whose consumption answers come from `next` (called per
 * upstream call) and whose diagnostics refuse, with a memory verdict cache of `ttlMs`.
 */
function harness(options: { next?: () => Promise<ConsumptionAnswer>; ttlMs?: number } = {}) {
  const clock = buildFakeClock({ startMs: NOW });
  const calls: Array<{ action: string; ref: unknown }> = [];
  let n = 0;
  const next = options.next ?? (async () => answer('CONSUMED', `UP-${++n}`));
  const refuse = (action: string) => async (ref: unknown) => {
    calls.push({ action, ref });
    throw new NotFoundError(`${action} is not scripted`, { upstream: { action, code: 'NOT_SCRIPTED' } });
  };
  const broker = {
    kind: 'ons-4x',
    budget: { explainCostMs: (groups: number, callMs: number) => 1000 * groups + callMs, pageCallsPerRun: 10, pageLimits: { maxPage: 5, minPageSize: 5, maxPageSize: 50 } },
    async consumption(ref: MessageRef, ctx: { trail?: unknown[] }) {
      calls.push({ action: 'consumption', ref });
      clock.advance(40);
      const answered = await next();
      ctx.trail?.push({ action: 'consumption', attempt: 1, outcome: 'OK', requestId: answered.requestId, latencyMs: 40 });
      return answered;
    },
    messageDetail: refuse('messageDetail'),
    consumerAccumulate: refuse('consumerAccumulate'),
    consumerConnections: refuse('consumerConnections'),
    consumerStatus: refuse('consumerStatus'),
    dlqMessage: refuse('dlqMessage'),
    pageByTopic: refuse('pageByTopic'),
  } as unknown as Broker;
  const cache = createMemoryVerdictCache({ maxEntries: 100, now: clock.now });
  const service = createLookupService({
    brokers: createBrokerDirectory([{ kind: 'ons-4x', load: () => () => broker }]),
    access: buildAccessControl(),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    producerUtcOffsetMinutes: 480,
    verdictCache: cache,
    verdictCacheTtlMs: options.ttlMs ?? 60_000,
    accountScope: createAccountScope('1234567890123456'),
  });
  const lookup = (overrides: Partial<LookupOptions> = {}, msgId = MSG, requestId = 'req') => {
    const log = createRequestLog(requestId);
    return service
      .lookup(everything, { instance: V4, topic: 'TopicA', msgId }, { credentials: CREDS, log, deadline: createDeadline(8000, clock.now), ...overrides })
      .then((outcome) => ({ outcome, log, report: outcome.kind === 'answered' ? outcome.report : undefined }));
  };
  return { lookup, calls, clock, cache, consumptions: () => calls.filter((c) => c.action === 'consumption').length };
}

describe('Function: createLookupService, with a verdict cache', () => {
  describe('Given a CONSUMED answer', () => {
    it('answers the next 19 identical lookups from the cache: 1 upstream call for 20', async () => {
      // Arrange
      const h = harness();

      // Act
      const results = [];
      for (let i = 0; i < 20; i++) results.push(await h.lookup({}, MSG, `req-${i}`));

      // Assert
      expect(h.consumptions()).toBe(1);
      expect(results.map((r) => r.report?.verdict)).toEqual(Array(20).fill('CONSUMED'));
      expect(results[0]?.report).not.toHaveProperty('cached');
      expect(results[19]?.report).toMatchObject({ requestId: 'req-19', upstreamRequestId: 'UP-1', cached: { at: '2019-10-20T00:00:00.040Z', ageMs: 0 } });
      expect(TraceReportSchema.parse(results[19]?.report)).toEqual(results[19]?.report);
    });

    it('says how old the cached answer is, and asks the broker again once the TTL has passed', async () => {
      // Arrange
      const h = harness({ ttlMs: 60_000 });
      await h.lookup();

      // Act
      h.clock.advance(30_000);
      const young = await h.lookup();
      h.clock.advance(30_000);
      const expired = await h.lookup();

      // Assert
      expect(young.report?.cached?.ageMs).toBe(30_000);
      expect(expired.report).not.toHaveProperty('cached');
      expect(h.consumptions()).toBe(2);
    });

    it('audits a hit as answered and cached, with no upstream request, and marks the log line', async () => {
      // Arrange
      const h = harness();
      await h.lookup();

      // Act
      const hit = await h.lookup();

      // Assert
      expect(hit.log.audits).toEqual([
        { caller: { channel: 'http', id: 'tester' }, instanceId: V4, topic: 'TopicA', msgId: MSG, outcome: 'answered', verdict: 'CONSUMED', cached: true, upstreamRequestIds: [] },
      ]);
      expect(hit.log.fields.cache).toBe('hit');
      expect(hit.log.trail).toEqual([]);
    });

    it('asks the broker anyway with fresh, and keeps the fresh answer for the next lookup', async () => {
      // Arrange
      const h = harness();
      await h.lookup();

      // Act
      h.clock.advance(5000);
      const fresh = await h.lookup({ fresh: true });
      h.clock.advance(1000);
      const next = await h.lookup();

      // Assert
      expect(h.consumptions()).toBe(2);
      expect(fresh.report).toMatchObject({ upstreamRequestId: 'UP-2' });
      expect(fresh.report).not.toHaveProperty('cached');
      expect(fresh.log.fields.cache).toBe('refreshed');
      expect(next.report).toMatchObject({ upstreamRequestId: 'UP-2', cached: { ageMs: 1000 } });
    });

    it('keeps explained and unexplained answers, and waited ones, apart', async () => {
      // Arrange
      const h = harness();
      await h.lookup();

      // Act
      const explained = await h.lookup({ explain: true });
      const explainedAgain = await h.lookup({ explain: true });
      const waited = await h.lookup({ waitWindowMs: 5000 });
      const plain = await h.lookup();

      // Assert: one consumption each for plain, explained and waited
      expect(h.consumptions()).toBe(3);
      expect(explained.report?.diagnosis).toBeDefined();
      expect(explainedAgain.report).toMatchObject({ cached: { ageMs: 0 }, diagnosis: explained.report?.diagnosis });
      expect(waited.report?.wait).toMatchObject({ outcome: 'CONSUMED' });
      expect(plain.report).not.toHaveProperty('diagnosis');
      expect(plain.report?.cached).toBeDefined();
    });

    it('asks a channel’s explain policy about the cached answer, and serves it when the policy skips', async () => {
      // Arrange
      const h = harness();
      await h.lookup();
      const asked: unknown[] = [];

      // Act
      const hit = await h.lookup({
        explain: (report, plan) => {
          asked.push({ verdict: report.verdict, unconsumedGroups: plan.unconsumedGroups });
          return 'skip';
        },
      });
      const wantsWhy = await h.lookup({ explain: () => 'explain' });

      // Assert: the policy that wants an explanation finds none cached, so the broker is asked
      expect(asked).toEqual([{ verdict: 'CONSUMED', unconsumedGroups: 0 }]);
      expect(hit.report?.cached).toBeDefined();
      expect(wantsWhy.report).not.toHaveProperty('cached');
      expect(wantsWhy.report?.diagnosis).toBeDefined();
      expect(h.consumptions()).toBe(2);
    });
  });

  describe('Given an answer that is not final', () => {
    it.each(['NOT_CONSUME_YET', 'NOT_ONLINE', 'UNKNOWN', 'CONSUMED_BUT_FILTERED'])('never caches %s', async (trackType) => {
      // Arrange
      let n = 0;
      const h = harness({ next: async () => answer(trackType, `UP-${++n}`) });

      // Act
      await h.lookup();
      const second = await h.lookup();

      // Assert
      expect(h.consumptions()).toBe(2);
      expect(second.report).not.toHaveProperty('cached');
    });
  });

  describe('Given a TTL of 0', () => {
    it('turns the cache off', async () => {
      // Arrange
      const h = harness({ ttlMs: 0 });

      // Act
      await h.lookup();
      await h.lookup();

      // Assert
      expect(h.consumptions()).toBe(2);
      expect(h.cache.size()).toBe(0);
    });
  });
});

describe('Function: createLookupService, identical lookups in flight', () => {
  it('shares one upstream call among identical lookups in flight at once, and not among different messages', async () => {
    // Arrange: the broker answers only when the test says so
    const pendingAnswers: Array<() => void> = [];
    let n = 0;
    const h = harness({
      ttlMs: 0,
      next: () =>
        new Promise<ConsumptionAnswer>((resolve) => {
          const id = `UP-${++n}`;
          pendingAnswers.push(() => resolve(answer('NOT_CONSUME_YET', id)));
        }),
    });

    // Act
    const same = [h.lookup(), h.lookup(), h.lookup()];
    const other = h.lookup({}, OTHER_MSG);
    await new Promise((resolve) => setImmediate(resolve));
    for (const release of pendingAnswers) release();
    const results = await Promise.all([...same, other]);

    // Assert
    expect(h.consumptions()).toBe(2);
    expect(results.map((r) => r.report?.upstreamRequestId)).toEqual(['UP-1', 'UP-1', 'UP-1', 'UP-2']);
    // A later lookup is not in flight with them any more: it asks again.
    const later = h.lookup();
    await new Promise((resolve) => setImmediate(resolve));
    pendingAnswers.at(-1)?.();
    expect((await later).report?.upstreamRequestId).toBe('UP-3');
  });

  it('stops waiting for another lookup’s call when its own deadline passes', async () => {
    // Arrange: a first lookup with a long deadline whose call never answers
    const h = harness({ ttlMs: 0, next: () => new Promise<ConsumptionAnswer>(() => undefined) });
    void h.lookup({ deadline: createDeadline(60_000) });
    await new Promise((resolve) => setImmediate(resolve));

    // Act
    const joined = await h.lookup({ deadline: createDeadline(30) }).catch((error: unknown) => error);

    // Assert
    expect(joined).toBeInstanceOf(UpstreamTimeoutError);
    expect(h.consumptions()).toBe(1);
  });
});
