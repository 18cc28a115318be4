import type { DocumentedTrackType } from '../trace/track-types';
import type { AttemptOutcome } from '../trace/journey';

/**
 * The one table of what a 5.x trace says about a group, in RocketMQ's TrackType vocabulary (the
 * verdict rules and findings read `trackType`), with each entry's meaning and advice.
 *
 * GetTrace reports `consumerInfos[].consumeStatus` per consumer group (and per delivery in
 * `records[].consumeStatus`). UNVERIFIED: the value list. The SDK
 * (`@alicloud/rocketmq20220801@5.0.7`, `GetTraceResponseBodyDataConsumerInfos`) documents the
 * field only as "Consume status" with `@example SUCCESS`; every stored copy of the reference page
 * is cut before the value descriptions (round2.md §4.3). Only `SUCCESS` is seen in a primary
 * source; the other rows are the spellings RocketMQ uses elsewhere (`CONSUME_SUCCESS`,
 * `CONSUME_FAILED`, `CONSUME_NOT_RETURN` of the 4.x trace; `RECONSUME_LATER` of the client API)
 * and plain words for failure, retry, in-flight and timeout. Any other value is passed through
 * verbatim as `upstreamStatus` with trackType UNKNOWN. Change this table, and only it, once the
 * real list is known.
 */
export interface StatusGuide {
  trackType: DocumentedTrackType;
  meaning: string;
  advice: string;
}

const CONSUMED: StatusGuide = {
  trackType: 'CONSUMED',
  meaning: "A client of this group reported that its handler consumed the message successfully (the group's trace record).",
  advice: 'Nothing to do here. If the business effect is missing, read that consumer\'s logs: the trace shows the handler returned success.',
};

const FAILED: StatusGuide = {
  trackType: 'NOT_CONSUME_YET',
  meaning: "This group's last delivery failed: the handler returned failure or threw, so the broker will deliver the message again after the retry interval.",
  advice: "Read the consumer's logs for the exception. After the group's maximum retries the message goes to its dead-letter queue; explain shows backlog, clients and dead-letter state.",
};

const RETRYING: StatusGuide = {
  trackType: 'NOT_CONSUME_YET',
  meaning: 'A delivery to this group failed and the message is waiting for its next retry.',
  advice: "Read the consumer's logs for why the earlier attempt failed, then look again after the retry interval.",
};

const IN_FLIGHT: StatusGuide = {
  trackType: 'NOT_CONSUME_YET',
  meaning: 'The message was delivered to a client of this group, which has not reported a result yet.',
  advice: 'Look again in a few seconds. If it stays like this, the handler may be slow or stuck: check that consumer.',
};

const TIMED_OUT: StatusGuide = {
  trackType: 'NOT_CONSUME_YET',
  meaning: "The client did not report a result within the message's invisible time, so the broker will deliver it again.",
  advice: 'The handler is slower than the invisible time or the client died mid-delivery: check the consumer, or lengthen the invisible time.',
};

/** Raw `consumeStatus` values → guide. A Map, so no upstream string ever indexes an object. */
export const CONSUME_STATUS_TABLE: ReadonlyMap<string, StatusGuide> = new Map<string, StatusGuide>([
  ['SUCCESS', CONSUMED],
  ['CONSUME_SUCCESS', CONSUMED],
  ['FAILED', FAILED],
  ['FAILURE', FAILED],
  ['FAIL', FAILED],
  ['CONSUME_FAILED', FAILED],
  ['RETRY', RETRYING],
  ['RETRYING', RETRYING],
  ['RECONSUME_LATER', RETRYING],
  ['CONSUMING', IN_FLIGHT],
  ['PROCESSING', IN_FLIGHT],
  ['IN_PROGRESS', IN_FLIGHT],
  ['TIMEOUT', TIMED_OUT],
  ['CONSUME_TIMEOUT', TIMED_OUT],
  ['CONSUME_NOT_RETURN', TIMED_OUT],
  ['NOT_RETURN', TIMED_OUT],
]);

