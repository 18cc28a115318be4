import type { Caveat } from './report-schema';

/** The documented limits of an OnsMessageTrace answer, attached to each report where they apply. */

const TEXT: Record<Caveat['code'], string> = {
  OFFSET_BASED:
    'The answer comes from consumer offsets: if an offset was reset or messages were purged, it may be wrong.',
  CONSUMED_IS_NOT_SUCCESS:
    "CONSUMED means the group's offset passed the message, not that its handler succeeded: a message that was retried still shows CONSUMED.",
  OFFSET_COMMIT_DELAY:
    'Clients commit offsets about every 5 s, so a message consumed moments ago can still show NOT_CONSUME_YET.',
  UNDOCUMENTED_TRACK_TYPE: 'At least one group reported a track type that the ONS documentation does not list.',
  EMPTY_TRACK_LIST:
    'The API returned no groups. It does not say whether that is because nothing subscribes or because it does not know the message.',
};

/** Picks the caveats that apply to a set of track types. */
export function caveatsFor(trackTypes: readonly string[], isDocumented: (t: string) => boolean): Caveat[] {
  const codes: Caveat['code'][] = ['OFFSET_BASED'];
  if (trackTypes.length === 0) codes.push('EMPTY_TRACK_LIST');
  if (trackTypes.includes('CONSUMED')) codes.push('CONSUMED_IS_NOT_SUCCESS');
  if (trackTypes.includes('NOT_CONSUME_YET')) codes.push('OFFSET_COMMIT_DELAY');
  if (trackTypes.some((t) => !isDocumented(t))) codes.push('UNDOCUMENTED_TRACK_TYPE');
  return codes.map((code) => ({ code, text: TEXT[code] }));
}
