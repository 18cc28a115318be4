import { intParam, ownedInstance, requiredParam, timeWindow, topicOf, type RocketMq5Call, type TimeWindow } from './call-context';
import { missingParamError, rocketMq5Error } from './errors';
import { formatApiTime } from './time-format';
import { ROCKETMQ5_STATUS_WORDS, type WorldConsumer, type WorldInstance, type WorldMessage, type WorldTopic } from './world';

/** Default and largest `pageSize` of the list operations (UNVERIFIED: undocumented). */
export const PAGE_SIZE_DEFAULT = 10;
/** The largest accepted `pageSize`. */
export const PAGE_SIZE_MAX = 100;

/**
 * Messages of a topic that are stored by now, newest born first.
 *
 * @param topic - The topic.
 * @param nowMs - The emulator clock.
 * @returns The visible messages.
 */
export function visibleMessages(topic: WorldTopic, nowMs: number): WorldMessage[] {
  return topic.ordered.filter((message) => message.storeMs <= nowMs);
}

/**
 * Finds a stored message by id (case-insensitive).
 *
 * @throws RocketMq5Error `Message.NotFound`.
 */
export function findMessage(topic: WorldTopic, messageId: string, nowMs: number): WorldMessage {
  const message = topic.messages.get(messageId.toUpperCase());
  if (message === undefined || message.storeMs > nowMs) {
    throw rocketMq5Error('Message.NotFound');
  }
  return message;
}

function inWindow(message: WorldMessage, window: TimeWindow): boolean {
  return message.bornMs >= window.startMs && message.bornMs <= window.endMs;
}

function consumerInfo(consumer: WorldConsumer, instance: WorldInstance, nowMs: number): Record<string, unknown> {
  const offset = instance.timeZoneOffsetMinutes;
  const records = consumer.records
    .filter((record) => (record.operations[0]?.atMs ?? 0) <= nowMs)
    .map((record) => ({
      clientHost: record.clientHost,
      consumeStatus: record.consumeStatus,
      fifoEnable: record.fifoEnable,
      ...(record.popCk === undefined ? {} : { popCk: record.popCk }),
      ...(record.userName === undefined ? {} : { userName: record.userName }),
      operations: record.operations
        .filter((operation) => operation.atMs <= nowMs)
        .map((operation) => ({
          operateTime: formatApiTime(operation.atMs, offset),
          operateType: operation.operateType,
          ...(operation.invisibleTime === undefined ? {} : { invisibleTime: operation.invisibleTime }),
          deadMessage: operation.deadMessage,
        })),
    }));
  const complete = records.length === consumer.records.length;
  const status = complete ? consumer.consumeStatus : records.at(-1)?.consumeStatus;
  const dead = consumer.deadLetter !== undefined && consumer.deadLetter.toDlqMs <= nowMs ? consumer.deadLetter : undefined;
  return {
    consumerGroupId: consumer.consumerGroupId,
    ...(status === undefined ? {} : { consumeStatus: status }),
    deadMessage: dead !== undefined,
    ...(dead === undefined ? {} : { deadLetterInfo: { topicName: dead.topicName, messageId: dead.messageId, toDlqTime: formatApiTime(dead.toDlqMs, offset) } }),
    records,
  };
}

/**
 * The `messageInfo` of GetTrace (and the shared fields of the message operations).
 *
 * @param message - The message.
 * @param instance - Its instance (for the time zone).
 * @returns The SDK-shaped object.
 */
export function messageInfo(message: WorldMessage, instance: WorldInstance): Record<string, unknown> {
  const offset = instance.timeZoneOffsetMinutes;
  return {
    regionId: message.regionId,
    instanceId: message.instanceId,
    topicName: message.topicName,
    messageId: message.messageId,
    bornTime: formatApiTime(message.bornMs, offset),
    storeTime: formatApiTime(message.storeMs, offset),
    body: message.body,
    bornHost: message.bornHost,
    storeHost: message.storeHost,
    messageType: message.messageType,
    ...(message.tag === undefined ? {} : { messageTag: message.tag }),
    ...(message.messageGroup === undefined ? {} : { messageGroup: message.messageGroup }),
    messageKeys: [...message.keys],
    userProperties: { ...message.userProperties },
  };
}

