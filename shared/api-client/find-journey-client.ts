/**
 * Find (`GET /v1/messages`) and journey (`GET /v1/journey`) for the web page and the CLI. This
 * module is the one place that knows their answers' shape (`FindReport`, `JourneyReport`:
 * docs/http-api.md "Find" and "Journey"): it turns each into the view both faces render
 * ({@link FindView}, {@link JourneyView}). The CLI's direct mode maps the use cases' own reports
 * with the same functions. Types only from the schemas: the page bundles no zod.
 */
import type { ApiTransport } from './api-client';
import type { FindReport } from '../trace/find-schema';
import type { JourneyAttemptReport, JourneyGroupReport, JourneyReport } from '../trace/journey-schema';
import type { Finding } from '../trace/report-schema';

export type { FindReport, JourneyReport };

export interface Caveat {
  code: string;
  text: string;
}

/** One message a find returned, ready to show. */
export interface FoundMessage {
  msgId: string;
  /** When it was stored (else born), ISO 8601. */
  at?: string;
  tag?: string;
  keys: string[];
  verdict: string;
  summary: string;
  /** Why this message could not be judged, when it could not (its verdict is then UNKNOWN). */
  error?: { code: string; message: string };
}

export interface FindView {
  instanceId: string;
  broker: string;
  topic: string;
  checkedAt: string;
  requestId: string;
  /** What was asked: a key, or a window (ISO 8601, optionally a tag). */
  query: FindReport['query'];
  found: number;
  examined: number;
  /** Examined messages whose lookup failed; they are listed with `error`, not counted per verdict. */
  failed: number;
  /** The verdicts that occurred, with how many: the answer's `byVerdict` without its zeros. */
  byVerdict: Array<[verdict: string, count: number]>;
  messages: FoundMessage[];
  /** Found but not examined (cap, deadline or rate budget). */
  more: number;
  truncated?: { reason: string; hint: string };
  /** A window only: how many of the page query's pages were read. */
  sampling?: { pagesRead: number; pagesPlanned: number; maxPageCount: number };
  /** True for a window: only the messages that were not consumed are listed. */
  onlyUnconsumed: boolean;
  caveats: Caveat[];
  /** The answer as it came, for `--json`. */
  raw: FindReport;
}

export type FindQuery =
  | { instance?: string; topic: string; key: string; limit?: number }
  | { instance?: string; topic: string; from: string; to: string; tag?: string; limit?: number };

/** What an event's mark means: done, failed, still open, or not known. */
export type JourneyTone = 'ok' | 'bad' | 'pending' | 'info';

/** One point or span on a journey lane, in milliseconds since the send. */
export interface JourneyEvent {
  kind: 'send' | 'store' | 'attempt' | 'dead-letter';
  at?: string;
  offsetMs: number;
  durationMs?: number;
  tone: JourneyTone;
  /** The broker's own status word (`CONSUME_FAILED`, `SEND_SUCCESS`, …) or the dead-letter topic. */
  status?: string;
  /** What the status means, in the server's words. */
  statusText?: string;
  /** An attempt's client host (a send's and a store's hosts are their lane's `detail`). */
  host?: string;
  /** An attempt's delivery number: 0 for the first, as the broker's ReconsumeTimes counts. */
  delivery?: number;
}

export interface JourneyLane {
  kind: 'send' | 'store' | 'group';
  /** `send`, `store`, or the consumer group's name. */
  label: string;
  /** The producer group and host of the send; the group's track type. */
  detail?: string;
  attempts?: number;
  firstDeliveryMs?: number;
  consumedAfterMs?: number;
  deadLetterTopic?: string;
  events: JourneyEvent[];
}

