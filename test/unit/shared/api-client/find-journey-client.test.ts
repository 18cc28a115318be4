import { describe, expect, it } from 'vitest';
import { toFindView, toJourneyView } from '../../../../shared/api-client/find-journey-client';
import { FindReportSchema, type FindReport } from '../../../../shared/trace/find-schema';
import { JourneyReportSchema, type JourneyReport } from '../../../../shared/trace/journey-schema';

const base = { requestId: '1-abc', checkedAt: '2026-12-01T10:00:00.000Z', instanceId: 'rmq-cn-demo', broker: 'rocketmq-5x' as const, topic: 'orders-5x' };

/** A journey answer, checked against the route's own schema so the fixture cannot drift from it. */
const journey = (over: Partial<JourneyReport>): JourneyReport =>
  JourneyReportSchema.parse({ ...base, msgId: '01ABCDEF0123456789ABCDEF0123456789', status: 'complete', groups: [], verdict: 'CONSUMED', summary: 'ok', findings: [], caveats: [], upstreamRequestIds: [], ...over });

const find = (over: Partial<FindReport>): FindReport =>
  FindReportSchema.parse({
    ...base,
    query: { kind: 'key', key: 'k' },
    summary: { found: 0, examined: 0, failed: 0, byVerdict: { CONSUMED: 0, PARTIALLY_CONSUMED: 0, NOT_CONSUMED: 0, NO_SUBSCRIBERS: 0, UNKNOWN: 0 } },
    messages: [],
    more: 0,
    caveats: [],
    ...over,
  });

describe('Function: toFindView', () => {
  it('keeps the verdicts that occurred, counts failed lookups apart and keeps each error’s code', () => {
    const view = toFindView(
      find({
        query: { kind: 'window', from: '2026-12-01T09:00:00.000Z', to: '2026-12-01T10:00:00.000Z' },
        summary: { found: 4, examined: 3, failed: 1, byVerdict: { CONSUMED: 2, PARTIALLY_CONSUMED: 0, NOT_CONSUMED: 0, NO_SUBSCRIBERS: 0, UNKNOWN: 0 } },
        messages: [{ msgId: 'A', bornAt: '2026-12-01T09:30:00.000Z', verdict: 'UNKNOWN', summary: 'could not be looked up', error: { code: 'THROTTLED', message: 'the broker API is busy' } }],
        more: 1,
        truncated: { reason: 'DEADLINE', hint: 'narrow the window' },
        sampling: { pagesRead: 2, pagesPlanned: 3, maxPageCount: 9 },
      }),
    );
    expect(view).toMatchObject({
      found: 4,
      examined: 3,
      failed: 1,
      byVerdict: [['CONSUMED', 2]],
      more: 1,
      truncated: { reason: 'DEADLINE', hint: 'narrow the window' },
      sampling: { pagesRead: 2, pagesPlanned: 3, maxPageCount: 9 },
      onlyUnconsumed: true,
      query: { kind: 'window' },
    });
    // Born, when the store time is unknown; no keys is an empty list.
    expect(view.messages).toEqual([{ msgId: 'A', at: '2026-12-01T09:30:00.000Z', keys: [], verdict: 'UNKNOWN', summary: 'could not be looked up', error: { code: 'THROTTLED', message: 'the broker API is busy' } }]);
  });

  it('lists every message of a key', () => {
    expect(toFindView(find({})).onlyUnconsumed).toBe(false);
  });
});

describe('Function: toJourneyView', () => {
  it('colours each attempt by its outcome, not by the broker’s word, and numbers it by ReconsumeTimes', () => {
    const attempt = (outcome: 'SUCCEEDED' | 'FAILED' | 'PENDING' | 'UNKNOWN', status: string, sinceSendMs: number, reconsumeTimes: number) => ({ at: new Date(Date.parse('2026-12-01T09:00:00.000Z') + sinceSendMs).toISOString(), sinceSendMs, durationMs: 5, status, statusText: '…', outcome, reconsumeTimes });
    const view = toJourneyView(
      journey({
        send: { at: '2026-12-01T09:00:00.000Z', sinceSendMs: 0, status: 'SEND_ROLLBACK', statusText: 'rolled back' },
        groups: [
          {
            consumerGroup: 'GID_a',
            trackType: 'CONSUMED',
            attempts: [attempt('FAILED', 'SOMETHING_NEW', 100, 0), attempt('PENDING', 'RUNNING', 200, 1), attempt('UNKNOWN', 'CONSUME_SUCCESS?', 300, 2), attempt('SUCCEEDED', 'ok', 400, 3)],
            consumedAfterMs: 405,
          },
        ],
      }),
    );
    expect(view.lanes.map((l) => l.kind)).toEqual(['send', 'group']);
    expect(view.lanes[0]?.events[0]?.tone).toBe('bad');
    expect(view.lanes[1]?.events.map((e) => [e.tone, e.delivery])).toEqual([
      ['bad', 0],
      ['pending', 1],
      ['info', 2],
      ['ok', 3],
    ]);
    expect(view.lanes[1]).toMatchObject({ label: 'GID_a', detail: 'CONSUMED', attempts: 4, consumedAfterMs: 405 });
    expect(view.spanMs).toBe(405);
  });

  it('places the steps of a trace without a send by their time since the earliest one', () => {
    const view = toJourneyView(
      journey({
        status: 'partial',
        partial: { reason: 'TASK_WORKING_AT_DEADLINE', text: 'look again' },
        store: { at: '2026-12-01T09:00:01.000Z', broker: '10.0.0.1:10911' },
        groups: [{ consumerGroup: 'GID_b', attempts: [{ at: '2026-12-01T09:00:03.000Z', status: 'CONSUME_FAILED', statusText: 'failed', outcome: 'FAILED', reconsumeTimes: 0 }], deadLettered: { topic: '%DLQ%GID_b' } }],
        missingPermissions: ['mq:QueryTrace'],
      }),
    );
    expect(view.lanes.map((l) => [l.kind, l.events.map((e) => [e.kind, e.offsetMs])])).toEqual([
      ['store', [['store', 0]]],
      ['group', [['attempt', 2000], ['dead-letter', 2000]]],
    ]);
    expect(view.lanes[1]?.deadLetterTopic).toBe('%DLQ%GID_b');
    expect(view).toMatchObject({ status: 'partial', partial: { reason: 'TASK_WORKING_AT_DEADLINE', text: 'look again' }, missingPermissions: ['mq:QueryTrace'] });
  });

  it('carries the findings whole (title, detail, evidence) and the trace task', () => {
    const finding = { code: 'NO_ATTEMPTS' as const, severity: 'WARNING' as const, group: 'GID_c', title: 'No attempt', detail: 'GID_c has none', evidence: { attempts: 0 } };
    const view = toJourneyView(journey({ findings: [finding], traceTask: { createdAt: '2026-12-01T09:59:58.000Z', reused: true } }));
    expect(view.findings).toEqual([finding]);
    expect(view.traceTask).toEqual({ createdAt: '2026-12-01T09:59:58.000Z', reused: true });
    expect(view.lanes).toEqual([]);
    expect(view.spanMs).toBe(0);
  });
});