/** What mqtrace derives from the trace and the subscription list rather than from a status word. */
export const DERIVED_GUIDES = {
  /** `consumerInfos[].deadMessage` is true. */
  DEAD_LETTERED: {
    trackType: 'NOT_CONSUME_YET',
    meaning: "Every delivery to this group failed, so the broker moved the message to the group's dead-letter queue: it will not be delivered again by itself.",
    advice: "Fix the handler's failure first (the consumer's logs, explain's retries), then resend the message from the dead-letter queue in the console.",
  },
  /** No trace record, and the subscription's tag filter excludes the message's tag. */
  FILTERED: {
    trackType: 'CONSUMED_BUT_FILTERED',
    meaning: "The message's tag does not match this group's subscription filter, so the broker does not deliver it to this group.",
    advice: "Expected if this group should not get this tag. Otherwise fix the filter expression the group's consumers subscribe with.",
  },
  /** The group subscribes, but the trace holds no record of it. */
  NO_TRACE_RECORD: {
    trackType: 'UNKNOWN',
    meaning: 'No trace record yet: 5.x writes traces asynchronously; cannot tell yet.',
    advice: "Look again in a minute. If no record ever appears, check that the group's clients report traces, and run explain for its backlog and clients.",
  },
  /** No trace record, and ListTopicSubscriptions says the subscription is OFFLINE. */
  NO_TRACE_RECORD_OFFLINE: {
    trackType: 'UNKNOWN',
    meaning: 'No trace record yet (5.x writes traces asynchronously; cannot tell yet), and the subscription is OFFLINE: no client of this group is connected now.',
    advice: "Start the group's consumers, or find out why they stopped (logs, credentials, endpoint, group ID); then look again.",
  },
  /** A `consumeStatus` the table does not list; shown verbatim as `upstreamStatus`. */
  UNRECOGNISED: {
    trackType: 'UNKNOWN',
    meaning: 'The trace reports a consume status mqtrace does not know; it is shown exactly as returned.',
    advice: 'Treat it as unknown. Check the message trace in the console, and tell the mqtrace maintainers about the new value.',
  },
} as const satisfies Record<string, StatusGuide>;

/** The guide of a raw `consumeStatus`, and whether the table knows it. */
export function guideForConsumeStatus(raw: string): { guide: StatusGuide; recognised: boolean } {
  const known = CONSUME_STATUS_TABLE.get(raw);
  return known ? { guide: known, recognised: true } : { guide: DERIVED_GUIDES.UNRECOGNISED, recognised: false };
}

/**
 * One delivery attempt's `records[].consumeStatus` in the journey's words: what happened and the
 * neutral outcome, from the same rows as {@link CONSUME_STATUS_TABLE}.
 */
const ATTEMPT_BY_GUIDE: ReadonlyMap<StatusGuide, { outcome: AttemptOutcome; text: string }> = new Map<StatusGuide, { outcome: AttemptOutcome; text: string }>([
  [CONSUMED, { outcome: 'SUCCEEDED', text: 'The handler consumed it.' }],
  [FAILED, { outcome: 'FAILED', text: 'The handler failed (returned failure or threw): the broker delivers it again after the retry interval.' }],
  [RETRYING, { outcome: 'FAILED', text: 'The attempt failed; the message waits for its next retry.' }],
  [IN_FLIGHT, { outcome: 'PENDING', text: 'Delivered; the client has not reported a result yet.' }],
  [TIMED_OUT, { outcome: 'FAILED', text: 'No result within the invisible time: the broker delivers it again.' }],
]);

/** The outcome and text of one delivery attempt's raw status; unknown words pass through as UNKNOWN. */
export function attemptGuide(raw: string): { outcome: AttemptOutcome; text: string } {
  const known = CONSUME_STATUS_TABLE.get(raw);
  return (known && ATTEMPT_BY_GUIDE.get(known)) ?? { outcome: 'UNKNOWN', text: 'A status mqtrace does not know; it is shown exactly as returned.' };
}

/**
 * `producerInfo.records[].produceStatus`. UNVERIFIED like `consumeStatus`: only `SUCCESS` is seen
 * in a primary source (the SDK example); the other rows are the 4.x trace's spellings and plain
 * words for failure. Any other value passes through raw.
 */
export const PRODUCE_STATUS_TABLE: ReadonlyMap<string, { text: string; accepted?: boolean }> = new Map<string, { text: string; accepted?: boolean }>([
  ['SUCCESS', { text: 'Sent: the broker stored the message.', accepted: true }],
  ['SEND_SUCCESS', { text: 'Sent: the broker stored the message.', accepted: true }],
  ['FAILED', { text: 'The send failed: the broker did not store the message, so no group can get it.', accepted: false }],
  ['FAILURE', { text: 'The send failed: the broker did not store the message, so no group can get it.', accepted: false }],
  ['SEND_FAILED', { text: 'The send failed: the broker did not store the message, so no group can get it.', accepted: false }],
  ['ROLLBACK', { text: 'A transactional message that was rolled back: it is never delivered.', accepted: false }],
  ['SEND_ROLLBACK', { text: 'A transactional message that was rolled back: it is never delivered.', accepted: false }],
  ['UNKNOWN', { text: 'A transactional message not committed yet: no group gets it until the producer commits it.' }],
  ['SEND_UNKNOWN', { text: 'A transactional message not committed yet: no group gets it until the producer commits it.' }],
  ['DELAY', { text: 'A scheduled or delayed message, waiting for its delivery time.', accepted: true }],
  ['SEND_DELAY', { text: 'A scheduled or delayed message, waiting for its delivery time.', accepted: true }],
]);

/** The text of a raw `produceStatus`, and whether the broker took the message when the word says. */
export function produceGuide(raw: string): { text: string; accepted?: boolean } {
  return PRODUCE_STATUS_TABLE.get(raw) ?? { text: 'A status mqtrace does not know; it is shown exactly as returned.' };
}