export interface JourneyView {
  instanceId: string;
  broker: string;
  topic: string;
  msgId: string;
  checkedAt: string;
  requestId: string;
  status: JourneyReport['status'];
  partial?: { reason: string; text: string };
  verdict: string;
  summary: string;
  /** Send, store, then one lane per consumer group. */
  lanes: JourneyLane[];
  /** From the earliest event to the end of the last one. */
  spanMs: number;
  /** Where the trace and the verdict disagree; the same shape as a diagnosis' findings. */
  findings: Finding[];
  caveats: Caveat[];
  missingPermissions: string[];
  /** 4.x: the trace query task that was read, and whether an earlier look created it. */
  traceTask?: { createdAt: string; reused: boolean };
  /** The answer as it came, for `--json`. */
  raw: JourneyReport;
}

export interface FindJourneyClient {
  find(query: FindQuery, signal?: AbortSignal): Promise<FindView>;
  journey(query: { instance?: string; topic: string; msgId: string }, signal?: AbortSignal): Promise<JourneyView>;
}

/** A find's answer as a {@link FindView}. */
export function toFindView(report: FindReport): FindView {
  const { summary } = report;
  return {
    instanceId: report.instanceId,
    broker: report.broker,
    topic: report.topic,
    checkedAt: report.checkedAt,
    requestId: report.requestId,
    query: report.query,
    found: summary.found,
    examined: summary.examined,
    failed: summary.failed,
    byVerdict: Object.entries(summary.byVerdict).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > 0),
    messages: report.messages.map((m) => {
      const at = m.storedAt ?? m.bornAt;
      return {
        msgId: m.msgId,
        ...(at ? { at } : {}),
        ...(m.tag ? { tag: m.tag } : {}),
        keys: m.keys ?? [],
        verdict: m.verdict,
        summary: m.summary,
        ...(m.error ? { error: { code: m.error.code, message: m.error.message } } : {}),
      };
    }),
    more: report.more,
    ...(report.truncated ? { truncated: { reason: report.truncated.reason, hint: report.truncated.hint } } : {}),
    ...(report.sampling ? { sampling: { ...report.sampling } } : {}),
    onlyUnconsumed: report.query.kind === 'window',
    caveats: report.caveats.map((c) => ({ code: c.code, text: c.text })),
    raw: report,
  };
}

const OUTCOME_TONE: Readonly<Record<JourneyAttemptReport['outcome'], JourneyTone>> = { SUCCEEDED: 'ok', FAILED: 'bad', PENDING: 'pending', UNKNOWN: 'info' };

/** 4.x SEND_SUCCESS / SEND_FAILED / SEND_ROLLBACK, 5.x its produceStatus; unknown words pass through, neutral. */
function sendTone(status: string): JourneyTone {
  if (/FAIL|ROLLBACK|ERROR/i.test(status)) return 'bad';
  if (/SUCCESS|^OK$/i.test(status)) return 'ok';
  return 'info';
}

/**
 * A journey's answer as a {@link JourneyView}: a send lane, a store lane, one lane per group.
 * Every step is placed by its `sinceSendMs`; when the trace has no send, by its time since the
 * earliest step.
 */
