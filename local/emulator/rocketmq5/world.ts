import { composeMessageId } from './message-id';
import { DLQ_TOPIC_PREFIX, type RocketMq5Seed, type RocketMq5SeedGroup, type RocketMq5SeedInstance, type RocketMq5SeedMessage } from './seed-schema';
import { DEFAULT_TIME_ZONE_OFFSET_MINUTES } from './time-format';

/**
 * The 5.x seed resolved against the emulator start: absolute times, message ids, generated DLQ
 * topics, lookups by id. Built once per emulator.
 */

const DEFAULT_REGION = 'cn-hangzhou';
const DEFAULT_BORN_AGO_MS = 600_000;
const DEFAULT_STORE_DELAY_MS = 3;
const DEFAULT_BORN_HOST = '10.0.9.11:52001';
const DEFAULT_STORE_HOST = '10.0.8.21:8080';
const DEFAULT_CLIENT_HOST = '10.0.0.1';
const DEFAULT_DELIVERED_AFTER_MS = 100;
const DEFAULT_CONSUME_DURATION_MS = 20;
const DEFAULT_INVISIBLE_TIME_MS = 60_000;
const DEFAULT_TO_DLQ_AFTER_MS = 1000;
const DEFAULT_LAST_CONSUME_AGO_MS = 1000;

/**
 * The status words the emulator emits. UNVERIFIED: the real enums are undocumented (round2.md
 * §4.3); only `SUCCESS` (consumeStatus, produceStatus) and `ADD` (operateType) are SDK examples.
 * A seed may use any other upper-case word, which is passed through so clients meet unknown values.
 */
export const ROCKETMQ5_STATUS_WORDS = {
  consumeStatus: { success: 'SUCCESS', failed: 'FAILED' },
  produceStatus: { success: 'SUCCESS' },
  messageSource: { sdk: 'SDK', console: 'CONSOLE', deadLetter: 'DLQ' },
  /** Broker operation when the message is stored. */
  brokerOperateType: { stored: 'ADD' },
  /** Consumer record operations: delivered (invisible), acknowledged, handed back for a retry. */
  consumerOperateType: { delivered: 'ADD', acked: 'ACK', retryLater: 'CHANGE_INVISIBLE_TIME' },
} as const;

/** One operation of a consumer record. */
export interface WorldOperation {
  atMs: number;
  operateType: string;
  invisibleTime?: number;
  deadMessage: boolean;
}

/** One delivery attempt to one client. */
export interface WorldRecord {
  clientHost: string;
  consumeStatus: string;
  fifoEnable: boolean;
  popCk?: string;
  userName?: string;
  operations: WorldOperation[];
}

/** One group's trace of one message. */
export interface WorldConsumer {
  consumerGroupId: string;
  consumeStatus?: string;
  deadLetter?: { topicName: string; messageId: string; toDlqMs: number };
  records: WorldRecord[];
}

/** One stored message with its trace. */
export interface WorldMessage {
  messageId: string;
  instanceId: string;
  regionId: string;
  topicName: string;
  messageType: string;
  note?: string;
  tag?: string;
  keys: string[];
  body: string;
  bodySize: number;
  messageGroup?: string;
  userProperties: Record<string, string>;
  bornMs: number;
  storeMs: number;
  bornHost: string;
  storeHost: string;
  producer: { clientHost: string; userName?: string; messageSource: string; produceStatus: string; dlqOriginTopic?: string; dlqOriginMessageId?: string };
  consumers: WorldConsumer[];
}

/** One topic, its messages newest first. */
export interface WorldTopic {
  topicName: string;
  messageType: string;
  /** Upper-case message id → message. */
  messages: ReadonlyMap<string, WorldMessage>;
  /** Newest born first (ties: the seed order). */
  ordered: readonly WorldMessage[];
  generated: boolean;
}

/** A consumer group with absolute times. */
export interface WorldGroup {
  consumerGroupId: string;
  messageModel: string;
  seed: RocketMq5SeedGroup;
}

/** One instance. */
export interface WorldInstance {
  instanceId: string;
  accountId: string;
  regionId: string;
  timeZoneOffsetMinutes: number;
  topics: ReadonlyMap<string, WorldTopic>;
  groups: ReadonlyMap<string, WorldGroup>;
  startedAtMs: number;
}

/** Every 5.x instance of the seed. */
export interface RocketMq5World {
  instances: ReadonlyMap<string, WorldInstance>;
  throttlingStatus: 400 | 429;
}

function resolveMessageId(message: RocketMq5SeedMessage, bornMs: number, offsetMinutes: number): string {
  if (message.generatedId !== undefined) {
    return composeMessageId(message.generatedId, bornMs, offsetMinutes);
  }
  return (message.messageId ?? '').toUpperCase();
}

function ipOf(hostPort: string): string {
  return hostPort.replace(/:\d+$/, '');
}

