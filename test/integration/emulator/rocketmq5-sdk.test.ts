import * as RocketMq from '@alicloud/rocketmq20220801';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_SEED_PATH, loadSeedFile } from '../../../local/emulator/load-seed';
import type { EmulatorHandle, RocketMq5MessageSummary } from '../../../local/emulator/server';
import { formatApiTime } from '../../../local/emulator/rocketmq5/time-format';
import { buildManualClock, closeEmulators5, createSdkClient, plain, sdkFailure, startEmulator5, type Credential5 } from './rocketmq5-harness';

afterEach(closeEmulators5);

const INSTANCE = 'rmq-cn-demo5x0001';
const ORDERS = 'orders-5x';
const DEMO_KEY: Credential5 = { accessKeyId: 'mqtrace-demo-key-id', accessKeySecret: 'mqtrace-demo-key-secret-not-a-real-secret' };
const DEMO_STS: Credential5 = {
  accessKeyId: 'STS.mqtrace-demo-sts-key-id',
  accessKeySecret: 'mqtrace-demo-sts-secret-not-a-real-secret',
  securityToken: 'mqtrace-demo-security-token-not-a-real-token',
};
const OTHER_TEAM_NO_TRACE: Credential5 = { accessKeyId: 'mqtrace-demo-other-team-no-trace-key-id', accessKeySecret: 'mqtrace-demo-other-team-no-trace-secret-not-real' };

interface Demo {
  emulator: EmulatorHandle;
  client: ReturnType<typeof createSdkClient>;
  host: string;
  advance: (ms: number) => void;
  /** The demo message whose first key is `key`. */
  byKey: (key: string, topicName?: string) => RocketMq5MessageSummary;
}

async function startDemo(credential: Credential5 = DEMO_STS): Promise<Demo> {
  const seed = await loadSeedFile(DEMO_SEED_PATH);
  const clock = buildManualClock();
  const { emulator, host } = await startEmulator5({ seed, now: clock.now });
  const rows = emulator.rocketMq5Messages();
  return {
    emulator,
    host,
    client: createSdkClient(host, credential),
    advance: clock.advance,
    byKey: (key, topicName = ORDERS) => {
      const row = rows.find((candidate) => candidate.topicName === topicName && candidate.messageKeys[0] === key);
      if (row === undefined) {
        throw new Error(`No demo message with key ${key} on ${topicName}.`);
      }
      return row;
    },
  };
}

function groupsOf(data: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const infos = (data.consumerInfos ?? []) as Record<string, unknown>[];
  return Object.fromEntries(infos.map((info) => [String(info.consumerGroupId), info]));
}

