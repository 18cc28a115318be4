import { crc32 } from 'node:zlib';
import { apiError } from './api-errors';
import { requiredParam, type ActionContext, type ActionResult } from './action-types';
import type { IndexedInstance, SeedConsumerGroup } from './seed-index';
import { ownedInstance } from './owned-resources';

/** Failed deliveries before a clustering consumer dead-letters a message (RocketMQ's maxReconsumeTimes). */
export const DEFAULT_DLQ_RECONSUME_TIMES = 16;
const DEFAULT_LAST_CONSUMED_AGO_MS = 1000;
const DEFAULT_LANGUAGE = 'JAVA';
const DEFAULT_VERSION = 'V4_9_7';
// Clients start a while before the demo; a fixed hour keeps replies stable.
const CLIENT_STARTED_AGO_MS = 3_600_000;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

type Connection = SeedConsumerGroup['connections'][number];
type Subscription = Connection['subscriptions'][number];

/**
 * Resolves `InstanceId` and `GroupId` to a seeded consumer group.
 *
 * @throws EmulatorApiError as `ownedInstance`, or `BIZ_SUBSCRIPTION_NOT_FOUND`.
 */
export function seededGroup(context: ActionContext): { instance: IndexedInstance; group: SeedConsumerGroup } {
  const instance = ownedInstance(context);
  const groupId = requiredParam(context.params, 'GroupId');
  const group = instance.consumerGroups.get(groupId);
  if (group === undefined) {
    throw apiError('BIZ_SUBSCRIPTION_NOT_FOUND', { name: groupId });
  }
  return { instance, group };
}