function defaultClientHost(groups: ReadonlyMap<string, RocketMq5SeedGroup>, groupId: string): string {
  const connection = groups.get(groupId)?.connections[0];
  if (connection === undefined) {
    return DEFAULT_CLIENT_HOST;
  }
  return connection.egressIp ?? connection.clientId.split('@')[0] ?? DEFAULT_CLIENT_HOST;
}

function resolveConsumer(
  consumer: RocketMq5SeedMessage['consumers'][number],
  context: { storeMs: number; messageId: string; fifo: boolean; groups: ReadonlyMap<string, RocketMq5SeedGroup> },
): WorldConsumer {
  const seeded = consumer.records ?? [];
  let lastEndMs = context.storeMs;
  const records: WorldRecord[] = seeded.map((record, index) => {
    const deliveredMs = context.storeMs + (record.deliveredAfterMs ?? DEFAULT_DELIVERED_AFTER_MS);
    const endMs = deliveredMs + (record.consumeDurationMs ?? DEFAULT_CONSUME_DURATION_MS);
    lastEndMs = Math.max(lastEndMs, endMs);
    const isLast = index === seeded.length - 1;
    const succeeded = record.consumeStatus === ROCKETMQ5_STATUS_WORDS.consumeStatus.success;
    const words = ROCKETMQ5_STATUS_WORDS.consumerOperateType;
    const operations: WorldOperation[] = [
      { atMs: deliveredMs, operateType: words.delivered, invisibleTime: record.invisibleTimeMs ?? DEFAULT_INVISIBLE_TIME_MS, deadMessage: false },
      { atMs: endMs, operateType: succeeded ? words.acked : words.retryLater, deadMessage: isLast && consumer.deadLetter !== undefined },
    ];
    return {
      clientHost: record.clientHost ?? defaultClientHost(context.groups, consumer.consumerGroupId),
      consumeStatus: record.consumeStatus,
      fifoEnable: context.fifo,
      ...(record.popCk === undefined ? {} : { popCk: record.popCk }),
      ...(record.userName === undefined ? {} : { userName: record.userName }),
      operations,
    };
  });
  const status = consumer.consumeStatus ?? records.at(-1)?.consumeStatus;
  return {
    consumerGroupId: consumer.consumerGroupId,
    ...(status === undefined ? {} : { consumeStatus: status }),
    ...(consumer.deadLetter === undefined
      ? {}
      : {
          deadLetter: {
            topicName: `${DLQ_TOPIC_PREFIX}${consumer.consumerGroupId}`,
            // UNVERIFIED: the DLQ copy keeps the message id, as 4.x keeps UNIQ_KEY.
            messageId: context.messageId,
            toDlqMs: lastEndMs + (consumer.deadLetter.toDlqAfterMs ?? DEFAULT_TO_DLQ_AFTER_MS),
          },
        }),
    records,
  };
}

function resolveMessage(
  message: RocketMq5SeedMessage,
  topic: RocketMq5SeedInstance['topics'][number],
  instance: { instanceId: string; regionId: string; offset: number; startedAtMs: number; groups: ReadonlyMap<string, RocketMq5SeedGroup> },
): WorldMessage {
  const bornMs = instance.startedAtMs - (message.bornAgoMs ?? DEFAULT_BORN_AGO_MS);
  const storeMs = bornMs + (message.storeDelayMs ?? DEFAULT_STORE_DELAY_MS);
  const messageId = resolveMessageId(message, bornMs, instance.offset);
  const body = message.body ?? JSON.stringify({ topic: topic.topicName, tag: message.tag ?? null, keys: message.keys ?? [] });
  const bornHost = message.bornHost ?? DEFAULT_BORN_HOST;
  const messageType = topic.messageType ?? 'NORMAL';
  return {
    messageId,
    instanceId: instance.instanceId,
    regionId: instance.regionId,
    topicName: topic.topicName,
    messageType,
    ...(message.note === undefined ? {} : { note: message.note }),
    ...(message.tag === undefined ? {} : { tag: message.tag }),
    keys: message.keys ?? [],
    body,
    bodySize: Buffer.byteLength(body, 'utf8'),
    ...(message.messageGroup === undefined ? {} : { messageGroup: message.messageGroup }),
    userProperties: { ...(message.userProperties ?? {}) },
    bornMs,
    storeMs,
    bornHost,
    storeHost: message.storeHost ?? DEFAULT_STORE_HOST,
    producer: {
      clientHost: ipOf(bornHost),
      ...(message.producer?.userName === undefined ? {} : { userName: message.producer.userName }),
      messageSource: message.producer?.messageSource ?? ROCKETMQ5_STATUS_WORDS.messageSource.sdk,
      produceStatus: message.producer?.produceStatus ?? ROCKETMQ5_STATUS_WORDS.produceStatus.success,
    },
    consumers: message.consumers.map((consumer) =>
      resolveConsumer(consumer, { storeMs, messageId, fifo: messageType === 'FIFO', groups: instance.groups }),
    ),
  };
}