describe('RocketMQ 5.x emulator with the official SDK: GetTrace', () => {
  it('answers the envelope and every trace part for a message consumed by all groups', async () => {
    const demo = await startDemo();
    const message = demo.byKey('order-5x-1001');

    const response = await demo.client.getTrace(INSTANCE, ORDERS, message.messageId, new RocketMq.GetTraceRequest({}));
    const body = plain(response.body);
    const data = body.data as Record<string, unknown>;

    expect(response.statusCode).toBe(200);
    expect(body).toMatchObject({ success: true, code: 'Success', httpStatusCode: 200, message: 'Success' });
    expect(body.requestId).toBe(response.headers?.['x-acs-request-id']);
    expect(data).toMatchObject({ regionId: 'cn-hangzhou', instanceId: INSTANCE, topicName: ORDERS });
    expect(data.messageInfo).toMatchObject({
      messageId: message.messageId,
      messageTag: 'order-created',
      messageKeys: ['order-5x-1001', 'customer-42'],
      messageType: 'NORMAL',
      bornHost: '10.0.9.11:52001',
      bornTime: formatApiTime(message.bornTimeMs, 480),
      userProperties: { orderId: '1001', channel: 'app' },
    });
    expect(data.producerInfo).toMatchObject({ records: [{ produceStatus: 'SUCCESS', clientHost: '10.0.9.11', messageSource: 'SDK', produceDuration: 3 }] });
    expect(data.brokerInfo).toMatchObject({ operations: [{ operateType: 'ADD' }] });
    const groups = groupsOf(data);
    expect(Object.keys(groups).sort()).toStrictEqual(['GID_analytics_5x', 'GID_billing_5x', 'GID_shipping_5x']);
    for (const info of Object.values(groups)) {
      expect(info).toMatchObject({ consumeStatus: 'SUCCESS', deadMessage: false });
      expect((info.records as unknown[]).length).toBe(1);
    }
    expect(groups.GID_billing_5x?.records).toMatchObject([
      { clientHost: '10.0.21.11', consumeStatus: 'SUCCESS', fifoEnable: false, operations: [{ operateType: 'ADD', invisibleTime: 60_000, deadMessage: false }, { operateType: 'ACK' }] },
    ]);
  });

  it('shows retries and the dead letter of a message billing failed three times; the offline group has no entry', async () => {
    const demo = await startDemo();
    const message = demo.byKey('order-5x-1002');

    const response = await demo.client.getTrace(INSTANCE, ORDERS, message.messageId, new RocketMq.GetTraceRequest({}));
    const groups = groupsOf(plain(response.body).data as Record<string, unknown>);

    expect(Object.keys(groups).sort()).toStrictEqual(['GID_billing_5x', 'GID_shipping_5x']);
    expect(groups.GID_billing_5x).toMatchObject({
      consumeStatus: 'FAILED',
      deadMessage: true,
      deadLetterInfo: { topicName: '%DLQ%GID_billing_5x', messageId: message.messageId },
    });
    const billingRecords = groups.GID_billing_5x?.records as { consumeStatus: string; operations: { operateType: string; deadMessage: boolean }[] }[];
    expect(billingRecords.map((record) => record.consumeStatus)).toStrictEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(billingRecords.at(-1)?.operations.at(-1)).toMatchObject({ operateType: 'CHANGE_INVISIBLE_TIME', deadMessage: true });
    expect(groups.GID_shipping_5x).toMatchObject({ consumeStatus: 'SUCCESS', deadMessage: false });
    expect((groups.GID_shipping_5x?.records as { consumeStatus: string }[]).map((record) => record.consumeStatus)).toStrictEqual(['FAILED', 'SUCCESS']);
  });

  it('serves the dead-lettered copy on %DLQ%GID_billing_5x with its origin', async () => {
    const demo = await startDemo();
    const message = demo.byKey('order-5x-1002');

    const response = await demo.client.getTrace(INSTANCE, '%DLQ%GID_billing_5x', message.messageId, new RocketMq.GetTraceRequest({}));
    const data = plain(response.body).data as Record<string, unknown>;

    expect(data.producerInfo).toMatchObject({ records: [{ messageSource: 'DLQ', dlqOriginTopic: ORDERS, dlqOriginMessageId: message.messageId }] });
    expect(data.consumerInfos).toStrictEqual([]);
  });

  it('shows a group without a trace record until its delivery time passes on the emulator clock', async () => {
    const demo = await startDemo();
    const message = demo.byKey('order-5x-1003');

    const before = groupsOf(plain((await demo.client.getTrace(INSTANCE, ORDERS, message.messageId, new RocketMq.GetTraceRequest({}))).body).data as Record<string, unknown>);
    demo.advance(6000);
    const after = groupsOf(plain((await demo.client.getTrace(INSTANCE, ORDERS, message.messageId, new RocketMq.GetTraceRequest({}))).body).data as Record<string, unknown>);

    expect(before.GID_billing_5x).toStrictEqual({ consumerGroupId: 'GID_billing_5x', deadMessage: false, records: [] });
    expect(before.GID_shipping_5x).toMatchObject({ consumeStatus: 'SUCCESS' });
    expect(after.GID_billing_5x).toMatchObject({ consumeStatus: 'SUCCESS', records: [{ consumeStatus: 'SUCCESS' }] });
  });

  it('has no entry for the group whose tag filter skips the message', async () => {
    const demo = await startDemo();
    const message = demo.byKey('order-5x-1004');

    const groups = groupsOf(plain((await demo.client.getTrace(INSTANCE, ORDERS, message.messageId, new RocketMq.GetTraceRequest({}))).body).data as Record<string, unknown>);

    expect(Object.keys(groups)).toStrictEqual(['GID_billing_5x']);
  });

  it('shows fifoEnable and messageGroup for a FIFO message', async () => {
    const demo = await startDemo();
    const message = demo.byKey('sku-7731', 'inventory-5x');

    const data = plain((await demo.client.getTrace(INSTANCE, 'inventory-5x', message.messageId, new RocketMq.GetTraceRequest({}))).body).data as Record<string, unknown>;

    expect(data.messageInfo).toMatchObject({ messageType: 'FIFO', messageGroup: 'sku-7731' });
    expect(groupsOf(data).GID_stock_5x?.records).toMatchObject([{ fifoEnable: true }]);
  });

  it('answers 404 Message.NotFound when startTime/endTime exclude the born time, and for an unknown id', async () => {
    const demo = await startDemo();
    const message = demo.byKey('order-5x-1001');
    const after = formatApiTime(message.bornTimeMs + 60_000, 480);

    const windowed = await sdkFailure(demo.client.getTrace(INSTANCE, ORDERS, message.messageId, new RocketMq.GetTraceRequest({ startTime: after, endTime: after })));
    const unknown = await sdkFailure(demo.client.getTrace(INSTANCE, ORDERS, `01${'0'.repeat(32)}`, new RocketMq.GetTraceRequest({})));

    expect(windowed).toMatchObject({ name: 'ClientError', code: 'Message.NotFound', statusCode: 404 });
    expect(windowed.data).toMatchObject({ success: false, code: 'Message.NotFound', httpStatusCode: 404, data: null });
    expect(unknown).toMatchObject({ code: 'Message.NotFound', statusCode: 404 });
  });
});

