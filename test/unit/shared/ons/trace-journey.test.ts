import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { PermissionDeniedError, UpstreamError, UpstreamTimeoutError } from '../../../../shared/errors';
import { fetchOnsJourney, POLL_BACKOFF, traceTaskKey, TRACE_TASK_REUSE_MS } from '../../../../shared/ons/trace-journey';
import { createMemoryTraceQueryStore, type TraceQueryStore } from '../../../../shared/trace-query-store';
import type { StoredMessage } from '../../../../shared/trace/diagnostics-port';
import { buildFakeClock } from '../../../builders/fake-clock';
import { buildFakeOnsCaller, type ScriptedAnswer } from '../../../builders/build-fake-ons-caller';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const MESSAGE = { instanceId: 'MQ_INST_1234567890123456_BXdemo01', topic: 'orders', msgId: '0A000C2435F118B4AAC2452C3D770103' };
const WINDOW = { beginMs: NOW - 86_400_000, endMs: NOW };
const PUB = NOW - 3_600_000;

/** A finished TraceData with one send and the given groups' attempts. */
function traceData(status: string, groups: Record<string, Array<{ at: number; status: string; reconsume?: number; host?: string }>> = {}) {
  return {
    RequestId: `R-${status}`,
    TraceData: {
      QueryId: 'Q1',
      Status: status,
      TraceList: {
        TraceMapDo:
          status === 'finish' && Object.keys(groups).length > 0
            ? [
                {
                  MsgId: '0A000C2400002A9F0000000000001234',
                  Topic: 'orders',
                  PubGroupName: 'GID_orders',
                  PubTime: PUB,
                  BornHost: '10.0.12.36',
                  CostTime: 6,
                  Status: 'SEND_SUCCESS',
                  SubList: {
                    SubMapDo: Object.entries(groups).map(([name, attempts]) => ({
                      SubGroupName: name,
                      SuccessCount: 0,
                      FailCount: 0,
                      ClientList: {
                        SubClientInfoDo: attempts.map((a) => ({
                          SubGroupName: name,
                          ClientHost: a.host ?? '10.0.3.21',
                          SubTime: a.at,
                          CostTime: 20,
                          ReconsumeTimes: a.reconsume ?? 0,
                          Status: a.status,
                        })),
                      },
                    })),
                  },
                },
              ]
            : [],
      },
    },
  };
}

const stored = (over: Partial<StoredMessage> = {}): StoredMessage => ({
  msgId: MESSAGE.msgId,
  topic: 'orders',
  tag: 'order-paid',
  keys: [],
  bornAt: PUB,
  bornHost: '10.0.12.36:50001',
  storedAt: PUB + 3,
  storeHost: '10.0.8.15:10911',
  reconsumeTimes: 0,
  ...over,
});

function harness(options: {
  results: ScriptedAnswer[];
  store?: TraceQueryStore;
  deadlineMs?: number;
  detail?: () => Promise<StoredMessage>;
  dlq?: (group: string) => Promise<StoredMessage | undefined>;
}) {
  const clock = buildFakeClock({ startMs: NOW });
  let n = 0;
  let tasks = 0;
  const fake = buildFakeOnsCaller({
    OnsTraceQueryByMsgId: () => ({ RequestId: 'R-Q', QueryId: `Q${++tasks}` }),
    OnsTraceGetResult: () => options.results[Math.min(n++, options.results.length - 1)],
  });
  const dlqAsked: string[] = [];
  const deps = {
    caller: fake.caller,
    diagnostics: {
      messageDetail: options.detail ?? (async () => stored()),
      dlqMessage: async (q: { groupId: string }) => {
        dlqAsked.push(q.groupId);
        return (options.dlq ?? (async () => undefined))(q.groupId);
      },
    },
    ...(options.store ? { store: options.store } : {}),
    now: clock.now,
    sleep: clock.sleep,
  };
  const run = () => fetchOnsJourney(deps, MESSAGE, { deadline: createDeadline(options.deadlineMs ?? 8000, clock.now), trail: [] }, WINDOW);
  return { run, clock, fake, dlqAsked, actions: () => fake.calls.map((c) => c.action) };
}

