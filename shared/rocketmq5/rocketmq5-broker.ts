import type { Credentials } from '../credentials';
import { AppError, ErrorCode, NotFoundError } from '../errors';
import type { Broker, BrokerBudget, BrokerFactory, CallContext, MessageRef } from '../trace/broker-port';
import type { GroupRef } from '../trace/diagnostics-port';
import { ROCKETMQ5_ACTIONS, UNVERIFIED_LIST_MESSAGES_PAGE_LIMITS } from './actions';
import { answerConsumption } from './consumption';
import { toConsumerAccumulate, toConsumerConnections, toConsumerStatus, toDlqMessage, toStoredMessage } from './diagnostics';
import { toJourney } from './journey';
import { listByKeyParams, listMessagesParams, toKeyMatches, toMessagePage } from './message-page';
import { createRocketMq5Gateway, type RocketMq5Caller, type RocketMq5GatewayOptions } from './rocketmq5-gateway';
import type { RocketMq5Body } from './schemas';

export { rocketmq5EndpointFor } from './rocketmq5-client';

/** Options of {@link createRocketMq5Brokers}: the gateway's, plus how long diagnostics reuse a trace. */
export interface RocketMq5BrokerOptions extends RocketMq5GatewayOptions {
  /** How long explain's checks reuse the trace and lag a Broker fetched; default {@link ANSWER_REUSE_MS}. */
  reuseMs?: number;
}

/**
 * How long a Broker's diagnostics reuse the GetTrace (and GetConsumerGroupLag) answer it already
 * has: long enough for the explain that follows a lookup, short enough not to outlive it.
 * `consumption` never reuses one: wait-for-consumption polls it for news.
 */
export const ANSWER_REUSE_MS = 10_000;

// A Broker serves one lookup; a few entries cover its message and groups.
const MAX_REUSED = 32;

/**
 * Worst-case time of an explain after a lookup that took `callMs`, for `unconsumedGroups` groups:
 * one round (GetMessageDetail and the reused trace, then per group GetConsumerGroupLag and
 * ListConsumerConnections; the dead-letter facts come from the trace), then per group
 * GetConsumerGroupSubscription, each paced by its action's limit.
 */
export function estimateRocketMq5ExplainMs(unconsumedGroups: number, callMs: number): number {
  const perGroup = ROCKETMQ5_ACTIONS.GetConsumerGroupLag.rateLimit;
  const status = ROCKETMQ5_ACTIONS.GetConsumerGroupSubscription.rateLimit;
  const firstRound = callMs + (Math.ceil(Math.max(1, unconsumedGroups) / perGroup.count) - 1) * perGroup.windowMs;
  const statusRound = unconsumedGroups > 0 ? callMs + (Math.ceil(unconsumedGroups / status.count) - 1) * status.windowMs : 0;
  return firstRound + statusRound;
}

/** The 5.x limits as the planners see them (values UNVERIFIED, see `actions.ts`). */
export const ROCKETMQ5_BUDGET: BrokerBudget = {
  explainCostMs: estimateRocketMq5ExplainMs,
  pageCallsPerRun: ROCKETMQ5_ACTIONS.ListMessages.rateLimit.count,
  pageLimits: UNVERIFIED_LIST_MESSAGES_PAGE_LIMITS,
};

/**
 * The 5.x broker (`rmq-…` instances) over the `rocketmq` 2022-08-01 OpenAPI: GetTrace and
 * ListTopicSubscriptions answer which groups consumed the message; GetMessageDetail,
 * GetConsumerGroupLag, ListConsumerConnections, GetConsumerGroupSubscription and the trace's
 * dead-letter facts explain; ListMessages samples and finds by key; GetTrace is the journey. Build the factory once per instance (it holds
 * the clients and limiters); each Broker it returns serves one lookup.
 */
export function createRocketMq5Brokers(options: RocketMq5BrokerOptions): BrokerFactory {
  const gateway = createRocketMq5Gateway(options);
  const now = options.now ?? Date.now;
  const reuseMs = options.reuseMs ?? ANSWER_REUSE_MS;
  return (credentials: Credentials): Broker => createBroker(gateway.callerFor(credentials), now, reuseMs);
}

