import type { CallContext } from './broker-port';

/** A consumer group on an instance, asked about one topic (the message's). */
export interface GroupRef {
  instanceId: string;
  groupId: string;
  /** The message's topic: 5.x scopes group calls (subscription, trace) by topic; 4.x ignores it. */
  topic: string;
}

/** A stored message (OnsMessageGetByMsgId, OnsDLQMessageGetById), camel-cased. Times are epoch ms. */
export interface StoredMessage {
  msgId: string;
  topic: string | undefined;
  /** The TAGS property; undefined when the message has no tag. */
  tag: string | undefined;
  /** The KEYS property, split on spaces as RocketMQ joins them. */
  keys: string[];
  bornAt: number | undefined;
  bornHost: string | undefined;
  storedAt: number | undefined;
  storeHost: string | undefined;
  reconsumeTimes: number;
}

/** One topic's share of a group's backlog (`DetailInTopicDo`). */
export interface TopicBacklog {
  topic: string;
  totalDiff: number;
  /** Born time of the latest message the group consumed from the topic; undefined if none. */
  lastConsumedBornAt: number | undefined;
  delayMs: number;
}

/** A group's backlog (4.x OnsConsumerAccumulate with `Detail=true`, 5.x GetConsumerGroupLag). */
export interface ConsumerAccumulate {
  /** Undefined when the broker's backlog API does not say (5.x: ask the connections). */
  online: boolean | undefined;
  totalDiff: number;
  /** Undefined when the broker does not report a rate (5.x GetConsumerGroupLag). */
  consumeTps: number | undefined;
  lastConsumedBornAt: number | undefined;
  delayMs: number;
  topics: TopicBacklog[];
}

/** One connected consumer client (`ConnectionDo`). */
export interface ConsumerClient {
  clientId: string;
  clientAddr: string | undefined;
  language: string | undefined;
  version: string | undefined;
}

/** OnsConsumerGetConnection: the clients online right now; none when the group is offline. */
export interface ConsumerConnections {
  clients: ConsumerClient[];
}

/** One client's subscription to one topic (`SubscriptionData`). */
export interface ClientSubscription {
  topic: string;
  /** The subscription expression, e.g. `*` or `TagA || TagB`. */
  subString: string;
  /** The parsed tags; empty for `*`. */
  tags: string[];
}

/** One client as OnsConsumerStatus describes it (`ConsumerConnectionInfoDo`). */
export interface ConsumerClientDetail {
  clientId: string;
  consumeType: string | undefined;
  subscriptions: ClientSubscription[];
}

/** OnsConsumerStatus: subscription consistency, the clients' subscriptions and rebalance state. */
export interface ConsumerStatus {
  online: boolean;
  totalDiff: number;
  consumeModel: string | undefined;
  subscriptionSame: boolean;
  rebalanceOk: boolean;
  clients: ConsumerClientDetail[];
}

/**
 * The read-only broker calls that explain a stuck message, in the domain's words. Each broker
 * adapter maps its own actions onto these (4.x: OnsMessageGetByMsgId, OnsConsumerAccumulate,
 * OnsConsumerGetConnection, OnsConsumerStatus, OnsDLQMessageGetById; 5.x: GetMessageDetail,
 * GetConsumerGroupLag, ListConsumerConnections, GetConsumerGroupSubscription, GetTrace's dead-letter
 * facts). Failures reject with an AppError subclass; answers that mean "nothing there" are values.
 */
export interface DiagnosticsPort {
  /** Tag, keys, born and store time and host, reconsume times. */
  messageDetail(query: { instanceId: string; topic: string; msgId: string }, ctx: CallContext): Promise<StoredMessage>;
  /** Online (where the broker says), backlog, delay, last consume time. */
  consumerAccumulate(group: GroupRef, ctx: CallContext): Promise<ConsumerAccumulate>;
  /** The connected clients (empty when the group is offline). */
  consumerConnections(group: GroupRef, ctx: CallContext): Promise<ConsumerConnections>;
  /** Subscriptions and rebalance state; may be slow upstream: called only when the cheaper facts do not explain enough. */
  consumerStatus(group: GroupRef, ctx: CallContext): Promise<ConsumerStatus>;
  /** The dead-lettered copy, or undefined when the message is not in the group's dead-letter queue. */
  dlqMessage(query: GroupRef & { msgId: string }, ctx: CallContext): Promise<StoredMessage | undefined>;
}