describe('RocketMQ 5.x emulator with the official SDK: a message found by key, and its whole journey', () => {
  const CHECKOUT = 'checkout-5x';
  const SHARED_KEY = 'order-20261201-0042';

  it('ListMessages with messageKey finds both messages that share the key, newest first, and narrows by startTime/endTime', async () => {
    // Arrange
    const demo = await startDemo();
    const first = demo.byKey('checkout-77120', CHECKOUT);
    const second = demo.byKey('checkout-77121', CHECKOUT);

    // Act
    const all = plain((await demo.client.listMessages(INSTANCE, CHECKOUT, new RocketMq.ListMessagesRequest({ messageKey: SHARED_KEY }))).body).data as Record<string, unknown>;
    const windowed = plain(
      (
        await demo.client.listMessages(
          INSTANCE,
          CHECKOUT,
          new RocketMq.ListMessagesRequest({ messageKey: SHARED_KEY, startTime: formatApiTime(first.bornTimeMs - 1000, 480), endTime: formatApiTime(first.bornTimeMs + 1000, 480) }),
        )
      ).body,
    ).data as Record<string, unknown>;
    const otherKey = plain((await demo.client.listMessages(INSTANCE, CHECKOUT, new RocketMq.ListMessagesRequest({ messageKey: 'order-20261201' }))).body).data as Record<string, unknown>;

    // Assert
    expect(all).toMatchObject({ totalCount: 2, pageNumber: 1, pageSize: 10 });
    expect(all.list).toMatchObject([
      { messageId: second.messageId, messageKeys: ['checkout-77121', SHARED_KEY], messageTag: 'checkout-confirmed', topicName: CHECKOUT, bornHost: '10.0.9.13:52003' },
      { messageId: first.messageId, messageKeys: ['checkout-77120', SHARED_KEY], messageTag: 'checkout-paid', userProperties: { orderId: '20261201-0042' } },
    ]);
    expect(windowed).toMatchObject({ totalCount: 1, list: [{ messageId: first.messageId }] });
    expect(otherKey).toMatchObject({ totalCount: 0, list: [] });
  });

  it('ListTraces by MESSAGE_KEY lists the same two messages', async () => {
    const demo = await startDemo();
    const first = demo.byKey('checkout-77120', CHECKOUT);
    const window = { startTime: formatApiTime(first.bornTimeMs - 60_000, 480), endTime: formatApiTime(first.bornTimeMs + 86_400_000, 480) };

    const data = plain(
      (await demo.client.listTraces(INSTANCE, CHECKOUT, new RocketMq.ListTracesRequest({ queryType: 'MESSAGE_KEY', messageKey: SHARED_KEY, ...window, pageNumber: 1, pageSize: 10 }))).body,
    ).data as Record<string, unknown>;

    expect(data).toMatchObject({ totalCount: 2 });
    expect((data.list as { messageId: string }[]).map((item) => item.messageId)).toStrictEqual([demo.byKey('checkout-77121', CHECKOUT).messageId, first.messageId]);
  });

  it('GetTrace answers the whole journey: send, store, and per group every delivery with its operations, a failed attempt then a success', async () => {
    // Arrange
    const demo = await startDemo();
    const message = demo.byKey('checkout-77120', CHECKOUT);
    const born = message.bornTimeMs;
    const stored = born + 4;
    const at = (ms: number): string => formatApiTime(ms, 480);

    // Act
    const data = plain((await demo.client.getTrace(INSTANCE, CHECKOUT, message.messageId, new RocketMq.GetTraceRequest({}))).body).data as Record<string, unknown>;

    // Assert
    expect(data).toStrictEqual({
      regionId: 'cn-hangzhou',
      instanceId: INSTANCE,
      topicName: CHECKOUT,
      messageInfo: {
        regionId: 'cn-hangzhou',
        instanceId: INSTANCE,
        topicName: CHECKOUT,
        messageId: message.messageId,
        bornTime: at(born),
        storeTime: at(stored),
        body: expect.any(String),
        bornHost: '10.0.9.13:52003',
        storeHost: '10.0.8.21:8080',
        messageType: 'NORMAL',
        messageTag: 'checkout-paid',
        messageKeys: ['checkout-77120', SHARED_KEY],
        userProperties: { orderId: '20261201-0042' },
      },
      producerInfo: {
        records: [
          { produceTime: at(born), arriveTime: at(stored), produceDuration: 4, produceStatus: 'SUCCESS', clientHost: '10.0.9.13', messageSource: 'SDK', userName: 'checkout-service' },
        ],
      },
      brokerInfo: { operations: [{ operateTime: at(stored), operateType: 'ADD' }] },
      consumerInfos: [
        {
          consumerGroupId: 'GID_ledger_5x',
          consumeStatus: 'SUCCESS',
          deadMessage: false,
          records: [
            {
              clientHost: '10.0.26.11',
              consumeStatus: 'SUCCESS',
              fifoEnable: false,
              operations: [
                { operateTime: at(stored + 70), operateType: 'ADD', invisibleTime: 60_000, deadMessage: false },
                { operateTime: at(stored + 85), operateType: 'ACK', deadMessage: false },
              ],
            },
          ],
        },
        {
          consumerGroupId: 'GID_mailer_5x',
          consumeStatus: 'SUCCESS',
          deadMessage: false,
          records: [
            {
              clientHost: '10.0.25.11',
              consumeStatus: 'FAILED',
              fifoEnable: false,
              operations: [
                { operateTime: at(stored + 90), operateType: 'ADD', invisibleTime: 30_000, deadMessage: false },
                { operateTime: at(stored + 3090), operateType: 'CHANGE_INVISIBLE_TIME', deadMessage: false },
              ],
            },
            {
              clientHost: '10.0.25.12',
              consumeStatus: 'SUCCESS',
              fifoEnable: false,
              operations: [
                { operateTime: at(stored + 33_200), operateType: 'ADD', invisibleTime: 60_000, deadMessage: false },
                { operateTime: at(stored + 33_440), operateType: 'ACK', deadMessage: false },
              ],
            },
          ],
        },
      ],
    });
  });
});

