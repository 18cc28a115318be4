import type { AttemptOutcome } from '../trace/journey';

/**
 * What the 4.x trace's status words mean (OnsTraceGetResult, round2.md §5; the SDKs' docstrings
 * list them exactly). `TraceMapDo.Status` describes the send, `SubClientInfoDo.Status` one
 * delivery attempt. A word not listed is passed through raw, with an "unknown" text. Maps, so no
 * upstream string ever indexes an object.
 */
export interface SendStatusGuide {
  text: string;
  /** Whether the broker took the message for delivery; undefined when the word does not say. */
  accepted?: boolean;
}

export const SEND_STATUS_TABLE: ReadonlyMap<string, SendStatusGuide> = new Map<string, SendStatusGuide>([
  ['SEND_SUCCESS', { text: 'Sent: the broker stored the message.', accepted: true }],
  ['SEND_FAILED', { text: 'The send failed: the broker did not store the message, so no group can get it.', accepted: false }],
  ['SEND_ROLLBACK', { text: 'A transactional message that was rolled back: it is never delivered.', accepted: false }],
  ['SEND_UNKNOWN', { text: 'A transactional message not committed yet: no group gets it until the producer commits it.' }],
  ['SEND_DELAY', { text: 'A scheduled or delayed message, waiting for its delivery time.', accepted: true }],
]);

export interface AttemptStatusGuide {
  text: string;
  outcome: AttemptOutcome;
}

export const ATTEMPT_STATUS_TABLE: ReadonlyMap<string, AttemptStatusGuide> = new Map<string, AttemptStatusGuide>([
  ['CONSUME_SUCCESS', { text: 'The handler consumed it.', outcome: 'SUCCEEDED' }],
  ['CONSUME_FAILED', { text: 'The handler failed (returned failure or threw): the broker delivers it again after the retry interval.', outcome: 'FAILED' }],
  [
    'CONSUME_NOT_RETURN',
    { text: 'The client returned no result: the handler may still be running, or the client stopped mid-delivery.', outcome: 'PENDING' },
  ],
  ['SEND_UNKNOWN', { text: 'A transactional message not committed yet: it waits for the producer.', outcome: 'PENDING' }],
  ['SEND_DELAY', { text: 'A scheduled or delayed message, waiting to be consumed.', outcome: 'PENDING' }],
]);

const UNKNOWN_TEXT = 'A status mqtrace does not know; it is shown exactly as returned.';

/** The guide of a raw send status. */
export function sendStatusGuide(raw: string): SendStatusGuide {
  return SEND_STATUS_TABLE.get(raw) ?? { text: UNKNOWN_TEXT };
}

/** The guide of a raw attempt status. */
export function attemptStatusGuide(raw: string): AttemptStatusGuide {
  return ATTEMPT_STATUS_TABLE.get(raw) ?? { text: UNKNOWN_TEXT, outcome: 'UNKNOWN' };
}