/** The `TagsSet` a broker parses from a subscription expression: none for `*`. */
export function tagsOf(subString: string): string[] {
  const expression = subString.trim();
  if (expression === '*' || expression === '') {
    return [];
  }
  return expression
    .split('||')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

function clientAddrOf(connection: Connection): string {
  if (connection.clientAddr !== undefined) {
    return connection.clientAddr;
  }
  const ip = connection.clientId.split('@')[0] ?? '';
  return `${IPV4.test(ip) ? ip : '10.0.3.10'}:${32768 + (crc32(connection.clientId) % 28000)}`;
}

interface Accumulate {
  Online: boolean;
  TotalDiff: number;
  ConsumeTps: number;
  LastTimestamp: number;
  DelayTime: number;
  DetailInTopicList?: { DetailInTopicDo: Array<{ Topic: string; TotalDiff: number; LastTimestamp: number; DelayTime: number }> };
}

function accumulateOf(group: SeedConsumerGroup, context: ActionContext): Accumulate {
  const online = group.connections.length > 0;
  const topics = (group.topics ?? []).map((topic) => ({
    Topic: topic.topic,
    TotalDiff: topic.totalDiff ?? 0,
    LastTimestamp: context.nowMs - context.elapsedMs - (topic.lastConsumedAgoMs ?? DEFAULT_LAST_CONSUMED_AGO_MS),
    DelayTime: topic.delayMs ?? 0,
  }));
  const result: Accumulate = {
    Online: online,
    TotalDiff: topics.reduce((sum, topic) => sum + topic.TotalDiff, 0),
    ConsumeTps: online ? (group.consumeTps ?? 0) : 0,
    // ONS reports "never consumed" as 0.
    LastTimestamp: topics.reduce((latest, topic) => Math.max(latest, topic.LastTimestamp), 0),
    DelayTime: topics.reduce((worst, topic) => Math.max(worst, topic.DelayTime), 0),
  };
  if (context.params.Detail === 'true') {
    result.DetailInTopicList = { DetailInTopicDo: topics };
  }
  return result;
}

/**
 * Handles `OnsConsumerAccumulate`: online state, backlog, TPS, last consumed born time and delay,
 * with `DetailInTopicList.DetailInTopicDo[]` per topic when `Detail=true`.
 *
 * @param context - The validated request and the seed.
 * @returns `{ Data: {...} }`.
 * @throws EmulatorApiError `INSTANCE_NOT_FOUND`, `AUTH_RESOURCE_OWNER_ERROR`, `BIZ_SUBSCRIPTION_NOT_FOUND`.
 */
export function handleOnsConsumerAccumulate(context: ActionContext): ActionResult {
  const { group } = seededGroup(context);
  return { Data: accumulateOf(group, context) };
}

/**
 * Handles `OnsConsumerGetConnection`: `ConnectionList.ConnectionDo[]`. A group without connected
 * clients answers `BIZ_CONSUMER_NOT_ONLINE`, as the open-source broker does (UNVERIFIED for ONS).
 *
 * @param context - The validated request and the seed.
 * @returns `{ Data: { ConnectionList: { ConnectionDo: [...] }, MessageModel } }`.
 * @throws EmulatorApiError as {@link seededGroup}, or `BIZ_CONSUMER_NOT_ONLINE`.
 */
export function handleOnsConsumerGetConnection(context: ActionContext): ActionResult {
  const { group } = seededGroup(context);
  if (group.connections.length === 0) {
    throw apiError('BIZ_CONSUMER_NOT_ONLINE', { name: group.groupId });
  }
  return {
    Data: {
      ConnectionList: {
        ConnectionDo: group.connections.map((connection) => ({
          ClientId: connection.clientId,
          ClientAddr: clientAddrOf(connection),
          Language: connection.language ?? DEFAULT_LANGUAGE,
          Version: connection.version ?? DEFAULT_VERSION,
        })),
      },
      MessageModel: group.consumeModel ?? 'CLUSTERING',
    },
  };
}

function canonicalSubscriptions(subscriptions: readonly Subscription[]): string {
  return subscriptions
    .map((s) => `${s.topic}=${tagsOf(s.subString).sort().join('||') || '*'}`)
    .sort()
    .join(';');
}

/**
 * Handles `OnsConsumerStatus`: the accumulate figures plus `ConsumeModel`, `SubscriptionSame`
 * (derived: every client's subscriptions are equal), `RebalanceOK`, `ConnectionSet.ConnectionDo[]`
 * and `ConsumerConnectionInfoList.ConsumerConnectionInfoDo[]` with `SubscriptionSet.SubscriptionData[]`
 * (`TagsSet.Tag[]` parsed from each expression) and `RunningDataList.ConsumerRunningDataDo[]`.
 *
 * @param context - The validated request and the seed.
 * @returns `{ Data: {...} }`.
 * @throws EmulatorApiError as {@link seededGroup}.
 */
export function handleOnsConsumerStatus(context: ActionContext): ActionResult {
  const { instance, group } = seededGroup(context);
  const accumulate = accumulateOf(group, context);
  const consumeModel = group.consumeModel ?? 'CLUSTERING';
  const startedAt = context.nowMs - CLIENT_STARTED_AGO_MS;
  const perClientTps = group.connections.length > 0 ? accumulate.ConsumeTps / group.connections.length : 0;
  return {
    Data: {
      ...accumulate,
      ConsumeModel: consumeModel,
      SubscriptionSame: new Set(group.connections.map((c) => canonicalSubscriptions(c.subscriptions))).size <= 1,
      RebalanceOK: group.rebalanceOk ?? true,
      InstanceId: instance.instanceId,
      ConnectionSet: {
        ConnectionDo: group.connections.map((connection) => ({
          ClientId: connection.clientId,
          ClientAddr: clientAddrOf(connection),
          Language: connection.language ?? DEFAULT_LANGUAGE,
          Version: connection.version ?? DEFAULT_VERSION,
          RemoteIP: clientAddrOf(connection).split(':')[0],
        })),
      },
      ConsumerConnectionInfoList: {
        ConsumerConnectionInfoDo: group.connections.map((connection) => ({
          ClientId: connection.clientId,
          Connection: clientAddrOf(connection),
          Language: connection.language ?? DEFAULT_LANGUAGE,
          Version: connection.version ?? DEFAULT_VERSION,
          ConsumeModel: consumeModel,
          ConsumeType: connection.consumeType ?? 'PUSH',
          ThreadCount: 20,
          StartTimeStamp: startedAt,
          LastTimeStamp: context.nowMs,
          SubscriptionSet: {
            SubscriptionData: connection.subscriptions.map((subscription) => ({
              Topic: subscription.topic,
              SubString: subscription.subString,
              SubVersion: startedAt,
              TagsSet: { Tag: tagsOf(subscription.subString) },
            })),
          },
          RunningDataList: {
            ConsumerRunningDataDo: connection.subscriptions.map((subscription) => ({
              Topic: subscription.topic,
              Rt: 12.5,
              OkTps: perClientTps,
              FailedTps: 0,
              FailedCountPerHour: 0,
            })),
          },
        })),
      },
    },
  };
}