describe('RocketMQ 5.x emulator with the official SDK: ListTraces and ListMessages', () => {
  function dayWindow(demo: Demo): { startTime: string; endTime: string } {
    const anchor = demo.byKey('order-5x-1003').bornTimeMs;
    return { startTime: formatApiTime(anchor - 86_400_000, 480), endTime: formatApiTime(anchor + 60_000, 480) };
  }

  it('ListTraces pages the messages with a key, newest first', async () => {
    const demo = await startDemo();
    const request = (pageNumber: number): RocketMq.ListTracesRequest =>
      new RocketMq.ListTracesRequest({ queryType: 'MESSAGE_KEY', messageKey: 'customer-42', ...dayWindow(demo), pageNumber, pageSize: 2 });

    const first = plain((await demo.client.listTraces(INSTANCE, ORDERS, request(1))).body).data as Record<string, unknown>;
    const second = plain((await demo.client.listTraces(INSTANCE, ORDERS, request(2))).body).data as Record<string, unknown>;

    expect(first).toMatchObject({ pageNumber: 1, pageSize: 2, totalCount: 3 });
    expect((first.list as { messageId: string }[]).map((row) => row.messageId)).toStrictEqual([
      demo.byKey('order-5x-1004').messageId,
      demo.byKey('order-5x-1002').messageId,
    ]);
    expect(second.list).toMatchObject([{ messageId: demo.byKey('order-5x-1001').messageId, messageTag: 'order-created', regionId: 'cn-hangzhou', topicName: ORDERS }]);
  });

  it('ListTraces finds one message by id and all in a window by topic', async () => {
    const demo = await startDemo();
    const id = demo.byKey('order-5x-1002').messageId;

    const byId = plain((await demo.client.listTraces(INSTANCE, ORDERS, new RocketMq.ListTracesRequest({ queryType: 'MESSAGE_ID', messageId: id, ...dayWindow(demo), pageNumber: 1, pageSize: 10 }))).body)
      .data as Record<string, unknown>;
    const byTopic = plain((await demo.client.listTraces(INSTANCE, ORDERS, new RocketMq.ListTracesRequest({ queryType: 'TOPIC', ...dayWindow(demo), pageNumber: 1, pageSize: 10 }))).body)
      .data as Record<string, unknown>;

    expect(byId).toMatchObject({ totalCount: 1, list: [{ messageId: id }] });
    expect(byTopic.totalCount).toBe(4);
  });

  it('ListTraces requires queryType and the time window (Missing{Name}, as the SDK examples)', async () => {
    const demo = await startDemo();

    const noType = await sdkFailure(demo.client.listTraces(INSTANCE, ORDERS, new RocketMq.ListTracesRequest({ ...dayWindow(demo), pageNumber: 1, pageSize: 10 })));
    const noKey = await sdkFailure(demo.client.listTraces(INSTANCE, ORDERS, new RocketMq.ListTracesRequest({ queryType: 'MESSAGE_KEY', ...dayWindow(demo), pageNumber: 1, pageSize: 10 })));
    const badTime = await sdkFailure(
      demo.client.listTraces(INSTANCE, ORDERS, new RocketMq.ListTracesRequest({ queryType: 'TOPIC', startTime: '2025-02-30 00:00:00', endTime: '2025-03-01 00:00:00', pageNumber: 1, pageSize: 10 })),
    );

    expect(noType).toMatchObject({ code: 'MissingQueryType', statusCode: 400 });
    expect(noType.data).toMatchObject({ message: 'Parameter queryType is mandatory for this action .', dynamicCode: 'QueryType', dynamicMessage: 'queryType' });
    expect(noKey).toMatchObject({ code: 'MissingMessageKey', statusCode: 400 });
    expect(badTime).toMatchObject({ code: 'InvalidStartTime', statusCode: 400 });
  });

  it('ListMessages snapshots the result under a scrollId and pages through it', async () => {
    const demo = await startDemo();

    const first = plain((await demo.client.listMessages(INSTANCE, ORDERS, new RocketMq.ListMessagesRequest({ messageKey: 'customer-42', pageSize: 2 }))).body).data as Record<string, unknown>;
    const second = plain(
      (await demo.client.listMessages(INSTANCE, ORDERS, new RocketMq.ListMessagesRequest({ scrollId: String(first.scrollId), pageNumber: 2, pageSize: 2 }))).body,
    ).data as Record<string, unknown>;

    expect(first).toMatchObject({ pageNumber: 1, pageSize: 2, totalCount: 3 });
    expect(String(first.scrollId)).toMatch(/^[0-9A-F-]{36}$/);
    expect(first.list).toMatchObject([
      { messageId: demo.byKey('order-5x-1004').messageId, messageTag: 'order-refunded', bodySize: expect.any(Number), storeHost: '10.0.8.21:8080' },
      { messageId: demo.byKey('order-5x-1002').messageId },
    ]);
    expect(second).toMatchObject({ pageNumber: 2, scrollId: first.scrollId, totalCount: 3, list: [{ messageId: demo.byKey('order-5x-1001').messageId }] });
  });

  it('ListMessages filters by time window and rejects an unknown scrollId', async () => {
    const demo = await startDemo();
    const m3 = demo.byKey('order-5x-1003');

    const recent = plain(
      (await demo.client.listMessages(INSTANCE, ORDERS, new RocketMq.ListMessagesRequest({ startTime: formatApiTime(m3.bornTimeMs - 60_000, 480), endTime: formatApiTime(m3.bornTimeMs + 60_000, 480) }))).body,
    ).data as Record<string, unknown>;
    const unknown = await sdkFailure(demo.client.listMessages(INSTANCE, ORDERS, new RocketMq.ListMessagesRequest({ scrollId: 'B13D0B07-F24B-4790-88D8-D47A38063D00' })));

    expect(recent).toMatchObject({ totalCount: 1, list: [{ messageId: m3.messageId }] });
    expect(unknown).toMatchObject({ code: 'InvalidScrollId', statusCode: 400 });
  });
});

