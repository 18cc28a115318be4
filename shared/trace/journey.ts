/**
 * A message's journey in the domain's words: the send, the store, every delivery attempt per
 * consumer group and the dead-lettering. Each broker adapter maps its trace API into
 * {@link BrokerJourney} with its own status table (4.x OnsTraceQueryByMsgId + OnsTraceGetResult,
 * 5.x GetTrace); the journey service adds the verdict, the durations and the findings. Times are
 * epoch ms here and ISO 8601 UTC (plus milliseconds since the send) in the report.
 */

/** What an attempt's status says happened, whatever the broker calls it. */
export const ATTEMPT_OUTCOMES = ['SUCCEEDED', 'FAILED', 'PENDING', 'UNKNOWN'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** The producer's send. `status` is the broker's raw word, `statusText` what it means. */
export interface JourneySend {
  producerHost?: string;
  producerGroup?: string;
  atMs: number;
  durationMs?: number;
  status: string;
  statusText: string;
  /** Whether the broker took the message: false for a failed or rolled-back send, undefined when the status does not say. */
  accepted?: boolean;
}

/** The broker storing the message (4.x: OnsMessageGetByMsgId; 5.x: the trace's arrive time). */
export interface JourneyStore {
  atMs?: number;
  broker?: string;
  status?: string;
}

/** One delivery attempt to one client of one group. */
export interface JourneyAttempt {
  clientHost?: string;
  atMs: number;
  durationMs?: number;
  status: string;
  statusText: string;
  outcome: AttemptOutcome;
  /** How many deliveries came before this one (0 for the first). */
  reconsumeTimes: number;
}

/** One consumer group's side of the trace. */
export interface JourneyGroupTrace {
  consumerGroup: string;
  /** In delivery order. */
  attempts: JourneyAttempt[];
  deadLettered?: { atMs?: number; topic?: string };
}

/** Why a journey is not complete. */
export const JOURNEY_PARTIAL_REASONS = ['TASK_WORKING_AT_DEADLINE', 'TRACE_QUERY_FAILED', 'TRACE_PERMISSION_DENIED'] as const;
export type JourneyPartialReason = (typeof JOURNEY_PARTIAL_REASONS)[number];

/** A part of the journey an adapter could not read; the rest stands. */
export interface SkippedPart {
  part: 'store' | 'deadLetter';
  /** The AppError code. */
  code: string;
  group?: string;
}

/** What a broker's trace says about one message. */
export interface BrokerJourney {
  /** `no_trace_data`: the trace API answered, with nothing about this message (not a failure). */
  status: 'complete' | 'partial' | 'no_trace_data';
  partial?: { reason: JourneyPartialReason; detail: string };
  send?: JourneySend;
  store?: JourneyStore;
  groups: JourneyGroupTrace[];
  /** RAM actions that would have filled in a skipped part. */
  missingPermissions: string[];
  skipped: SkippedPart[];
  /** 4.x: the asynchronous query task that was read, and whether an earlier one was reused. */
  traceTask?: { createdAtMs: number; reused: boolean };
}

/** Where the broker should look for the message's trace, epoch ms. */
export interface JourneyWindow {
  beginMs: number;
  endMs: number;
}

/**
 * How long brokers keep traces and messages. UNVERIFIED (ons-api.md §7, round2.md §5): 3 days in
 * the older docs, 1 day for trace queries in a newer page. The longer value only widens the
 * window; change it here once the real retention is known.
 */
export const UNVERIFIED_TRACE_RETENTION_MS = 3 * 86_400_000;

/** The slack around a send time decoded from a message ID: it assumes the producer's time zone. */
export const SENT_AT_SLACK_MS = 86_400_000;

/**
 * The window to search a message's trace in: from a day before the send time the message ID
 * reveals (a day: the producer's time zone is only assumed), or from the retention's start, up
 * to now, so that every later attempt stays in. An adapter that learns the stored born time may
 * narrow the start further.
 */
export function journeyWindow(nowMs: number, approxSentAtMs: number | undefined): JourneyWindow {
  const oldest = nowMs - UNVERIFIED_TRACE_RETENTION_MS;
  if (approxSentAtMs === undefined || !Number.isFinite(approxSentAtMs)) return { beginMs: oldest, endMs: nowMs };
  return { beginMs: Math.min(nowMs, Math.max(oldest, approxSentAtMs - SENT_AT_SLACK_MS)), endMs: nowMs };
}

/** The first attempt that succeeded, if any. */
export function firstSuccess(group: Pick<JourneyGroupTrace, 'attempts'>): JourneyAttempt | undefined {
  return group.attempts.find((a) => a.outcome === 'SUCCEEDED');
}

/** The attempts sorted by time, numbered by the order they came in when the broker did not number them. */
export function orderAttempts(attempts: readonly JourneyAttempt[]): JourneyAttempt[] {
  return [...attempts].sort((a, b) => a.atMs - b.atMs || a.reconsumeTimes - b.reconsumeTimes);
}
