import { apiError } from './api-errors';
import { requiredParam, type ActionContext, type ActionResult } from './action-types';
import { DEFAULT_DLQ_RECONSUME_TIMES, seededGroup } from './ons-consumer-group';
import { ownedTopic } from './owned-resources';
import { toOnsRestMessageDo } from './ons-rest-message';
import type { IndexedInstance, SeedMessage } from './seed-index';

const DEFAULT_DEAD_LETTERED_AGO_MS = 60_000;

/** What `bornAgoMs` counts back from: the emulator start, or (`bornRelativeTo: "request"`) now. */
function bornBase(message: SeedMessage, context: ActionContext): number {
  return message.bornRelativeTo === 'request' ? context.nowMs : context.nowMs - context.elapsedMs;
}

function findOnInstance(instance: IndexedInstance, msgId: string): { topic: string; message: SeedMessage } | undefined {
  for (const [topic, messages] of instance.topics) {
    const message = messages.get(msgId.toUpperCase());
    if (message !== undefined) {
      return { topic, message };
    }
  }
  return undefined;
}

/**
 * Handles `OnsMessageGetByMsgId`: the message's `Data` (born and store time and host, size, CRC,
 * reconsume times and `PropertyList.MessageProperty[]` with TAGS and KEYS).
 *
 * @param context - The validated request and the seed.
 * @returns `{ Data: OnsRestMessageDo }`.
 * @throws EmulatorApiError `INSTANCE_NOT_FOUND`, `AUTH_RESOURCE_OWNER_ERROR`, `BIZ_TOPIC_NOT_FOUND`, `BIZ_NO_MESSAGE`.
 */
export function handleOnsMessageGetByMsgId(context: ActionContext): ActionResult {
  const messages = ownedTopic(context);
  const message = messages.get(requiredParam(context.params, 'MsgId').toUpperCase());
  if (message === undefined) {
    throw apiError('BIZ_NO_MESSAGE');
  }
  const instanceId = requiredParam(context.params, 'InstanceId');
  const topic = requiredParam(context.params, 'Topic');
  return { Data: toOnsRestMessageDo(message, { instanceId, topic, startedAtMs: bornBase(message, context) }) };
}

/**
 * Handles `OnsDLQMessageGetById`: the dead-lettered copy of a message in the group's DLQ, with the
 * seeded reconsume count and its time of dead-lettering (before emulator start) as the store time. A message that is not in
 * the DLQ answers `BIZ_NO_MESSAGE` (UNVERIFIED for ONS).
 *
 * @param context - The validated request and the seed.
 * @returns `{ Data: OnsRestMessageDo }`.
 * @throws EmulatorApiError `INSTANCE_NOT_FOUND`, `AUTH_RESOURCE_OWNER_ERROR`, `BIZ_SUBSCRIPTION_NOT_FOUND`, `BIZ_NO_MESSAGE`.
 */
export function handleOnsDLQMessageGetById(context: ActionContext): ActionResult {
  const { instance, group } = seededGroup(context);
  const msgId = requiredParam(context.params, 'MsgId').toUpperCase();
  // Found by any of the message's IDs (an alias too), then matched to the group's DLQ by its own ID.
  const found = findOnInstance(instance, msgId);
  const ownId = found?.message.msgId.toUpperCase();
  const entry = ownId === undefined ? undefined : (group.dlq ?? []).find((dead) => dead.msgId.toUpperCase() === ownId);
  if (entry === undefined || found === undefined) {
    throw apiError('BIZ_NO_MESSAGE');
  }
  const original = toOnsRestMessageDo(found.message, {
    instanceId: instance.instanceId,
    topic: found.topic,
    startedAtMs: bornBase(found.message, context),
  });
  return {
    Data: {
      ...original,
      StoreTimestamp: context.nowMs - context.elapsedMs - (entry.deadLetteredAgoMs ?? DEFAULT_DEAD_LETTERED_AGO_MS),
      ReconsumeTimes: entry.reconsumeTimes ?? DEFAULT_DLQ_RECONSUME_TIMES,
    },
  };
}
