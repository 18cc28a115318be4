import { groupOf, ownedInstance, requiredParam, topicOf, type RocketMq5Call } from './call-context';
import { rocketMq5Error } from './errors';
import type { RocketMq5SeedGroup } from './seed-schema';
import { visibleMessages } from './trace-handlers';
import type { WorldGroup, WorldInstance } from './world';

const DEFAULT_LAST_CONSUME_AGO_MS = 1000;
const DEFAULT_LANGUAGE = 'java';
const DEFAULT_VERSION = '5.0.7';

type SeedSubscription = RocketMq5SeedGroup['subscriptions'][number];
type SeedConnection = RocketMq5SeedGroup['connections'][number];

interface Lag {
  readyCount: number;
  inflightCount: number;
  deliveryDuration: number;
  lastConsumeTimestamp: number;
}

function lagOf(subscription: SeedSubscription, instance: WorldInstance): Lag {
  return {
    readyCount: subscription.readyCount ?? 0,
    inflightCount: subscription.inflightCount ?? 0,
    deliveryDuration: subscription.deliveryDurationS ?? 0,
    lastConsumeTimestamp: instance.startedAtMs - (subscription.lastConsumeAgoMs ?? DEFAULT_LAST_CONSUME_AGO_MS),
  };
}

function subscriptionOf(group: WorldGroup, topicName: string): SeedSubscription | undefined {
  return group.seed.subscriptions.find((subscription) => subscription.topicName === topicName);
}

function subscriptionStatus(group: WorldGroup): 'ONLINE' | 'OFFLINE' {
  return group.seed.connections.length > 0 ? 'ONLINE' : 'OFFLINE';
}

function filterOf(subscription: { filterExpression?: string | undefined; filterExpressionType?: string | undefined }): { filterExpression: string; filterExpressionType: string } {
  return { filterExpression: subscription.filterExpression ?? '*', filterExpressionType: subscription.filterExpressionType ?? 'TAG' };
}

function connectionDto(connection: SeedConnection, group: WorldGroup): Record<string, unknown> {
  return {
    clientId: connection.clientId,
    egressIp: connection.egressIp ?? connection.clientId.split('@')[0] ?? '',
    ...(connection.hostname === undefined ? {} : { hostname: connection.hostname }),
    language: connection.language ?? DEFAULT_LANGUAGE,
    version: connection.version ?? DEFAULT_VERSION,
    messageModel: group.messageModel,
  };
}

/**
 * GetConsumerGroupLag: ready/inflight counts, delivery delay (s) and last consume time (ms) per
 * subscribed topic and in total (counts summed, delay and time the maximum). With `topicName`,
 * only that topic counts; a topic the group does not subscribe to gives zeros.
 *
 * @param call - The validated call.
 * @returns `data {consumerGroupId, instanceId, regionId, topicName, totalLag, topicLagMap, liteTopicLagMap}`.
 * @throws RocketMq5Error `Instance.NotFound`, `NoPermission`, `ConsumerGroup.NotFound`, `Topic.NotFound`.
 */
export function handleGetConsumerGroupLag(call: RocketMq5Call): Record<string, unknown> {
  const instance = ownedInstance(call);
  const group = groupOf(instance, requiredParam(call, 'consumerGroupId'));
  const topicName = call.params.get('topicName');
  if (topicName !== undefined) {
    topicOf(instance, topicName);
  }
  const subscriptions = group.seed.subscriptions.filter((subscription) => topicName === undefined || subscription.topicName === topicName);
  const topicLagMap = new Map(subscriptions.map((subscription) => [subscription.topicName, lagOf(subscription, instance)]));
  const lags = [...topicLagMap.values()];
  const totalLag: Lag = {
    readyCount: lags.reduce((sum, lag) => sum + lag.readyCount, 0),
    inflightCount: lags.reduce((sum, lag) => sum + lag.inflightCount, 0),
    deliveryDuration: lags.reduce((max, lag) => Math.max(max, lag.deliveryDuration), 0),
    lastConsumeTimestamp: lags.reduce((max, lag) => Math.max(max, lag.lastConsumeTimestamp), 0),
  };
  return {
    consumerGroupId: group.consumerGroupId,
    instanceId: instance.instanceId,
    regionId: instance.regionId,
    ...(topicName === undefined ? {} : { topicName }),
    totalLag,
    topicLagMap: Object.fromEntries(topicLagMap),
    liteTopicLagMap: {},
  };
}

/**
 * ListConsumerConnections: the group's online clients (`[]` when offline, or when `topicName`
 * is a topic the group does not subscribe to).
 *
 * @param call - The validated call.
 * @returns `data {consumerGroupId, instanceId, regionId, connections}`.
 * @throws RocketMq5Error `Instance.NotFound`, `NoPermission`, `ConsumerGroup.NotFound`.
 */