/**
 * GetTrace: message, producer, broker and per-group consumer trace of one message. Records and
 * operations appear once their time has passed on the emulator clock; a group with none shows no
 * consumeStatus and `records: []`. With `startTime`/`endTime`, a message born outside them is not found.
 *
 * @param call - The validated call.
 * @returns `data`.
 * @throws RocketMq5Error `Instance.NotFound`, `NoPermission`, `Topic.NotFound`, `Message.NotFound`.
 */
export function handleGetTrace(call: RocketMq5Call): Record<string, unknown> {
  const instance = ownedInstance(call);
  const topic = topicOf(instance, requiredParam(call, 'topicName'));
  const message = findMessage(topic, requiredParam(call, 'messageId'), call.nowMs);
  if (!inWindow(message, timeWindow(call, instance))) {
    throw rocketMq5Error('Message.NotFound');
  }
  const offset = instance.timeZoneOffsetMinutes;
  const producer = message.producer;
  return {
    regionId: instance.regionId,
    instanceId: instance.instanceId,
    topicName: topic.topicName,
    messageInfo: messageInfo(message, instance),
    producerInfo: {
      records: [
        {
          produceTime: formatApiTime(message.bornMs, offset),
          arriveTime: formatApiTime(message.storeMs, offset),
          produceDuration: message.storeMs - message.bornMs,
          produceStatus: producer.produceStatus,
          clientHost: producer.clientHost,
          messageSource: producer.messageSource,
          ...(producer.userName === undefined ? {} : { userName: producer.userName }),
          ...(producer.dlqOriginTopic === undefined ? {} : { dlqOriginTopic: producer.dlqOriginTopic }),
          ...(producer.dlqOriginMessageId === undefined ? {} : { dlqOriginMessageId: producer.dlqOriginMessageId }),
        },
      ],
    },
    brokerInfo: {
      operations: [{ operateTime: formatApiTime(message.storeMs, offset), operateType: ROCKETMQ5_STATUS_WORDS.brokerOperateType.stored }],
    },
    consumerInfos: message.consumers.map((consumer) => consumerInfo(consumer, instance, call.nowMs)),
  };
}

/**
 * ListTraces: messages of a topic born in `[startTime, endTime]` by `queryType` — `MESSAGE_ID`
 * (needs `messageId`), `MESSAGE_KEY` (needs `messageKey`, exact key match) or `TOPIC` (all) —
 * newest first, paged by `pageNumber`/`pageSize`.
 *
 * @param call - The validated call.
 * @returns `data {list, pageNumber, pageSize, totalCount}`.
 * @throws RocketMq5Error as GetTrace's lookups, `MissingMessageId`, `MissingMessageKey`.
 */
export function handleListTraces(call: RocketMq5Call): Record<string, unknown> {
  const instance = ownedInstance(call);
  const topic = topicOf(instance, requiredParam(call, 'topicName'));
  const window = timeWindow(call, instance);
  const queryType = requiredParam(call, 'queryType');
  const messageId = call.params.get('messageId');
  const messageKey = call.params.get('messageKey');
  if (queryType === 'MESSAGE_ID' && messageId === undefined) {
    throw missingParamError('messageId');
  }
  if (queryType === 'MESSAGE_KEY' && messageKey === undefined) {
    throw missingParamError('messageKey');
  }
  const matches = visibleMessages(topic, call.nowMs).filter(
    (message) =>
      inWindow(message, window) &&
      (queryType !== 'MESSAGE_ID' || message.messageId === messageId?.toUpperCase()) &&
      (queryType !== 'MESSAGE_KEY' || (messageKey !== undefined && message.keys.includes(messageKey))),
  );
  const pageNumber = intParam(call, 'pageNumber', 1);
  const pageSize = intParam(call, 'pageSize', PAGE_SIZE_DEFAULT);
  const page = matches.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  return {
    list: page.map((message) => ({
      messageId: message.messageId,
      bornTime: formatApiTime(message.bornMs, instance.timeZoneOffsetMinutes),
      ...(message.tag === undefined ? {} : { messageTag: message.tag }),
      messageKeys: [...message.keys],
      instanceId: instance.instanceId,
      regionId: instance.regionId,
      topicName: topic.topicName,
    })),
    pageNumber,
    pageSize,
    totalCount: matches.length,
  };
}
