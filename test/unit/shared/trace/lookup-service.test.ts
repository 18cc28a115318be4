import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../../shared/access/access-control';
import { createBrokerDirectory } from '../../../../shared/brokers/registry';
import type { Credentials } from '../../../../shared/credentials';
import { createDeadline } from '../../../../shared/deadline';
import { ForbiddenError, InvalidInputError, NotFoundError, UpstreamTimeoutError, type AppError } from '../../../../shared/errors';
import { createRequestLog } from '../../../../shared/request-log';
import type { Broker, BrokerKind, ConsumptionAnswer, MessageRef } from '../../../../shared/trace/broker-port';
import { createLookupService, type LookupOptions } from '../../../../shared/trace/lookup-service';
import { TraceReportSchema } from '../../../../shared/trace/report-schema';
import { buildAccessControl } from '../../../builders/build-access';
import { buildFakeClock } from '../../../builders/fake-clock';

const NOW = Date.parse('2019-10-20T00:00:00.000Z');
const V4 = 'MQ_INST_1234567890123456_BXhFHryi';
const V5 = 'rmq-cn-demo5x0001';
const MSG_4X = '1E05791C117818B4AAC23B1BB0CE0001';
const CREDS: Credentials = { accessKeyId: 'AK', accessKeySecret: 'SK' };
const everything = (id = 'tester'): Caller => ({ channel: 'http', id, scope: { instances: ['*'], topics: ['*'] }, defaultInstance: undefined });

interface FakeBroker {
  broker: Broker;
  calls: Array<{ action: string; ref: unknown; credentials: Credentials }>;
}

/** A broker of `kind` that answers `consumption` from `answers` (one per call, the last repeating), recording a trail attempt each time. */
function buildFakeBroker(kind: BrokerKind, credentials: Credentials, answers: Array<ConsumptionAnswer | AppError>, calls: FakeBroker['calls'], clock?: { advance(ms: number): void }): Broker {
  let n = 0;
  const refuse = (action: string) => async (ref: unknown) => {
    calls.push({ action, ref, credentials });
    throw new NotFoundError(`${action} is not scripted`, { upstream: { action, code: 'NOT_SCRIPTED', requestId: `REQ-${action}` } });
  };
  return {
    kind,
    budget: { explainCostMs: (groups, callMs) => 1000 * groups + callMs, pageCallsPerRun: 10, pageLimits: { maxPage: 5, minPageSize: 5, maxPageSize: 50 } },
    async consumption(ref: MessageRef, ctx) {
      calls.push({ action: 'consumption', ref, credentials });
      clock?.advance(40);
      const answer = answers[Math.min(n++, answers.length - 1)] as ConsumptionAnswer | AppError;
      if (answer instanceof Error) {
        ctx.trail?.push({ action: 'consumption', attempt: 1, outcome: 'FAILED', latencyMs: 40, ...(answer.upstream?.requestId ? { requestId: answer.upstream.requestId } : {}) });
        throw answer;
      }
      ctx.trail?.push({ action: 'consumption', attempt: 1, outcome: 'OK', requestId: answer.requestId, latencyMs: 40 });
      return answer;
    },
    messageDetail: refuse('messageDetail'),
    consumerAccumulate: refuse('consumerAccumulate'),
    consumerConnections: refuse('consumerConnections'),
    consumerStatus: refuse('consumerStatus'),
    dlqMessage: refuse('dlqMessage'),
    pageByTopic: refuse('pageByTopic'),
    findByKey: refuse('findByKey'),
    journey: refuse('journey'),
  } as Broker;
}

const consumed = (requestId = 'UP-1'): ConsumptionAnswer => ({
  requestId,
  groups: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED', meaning: 'm', advice: 'a' }],
  caveats: ['OFFSET_BASED', 'CONSUMED_IS_NOT_SUCCESS'],
});
const pending = (requestId = 'UP-P'): ConsumptionAnswer => ({
  requestId,
  groups: [{ consumerGroup: 'GID_a', trackType: 'NOT_CONSUME_YET', meaning: 'm', advice: 'a' }],
  caveats: ['OFFSET_BASED'],
});

