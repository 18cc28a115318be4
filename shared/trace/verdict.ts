/**
 * The verdict rules: how per-group track types add up to one answer.
 *
 * - Groups that report CONSUMED_BUT_FILTERED were never meant to get the message and are ignored.
 * - No groups at all, or only filtered ones: NO_SUBSCRIBERS.
 * - Every remaining group CONSUMED: CONSUMED.
 * - Some CONSUMED and some NOT_CONSUME_YET / NOT_ONLINE: PARTIALLY_CONSUMED.
 * - None CONSUMED and some NOT_CONSUME_YET / NOT_ONLINE: NOT_CONSUMED.
 * - Otherwise only UNKNOWN or unrecognised types are left undecided: UNKNOWN.
 */
export const VERDICTS = ['CONSUMED', 'PARTIALLY_CONSUMED', 'NOT_CONSUMED', 'NO_SUBSCRIBERS', 'UNKNOWN'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface VerdictResult {
  verdict: Verdict;
  summary: string;
}

const PENDING = new Set(['NOT_CONSUME_YET', 'NOT_ONLINE']);

/** Computes the verdict for a list of raw track types, one per consumer group. */
export function decideVerdict(tracks: ReadonlyArray<{ consumerGroup: string; trackType: string }>): VerdictResult {
  if (tracks.length === 0) {
    return { verdict: 'NO_SUBSCRIBERS', summary: 'No consumer group subscribes to this topic, so nothing will consume the message.' };
  }
  const relevant = tracks.filter((t) => t.trackType !== 'CONSUMED_BUT_FILTERED');
  if (relevant.length === 0) {
    return {
      verdict: 'NO_SUBSCRIBERS',
      summary: `All ${tracks.length} subscribing group(s) filter this message out by tag, so none was meant to consume it.`,
    };
  }
  const consumed = relevant.filter((t) => t.trackType === 'CONSUMED');
  const pending = relevant.filter((t) => PENDING.has(t.trackType));
  const undecided = relevant.length - consumed.length - pending.length;
  const names = (list: typeof relevant) => list.map((t) => t.consumerGroup).join(', ');

  if (consumed.length === relevant.length) {
    return { verdict: 'CONSUMED', summary: `All ${consumed.length} subscribing group(s) consumed the message.` };
  }
  if (pending.length > 0 && consumed.length > 0) {
    return {
      verdict: 'PARTIALLY_CONSUMED',
      summary: `${consumed.length} of ${relevant.length} group(s) consumed it; not yet: ${names(pending)}.`,
    };
  }
  if (pending.length > 0) {
    return { verdict: 'NOT_CONSUMED', summary: `No group has consumed it yet; waiting on: ${names(pending)}.` };
  }
  return {
    verdict: 'UNKNOWN',
    summary: `The status of ${undecided} group(s) cannot be determined${consumed.length ? `; ${consumed.length} consumed it` : ''}.`,
  };
}
