import type { CallContext } from './ons-port';

/** A consumer group on an instance. */
export interface GroupRef {
  instanceId: string;
  groupId: string;
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

/** OnsConsumerAccumulate with `Detail=true`. */
export interface ConsumerAccumulate {
  online: boolean;
  totalDiff: number;
  consumeTps: number;
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
 * The read-only ONS actions that explain a stuck message. Failures reject with an AppError
 * subclass, like {@link OnsPort}; answers that mean "nothing there" are values, not errors.
 */
export interface OnsDiagnosticsPort {
  /** `OnsMessageGetByMsgId`: tag, keys, born and store time and host, reconsume times. */
  messageDetail(query: { instanceId: string; topic: string; msgId: string }, ctx: CallContext): Promise<StoredMessage>;
  /** `OnsConsumerAccumulate` with `Detail=true`: online, backlog, delay, last consume time. */
  consumerAccumulate(group: GroupRef, ctx: CallContext): Promise<ConsumerAccumulate>;
  /** `OnsConsumerGetConnection`: the connected clients (empty when the group is offline). */
  consumerConnections(group: GroupRef, ctx: CallContext): Promise<ConsumerConnections>;
  /** `OnsConsumerStatus`: slow upstream; call it only when the cheaper facts do not explain enough. */
  consumerStatus(group: GroupRef, ctx: CallContext): Promise<ConsumerStatus>;
  /** `OnsDLQMessageGetById`: the dead-lettered copy, or undefined when the message is not in the group's DLQ. */
  dlqMessage(query: GroupRef & { msgId: string }, ctx: CallContext): Promise<StoredMessage | undefined>;
}
