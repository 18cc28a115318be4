import type {
  ConsumerAccumulate,
  ConsumerClientDetail,
  ConsumerConnections,
  ConsumerStatus,
  StoredMessage,
  TopicBacklog,
} from '../trace/diagnostics-port';
import { redeliveries } from './consumption';
import { parseFilter } from './filter-expression';
import type { RocketMq5Body } from './schemas';
import { parseWireTime } from './wire-time';

/**
 * How the 5.x diagnostic answers map onto the neutral facts of `shared/trace/diagnostics-port.ts`.
 * Pure. Where 5.x has no equivalent of a 4.x field, the choice is documented on the function.
 */

type TraceData = NonNullable<RocketMq5Body<'GetTrace'>['data']>;
type MessageDetail = NonNullable<RocketMq5Body<'GetMessageDetail'>['data']>;
type LagData = NonNullable<RocketMq5Body<'GetConsumerGroupLag'>['data']>;
type Lag = NonNullable<LagData['totalLag']>;
type SubscriptionRows = NonNullable<RocketMq5Body<'GetConsumerGroupSubscription'>['data']>;

/** The system property RocketMQ stamps on redelivered copies. UNVERIFIED for GetMessageDetail. */
const RECONSUME_PROPERTY = 'RECONSUME_TIME';

/**
 * GetMessageDetail → {@link StoredMessage}. GetMessageDetail has no reconsume count: it is read
 * from `systemProperties.RECONSUME_TIME` when present, otherwise from the trace (`trace`, the most
 * redeliveries to any one group: records after the first), otherwise 0.
 */
export function toStoredMessage(detail: MessageDetail, fallback: { msgId: string; topic: string }, trace: TraceData | null | undefined): StoredMessage {
  const fromProperty = propertyNumber(detail.systemProperties, RECONSUME_PROPERTY);
  const fromTrace = Math.max(0, ...(trace?.consumerInfos ?? []).map(redeliveries));
  return {
    msgId: detail.messageId ?? fallback.msgId,
    topic: detail.topicName ?? fallback.topic,
    tag: detail.messageTag ? detail.messageTag : undefined,
    keys: (detail.messageKeys ?? []).filter(Boolean),
    bornAt: parseWireTime(detail.bornTime),
    bornHost: detail.bornHost,
    storedAt: parseWireTime(detail.storeTime),
    storeHost: detail.storeHost,
    reconsumeTimes: fromProperty ?? fromTrace,
  };
}

/**
 * GetTrace's dead-letter facts of one group → the dead-lettered copy, or undefined when the group
 * did not dead-letter the message. `storedAt` is `toDlqTime`, `reconsumeTimes` the group's
 * redeliveries; tag, keys and born facts are the original message's.
 */
export function toDlqMessage(trace: TraceData | null | undefined, groupId: string, msgId: string): StoredMessage | undefined {
  const info = trace?.consumerInfos?.find((c) => c.consumerGroupId === groupId);
  if (!info || info.deadMessage !== true) return undefined;
  const m = trace?.messageInfo;
  const dlq = info.deadLetterInfo;
  return {
    msgId: dlq?.messageId ?? m?.messageId ?? msgId,
    topic: dlq?.topicName,
    tag: m?.messageTag ? m.messageTag : undefined,
    keys: (m?.messageKeys ?? []).filter(Boolean),
    bornAt: parseWireTime(m?.bornTime),
    bornHost: m?.bornHost,
    storedAt: parseWireTime(dlq?.toDlqTime),
    storeHost: m?.storeHost,
    reconsumeTimes: redeliveries(info),
  };
}

/**
 * GetConsumerGroupLag → {@link ConsumerAccumulate}: `readyCount + inflightCount` is the backlog,
 * `deliveryDuration` (s) the delay. Not mapped, on purpose:
 * - `online`: the lag API does not say (the connections do).
 * - `consumeTps`: not reported: 0 would read as "stalled", so it stays undefined.
 * - `lastConsumedBornAt`: 5.x's `lastConsumeTimestamp` is when the group last consumed, not the
 *   born time of what it consumed; the findings compare the latter with the message's born time,
 *   and a consume time would wrongly say the group is past the message.
 */
