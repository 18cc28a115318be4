/**
 * The judging rules of a spot check. A message past its grace period fails when
 * - an expected group is NOT_CONSUME_YET, or, with no `expectGroups`, any subscribing group is;
 * - any group is NOT_ONLINE (expected or not: nothing consumes for that group);
 * - an expected group is missing from the track list.
 */
export type FailureKind = 'NOT_CONSUME_YET' | 'NOT_ONLINE' | 'MISSING';

export interface FailureReason {
  group: string;
  kind: FailureKind;
}

/** The reasons a message fails, in track order then expected-group order; empty when it passes. */
export function judgeTracks(
  tracks: ReadonlyArray<{ consumerGroup: string; trackType: string }>,
  expectGroups: readonly string[] | undefined,
): FailureReason[] {
  const reasons: FailureReason[] = [];
  const expected = expectGroups ? new Set(expectGroups) : undefined;
  for (const track of tracks) {
    if (track.trackType === 'NOT_ONLINE') {
      reasons.push({ group: track.consumerGroup, kind: 'NOT_ONLINE' });
    } else if (track.trackType === 'NOT_CONSUME_YET' && (!expected || expected.has(track.consumerGroup))) {
      reasons.push({ group: track.consumerGroup, kind: 'NOT_CONSUME_YET' });
    }
  }
  const present = new Set(tracks.map((t) => t.consumerGroup));
  for (const group of expectGroups ?? []) {
    if (!present.has(group)) reasons.push({ group, kind: 'MISSING' });
  }
  return reasons;
}

/** `GID_a NOT_CONSUME_YET, GID_b missing`: one short line for logs and alerts. */
export function describeReasons(reasons: readonly FailureReason[]): string {
  return reasons.map((r) => `${r.group} ${r.kind === 'MISSING' ? 'missing from the track list' : r.kind}`).join(', ');
}
