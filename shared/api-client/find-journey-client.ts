/**
 * Find (`GET /v1/messages`) and journey (`GET /v1/journey`) for the web page and the CLI, coded
 * against the DRAFT contract of issue 12 (its routes are being built on another branch). This
 * module is the one place that knows their wire shape: it turns each answer into the view both
 * faces render ({@link FindView}, {@link JourneyView}), so adapting to the final shape is this file.
 */
import type { ApiTransport } from './api-client';

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
  verdict?: string;
  summary: string;
  /** Why this message could not be looked up, when it could not. */
  error?: string;
}

export interface FindView {
  instanceId: string;
  topic: string;
  found: number;
  examined: number;
  byVerdict: Array<[verdict: string, count: number]>;
  messages: FoundMessage[];
  /** Found but not examined (cap or deadline). */
  more: number;
  truncated?: { reason: string; hint: string };
  /** True for a window: only the messages that were not consumed are listed. */
  onlyUnconsumed: boolean;
  caveats: Caveat[];
  /** The answer as it came, for `--json`. */
  raw: unknown;
}

export type FindQuery =
  | { instance?: string; topic: string; key: string; limit?: number }
  | { instance?: string; topic: string; from: string; to: string; tag?: string; limit?: number };

/** One point or span on a journey lane, in milliseconds since the send. */
export interface JourneyEvent {
  kind: 'send' | 'store' | 'attempt' | 'dead-letter';
  at?: string;
  offsetMs: number;
  durationMs?: number;
  tone: 'ok' | 'bad' | 'info';
  text: string;
}

export interface JourneyLane {
  label: string;
  detail?: string;
  events: JourneyEvent[];
}

export interface JourneyView {
  status: string;
  partialText?: string;
  verdict?: string;
  lanes: JourneyLane[];
  findings: Array<{ severity: string; code: string; text: string }>;
  caveats: Caveat[];
  missingPermissions: string[];
  /** The answer as it came, for `--json`. */
  raw: unknown;
}