describe('RocketMQ 5.x emulator with the official SDK: GetMessageDetail', () => {
  it('answers the stored message with body, size, keys and properties', async () => {
    const demo = await startDemo();
    const message = demo.byKey('order-5x-1002');

    const data = plain((await demo.client.getMessageDetail(INSTANCE, ORDERS, message.messageId)).body).data as Record<string, unknown>;

    expect(data).toMatchObject({
      instanceId: INSTANCE,
      regionId: 'cn-hangzhou',
      topicName: ORDERS,
      messageId: message.messageId,
      messageTag: 'order-paid',
      messageKeys: ['order-5x-1002', 'customer-42'],
      messageType: 'NORMAL',
      bornTime: formatApiTime(message.bornTimeMs, 480),
      systemProperties: { UNIQ_KEY: message.messageId, TAGS: 'order-paid', KEYS: 'order-5x-1002 customer-42' },
      userProperties: { orderId: '1002', channel: 'web' },
    });
    expect(data.bodySize).toBe(Buffer.byteLength(String(data.body)));
  });
});

describe('RocketMQ 5.x emulator with the official SDK: consumer groups', () => {
  it('GetConsumerGroupLag shows the offline group\'s backlog and the totals', async () => {
    const demo = await startDemo();

    const analytics = plain((await demo.client.getConsumerGroupLag(INSTANCE, 'GID_analytics_5x', new RocketMq.GetConsumerGroupLagRequest({}))).body).data as Record<string, unknown>;
    const billing = plain((await demo.client.getConsumerGroupLag(INSTANCE, 'GID_billing_5x', new RocketMq.GetConsumerGroupLagRequest({ topicName: ORDERS }))).body).data as Record<string, unknown>;

    expect(analytics).toMatchObject({
      consumerGroupId: 'GID_analytics_5x',
      instanceId: INSTANCE,
      regionId: 'cn-hangzhou',
      totalLag: { readyCount: 5210, inflightCount: 0, deliveryDuration: 7200 },
      topicLagMap: { [ORDERS]: { readyCount: 5210 } },
      liteTopicLagMap: {},
    });
    expect(billing).toMatchObject({ topicName: ORDERS, totalLag: { readyCount: 0, inflightCount: 1 } });
  });

  it('ListConsumerConnections lists online clients and none for the offline group', async () => {
    const demo = await startDemo();

    const billing = plain((await demo.client.listConsumerConnections(INSTANCE, 'GID_billing_5x', new RocketMq.ListConsumerConnectionsRequest({}))).body).data as Record<string, unknown>;
    const analytics = plain((await demo.client.listConsumerConnections(INSTANCE, 'GID_analytics_5x', new RocketMq.ListConsumerConnectionsRequest({}))).body).data as Record<string, unknown>;

    expect(billing.connections).toMatchObject([
      { clientId: '10.0.21.11@31001#1385711390#2101337720#19000001', egressIp: '10.0.21.11', hostname: 'billing-7d9f-1', language: 'java', version: '5.0.7', messageModel: 'CLUSTERING' },
      { egressIp: '10.0.21.12' },
    ]);
    expect(analytics).toMatchObject({ consumerGroupId: 'GID_analytics_5x', connections: [] });
  });

  it('GetConsumerGroupSubscription shows each client\'s filter, and the offline group without a connection', async () => {
    const demo = await startDemo();

    const shipping = plain((await demo.client.getConsumerGroupSubscription(INSTANCE, 'GID_shipping_5x', ORDERS)).body).data as Record<string, unknown>[];
    const analytics = plain((await demo.client.getConsumerGroupSubscription(INSTANCE, 'GID_analytics_5x', ORDERS)).body).data as Record<string, unknown>[];
    const missing = await sdkFailure(demo.client.getConsumerGroupSubscription(INSTANCE, 'GID_shipping_5x', 'inventory-5x'));

    expect(shipping).toMatchObject([
      { connectionDTO: { egressIp: '10.0.22.11' }, subscriptionDTO: { filterExpression: 'order-created || order-paid', filterExpressionType: 'TAG', subscriptionStatus: 'ONLINE' } },
      { connectionDTO: { egressIp: '10.0.22.12', version: '5.0.5' }, subscriptionDTO: { filterExpression: 'order-created' } },
    ]);
    expect(analytics).toStrictEqual([
      {
        subscriptionDTO: {
          consumerGroupId: 'GID_analytics_5x',
          topicName: ORDERS,
          filterExpression: '*',
          filterExpressionType: 'TAG',
          messageModel: 'CLUSTERING',
          subscriptionStatus: 'OFFLINE',
        },
      },
    ]);
    expect(missing).toMatchObject({ code: 'Subscription.NotFound', statusCode: 404 });
  });

  it('ListTopicSubscriptions lists every subscribed group with status and consistency', async () => {
    const demo = await startDemo();

    const data = plain((await demo.client.listTopicSubscriptions(INSTANCE, ORDERS)).body).data as Record<string, unknown>[];

    expect(data).toStrictEqual([
      { consumerGroupId: 'GID_billing_5x', topicName: ORDERS, filterExpression: '*', filterExpressionType: 'TAG', messageModel: 'CLUSTERING', subscriptionStatus: 'ONLINE', consistency: 'false' },
      {
        consumerGroupId: 'GID_shipping_5x',
        topicName: ORDERS,
        filterExpression: 'order-created || order-paid',
        filterExpressionType: 'TAG',
        messageModel: 'CLUSTERING',
        subscriptionStatus: 'ONLINE',
        consistency: 'true',
      },
      { consumerGroupId: 'GID_analytics_5x', topicName: ORDERS, filterExpression: '*', filterExpressionType: 'TAG', messageModel: 'CLUSTERING', subscriptionStatus: 'OFFLINE', consistency: 'false' },
    ]);
  });

  it('GetConsumeTimespan puts the offline group\'s position before the messages it has not consumed', async () => {
    const demo = await startDemo();
    const consumed = await demo.client.getMessageDetail(INSTANCE, ORDERS, demo.byKey('order-5x-1001').messageId);
    const pending = await demo.client.getMessageDetail(INSTANCE, ORDERS, demo.byKey('order-5x-1002').messageId);

    const data = plain((await demo.client.getConsumeTimespan(INSTANCE, 'GID_analytics_5x', ORDERS)).body).data as Record<string, number>;
    const storeMs = (time: string | undefined): number => Date.parse(`${String(time).replace(' ', 'T')}+08:00`);

    expect(data).toMatchObject({ consumerGroupId: 'GID_analytics_5x', instanceId: INSTANCE, topicName: ORDERS });
    expect(data.minTimestamp).toBeLessThanOrEqual(data.consumeTimestamp ?? 0);
    expect(data.consumeTimestamp).toBeLessThanOrEqual(data.maxTimestamp ?? 0);
    expect(data.consumeTimestamp).toBeGreaterThan(storeMs(consumed.body?.data?.storeTime));
    expect(data.consumeTimestamp).toBeLessThan(storeMs(pending.body?.data?.storeTime));
  });
});