export function handleListConsumerConnections(call: RocketMq5Call): Record<string, unknown> {
  const instance = ownedInstance(call);
  const group = groupOf(instance, requiredParam(call, 'consumerGroupId'));
  const topicName = call.params.get('topicName');
  // With topicName, only a subscribed topic has clients (UNVERIFIED filter semantics).
  const connections = topicName === undefined || subscriptionOf(group, topicName) !== undefined ? group.seed.connections : [];
  return {
    consumerGroupId: group.consumerGroupId,
    instanceId: instance.instanceId,
    regionId: instance.regionId,
    connections: connections.map((connection) => connectionDto(connection, group)),
  };
}

/**
 * GetConsumerGroupSubscription: one entry per online client with the subscription that client
 * reports for the topic (clients may disagree), or a single entry without `connectionDTO` when the
 * group is offline.
 *
 * @param call - The validated call.
 * @returns `data [{connectionDTO, subscriptionDTO}]`.
 * @throws RocketMq5Error `Instance.NotFound`, `NoPermission`, `ConsumerGroup.NotFound`, `Topic.NotFound`, `Subscription.NotFound`.
 */
export function handleGetConsumerGroupSubscription(call: RocketMq5Call): Record<string, unknown>[] {
  const instance = ownedInstance(call);
  const group = groupOf(instance, requiredParam(call, 'consumerGroupId'));
  const topic = topicOf(instance, requiredParam(call, 'topicName'));
  const subscription = subscriptionOf(group, topic.topicName);
  if (subscription === undefined) {
    throw rocketMq5Error('Subscription.NotFound');
  }
  const subscriptionDto = (filter: { filterExpression: string; filterExpressionType: string }): Record<string, unknown> => ({
    consumerGroupId: group.consumerGroupId,
    topicName: topic.topicName,
    ...filter,
    messageModel: group.messageModel,
    subscriptionStatus: subscriptionStatus(group),
  });
  if (group.seed.connections.length === 0) {
    return [{ subscriptionDTO: subscriptionDto(filterOf(subscription)) }];
  }
  return group.seed.connections.map((connection) => {
    const reported = (connection.subscriptions ?? []).find((override) => override.topicName === topic.topicName) ?? subscription;
    return { connectionDTO: connectionDto(connection, group), subscriptionDTO: subscriptionDto(filterOf(reported)) };
  });
}

/**
 * ListTopicSubscriptions: every group subscribed to the topic, with its filter, model, status
 * and `consistency` ("false" while the group has ready or inflight messages on the topic).
 *
 * @param call - The validated call.
 * @returns `data [...]`, in seed order of the groups.
 * @throws RocketMq5Error `Instance.NotFound`, `NoPermission`, `Topic.NotFound`.
 */
export function handleListTopicSubscriptions(call: RocketMq5Call): Record<string, unknown>[] {
  const instance = ownedInstance(call);
  const topic = topicOf(instance, requiredParam(call, 'topicName'));
  return [...instance.groups.values()].flatMap((group) => {
    const subscription = subscriptionOf(group, topic.topicName);
    if (subscription === undefined) {
      return [];
    }
    const lag = lagOf(subscription, instance);
    return [
      {
        consumerGroupId: group.consumerGroupId,
        topicName: topic.topicName,
        ...filterOf(subscription),
        messageModel: group.messageModel,
        subscriptionStatus: subscriptionStatus(group),
        consistency: String(lag.readyCount + lag.inflightCount === 0),
      },
    ];
  });
}

/**
 * GetConsumeTimespan: the topic's earliest and latest store times and the group's consume
 * position (ms). The position is `consumedUpToAgoMs` before start, or the latest store time for a
 * caught-up group; it is clamped into `[minTimestamp, maxTimestamp]`. An empty topic answers the
 * emulator start for all three.
 *
 * @param call - The validated call.
 * @returns `data {consumerGroupId, instanceId, topicName, minTimestamp, maxTimestamp, consumeTimestamp}`.
 * @throws RocketMq5Error `Instance.NotFound`, `NoPermission`, `ConsumerGroup.NotFound`, `Topic.NotFound`, `Subscription.NotFound`.
 */
export function handleGetConsumeTimespan(call: RocketMq5Call): Record<string, unknown> {
  const instance = ownedInstance(call);
  const group = groupOf(instance, requiredParam(call, 'consumerGroupId'));
  const topic = topicOf(instance, requiredParam(call, 'topicName'));
  const subscription = subscriptionOf(group, topic.topicName);
  if (subscription === undefined) {
    throw rocketMq5Error('Subscription.NotFound');
  }
  const stored = visibleMessages(topic, call.nowMs).map((message) => message.storeMs);
  const minTimestamp = stored.length === 0 ? instance.startedAtMs : Math.min(...stored);
  const maxTimestamp = stored.length === 0 ? instance.startedAtMs : Math.max(...stored);
  const position = subscription.consumedUpToAgoMs === undefined ? maxTimestamp : instance.startedAtMs - subscription.consumedUpToAgoMs;
  return {
    consumerGroupId: group.consumerGroupId,
    instanceId: instance.instanceId,
    topicName: topic.topicName,
    minTimestamp,
    maxTimestamp,
    consumeTimestamp: Math.min(maxTimestamp, Math.max(minTimestamp, position)),
  };
}