export function toConsumerAccumulate(data: LagData | null | undefined): ConsumerAccumulate {
  const total = backlogOf(data?.totalLag);
  const topics: TopicBacklog[] = Object.entries(data?.topicLagMap ?? {}).map(([key, lag]) => ({
    topic: lag.topicName ?? key,
    totalDiff: backlogOf(lag).totalDiff,
    lastConsumedBornAt: undefined,
    delayMs: backlogOf(lag).delayMs,
  }));
  return {
    online: undefined,
    totalDiff: total.totalDiff,
    consumeTps: undefined,
    lastConsumedBornAt: undefined,
    delayMs: total.delayMs,
    topics,
  };
}

function backlogOf(lag: Lag | undefined): { totalDiff: number; delayMs: number } {
  return {
    totalDiff: Math.max(0, (lag?.readyCount ?? 0) + (lag?.inflightCount ?? 0)),
    delayMs: Math.max(0, (lag?.deliveryDuration ?? 0) * 1000),
  };
}

/** ListConsumerConnections → {@link ConsumerConnections}; `clientAddr` is the egress IP, else the host name. */
export function toConsumerConnections(data: RocketMq5Body<'ListConsumerConnections'>['data']): ConsumerConnections {
  return {
    clients: (data?.connections ?? []).map((c) => ({
      clientId: c.clientId,
      clientAddr: c.egressIp ?? c.hostname,
      language: c.language,
      version: c.version,
    })),
  };
}

/**
 * GetConsumerGroupSubscription (one row per connected client: its connection and its
 * subscription to `topic`) → {@link ConsumerStatus}.
 * - `online`: a row says ONLINE, or a client is connected.
 * - `subscriptionSame`: every client subscribes with the same filter type and expression (the
 *   API has no consistency flag of its own for a group and topic).
 * - `rebalanceOk`: always true: 5.x assigns messages to clients on the broker (pop), and the API
 *   reports no rebalance state, so nothing says otherwise.
 * - `totalDiff`: from GetConsumerGroupLag (`totalDiff`), the subscription API has none.
 * - `consumeType`: not reported by 5.x.
 */
export function toConsumerStatus(rows: SubscriptionRows | null | undefined, topic: string, totalDiff: number): ConsumerStatus {
  const list = rows ?? [];
  const clients: ConsumerClientDetail[] = list
    .filter((r) => r.connectionDTO?.clientId !== undefined)
    .map((r) => {
      const s = r.subscriptionDTO;
      const filter = parseFilter(s?.filterExpression, s?.filterExpressionType);
      return {
        clientId: r.connectionDTO?.clientId as string,
        consumeType: undefined,
        subscriptions: s ? [{ topic: s.topicName ?? topic, subString: (s.filterExpression ?? '*').trim() || '*', tags: filter.kind === 'tags' ? filter.tags : [] }] : [],
      };
    });
  const expressions = new Set(list.map((r) => `${r.subscriptionDTO?.filterExpressionType ?? ''}\u0000${(r.subscriptionDTO?.filterExpression ?? '*').trim()}`));
  const online = list.some((r) => r.subscriptionDTO?.subscriptionStatus?.toUpperCase() === 'ONLINE') || clients.length > 0;
  const model = list.map((r) => r.subscriptionDTO?.messageModel ?? r.connectionDTO?.messageModel).find((m) => m !== undefined);
  return {
    online,
    totalDiff,
    consumeModel: model,
    subscriptionSame: expressions.size <= 1,
    rebalanceOk: true,
    clients,
  };
}

function propertyNumber(properties: Record<string, string> | undefined, name: string): number | undefined {
  if (!properties || !Object.hasOwn(properties, name)) return undefined;
  const value = Number(properties[name]);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}
