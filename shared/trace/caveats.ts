import type { AnswerCaveat } from './broker-port';
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