export function toJourneyView(report: JourneyReport): JourneyView {
  const times = [report.send?.at, report.store?.at, ...report.groups.flatMap((g) => [...g.attempts.map((a) => a.at), g.deadLettered?.at])]
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t))
    .filter((t) => Number.isFinite(t));
  const origin = report.send ? Date.parse(report.send.at) : times.length > 0 ? Math.min(...times) : undefined;
  const offset = (sinceSendMs: number | undefined, at: string | undefined): number | undefined => {
    if (sinceSendMs !== undefined) return sinceSendMs;
    if (at === undefined || origin === undefined) return undefined;
    const ms = Date.parse(at) - origin;
    return Number.isFinite(ms) ? Math.max(0, ms) : undefined;
  };

  const lanes: JourneyLane[] = [];
  const send = report.send;
  if (send) {
    const detail = [send.producerGroup, send.producerHost].filter(Boolean).join(' · ');
    lanes.push({
      kind: 'send',
      label: 'send',
      ...(detail ? { detail } : {}),
      events: [
        {
          kind: 'send',
          at: send.at,
          offsetMs: 0,
          ...(send.durationMs !== undefined ? { durationMs: send.durationMs } : {}),
          tone: sendTone(send.status),
          status: send.status,
          statusText: send.statusText,
        },
      ],
    });
  }
  const store = report.store;
  const storeOffset = store ? offset(store.sinceSendMs, store.at) : undefined;
  if (store && storeOffset !== undefined) {
    lanes.push({
      kind: 'store',
      label: 'store',
      ...(store.broker ? { detail: store.broker } : {}),
      events: [{ kind: 'store', ...(store.at ? { at: store.at } : {}), offsetMs: storeOffset, tone: 'ok', ...(store.status ? { status: store.status } : {}) }],
    });
  }
  for (const group of report.groups) lanes.push(groupLane(group, offset));

  const ends = lanes.flatMap((l) => l.events.map((e) => e.offsetMs + (e.durationMs ?? 0)));
  return {
    instanceId: report.instanceId,
    broker: report.broker,
    topic: report.topic,
    msgId: report.msgId,
    checkedAt: report.checkedAt,
    requestId: report.requestId,
    status: report.status,
    ...(report.partial ? { partial: { reason: report.partial.reason, text: report.partial.text } } : {}),
    verdict: report.verdict,
    summary: report.summary,
    lanes,
    spanMs: ends.length > 0 ? Math.max(...ends) : 0,
    findings: report.findings,
    caveats: report.caveats.map((c) => ({ code: c.code, text: c.text })),
    missingPermissions: report.missingPermissions ?? [],
    ...(report.traceTask ? { traceTask: { createdAt: report.traceTask.createdAt, reused: report.traceTask.reused } } : {}),
    raw: report,
  };
}

function groupLane(group: JourneyGroupReport, offset: (sinceSendMs: number | undefined, at: string | undefined) => number | undefined): JourneyLane {
  const events: JourneyEvent[] = [];
  for (const a of group.attempts) {
    const at = offset(a.sinceSendMs, a.at);
    if (at === undefined) continue;
    events.push({
      kind: 'attempt',
      at: a.at,
      offsetMs: at,
      ...(a.durationMs !== undefined ? { durationMs: a.durationMs } : {}),
      tone: OUTCOME_TONE[a.outcome] ?? 'info',
      status: a.status,
      statusText: a.statusText,
      ...(a.clientHost ? { host: a.clientHost } : {}),
      delivery: a.reconsumeTimes,
    });
  }
  const dead = group.deadLettered;
  if (dead) {
    // Without its own time, the dead-lettering is drawn at the end of the last attempt.
    const at = offset(dead.sinceSendMs, dead.at) ?? Math.max(0, ...events.map((e) => e.offsetMs + (e.durationMs ?? 0)));
    events.push({ kind: 'dead-letter', ...(dead.at ? { at: dead.at } : {}), offsetMs: at, tone: 'bad', ...(dead.topic ? { status: dead.topic } : {}) });
  }
  return {
    kind: 'group',
    label: group.consumerGroup,
    ...(group.trackType ? { detail: group.trackType } : {}),
    attempts: group.attempts.length,
    ...(group.firstDeliveryMs !== undefined ? { firstDeliveryMs: group.firstDeliveryMs } : {}),
    ...(group.consumedAfterMs !== undefined ? { consumedAfterMs: group.consumedAfterMs } : {}),
    ...(dead?.topic ? { deadLetterTopic: dead.topic } : {}),
    events,
  };
}

/** Creates the find and journey client over the page's (or the CLI's) transport. */
export function createFindJourneyClient(transport: ApiTransport): FindJourneyClient {
  return {
    async find(query, signal) {
      const byKey = 'key' in query;
      const body = await transport.get<FindReport>(
        '/v1/messages',
        {
          instanceId: query.instance,
          topic: query.topic,
          ...(byKey ? { key: query.key } : { from: query.from, to: query.to, tag: query.tag }),
          limit: query.limit === undefined ? undefined : String(query.limit),
        },
        signal,
      );
      return toFindView(body);
    },
    async journey(query, signal) {
      return toJourneyView(await transport.get<JourneyReport>('/v1/journey', { instanceId: query.instance, topic: query.topic, msgId: query.msgId }, signal));
    },
  };
}
