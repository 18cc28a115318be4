import { apiError } from './api-errors';
import { requiredParam, type ActionContext, type ActionResult } from './action-types';
import { ownedTopic } from './owned-resources';
import type { SeedTrack } from './seed-index';

interface MessageTrack {
  ConsumerGroup: string;
  TrackType: string;
  InstanceId: string;
  ExceptionDesc?: string;
}

function trackAt(track: SeedTrack, elapsedMs: number): { trackType: string; exceptionDesc: string | undefined } {
  let state = { trackType: track.trackType, exceptionDesc: track.exceptionDesc };
  for (const entry of track.timeline ?? []) {
    if (entry.afterMs > elapsedMs) {
      break;
    }
    state = { trackType: entry.trackType, exceptionDesc: entry.exceptionDesc };
  }
  return state;
}

function toMessageTrack(track: SeedTrack, instanceId: string, elapsedMs: number): MessageTrack {
  const state = trackAt(track, elapsedMs);
  const result: MessageTrack = { ConsumerGroup: track.consumerGroup, TrackType: state.trackType, InstanceId: instanceId };
  if (state.exceptionDesc !== undefined) {
    result.ExceptionDesc = state.exceptionDesc;
  }
  return result;
}

/**
 * Handles `OnsMessageTrace`: one `MessageTrack` per subscribing consumer group of the message,
 * evaluated at the current point of each track's timeline.
 *
 * @param context - The validated request and the seed.
 * @returns `{ Data: { MessageTrack: [...] } }`.
 * @throws EmulatorApiError `INSTANCE_NOT_FOUND`, `AUTH_RESOURCE_OWNER_ERROR`, `BIZ_TOPIC_NOT_FOUND`, `BIZ_NO_MESSAGE`.
 */
export function handleOnsMessageTrace(context: ActionContext): ActionResult {
  const instanceId = requiredParam(context.params, 'InstanceId');
  const msgId = requiredParam(context.params, 'MsgId');
  const messages = ownedTopic(context);
  const message = messages.get(msgId.toUpperCase());
  if (message === undefined && context.unknownMessage === 'error') {
    throw apiError('BIZ_NO_MESSAGE');
  }
  let elapsedMs = context.elapsedMs;
  if (message?.timelineRelativeTo === 'firstLookup') {
    const key = msgId.toUpperCase();
    const first = context.firstLookups.get(key) ?? context.nowMs;
    context.firstLookups.set(key, first);
    elapsedMs = context.nowMs - first;
  }
  const tracks = (message?.tracks ?? []).map((track) => toMessageTrack(track, instanceId, elapsedMs));
  return { Data: { MessageTrack: tracks } };
}
