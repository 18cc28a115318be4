import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { toJourney } from '../../../../shared/rocketmq5/journey';
import { listByKeyParams, toKeyMatches } from '../../../../shared/rocketmq5/message-page';
import { createRocketMq5Brokers } from '../../../../shared/rocketmq5/rocketmq5-broker';
import { rocketMq5Schemas } from '../../../../shared/rocketmq5/schemas';
import { parseWireTime } from '../../../../shared/rocketmq5/wire-time';
import { buildFakeClock } from '../../../builders/fake-clock';
import { buildFakeRocketMq5Clients, buildOpenLimiters } from './fake-rocketmq5-client';

const INSTANCE = 'rmq-cn-demo5x0001';
const MSG = '0100163E5D0A0317710B21AD9A00000BB9';
const t = (s: string) => parseWireTime(s) as number;

/** A GetTrace body as the SDK documents it (round2.md §4.2): a failed delivery then a success, a dead-lettered group, a group without records. */
const TRACE = {
  requestId: 'REQ-TRACE',
  data: {
    messageInfo: { messageId: MSG, messageTag: 'checkout-paid', messageKeys: ['checkout-77120', 'order-20261201-0042'], bornTime: '2026-12-01 16:00:00', storeTime: '2026-12-01 16:00:01', storeHost: '10.0.8.21:8080' },
    producerInfo: { records: [{ produceTime: '2026-12-01 16:00:00', arriveTime: '2026-12-01 16:00:01', produceDuration: 3, produceStatus: 'SUCCESS', clientHost: '10.0.9.13' }] },
    brokerInfo: { operations: [{ operateTime: '2026-12-01 16:00:01', operateType: 'ADD' }] },
    consumerInfos: [
      {
        consumerGroupId: 'GID_mailer_5x',
        consumeStatus: 'SUCCESS',
        records: [
          { clientHost: '10.0.25.12', consumeStatus: 'SUCCESS', operations: [{ operateTime: '2026-12-01 16:00:12', operateType: 'ADD' }, { operateTime: '2026-12-01 16:00:13', operateType: 'ACK' }] },
          { clientHost: '10.0.25.11', consumeStatus: 'FAILED', operations: [{ operateTime: '2026-12-01 16:00:02', operateType: 'ADD' }, { operateTime: '2026-12-01 16:00:04', operateType: 'CHANGE_INVISIBLE_TIME' }] },
        ],
      },
      {
        consumerGroupId: 'GID_billing_5x',
        consumeStatus: 'FAILED',
        deadMessage: true,
        deadLetterInfo: { topicName: '%DLQ%GID_billing_5x', messageId: MSG, toDlqTime: '2026-12-01 16:05:00' },
        records: [{ clientHost: '10.0.21.11', consumeStatus: 'FAILED', operations: [{ operateTime: '2026-12-01 16:00:02', operateType: 'ADD' }] }],
      },
      { consumerGroupId: 'GID_new_5x', records: [] },
    ],
  },
};

describe('Function: toJourney (5.x GetTrace)', () => {
  const journey = toJourney(rocketMq5Schemas().GetTrace.parse(TRACE).data);

  it('maps the send, the store and each record as one attempt in delivery order', () => {
    expect(journey.status).toBe('complete');
    expect(journey.send).toEqual({ producerHost: '10.0.9.13', atMs: t('2026-12-01 16:00:00'), durationMs: 3, status: 'SUCCESS', statusText: expect.stringContaining('stored'), accepted: true });
    expect(journey.store).toEqual({ atMs: t('2026-12-01 16:00:01'), broker: '10.0.8.21:8080' });
    const mailer = journey.groups.find((g) => g.consumerGroup === 'GID_mailer_5x');
    expect(mailer?.attempts.map((a) => [a.clientHost, a.status, a.outcome, a.durationMs, a.atMs])).toEqual([
      ['10.0.25.11', 'FAILED', 'FAILED', 2000, t('2026-12-01 16:00:02')],
      ['10.0.25.12', 'SUCCESS', 'SUCCEEDED', 1000, t('2026-12-01 16:00:12')],
    ]);
  });

  it('reads the dead-lettering from deadMessage and deadLetterInfo, and keeps a group without records', () => {
    expect(journey.groups.find((g) => g.consumerGroup === 'GID_billing_5x')?.deadLettered).toEqual({ atMs: t('2026-12-01 16:05:00'), topic: '%DLQ%GID_billing_5x' });
    expect(journey.groups.find((g) => g.consumerGroup === 'GID_new_5x')).toEqual({ consumerGroup: 'GID_new_5x', attempts: [] });
  });

  it('passes unknown status words through raw', () => {
    const odd = toJourney(
      rocketMq5Schemas().GetTrace.parse({
        requestId: 'R',
        data: { producerInfo: { records: [{ produceTime: '2026-12-01 16:00:00', produceStatus: 'SOMETHING_NEW' }] }, consumerInfos: [{ consumerGroupId: 'G', records: [{ consumeStatus: 'WEIRD', operations: [{ operateTime: '2026-12-01 16:00:01' }] }] }] },
      }).data,
    );
    expect(odd.send).toMatchObject({ status: 'SOMETHING_NEW', statusText: expect.stringMatching(/exactly as returned/) });
    expect(odd.send?.accepted).toBeUndefined();
    expect(odd.groups[0]?.attempts[0]).toMatchObject({ status: 'WEIRD', outcome: 'UNKNOWN' });
  });

  it('is no_trace_data when the trace holds no send and no delivery', () => {
    expect(toJourney(rocketMq5Schemas().GetTrace.parse({ requestId: 'R', data: { messageInfo: { messageId: MSG }, consumerInfos: [{ consumerGroupId: 'G', records: [] }] } }).data).status).toBe('no_trace_data');
    expect(toJourney(null).status).toBe('no_trace_data');
  });
});