export interface FindJourneyClient {
  find(query: FindQuery, signal?: AbortSignal): Promise<FindView>;
  journey(query: { instance?: string; topic: string; msgId: string }, signal?: AbortSignal): Promise<JourneyView>;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const caveatsOf = (v: unknown): Caveat[] => arr(v).map(obj).map((c) => ({ code: str(c.code) ?? '', text: str(c.text) ?? '' }));

const BAD = /FAIL|ERROR|TIMEOUT|DLQ|DEAD|REJECT/i;
const OK = /SUCCESS|CONSUMED|^OK$|ACK/i;
const toneOf = (status: string | undefined): JourneyEvent['tone'] => (status && BAD.test(status) ? 'bad' : status && OK.test(status) ? 'ok' : 'info');

/** The draft find answer as a {@link FindView}. */
export function toFindView(body: unknown): FindView {
  const b = obj(body);
  const summary = obj(b.summary);
  const truncated = obj(b.truncated);
  return {
    instanceId: str(b.instanceId) ?? '',
    topic: str(b.topic) ?? '',
    found: num(summary.found) ?? 0,
    examined: num(summary.examined) ?? 0,
    byVerdict: Object.entries(obj(summary.byVerdict)).flatMap(([verdict, n]) => (typeof n === 'number' ? [[verdict, n] as [string, number]] : [])),
    messages: arr(b.messages).map(obj).map((m) => {
      const at = str(m.storedAt) ?? str(m.bornAt);
      const tag = str(m.tag);
      const verdict = str(m.verdict);
      const error = str(obj(m.error).message);
      return {
        msgId: str(m.msgId) ?? '',
        ...(at ? { at } : {}),
        ...(tag ? { tag } : {}),
        keys: arr(m.keys).filter((k): k is string => typeof k === 'string'),
        ...(verdict ? { verdict } : {}),
        summary: str(m.summary) ?? '',
        ...(error ? { error } : {}),
      };
    }),
    more: num(b.more) ?? 0,
    ...(str(truncated.reason) ? { truncated: { reason: str(truncated.reason) as string, hint: str(truncated.hint) ?? '' } } : {}),
    onlyUnconsumed: obj(b.query).kind === 'window',
    caveats: caveatsOf(b.caveats),
    raw: body,
  };
}

/** The draft journey answer as a {@link JourneyView}: a send lane, a store lane, one lane per group. */
export function toJourneyView(body: unknown): JourneyView {
  const b = obj(body);
  const lanes: JourneyLane[] = [];
  const send = obj(b.send);
  if (str(send.at) || num(send.sinceSendMs) !== undefined) {
    const status = str(send.status);
    const duration = num(send.durationMs);
    lanes.push({
      label: 'send',
      ...(str(send.producerHost) || str(send.producerGroup) ? { detail: [str(send.producerGroup), str(send.producerHost)].filter(Boolean).join(' · ') } : {}),
      events: [{ kind: 'send', ...(str(send.at) ? { at: str(send.at) } : {}), offsetMs: num(send.sinceSendMs) ?? 0, ...(duration !== undefined ? { durationMs: duration } : {}), tone: toneOf(status), text: str(send.statusText) ?? status ?? '' }],
    });
  }
  const store = obj(b.store);
  if (str(store.at) || num(store.sinceSendMs) !== undefined) {
    lanes.push({
      label: 'store',
      ...(str(store.broker) ? { detail: str(store.broker) } : {}),
      events: [{ kind: 'store', ...(str(store.at) ? { at: str(store.at) } : {}), offsetMs: num(store.sinceSendMs) ?? 0, tone: toneOf(str(store.status)), text: str(store.status) ?? '' }],
    });
  }
  for (const g of arr(b.groups).map(obj)) {
    const events: JourneyEvent[] = arr(g.attempts).map(obj).map((a) => {
      const duration = num(a.durationMs);
      const retries = num(a.reconsumeTimes);
      const text = [str(a.statusText) ?? str(a.status) ?? '', str(a.clientHost), retries ? `#${retries + 1}` : undefined].filter(Boolean).join(' · ');
      return { kind: 'attempt', ...(str(a.at) ? { at: str(a.at) } : {}), offsetMs: num(a.sinceSendMs) ?? 0, ...(duration !== undefined ? { durationMs: duration } : {}), tone: toneOf(str(a.status)), text };
    });
    const dead = obj(g.deadLettered);
    if (Object.keys(dead).length > 0 || g.deadLettered === true) {
      events.push({ kind: 'dead-letter', ...(str(dead.at) ? { at: str(dead.at) } : {}), offsetMs: num(dead.sinceSendMs) ?? Math.max(0, ...events.map((e) => e.offsetMs + (e.durationMs ?? 0))), tone: 'bad', text: 'DLQ' });
    }
    const verdict = str(g.verdict) ?? str(g.trackType);
    lanes.push({ label: str(g.consumerGroup) ?? '?', ...(verdict ? { detail: verdict } : {}), events });
  }
  const partial = obj(b.partial);
  return {
    status: str(b.status) ?? 'complete',
    ...(str(partial.text) ? { partialText: str(partial.text) } : {}),
    ...(str(b.verdict) ? { verdict: str(b.verdict) } : {}),
    lanes,
    findings: arr(b.findings).map(obj).map((f) => ({ severity: str(f.severity) ?? 'INFO', code: str(f.code) ?? '', text: str(f.text) ?? str(f.title) ?? '' })),
    caveats: caveatsOf(b.caveats),
    missingPermissions: arr(b.missingPermissions).filter((p): p is string => typeof p === 'string'),
    raw: body,
  };
}

/** Creates the find and journey client over the page's transport. */
export function createFindJourneyClient(transport: ApiTransport): FindJourneyClient {
  return {
    async find(query, signal) {
      const byKey = 'key' in query;
      const body = await transport.get<unknown>(
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
      return toJourneyView(await transport.get<unknown>('/v1/journey', { instanceId: query.instance, topic: query.topic, msgId: query.msgId }, signal));
    },
  };
}
