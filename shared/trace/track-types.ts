/**
 * What each TrackType means and what to do about it. The documented values are spelled exactly
 * as the API spells them (`NOT_CONSUME_YET`, not `NOT_CONSUMED_YET`); `PULL` and
 * `CONSUME_BROADCASTING` come from Apache RocketMQ and are UNVERIFIED for ONS.
 */
export const DOCUMENTED_TRACK_TYPES = [
  'CONSUMED',
  'CONSUMED_BUT_FILTERED',
  'NOT_CONSUME_YET',
  'NOT_ONLINE',
  'UNKNOWN',
] as const;

export type DocumentedTrackType = (typeof DOCUMENTED_TRACK_TYPES)[number];

export interface TrackTypeGuide {
  meaning: string;
  advice: string;
}

const GUIDES: Record<string, TrackTypeGuide> = {
  CONSUMED: {
    meaning: "The group's committed offset has moved past this message.",
    advice:
      "Nothing to do here. If the business effect is missing, read the consumer's logs: CONSUMED does not prove the handler succeeded.",
  },
  CONSUMED_BUT_FILTERED: {
    meaning: "The message's tag does not match this group's subscription, so it was filtered out and never delivered.",
    advice:
      "Expected if this group should not get this tag. Otherwise fix the tag expression the group's consumers subscribe with.",
  },
  NOT_CONSUME_YET: {
    meaning: "The group is online but its committed offset has not reached this message yet.",
    advice:
      'Check the backlog and the consumers (explain). If it was consumed seconds ago, look again after about 5 s: offsets are committed periodically.',
  },
  NOT_ONLINE: {
    meaning: 'No consumer client of this group is connected, so nothing can consume the message.',
    advice:
      "Start the group's consumers or find why they stopped: check their logs, AccessKey, instance endpoint and GroupId.",
  },
  UNKNOWN: {
    meaning: 'The service could not determine the status for this group.',
    advice: 'Look again in a minute. If it persists, open a ticket with the upstream request id below.',
  },
  PULL: {
    meaning: 'The group uses a pull consumer, whose progress the server cannot judge.',
    advice: "Check the pull consumer's own offset store or logs.",
  },
  CONSUME_BROADCASTING: {
    meaning: 'The group consumes in broadcasting mode, which keeps no server-side offset to judge.',
    advice: "Check each broadcasting client's logs; the server cannot tell.",
  },
};

const UNRECOGNISED: TrackTypeGuide = {
  meaning: 'The API returned a track type that is not documented; it is shown exactly as returned.',
  advice: 'Treat it as unknown. Check the group in the console, and tell the mqtrace maintainers about the new value.',
};

/** The meaning and advice for a raw track type; unrecognised values get a generic guide. */
export function guideFor(trackType: string): TrackTypeGuide {
  return Object.hasOwn(GUIDES, trackType) ? (GUIDES[trackType] as TrackTypeGuide) : UNRECOGNISED;
}

/** True for the five values the ONS documentation lists. */
export function isDocumentedTrackType(trackType: string): trackType is DocumentedTrackType {
  return (DOCUMENTED_TRACK_TYPES as readonly string[]).includes(trackType);
}