function harness(options: { v4?: Array<ConsumptionAnswer | AppError>; v5?: Array<ConsumptionAnswer | AppError>; access?: Parameters<typeof buildAccessControl>[0] } = {}) {
  const clock = buildFakeClock({ startMs: NOW });
  const calls: FakeBroker['calls'] = [];
  const loads: BrokerKind[] = [];
  const brokers = createBrokerDirectory([
    {
      kind: 'ons-4x',
      load: () => {
        loads.push('ons-4x');
        return (credentials) => buildFakeBroker('ons-4x', credentials, options.v4 ?? [consumed()], calls, clock);
      },
    },
    {
      kind: 'rocketmq-5x',
      load: async () => {
        loads.push('rocketmq-5x');
        return (credentials) => buildFakeBroker('rocketmq-5x', credentials, options.v5 ?? [consumed('UP-5')], calls, clock);
      },
    },
  ]);
  const service = createLookupService({
    brokers,
    access: buildAccessControl(options.access),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    producerUtcOffsetMinutes: 480,
  });
  const log = createRequestLog('req-1');
  const opts = (overrides: Partial<LookupOptions> = {}): LookupOptions => ({ credentials: CREDS, log, deadline: createDeadline(8000, clock.now), ...overrides });
  return { service, calls, loads, log, opts, clock };
}