function createBroker(caller: RocketMq5Caller, now: () => number, reuseMs: number): Broker {
  const traces = createReuse<RocketMq5Body<'GetTrace'>>(now, reuseMs);
  const lags = createReuse<RocketMq5Body<'GetConsumerGroupLag'>>(now, reuseMs);
  // A find judges many messages of one topic: they share its subscription list.
  const subscriptions = createReuse<RocketMq5Body<'ListTopicSubscriptions'>>(now, reuseMs);

  const fetchTrace = (m: MessageRef, ctx: CallContext) =>
    caller.call('GetTrace', { instanceId: m.instanceId, topicName: m.topic, messageId: m.msgId }, ctx);
  const traceKey = (m: MessageRef) => key(m.instanceId, m.topic, m.msgId);
  const fetchLag = (g: GroupRef, ctx: CallContext) => caller.call('GetConsumerGroupLag', { instanceId: g.instanceId, consumerGroupId: g.groupId }, ctx);
  const lagKey = (g: GroupRef) => key(g.instanceId, g.groupId);

  return {
    kind: 'rocketmq-5x',
    budget: ROCKETMQ5_BUDGET,

    async consumption(message, ctx) {
      const [subscribed, trace] = await Promise.all([
        subscriptions.reuse(key(message.instanceId, message.topic), () =>
          caller.call('ListTopicSubscriptions', { instanceId: message.instanceId, topicName: message.topic }, ctx),
        ),
        traces.fresh(traceKey(message), () => fetchTrace(message, ctx)),
      ]);
      const subscribers = subscribed.data ?? [];
      return answerConsumption(subscribers, trace.data, trace.requestId);
    },

    async messageDetail(query, ctx) {
      const [detail, trace] = await Promise.all([
        caller.call('GetMessageDetail', { instanceId: query.instanceId, topicName: query.topic, messageId: query.msgId }, ctx),
        // Only the reconsume count comes from the trace: without it the message facts still stand.
        traces.reuse(traceKey(query), () => fetchTrace(query, ctx)).catch(() => undefined),
      ]);
      if (!detail.data) throw new NotFoundError('there is no such message in this topic (wrong ID, wrong topic, or older than the retention time)');
      return toStoredMessage(detail.data, { msgId: query.msgId, topic: query.topic }, trace?.data);
    },

    async consumerAccumulate(group, ctx) {
      const lag = await lags.fresh(lagKey(group), () => fetchLag(group, ctx));
      return toConsumerAccumulate(lag.data);
    },

    async consumerConnections(group, ctx) {
      const body = await caller.call('ListConsumerConnections', { instanceId: group.instanceId, consumerGroupId: group.groupId }, ctx);
      return toConsumerConnections(body.data);
    },

    async consumerStatus(group, ctx) {
      const { topic } = group;
      const [subscription, lag] = await Promise.all([
        caller.call('GetConsumerGroupSubscription', { instanceId: group.instanceId, consumerGroupId: group.groupId, topicName: topic }, ctx),
        lags.reuse(lagKey(group), () => fetchLag(group, ctx)),
      ]);
      return toConsumerStatus(subscription.data, topic, toConsumerAccumulate(lag.data).totalDiff);
    },

    async dlqMessage(query, ctx) {
      const message: MessageRef = { instanceId: query.instanceId, topic: query.topic, msgId: query.msgId };
      const trace = await traces.reuse(traceKey(message), () => fetchTrace(message, ctx));
      return toDlqMessage(trace.data, query.groupId, query.msgId);
    },

    async pageByTopic(query, ctx) {
      const body = await caller.call('ListMessages', listMessagesParams(query), ctx);
      return toMessagePage(body, query);
    },

    async findByKey(query, ctx) {
      const body = await caller.call('ListMessages', listByKeyParams(query, UNVERIFIED_LIST_MESSAGES_PAGE_LIMITS.maxPageSize), ctx);
      return toKeyMatches(body, query);
    },

    // The trace the lookup just fetched is the journey's too: one GetTrace for both.
    async journey(message, ctx) {
      const trace = await traces.reuse(traceKey(message), () => fetchTrace(message, ctx));
      return toJourney(trace.data);
    },
  };
}

/**
 * Answers a Broker already has, for a few seconds. `fresh` always calls and keeps the answer;
 * `reuse` takes a kept (or in-flight) one. Failed calls are not kept.
 */
function createReuse<T>(now: () => number, ttlMs: number) {
  const kept = new Map<string, { at: number; value: Promise<T> }>();
  const keep = (k: string, load: () => Promise<T>): Promise<T> => {
    const value = load();
    kept.delete(k);
    kept.set(k, { at: now(), value });
    while (kept.size > MAX_REUSED) kept.delete(kept.keys().next().value as string);
    value.catch(() => {
      if (kept.get(k)?.value === value) kept.delete(k);
    });
    return value;
  };
  return {
    fresh: keep,
    reuse(k: string, load: () => Promise<T>): Promise<T> {
      const entry = kept.get(k);
      return entry && now() - entry.at <= ttlMs ? entry.value : keep(k, load);
    },
  };
}

function key(...parts: string[]): string {
  return parts.join('\u0000');
}