describe('Function: listByKeyParams / toKeyMatches (5.x ListMessages by messageKey)', () => {
  it('asks one page of up to the limit, filtered by the key', () => {
    expect(listByKeyParams({ instanceId: INSTANCE, topic: 'checkout-5x', key: 'k', limit: 80 }, 50)).toEqual({ instanceId: INSTANCE, topicName: 'checkout-5x', messageKey: 'k', pageNumber: 1, pageSize: 50 });
  });

  it('keeps the listed messages that carry the key, with the total the API counts', () => {
    const body = rocketMq5Schemas().ListMessages.parse({
      requestId: 'R',
      data: { list: [{ messageId: MSG.toLowerCase(), messageKeys: ['k', 'other'], storeTime: '2026-12-01 16:00:01' }, { messageId: 'M2', messageKeys: ['not-it'] }], totalCount: 7 },
    });
    expect(toKeyMatches(body, { instanceId: INSTANCE, topic: 't', key: 'k', limit: 20 })).toEqual({
      messages: [{ msgId: MSG, storeTimestamp: t('2026-12-01 16:00:01'), keys: ['k', 'other'] }],
      total: 6,
      capped: false,
    });
  });
});

describe('Method: journey of a 5.x Broker', () => {
  it('reads the trace its consumption lookup is fetching: one GetTrace for both', async () => {
    // Arrange
    const fake = buildFakeRocketMq5Clients({ GetTrace: { body: TRACE }, ListTopicSubscriptions: { body: { requestId: 'S', data: [{ consumerGroupId: 'GID_mailer_5x' }] } } });
    const clock = buildFakeClock();
    const broker = createRocketMq5Brokers({ endpoint: '127.0.0.1:1', callTimeoutMs: 1000, limiters: buildOpenLimiters().limiters, clientFactory: fake.factory, now: clock.now, sleep: clock.sleep })({ accessKeyId: 'a', accessKeySecret: 'b' });
    const ctx = { deadline: createDeadline(5000, clock.now) };
    const message = { instanceId: INSTANCE, topic: 'checkout-5x', msgId: MSG };

    // Act
    const [answer, journey] = await Promise.all([broker.consumption(message, ctx), broker.journey(message, ctx, { beginMs: 0, endMs: 1 })]);

    // Assert
    expect(fake.actions().sort()).toEqual(['GetTrace', 'ListTopicSubscriptions']);
    expect(answer.groups[0]?.consumerGroup).toBe('GID_mailer_5x');
    expect(journey.groups).toHaveLength(3);
  });

  it('shares one subscription list among the lookups of many messages of a topic', async () => {
    const fake = buildFakeRocketMq5Clients({ GetTrace: { body: TRACE }, ListTopicSubscriptions: { body: { requestId: 'S', data: [] } } });
    const broker = createRocketMq5Brokers({ endpoint: '127.0.0.1:1', callTimeoutMs: 1000, limiters: buildOpenLimiters().limiters, clientFactory: fake.factory })({ accessKeyId: 'a', accessKeySecret: 'b' });
    const ctx = { deadline: createDeadline(5000) };
    await Promise.all(['A', 'B', 'C'].map((n) => broker.consumption({ instanceId: INSTANCE, topic: 'checkout-5x', msgId: `${MSG.slice(0, -1)}${n}` }, ctx)));
    expect(fake.actions().filter((a) => a === 'ListTopicSubscriptions')).toHaveLength(1);
    expect(fake.actions().filter((a) => a === 'GetTrace')).toHaveLength(3);
  });
});
