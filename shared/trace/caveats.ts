import { ANSWER_CAVEATS, type AnswerCaveat } from './broker-port';
import type { Caveat } from './report-schema';
import { isDocumentedTrackType } from './track-types';

/** What each caveat tells the reader about the limits of an answer. */
const TEXT: Record<AnswerCaveat, string> = {
  OFFSET_BASED:
    'The answer comes from consumer offsets: if an offset was reset or messages were purged, it may be wrong.',
  CONSUMED_IS_NOT_SUCCESS:
    "CONSUMED means the group's offset passed the message, not that its handler succeeded: a message that was retried still shows CONSUMED.",
  OFFSET_COMMIT_DELAY:
    'Clients commit offsets about every 5 s, so a message consumed moments ago can still show NOT_CONSUME_YET.',
  UNDOCUMENTED_TRACK_TYPE: 'At least one group reported a track type that the ONS documentation does not list.',
  EMPTY_TRACK_LIST:
    'The API returned no groups. It does not say whether that is because nothing subscribes or because it does not know the message.',
  TRACE_BASED:
    'The answer comes from message traces, which RocketMQ 5.x writes asynchronously: a delivery seconds ago may not be recorded yet, and clients that do not report traces leave no record.',
  NO_TRACE_RECORD:
    'At least one subscribing group has no trace record for this message yet, so its status cannot be told: that is not the same as not consumed.',
  UNRECOGNISED_STATUS: 'At least one group reported a status that mqtrace does not know; it is shown exactly as returned.',
};

/** The caveats of a 4.x OnsMessageTrace answer, from its raw track types. */
export function caveatsForTracks(trackTypes: readonly string[]): AnswerCaveat[] {
  const codes: AnswerCaveat[] = ['OFFSET_BASED'];
  if (trackTypes.length === 0) codes.push('EMPTY_TRACK_LIST');
  if (trackTypes.includes('CONSUMED')) codes.push('CONSUMED_IS_NOT_SUCCESS');
  if (trackTypes.includes('NOT_CONSUME_YET')) codes.push('OFFSET_COMMIT_DELAY');
  if (trackTypes.some((t) => !isDocumentedTrackType(t))) codes.push('UNDOCUMENTED_TRACK_TYPE');
  return codes;
}

/** The report's caveats, with their texts, in the order the broker gave them. */
export function describeCaveats(codes: readonly AnswerCaveat[]): Caveat[] {
  return [...new Set(codes)].map((code) => ({ code, text: TEXT[code] }));
}

/** Caveats of a find or journey answer, beside the per-message answer caveats. */
export const EXPLORE_CAVEATS = ['KEY_LIST_MAY_BE_CAPPED', 'WINDOW_SAMPLED', 'NO_TRACE_DATA', 'TRACE_WRITTEN_ASYNC', 'TRACE_TASK_REUSED', 'PART_SKIPPED'] as const;
export type ExploreCaveat = (typeof EXPLORE_CAVEATS)[number];

/** Every caveat code a find or journey answer may carry. */
export const REPORT_CAVEATS = [...ANSWER_CAVEATS, ...EXPLORE_CAVEATS] as const;
export type ReportCaveat = (typeof REPORT_CAVEATS)[number];

const EXPLORE_TEXT: Record<ExploreCaveat, string> = {
  KEY_LIST_MAY_BE_CAPPED:
    'The broker returned as many messages for this key as its key query is assumed to return at most, so older ones may be missing: narrow the search by time window to see them.',
  WINDOW_SAMPLED: 'Only a sample of the window was examined, spread over it by store time.',
  NO_TRACE_DATA:
    'No trace data: the producer and consumer clients may not record traces (a client setting such as enableTrace, or an SDK version without trace support), or the trace is not written yet. This is not a failure, and the verdict still stands.',
  TRACE_WRITTEN_ASYNC: 'Clients write traces in batches a few seconds apart, so the latest attempts may not show yet.',
  TRACE_TASK_REUSED: 'This answer polls a trace query task created earlier, so attempts after its creation may be missing.',
  PART_SKIPPED: 'A part of the journey could not be read; the rest stands.',
};

/** One caveat of a find or journey answer, with its text; `detail` adds the specifics of this answer. */
export function describeReportCaveat(code: ReportCaveat, detail?: string): { code: ReportCaveat; text: string } {
  const base = (ANSWER_CAVEATS as readonly string[]).includes(code) ? TEXT[code as AnswerCaveat] : EXPLORE_TEXT[code as ExploreCaveat];
  return { code, text: detail ? `${base} ${detail}` : base };
}