/** The dead-lettered copy: same id and content, stored at the DLQ time, nobody consumes it. */
function deadLetterCopy(original: WorldMessage, deadLetter: NonNullable<WorldConsumer['deadLetter']>): WorldMessage {
  return {
    ...original,
    topicName: deadLetter.topicName,
    storeMs: deadLetter.toDlqMs,
    producer: {
      clientHost: ipOf(original.storeHost),
      messageSource: ROCKETMQ5_STATUS_WORDS.messageSource.deadLetter,
      produceStatus: ROCKETMQ5_STATUS_WORDS.produceStatus.success,
      dlqOriginTopic: original.topicName,
      dlqOriginMessageId: original.messageId,
    },
    consumers: [],
  };
}

function toTopic(topicName: string, messageType: string, messages: readonly WorldMessage[], generated: boolean): WorldTopic {
  const ordered = messages.map((message, index) => ({ message, index })).sort((a, b) => b.message.bornMs - a.message.bornMs || a.index - b.index);
  return {
    topicName,
    messageType,
    messages: new Map(messages.map((message) => [message.messageId, message])),
    ordered: ordered.map((entry) => entry.message),
    generated,
  };
}

function resolveInstance(instance: RocketMq5SeedInstance, startedAtMs: number): WorldInstance {
  const regionId = instance.regionId ?? DEFAULT_REGION;
  const offset = instance.timeZoneOffsetMinutes ?? DEFAULT_TIME_ZONE_OFFSET_MINUTES;
  const seedGroups = new Map(instance.consumerGroups.map((group) => [group.consumerGroupId, group]));
  const topics = new Map<string, WorldTopic>();
  const deadLetters = new Map<string, WorldMessage[]>();
  for (const topic of instance.topics) {
    const messages = topic.messages.map((message) => resolveMessage(message, topic, { instanceId: instance.instanceId, regionId, offset, startedAtMs, groups: seedGroups }));
    for (const message of messages) {
      for (const consumer of message.consumers) {
        if (consumer.deadLetter !== undefined) {
          const list = deadLetters.get(consumer.deadLetter.topicName) ?? [];
          list.push(deadLetterCopy(message, consumer.deadLetter));
          deadLetters.set(consumer.deadLetter.topicName, list);
        }
      }
    }
    topics.set(topic.topicName, toTopic(topic.topicName, topic.messageType ?? 'NORMAL', messages, false));
  }
  for (const [topicName, messages] of deadLetters) {
    topics.set(topicName, toTopic(topicName, 'NORMAL', messages, true));
  }
  const groups = new Map<string, WorldGroup>(
    instance.consumerGroups.map((group) => [group.consumerGroupId, { consumerGroupId: group.consumerGroupId, messageModel: group.messageModel ?? 'CLUSTERING', seed: group }]),
  );
  return { instanceId: instance.instanceId, accountId: instance.accountId, regionId, timeZoneOffsetMinutes: offset, topics, groups, startedAtMs };
}

/**
 * Resolves the `rocketmq5` seed section against the emulator start.
 *
 * @param section - The validated section, or `undefined` for a seed without 5.x instances.
 * @param startedAtMs - The emulator start on its clock.
 * @returns The world.
 */
export function buildRocketMq5World(section: RocketMq5Seed | undefined, startedAtMs: number): RocketMq5World {
  const instances = new Map((section?.instances ?? []).map((instance) => [instance.instanceId, resolveInstance(instance, startedAtMs)]));
  return { instances, throttlingStatus: section?.throttlingStatus ?? 400 };
}

/** One row of {@link listRocketMq5Messages}. */
export interface RocketMq5MessageSummary {
  instanceId: string;
  topicName: string;
  messageId: string;
  messageKeys: string[];
  messageTag?: string;
  bornTimeMs: number;
  note?: string;
}

/**
 * Lists every seeded 5.x message with the id it has in this run (generated ids embed the born
 * time, so they change with every start), for printing demo commands.
 *
 * @param world - From {@link buildRocketMq5World}.
 * @returns Messages in seed order per instance and topic; generated DLQ copies last.
 */
export function listRocketMq5Messages(world: RocketMq5World): RocketMq5MessageSummary[] {
  const rows: RocketMq5MessageSummary[] = [];
  for (const instance of world.instances.values()) {
    const topics = [...instance.topics.values()].sort((a, b) => Number(a.generated) - Number(b.generated));
    for (const topic of topics) {
      for (const message of topic.messages.values()) {
        rows.push({
          instanceId: instance.instanceId,
          topicName: topic.topicName,
          messageId: message.messageId,
          messageKeys: message.keys,
          ...(message.tag === undefined ? {} : { messageTag: message.tag }),
          bornTimeMs: message.bornMs,
          ...(message.note === undefined ? {} : { note: topic.generated ? `Dead-lettered copy: ${message.note}` : message.note }),
        });
      }
    }
  }
  return rows;
}