describe('Function: createLookupService', () => {
  describe('Given a 4.x instance whose broker answers', () => {
    it('builds a full report that satisfies the report schema, and audits it as answered', async () => {
      const h = harness({
        v4: [
          {
            requestId: 'UP-REQ-1',
            groups: [
              { consumerGroup: 'GID_a', trackType: 'CONSUMED', meaning: 'm', advice: 'a' },
              { consumerGroup: 'GID_b', trackType: 'NOT_ONLINE', meaning: 'offline', advice: 'Start the group', exceptionDesc: 'no consumer online' },
            ],
            caveats: ['OFFSET_BASED', 'CONSUMED_IS_NOT_SUCCESS'],
          },
        ],
      });
      const outcome = await h.service.lookup(everything(), { instance: V4, topic: 'TopicA', msgId: MSG_4X }, h.opts());
      expect(outcome.kind).toBe('answered');
      const report = outcome.kind === 'answered' ? outcome.report : undefined;
      expect(TraceReportSchema.parse(report)).toEqual(report);
      expect(report).toMatchObject({
        requestId: 'req-1',
        broker: 'ons-4x',
        checkedAt: '2019-10-20T00:00:00.040Z',
        instanceId: V4,
        verdict: 'PARTIALLY_CONSUMED',
        upstreamRequestId: 'UP-REQ-1',
        messageId: { kind: 'CLIENT_ID_4X', producerIp: '30.5.121.28' },
      });
      expect(report?.groups[0]).not.toHaveProperty('exceptionDesc');
      expect(report?.caveats.map((c) => c.code)).toEqual(['OFFSET_BASED', 'CONSUMED_IS_NOT_SUCCESS']);
      expect(h.log.audits).toEqual([
        { caller: { channel: 'http', id: 'tester' }, instanceId: V4, topic: 'TopicA', msgId: MSG_4X, outcome: 'answered', verdict: 'PARTIALLY_CONSUMED', upstreamRequestIds: ['UP-REQ-1'] },
      ]);
      expect(h.log.trail).toHaveLength(1);
      expect(h.calls[0]?.credentials).toBe(CREDS);
    });
  });

  describe('Given instances of both brokers', () => {
    it('picks the broker by the instance ID and loads each broker only when asked', async () => {
      const h = harness();
      await h.service.lookup(everything(), { instance: V4, topic: 't', msgId: MSG_4X }, h.opts());
      expect(h.loads).toEqual(['ons-4x']);
      const outcome = await h.service.lookup(everything(), { instance: V5, topic: 't', msgId: MSG_4X }, h.opts());
      expect(outcome.kind === 'answered' && outcome.report.broker).toBe('rocketmq-5x');
      expect(h.loads).toEqual(['ons-4x', 'rocketmq-5x']);
      await h.service.lookup(everything(), { instance: V5, topic: 't', msgId: MSG_4X }, h.opts());
      expect(h.loads).toEqual(['ons-4x', 'rocketmq-5x']);
    });

    it('passes a 5.x status word and its caveats through', async () => {
      const h = harness({
        v5: [{ requestId: 'UP-5', groups: [{ consumerGroup: 'GID_x', trackType: 'UNKNOWN', upstreamStatus: 'WEIRD', meaning: 'm', advice: 'a' }], caveats: ['TRACE_BASED', 'UNRECOGNISED_STATUS'] }],
      });
      const outcome = await h.service.lookup(everything(), { instance: V5, topic: 't', msgId: MSG_4X }, h.opts());
      const report = outcome.kind === 'answered' ? outcome.report : undefined;
      expect(report?.groups[0]).toMatchObject({ trackType: 'UNKNOWN', upstreamStatus: 'WEIRD' });
      expect(report?.verdict).toBe('UNKNOWN');
      expect(report?.caveats.map((c) => c.code)).toEqual(['TRACE_BASED', 'UNRECOGNISED_STATUS']);
    });
  });

  describe('Given how the instance is named', () => {
    it('resolves an alias and the default instance', () => {
      const h = harness({ access: { defaultInstance: V4, overrides: { aliases: { five: V5 } } } });
      expect(h.service.resolve(everything(), { instance: 'five', topic: 't', msgId: 'm' }).instanceId).toBe(V5);
      expect(h.service.resolve(everything(), { topic: 't', msgId: 'm' }).instanceId).toBe(V4);
      expect(h.service.resolve(everything(), { instance: '  ', topic: 't', msgId: 'm' }).instanceId).toBe(V4);
    });

    it('says the instance is required when there is no default, before any call', async () => {
      const h = harness();
      await expect(h.service.lookup(everything(), { topic: 't', msgId: MSG_4X }, h.opts())).rejects.toMatchObject({
        issues: [{ path: 'instanceId', message: 'is required: no default instance is configured for this caller' }],
      });
      expect(h.calls).toEqual([]);
      expect(h.log.audits).toEqual([]);
    });

    it('gives one message for a name that is neither an ID nor an alias, listing the known aliases', async () => {
      const h = harness({ access: { overrides: { aliases: { prod: V4 } } } });
      const lookup = h.service.lookup(everything(), { instance: 'staging', topic: 't', msgId: MSG_4X }, h.opts());
      await expect(lookup).rejects.toBeInstanceOf(InvalidInputError);
      await expect(lookup).rejects.toMatchObject({
        issues: [{ path: 'instanceId', message: expect.stringMatching(/^"staging" is neither an instance ID \(4\.x like MQ_INST_.*, 5\.x like rmq-.*\) nor a configured alias\. Known aliases: prod\.$/) }],
      });
      expect(h.calls).toEqual([]);
    });
  });

  describe('Given a caller whose scope does not cover the message', () => {
    it('refuses before any upstream call and audits the refusal', async () => {
      const h = harness();
      const narrow: Caller = { ...everything('narrow'), scope: { instances: [V4], topics: ['orders'] } };
      await expect(h.service.lookup(narrow, { instance: V4, topic: 'payments', msgId: MSG_4X }, h.opts())).rejects.toBeInstanceOf(ForbiddenError);
      expect(h.calls).toEqual([]);
      expect(h.loads).toEqual([]);
      expect(h.log.audits).toEqual([
        { caller: { channel: 'http', id: 'narrow' }, instanceId: V4, topic: 'payments', msgId: MSG_4X, outcome: 'refused', reason: 'out_of_scope', upstreamRequestIds: [] },
      ]);
    });
  });

  describe('Given the broker rejects', () => {
    it('passes the typed error through and audits it as failed with the upstream request id', async () => {
      const h = harness({ v4: [new NotFoundError('no such message', { upstream: { code: 'BIZ_NO_MESSAGE', requestId: 'UP-404' } })] });
      await expect(h.service.lookup(everything(), { instance: V4, topic: 't', msgId: MSG_4X }, h.opts())).rejects.toBeInstanceOf(NotFoundError);
      expect(h.log.audits).toEqual([
        { caller: { channel: 'http', id: 'tester' }, instanceId: V4, topic: 't', msgId: MSG_4X, outcome: 'failed', errorCode: 'NOT_FOUND', upstreamRequestIds: ['UP-404'] },
      ]);
    });

    it('hands off instead when the deferral policy takes the error, writing no audit entry', async () => {
      const h = harness({ v4: [new UpstreamTimeoutError('slow')] });
      const outcome = await h.service.lookup(everything(), { instance: V4, topic: 't', msgId: MSG_4X }, h.opts({ deferral: { onError: (e) => e.code } }));
      expect(outcome).toMatchObject({ kind: 'deferred', because: 'UPSTREAM_TIMEOUT', target: { instanceId: V4 } });
      expect(h.log.audits).toEqual([]);
    });
  });

  it('defers before any upstream call when the policy says so, after the scope check', async () => {
    const h = harness();
    const outcome = await h.service.lookup(everything(), { instance: V4, topic: 't', msgId: MSG_4X }, h.opts({ deferral: { beforeLookup: () => 'UPSTREAM_SLOW' } }));
    expect(outcome).toEqual({ kind: 'deferred', because: 'UPSTREAM_SLOW', target: { instanceId: V4, topic: 't', msgId: MSG_4X } });
    expect(h.calls).toEqual([]);
  });

  describe('Given a wait', () => {
    it('polls until CONSUMED and reports the wait', async () => {
      const h = harness({ v4: [pending(), pending(), consumed('UP-C')] });
      const outcome = await h.service.lookup(everything(), { instance: V4, topic: 't', msgId: MSG_4X }, h.opts({ waitWindowMs: 10_000 }));
      const report = outcome.kind === 'answered' ? outcome.report : undefined;
      expect(report).toMatchObject({ verdict: 'CONSUMED', upstreamRequestId: 'UP-C', wait: { outcome: 'CONSUMED', polls: 3 } });
      expect(h.log.audits).toHaveLength(1);
    });
  });

  describe('Given an explain policy', () => {
    it('explains with true, listing every refused check as skipped, and logs the findings', async () => {
      const h = harness({ v4: [pending()] });
      const outcome = await h.service.lookup(everything(), { instance: V4, topic: 't', msgId: MSG_4X }, h.opts({ explain: true }));
      const report = outcome.kind === 'answered' ? outcome.report : undefined;
      expect(report?.diagnosis?.skippedChecks.map((c) => c.check)).toEqual(['MESSAGE_DETAIL', 'CONSUMER_ACCUMULATE', 'CONSUMER_CONNECTIONS', 'DLQ', 'CONSUMER_STATUS']);
      expect(h.log.fields).toMatchObject({ findings: [], skippedChecks: expect.arrayContaining(['MESSAGE_DETAIL:NOT_FOUND']) });
    });

    it("hands the policy the broker's estimate and the time left, and defers with the report when it says so", async () => {
      const h = harness({ v4: [pending()] });
      const seen: unknown[] = [];
      const outcome = await h.service.lookup(everything(), { instance: V4, topic: 't', msgId: MSG_4X }, h.opts({
        explain: (report, plan) => {
          seen.push({ verdict: report.verdict, ...plan });
          return 'defer';
        },
      }));
      expect(seen).toEqual([{ verdict: 'NOT_CONSUMED', unconsumedGroups: 1, estimateMs: 1040, remainingMs: 7960 }]);
      expect(outcome).toMatchObject({ kind: 'deferred', because: 'EXPLAIN_BUDGET', report: { verdict: 'NOT_CONSUMED' } });
      expect(h.calls.map((c) => c.action)).toEqual(['consumption']);
      expect(h.log.audits).toEqual([]);
    });
  });
});

describe('Function: answeredReport', () => {
  it('gives the report of an answered lookup and refuses a deferred one as an internal error', async () => {
    const { answeredReport } = await import('../../../../shared/trace/lookup-service');
    const h = harness();
    const outcome = await h.service.lookup(everything(), { instance: V4, topic: 't', msgId: MSG_4X }, h.opts());
    expect(answeredReport(outcome).verdict).toBe('CONSUMED');
    expect(() => answeredReport({ kind: 'deferred', target: { instanceId: V4, topic: 't', msgId: MSG_4X }, because: 'UPSTREAM_SLOW' })).toThrow(
      expect.objectContaining({ code: 'INTERNAL' }),
    );
  });
});
