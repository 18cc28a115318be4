import type { DeployedFunction } from '../ons/actions';
import type { RateLimit } from '../rate-limits';

/**
 * The one registry of RocketMQ 5.x OpenAPI actions (`rocketmq` 2022-08-01, `rmq-…` instances)
 * mqtrace calls: the RAM action each needs, the RAM resource it is authorised on, the Broker port
 * methods whose code makes it, the functions that call those methods, and its rate limit. The RAM
 * policies (`shared/ram/api-calls.ts`, `npm run ram:policy`) are generated from it.
 */

/** The Broker port methods (`shared/trace/broker-port.ts`) that reach an upstream API. */
export const BROKER_METHODS = [
  'consumption',
  'messageDetail',
  'consumerAccumulate',
  'consumerConnections',
  'consumerStatus',
  'dlqMessage',
  'pageByTopic',
  'findByKey',
  'journey',
] as const;
export type BrokerMethod = (typeof BROKER_METHODS)[number];

/** Which kind of RAM resource an action is authorised on. */
export type RocketMq5ResourceKind = 'topic' | 'consumerGroup';

/**
 * RAM resource ARN templates, as the API reference writes them (`{#regionId}` → `{region}`).
 * The consumer-group form is spelled `consumergroup` in the reference pages of
 * GetConsumerGroupLag and ListConsumerConnections (help.aliyun.com …/api-rocketmq-2022-08-01-getconsumergrouplag:
 * "acs:rocketmq:{#regionId}:{#accountId}:instance/{#InstanceId}/consumergroup/{#ConsumerGroupId}").
 */
export const ROCKETMQ5_RESOURCE_TEMPLATES: Readonly<Record<RocketMq5ResourceKind, string>> = {
  topic: 'acs:rocketmq:{region}:{accountId}:instance/{instanceId}/topic/{topic}',
  consumerGroup: 'acs:rocketmq:{region}:{accountId}:instance/{instanceId}/consumergroup/{groupId}',
};

export interface RocketMq5ActionSpec {
  ramAction: string;
  resource: RocketMq5ResourceKind;
  /** The Broker methods whose adapter code makes this call. */
  brokerMethods: readonly BrokerMethod[];
  /** Which functions' code calls those methods: their role policies grant `ramAction`. */
  usedBy: readonly DeployedFunction[];
  rateLimit: RateLimit;
}

export const ROCKETMQ5_API_VERSION = '2022-08-01';

/**
 * UNVERIFIED (round2.md §4.4): no QPS table for `rocketmq` 2022-08-01 was found. Assumed: the
 * 4.x trace limit, 10 calls/s per account and action. Change it here only, once the real values
 * are known (a stricter action gets its own constant).
 */
export const UNVERIFIED_ROCKETMQ5_RATE_LIMIT: RateLimit = { count: 10, windowMs: 1000 };

/**
 * UNVERIFIED: the RAM resource forms of these actions were not found in the API reference; they
 * are assumed from their request paths (a topic's message, a group's subscription). The other
 * actions' forms are documented on their reference pages (GetTrace, ListMessages,
 * ListTopicSubscriptions: topic; GetConsumerGroupLag, ListConsumerConnections: consumergroup). If
 * RAM refuses one of these, change its `resource` in {@link ROCKETMQ5_ACTIONS}.
 */
export const UNVERIFIED_RESOURCE_FORMS: ReadonlySet<RocketMq5Action> = new Set<RocketMq5Action>([
  'GetMessageDetail',
  'GetConsumerGroupSubscription',
]);

/**
 * UNVERIFIED (SDK docstrings only: `pageNumber` "Pages start from page 1", examples pageSize 10
 * and 50): ListMessages' page bounds. Assumed the 4.x page query's maximum page and page size and
 * a minimum page size of 1.
 */
export const UNVERIFIED_LIST_MESSAGES_PAGE_LIMITS = { maxPage: 50, minPageSize: 1, maxPageSize: 50 } as const;

export const ROCKETMQ5_ACTIONS = {
  GetTrace: {
    ramAction: 'rocketmq:GetTrace',
    resource: 'topic',
    // messageDetail reads redeliveries and dlqMessage the dead-letter facts from the trace; journey reads all of it.
    brokerMethods: ['consumption', 'messageDetail', 'dlqMessage', 'journey'],
    usedBy: ['http', 'spot-check'],
    rateLimit: UNVERIFIED_ROCKETMQ5_RATE_LIMIT,
  },
  ListTopicSubscriptions: {
    ramAction: 'rocketmq:ListTopicSubscriptions',
    resource: 'topic',
    brokerMethods: ['consumption'],
    usedBy: ['http', 'spot-check'],
    rateLimit: UNVERIFIED_ROCKETMQ5_RATE_LIMIT,
  },
  GetMessageDetail: {
    ramAction: 'rocketmq:GetMessageDetail',
    resource: 'topic',
    brokerMethods: ['messageDetail'],
    usedBy: ['http'],
    rateLimit: UNVERIFIED_ROCKETMQ5_RATE_LIMIT,
  },
  GetConsumerGroupLag: {
    ramAction: 'rocketmq:GetConsumerGroupLag',
    resource: 'consumerGroup',
    // consumerStatus reports the group's backlog too.
    brokerMethods: ['consumerAccumulate', 'consumerStatus'],
    usedBy: ['http'],
    rateLimit: UNVERIFIED_ROCKETMQ5_RATE_LIMIT,
  },
  ListConsumerConnections: {
    ramAction: 'rocketmq:ListConsumerConnections',
    resource: 'consumerGroup',
    brokerMethods: ['consumerConnections'],
    usedBy: ['http'],
    rateLimit: UNVERIFIED_ROCKETMQ5_RATE_LIMIT,
  },
  GetConsumerGroupSubscription: {
    ramAction: 'rocketmq:GetConsumerGroupSubscription',
    resource: 'consumerGroup',
    brokerMethods: ['consumerStatus'],
    usedBy: ['http'],
    rateLimit: UNVERIFIED_ROCKETMQ5_RATE_LIMIT,
  },
  ListMessages: {
    ramAction: 'rocketmq:ListMessages',
    resource: 'topic',
    // Spot checks and find by time window page with it; find by key filters it by `messageKey`.
    brokerMethods: ['pageByTopic', 'findByKey'],
    usedBy: ['http', 'spot-check'],
    rateLimit: UNVERIFIED_ROCKETMQ5_RATE_LIMIT,
  },
} as const satisfies Record<string, RocketMq5ActionSpec>;

export type RocketMq5Action = keyof typeof ROCKETMQ5_ACTIONS;

/** Every registered action, in registry order. */
export const ROCKETMQ5_ACTION_NAMES = Object.keys(ROCKETMQ5_ACTIONS) as RocketMq5Action[];

/** The limiter key of an action in the injected `RateLimiterFactory` (`shared/rate-limits.ts`). */
export function rocketMq5LimiterKey(action: RocketMq5Action): string {
  return `rocketmq-5x:${action}`;
}

/** The documented RAM resource template of an action (`{region}`, `{accountId}`, `{instanceId}`, `{topic}`/`{groupId}`). */
export function resourceTemplateOf(action: RocketMq5Action): string {
  return ROCKETMQ5_RESOURCE_TEMPLATES[ROCKETMQ5_ACTIONS[action].resource];
}