describe('RocketMQ 5.x emulator with the official SDK: errors', () => {
  it.each([
    { name: 'an unknown instance', call: (c: Demo['client']) => c.getMessageDetail('rmq-cn-nothere0001', ORDERS, `01${'A'.repeat(32)}`), code: 'Instance.NotFound', status: 404 },
    { name: 'an unknown topic', call: (c: Demo['client']) => c.listTopicSubscriptions(INSTANCE, 'no-such-topic'), code: 'Topic.NotFound', status: 404 },
    { name: 'an unknown group', call: (c: Demo['client']) => c.getConsumeTimespan(INSTANCE, 'GID_nobody', ORDERS), code: 'ConsumerGroup.NotFound', status: 404 },
    { name: "another account's instance", call: (c: Demo['client']) => c.listTopicSubscriptions('rmq-cn-other5x0001', 'payments-5x'), code: 'NoPermission', status: 403 },
    { name: 'a malformed message id', call: (c: Demo['client']) => c.getMessageDetail(INSTANCE, ORDERS, 'not-an-id'), code: 'InvalidMessageId', status: 400 },
    { name: 'an empty instance id', call: (c: Demo['client']) => c.listTopicSubscriptions('', ORDERS), code: 'MissingInstanceId', status: 400 },
  ])('answers $name with $status $code', async ({ call, code, status }) => {
    const demo = await startDemo();

    const failure = await sdkFailure(call(demo.client));

    expect(failure).toMatchObject({ code, statusCode: status });
    expect(failure.data).toMatchObject({ success: false, code, httpStatusCode: status });
  });

  it('answers Forbidden.RAM with accessDeniedDetail to a key without rocketmq actions', async () => {
    const demo = await startDemo(OTHER_TEAM_NO_TRACE);

    const failure = await sdkFailure(demo.client.listTopicSubscriptions('rmq-cn-other5x0001', 'payments-5x'));

    expect(failure).toMatchObject({ name: 'ClientError', code: 'Forbidden.RAM', statusCode: 403 });
    expect(failure.accessDeniedDetail).toMatchObject({ AuthAction: 'rocketmq:ListTopicSubscriptions', AuthPrincipalDisplayName: 'other-team-message-reader' });
  });

  it('lets the permanent demo key call every operation, and throttles with a ThrottlingError', async () => {
    const demo = await startDemo(DEMO_KEY);
    const id = demo.byKey('order-5x-1001').messageId;

    for (let i = 0; i < 10; i += 1) {
      await demo.client.getMessageDetail(INSTANCE, ORDERS, id);
    }
    const failure = await sdkFailure(demo.client.getMessageDetail(INSTANCE, ORDERS, id));

    expect(failure).toMatchObject({ name: 'ThrottlingError', code: 'Throttling.User', statusCode: 400 });
    expect(demo.emulator.stats().byAction.GetMessageDetail).toStrictEqual({ requests: 11, byCode: { OK: 10, 'Throttling.User': 1 } });
  });

  it('turns an injected 502 into an SDK error and a dropped socket into a transport error', async () => {
    const demo = await startDemo();
    const id = demo.byKey('order-5x-1001').messageId;
    demo.emulator.setFault('GetTrace', { html502Rate: 1, times: 1 });

    const html = demo.client.getTrace(INSTANCE, ORDERS, id, new RocketMq.GetTraceRequest({}));
    await expect(html).rejects.toBeInstanceOf(Error);
    demo.emulator.setFault('GetTrace', { dropRate: 1, times: 1 });
    const dropped = demo.client.getTrace(INSTANCE, ORDERS, id, new RocketMq.GetTraceRequest({}));
    await expect(dropped).rejects.toBeInstanceOf(Error);
    const ok = await demo.client.getTrace(INSTANCE, ORDERS, id, new RocketMq.GetTraceRequest({}));

    expect(ok.statusCode).toBe(200);
    expect(demo.emulator.stats().byAction.GetTrace?.byCode).toStrictEqual({ HTML502: 1, DROPPED: 1, OK: 1 });
  });
});