describe('Function: fetchOnsJourney', () => {
  describe('Given a new message', () => {
    it('creates a task for the window, polls with backoff until finish, and maps the send, the store and each attempt', async () => {
      // Arrange
      const store = createMemoryTraceQueryStore({ maxEntries: 10, now: () => NOW });
      const h = harness({
        store,
        results: [
          traceData('working'),
          traceData('working'),
          traceData('finish', {
            GID_billing: [
              { at: PUB + 10_100, status: 'CONSUME_SUCCESS', reconsume: 1, host: '10.0.3.22' },
              { at: PUB + 100, status: 'CONSUME_FAILED', reconsume: 0 },
            ],
            GID_shipping: [{ at: PUB + 120, status: 'CONSUME_SUCCESS' }],
          }),
        ],
      });

      // Act
      const journey = await h.run();

      // Assert
      // The window starts a minute before the stored born time, not at the estimate it was given.
      expect(h.fake.calls[0]).toEqual({
        action: 'OnsTraceQueryByMsgId',
        params: { ...{ InstanceId: MESSAGE.instanceId, Topic: 'orders', MsgId: MESSAGE.msgId }, BeginTime: String(PUB - 60_000), EndTime: String(WINDOW.endMs) },
      });
      expect(h.fake.calls.filter((c) => c.action === 'OnsTraceGetResult').map((c) => c.params.QueryId)).toEqual(['Q1', 'Q1', 'Q1']);
      expect(h.clock.sleeps).toEqual([POLL_BACKOFF.firstMs, POLL_BACKOFF.firstMs * 2, POLL_BACKOFF.firstMs * 4]);
      expect(journey.status).toBe('complete');
      expect(journey.send).toEqual({
        producerHost: '10.0.12.36',
        producerGroup: 'GID_orders',
        atMs: PUB,
        durationMs: 6,
        status: 'SEND_SUCCESS',
        statusText: expect.stringContaining('stored'),
        accepted: true,
      });
      expect(journey.store).toEqual({ atMs: PUB + 3, broker: '10.0.8.15:10911' });
      const billing = journey.groups.find((g) => g.consumerGroup === 'GID_billing');
      expect(billing?.attempts.map((a) => [a.atMs, a.status, a.outcome, a.reconsumeTimes, a.clientHost])).toEqual([
        [PUB + 100, 'CONSUME_FAILED', 'FAILED', 0, '10.0.3.21'],
        [PUB + 10_100, 'CONSUME_SUCCESS', 'SUCCEEDED', 1, '10.0.3.22'],
      ]);
      expect(journey.traceTask).toEqual({ createdAtMs: NOW, reused: false });
      expect(await store.get(traceTaskKey(MESSAGE))).toEqual({ queryId: 'Q1', createdAtMs: NOW });
      // Every group's last attempt succeeded: no dead-letter check.
      expect(h.dlqAsked).toEqual([]);
    });

    it('keeps the task for the reuse time, so that a second look polls it at once and creates none', async () => {
      // Arrange
      let clockMs = NOW;
      const store = createMemoryTraceQueryStore({ maxEntries: 10, now: () => clockMs });
      const finished = traceData('finish', { GID_billing: [{ at: PUB + 100, status: 'CONSUME_SUCCESS' }] });
      const first = harness({ store, results: [finished] });
      await first.run();
      clockMs = NOW + TRACE_TASK_REUSE_MS - 1;
      const second = harness({ store, results: [finished] });

      // Act
      const journey = await second.run();

      // Assert
      expect(second.actions().filter((a) => a !== 'OnsTraceGetResult')).toEqual([]);
      expect(second.clock.sleeps).toEqual([]);
      expect(journey.traceTask).toEqual({ createdAtMs: NOW, reused: true });
      clockMs = NOW + TRACE_TASK_REUSE_MS;
      expect(await store.get(traceTaskKey(MESSAGE))).toBeUndefined();
    });
  });

  describe('Given a task still working when the time runs out', () => {
    it('answers partial with what it has, and leaves the task for the next look', async () => {
      // Arrange
      const store = createMemoryTraceQueryStore({ maxEntries: 10, now: () => NOW });
      const h = harness({ store, results: [traceData('working')], deadlineMs: 1200 });

      // Act
      const journey = await h.run();

      // Assert
      expect(journey.status).toBe('partial');
      expect(journey.partial?.reason).toBe('TASK_WORKING_AT_DEADLINE');
      expect(journey.partial?.detail).toMatch(/no new one is created/);
      // It never sleeps past what the deadline leaves for one more poll.
      expect(h.clock.now() - NOW).toBeLessThanOrEqual(1200);
      expect(await store.get(traceTaskKey(MESSAGE))).toMatchObject({ queryId: 'Q1' });
    });
  });

  describe('Given a removed task', () => {
    it('creates a new one once and polls that', async () => {
      // Arrange
      const store = createMemoryTraceQueryStore({ maxEntries: 10, now: () => NOW });
      await store.put(traceTaskKey(MESSAGE), { queryId: 'OLD', createdAtMs: NOW - 60_000 }, 600_000);
      const h = harness({ store, results: [traceData('removed'), traceData('finish', { GID_billing: [{ at: PUB + 100, status: 'CONSUME_SUCCESS' }] })] });

      // Act
      const journey = await h.run();

      // Assert
      expect(h.fake.calls.map((c) => [c.action, c.params.QueryId])).toEqual([
        ['OnsTraceGetResult', 'OLD'],
        ['OnsTraceQueryByMsgId', undefined],
        ['OnsTraceGetResult', 'Q1'],
      ]);
      expect(journey.traceTask).toEqual({ createdAtMs: NOW, reused: false });
      expect((await store.get(traceTaskKey(MESSAGE)))?.queryId).toBe('Q1');
    });

    it('fails the trace query when the new task is removed too', async () => {
      const h = harness({ results: [traceData('removed')] });
      await expect(h.run()).rejects.toThrow(UpstreamError);
      expect(h.actions().filter((a) => a === 'OnsTraceQueryByMsgId')).toHaveLength(2);
    });
  });

  describe('Given a finished task with an empty trace list', () => {
    it('is no_trace_data, not a failure, and keeps the store facts', async () => {
      const journey = await harness({ results: [traceData('finish')] }).run();
      expect(journey.status).toBe('no_trace_data');
      expect(journey.groups).toEqual([]);
      expect(journey.send).toBeUndefined();
      expect(journey.store).toEqual({ atMs: PUB + 3, broker: '10.0.8.15:10911' });
    });
  });

  describe('Given a group whose last attempt failed', () => {
    it('reads its dead-letter queue and dates the dead-lettering', async () => {
      const h = harness({
        results: [traceData('finish', { GID_billing: [{ at: PUB + 100, status: 'CONSUME_FAILED' }], GID_shipping: [{ at: PUB + 90, status: 'CONSUME_SUCCESS' }] })],
        dlq: async (group) => (group === 'GID_billing' ? stored({ storedAt: PUB + 7_200_000, reconsumeTimes: 16 }) : undefined),
      });
      const journey = await h.run();
      expect(h.dlqAsked).toEqual(['GID_billing']);
      expect(journey.groups.find((g) => g.consumerGroup === 'GID_billing')?.deadLettered).toEqual({ atMs: PUB + 7_200_000, topic: '%DLQ%GID_billing' });
    });

    it('lists a refused dead-letter check as skipped and names the RAM action', async () => {
      const h = harness({
        results: [traceData('finish', { GID_billing: [{ at: PUB + 100, status: 'CONSUME_NOT_RETURN' }] })],
        dlq: async () => {
          throw new PermissionDeniedError('no', { upstream: { action: 'OnsDLQMessageGetById', code: 'Forbidden.RAM', ramAction: 'mq:QueryDLQMessage' } });
        },
      });
      const journey = await h.run();
      expect(journey.status).toBe('complete');
      expect(journey.skipped).toEqual([{ part: 'deadLetter', code: 'PERMISSION_DENIED', group: 'GID_billing' }]);
      expect(journey.missingPermissions).toEqual(['mq:QueryDLQMessage']);
    });
  });

  describe('Given words the status table does not know', () => {
    it('passes them through raw, as UNKNOWN outcomes', async () => {
      const journey = await harness({ results: [traceData('finish', { GID_x: [{ at: PUB + 1, status: 'CONSUME_SOMETHING_NEW' }] })] }).run();
      expect(journey.groups[0]?.attempts[0]).toMatchObject({ status: 'CONSUME_SOMETHING_NEW', outcome: 'UNKNOWN', statusText: expect.stringMatching(/exactly as returned/) });
    });
  });

  describe('Given parts that fail', () => {
    it('answers without the store facts when the message detail times out', async () => {
      const journey = await harness({
        results: [traceData('finish', { GID_billing: [{ at: PUB + 1, status: 'CONSUME_SUCCESS' }] })],
        detail: async () => {
          throw new UpstreamTimeoutError('slow');
        },
      }).run();
      expect(journey.store).toBeUndefined();
      expect(journey.skipped).toEqual([{ part: 'store', code: 'UPSTREAM_TIMEOUT' }]);
      expect(journey.missingPermissions).toEqual([]);
    });

    it('searches the window it was given when the stored born time is unknown', async () => {
      const h = harness({
        results: [traceData('finish', { GID_billing: [{ at: PUB + 1, status: 'CONSUME_SUCCESS' }] })],
        detail: async () => {
          throw new UpstreamTimeoutError('slow');
        },
      });
      await h.run();
      expect(h.fake.calls[0]?.params).toMatchObject({ BeginTime: String(WINDOW.beginMs), EndTime: String(WINDOW.endMs) });
    });

    it('creates a task anyway when the store cannot be read', async () => {
      const broken: TraceQueryStore = {
        get: async () => Promise.reject(new Error('store down')),
        put: async () => Promise.reject(new Error('store down')),
        delete: async () => undefined,
      };
      const h = harness({ store: broken, results: [traceData('finish', { GID_billing: [{ at: PUB + 1, status: 'CONSUME_SUCCESS' }] })] });
      const journey = await h.run();
      expect(journey.status).toBe('complete');
      expect(h.actions()[0]).toBe('OnsTraceQueryByMsgId');
    });

    it('rejects when the task cannot be created (the journey service makes that a partial answer)', async () => {
      const fake = buildFakeOnsCaller({
        OnsTraceQueryByMsgId: new PermissionDeniedError('no', { upstream: { action: 'OnsTraceQueryByMsgId', code: 'Forbidden.RAM', ramAction: 'mq:QueryTrace' } }),
      });
      const clock = buildFakeClock({ startMs: NOW });
      const deps = { caller: fake.caller, diagnostics: { messageDetail: async () => stored(), dlqMessage: async () => undefined }, now: clock.now, sleep: clock.sleep };
      await expect(fetchOnsJourney(deps, MESSAGE, { deadline: createDeadline(8000, clock.now) }, WINDOW)).rejects.toThrow(PermissionDeniedError);
    });
  });
});
