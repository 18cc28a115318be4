import { intParam, ownedInstance, requiredParam, timeWindow, topicOf, type RocketMq5Call } from './call-context';
import { rocketMq5Error } from './errors';
import { PAGE_SIZE_DEFAULT, findMessage, messageInfo, visibleMessages } from './trace-handlers';
import type { WorldInstance, WorldMessage } from './world';

/**
 * The system properties of a stored message. UNVERIFIED: the real key set is undocumented; these
 * are the RocketMQ property names for the facts the seed has.
 */
function systemProperties(message: WorldMessage): Record<string, string> {
  return {
    UNIQ_KEY: message.messageId,
    ...(message.tag === undefined ? {} : { TAGS: message.tag }),
    ...(message.keys.length === 0 ? {} : { KEYS: message.keys.join(' ') }),
    ...(message.messageGroup === undefined ? {} : { __SHARDINGKEY: message.messageGroup }),
    ...(message.producer.dlqOriginTopic === undefined ? {} : { RETRY_TOPIC: message.producer.dlqOriginTopic }),
  };
}

function listItem(message: WorldMessage, instance: WorldInstance): Record<string, unknown> {
  const info = messageInfo(message, instance);
  return { ...info, bodySize: message.bodySize };
}

/**
 * GetMessageDetail: one stored message with body, size, hosts, times, keys, tag and properties.
 *
 * @param call - The validated call.
 * @returns `data`.
 * @throws RocketMq5Error `Instance.NotFound`, `NoPermission`, `Topic.NotFound`, `Message.NotFound`.
 */
export function handleGetMessageDetail(call: RocketMq5Call): Record<string, unknown> {
  const instance = ownedInstance(call);
  const topic = topicOf(instance, requiredParam(call, 'topicName'));
  const message = findMessage(topic, requiredParam(call, 'messageId'), call.nowMs);
  return { ...listItem(message, instance), systemProperties: systemProperties(message) };
}

/**
 * ListMessages: the topic's stored messages born in `[startTime, endTime]` (each end optional),
 * optionally only `messageId` or those with key `messageKey`, newest first. The first call (no
 * `scrollId`) snapshots the result and returns a `scrollId`; later calls with it page through that
 * snapshot (its filters win over the ones they send) by `pageNumber`/`pageSize`.
 *
 * @param call - The validated call.
 * @returns `data {list, pageNumber, pageSize, scrollId, totalCount}`.
 * @throws RocketMq5Error as GetMessageDetail's lookups, `InvalidScrollId`.
 */
export function handleListMessages(call: RocketMq5Call): Record<string, unknown> {
  const instance = ownedInstance(call);
  const topic = topicOf(instance, requiredParam(call, 'topicName'));
  const pageNumber = intParam(call, 'pageNumber', 1);
  const pageSize = intParam(call, 'pageSize', PAGE_SIZE_DEFAULT);
  const scrollId = call.params.get('scrollId');
  let ids: readonly string[];
  let currentScrollId: string;
  if (scrollId === undefined) {
    const window = timeWindow(call, instance);
    const messageId = call.params.get('messageId')?.toUpperCase();
    const messageKey = call.params.get('messageKey');
    ids = visibleMessages(topic, call.nowMs)
      .filter(
        (message) =>
          message.bornMs >= window.startMs &&
          message.bornMs <= window.endMs &&
          (messageId === undefined || message.messageId === messageId) &&
          (messageKey === undefined || message.keys.includes(messageKey)),
      )
      .map((message) => message.messageId);
    currentScrollId = call.scrolls.create({ accountId: call.accountId, instanceId: instance.instanceId, topicName: topic.topicName, messageIds: ids });
  } else {
    const snapshot = call.scrolls.get(scrollId);
    if (snapshot === undefined || snapshot.accountId !== call.accountId || snapshot.instanceId !== instance.instanceId || snapshot.topicName !== topic.topicName) {
      throw rocketMq5Error('InvalidScrollId');
    }
    ids = snapshot.messageIds;
    currentScrollId = scrollId;
  }
  const page = ids.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).flatMap((id) => {
    const message = topic.messages.get(id);
    return message === undefined ? [] : [listItem(message, instance)];
  });
  return { list: page, pageNumber, pageSize, scrollId: currentScrollId, totalCount: ids.length };
}
