import type { ConsumerAccumulate, ConsumerClientDetail, ConsumerConnections, ConsumerStatus, StoredMessage } from '../../shared/trace/diagnostics-port';
import type { GroupFacts } from '../../shared/trace/findings';

export const FACTS_NOW_MS = Date.parse('2025-10-25T04:00:00.000Z');
export const FACTS_TOPIC = 'orders';
export const FACTS_MSG_ID = '0A000C22303918B4AAC244F9ABC301A3';

/** A message born 10 minutes before {@link FACTS_NOW_MS}, tagged `order-paid`, never redelivered. */
export function buildStoredMessage(overrides: Partial<StoredMessage> = {}): StoredMessage {
  const bornAt = FACTS_NOW_MS - 600_000;
  return {
    msgId: FACTS_MSG_ID,
    topic: FACTS_TOPIC,
    tag: 'order-paid',
    keys: ['order-1'],
    bornAt,
    bornHost: '10.0.12.34:50001',
    storedAt: bornAt + 3,
    storeHost: '10.0.8.15:10911',
    reconsumeTimes: 0,
    ...overrides,
  };
}

/** An online group with no backlog on {@link FACTS_TOPIC}, last consumed a second ago. */
export function buildAccumulate(overrides: Partial<ConsumerAccumulate> = {}): ConsumerAccumulate {
  return {
    online: true,
    totalDiff: 0,
    consumeTps: 20,
    lastConsumedBornAt: FACTS_NOW_MS - 1000,
    delayMs: 0,
    topics: [{ topic: FACTS_TOPIC, totalDiff: 0, lastConsumedBornAt: FACTS_NOW_MS - 1000, delayMs: 0 }],
    ...overrides,
  };
}

/** `count` JAVA V4_9_7 clients. */
export function buildConnections(count = 2, overrides: Partial<ConsumerConnections['clients'][number]> = {}): ConsumerConnections {
  return {
    clients: Array.from({ length: count }, (_, i) => ({
      clientId: `10.0.3.${i + 1}@100${i}`,
      clientAddr: `10.0.3.${i + 1}:5000${i}`,
      language: 'JAVA',
      version: 'V4_9_7',
      ...overrides,
    })),
  };
}

/** A client subscribing to {@link FACTS_TOPIC} with `subString`. */
export function buildClientDetail(clientId: string, subString = '*'): ConsumerClientDetail {
  const tags = subString.trim() === '*' ? [] : subString.split('||').map((t) => t.trim());
  return { clientId, consumeType: 'PUSH', subscriptions: [{ topic: FACTS_TOPIC, subString, tags }] };
}

/** A consistent, balanced group whose clients subscribe to `*`. */
export function buildStatus(overrides: Partial<ConsumerStatus> = {}): ConsumerStatus {
  return {
    online: true,
    totalDiff: 0,
    consumeModel: 'CLUSTERING',
    subscriptionSame: true,
    rebalanceOk: true,
    clients: [buildClientDetail('10.0.3.1@1000'), buildClientDetail('10.0.3.2@1001')],
    ...overrides,
  };
}

/** A NOT_CONSUME_YET group with every check done and nothing wrong. */
export function buildGroupFacts(overrides: Partial<GroupFacts> = {}): GroupFacts {
  return {
    consumerGroup: 'GID_billing',
    trackType: 'NOT_CONSUME_YET',
    accumulate: buildAccumulate(),
    connections: buildConnections(),
    status: buildStatus(),
    dlq: null,
    skipped: [],
    ...overrides,
  };
}
