import { afterEach, describe, expect, it } from 'vitest';
import type { Seed } from '../../../local/emulator/seed-schema';
import {
  INSTANCE_A,
  INSTANCE_B,
  MSG_CONSUMED,
  MSG_PARTIAL,
  NO_TRACE,
  OTHER_ACCOUNT,
  buildManualClock,
  buildTestSeed,
  callAction,
  callFailing,
  closeAllEmulators,
  createClient,
  startEmulator,
} from './harness';

afterEach(closeAllEmulators);

const BORN_AGO_MS = 120_000;

/** The integration seed plus message facts, three consumer groups and a DLQ entry on instance A. */
function buildDiagnosticsSeed(): Seed {
  const seed = buildTestSeed();
  const instance = seed.instances[0] as Seed['instances'][number];
  const orders = instance.topics[0] as Seed['instances'][number]['topics'][number];
  Object.assign(orders.messages[0] as object, { tag: 'order-paid', keys: ['order-1', 'refund-9'], bornAgoMs: BORN_AGO_MS, reconsumeTimes: 2 });
  Object.assign(orders.messages[1] as object, { bornAgoMs: 1500, bornRelativeTo: 'request' });
  instance.consumerGroups = [
    {
      groupId: 'GID_billing',
      consumeTps: 12,
      rebalanceOk: false,
      topics: [
        { topic: 'orders', totalDiff: 40, delayMs: 9000, lastConsumedAgoMs: 60_000 },
        { topic: 'audit-log', totalDiff: 2, delayMs: 100 },
      ],
      connections: [
        { clientId: '10.0.3.21@1#a', subscriptions: [{ topic: 'orders', subString: 'order-created || order-paid' }] },
        { clientId: '10.0.3.22@2#b', clientAddr: '10.0.3.22:51000', language: 'GO', version: 'V2_1_2', subscriptions: [{ topic: 'orders', subString: 'order-created' }] },
      ],
      dlq: [{ msgId: MSG_CONSUMED.toLowerCase(), reconsumeTimes: 16, deadLetteredAgoMs: 30_000 }],
    },
    {
      groupId: 'GID_same',
      connections: [
        { clientId: 'c1', subscriptions: [{ topic: 'orders', subString: 'b || a' }] },
        { clientId: 'c2', subscriptions: [{ topic: 'orders', subString: 'a||b' }] },
      ],
    },
    { groupId: 'GID_analytics', connections: [] },
  ];
  return seed;
}

async function start() {
  const clock = buildManualClock();
  const started = clock.now();
  const { url, emulator } = await startEmulator({ seed: buildDiagnosticsSeed(), now: clock.now });
  return { client: createClient(url), url, emulator, clock, started };
}

describe('Action: OnsMessageGetByMsgId over pop-core', () => {
  it('answers Data with born/store time and host, reconsume times and PropertyList.MessageProperty[]', async () => {
    // Prepare
    const { client, started } = await start();

    // Act
    const body = await callAction(client, { InstanceId: INSTANCE_A, Topic: 'orders', MsgId: MSG_CONSUMED }, { action: 'OnsMessageGetByMsgId', method: 'POST' });

    // Assess
    const data = body.Data as Record<string, unknown>;
    expect(data).toMatchObject({
      Topic: 'orders',
      MsgId: MSG_CONSUMED,
      InstanceId: INSTANCE_A,
      BornTimestamp: started - BORN_AGO_MS,
      BornHost: expect.stringMatching(/^10\.0\.12\.34:\d+$/),
      StoreTimestamp: started - BORN_AGO_MS + 3,
      StoreHost: '10.0.8.15:10911',
      ReconsumeTimes: 2,
    });
    expect((data.PropertyList as { MessageProperty: unknown[] }).MessageProperty).toEqual(
      expect.arrayContaining([
        { Name: 'TAGS', Value: 'order-paid' },
        { Name: 'KEYS', Value: 'order-1 refund-9' },
      ]),
    );
  });

  it('counts bornAgoMs back from each request for a message born relative to the request', async () => {
    const { client, clock } = await start();
    clock.advance(600_000);
    const body = await callAction(client, { InstanceId: INSTANCE_A, Topic: 'orders', MsgId: MSG_PARTIAL }, { action: 'OnsMessageGetByMsgId' });
    expect((body.Data as { BornTimestamp: number }).BornTimestamp).toBe(clock.now() - 1500);
  });

  it.each([
    [{ InstanceId: INSTANCE_A, Topic: 'orders', MsgId: '0A000C22303918B4AAC244F9FFFF0001' }, 'BIZ_NO_MESSAGE'],
    [{ InstanceId: INSTANCE_A, Topic: 'nope', MsgId: MSG_CONSUMED }, 'BIZ_TOPIC_NOT_FOUND'],
    [{ InstanceId: INSTANCE_B, Topic: 'payments', MsgId: MSG_CONSUMED }, 'AUTH_RESOURCE_OWNER_ERROR'],
    [{ InstanceId: INSTANCE_A, Topic: 'orders' }, 'MissingMsgId'],
  ])('answers %j with %s', async (params, code) => {
    const { client } = await start();
    expect((await callFailing(client, params, { action: 'OnsMessageGetByMsgId' })).code).toBe(code);
  });
});

describe('Action: OnsConsumerAccumulate over pop-core', () => {
  it('sums the per-topic backlog and lists DetailInTopicList.DetailInTopicDo[] with Detail=true', async () => {
    // Prepare
    const { client, started } = await start();

    // Act
    const body = await callAction(client, { InstanceId: INSTANCE_A, GroupId: 'GID_billing', Detail: 'true' }, { action: 'OnsConsumerAccumulate', method: 'POST' });

    // Assess
    expect(body.Data).toStrictEqual({
      Online: true,
      TotalDiff: 42,
      ConsumeTps: 12,
      LastTimestamp: started - 1000,
      DelayTime: 9000,
      DetailInTopicList: {
        DetailInTopicDo: [
          { Topic: 'orders', TotalDiff: 40, LastTimestamp: started - 60_000, DelayTime: 9000 },
          { Topic: 'audit-log', TotalDiff: 2, LastTimestamp: started - 1000, DelayTime: 100 },
        ],
      },
    });
  });

  it('leaves the detail out without Detail=true, and reports an offline group with 0 TPS', async () => {
    const { client } = await start();
    const body = await callAction(client, { InstanceId: INSTANCE_A, GroupId: 'GID_analytics' }, { action: 'OnsConsumerAccumulate' });
    expect(body.Data).toStrictEqual({ Online: false, TotalDiff: 0, ConsumeTps: 0, LastTimestamp: 0, DelayTime: 0 });
  });

  it.each([
    [{ InstanceId: INSTANCE_A, GroupId: 'GID_nobody' }, 'BIZ_SUBSCRIPTION_NOT_FOUND'],
    [{ InstanceId: INSTANCE_A, GroupId: 'GID_billing', Detail: 'yes' }, 'InvalidParameter'],
    [{ InstanceId: INSTANCE_A }, 'MissingGroupId'],
  ])('answers %j with %s', async (params, code) => {
    const { client } = await start();
    expect((await callFailing(client, params, { action: 'OnsConsumerAccumulate' })).code).toBe(code);
  });
});

describe('Action: OnsConsumerGetConnection over pop-core', () => {
  it('lists ConnectionList.ConnectionDo[] with defaults for language, version and address', async () => {
    const { client } = await start();
    const body = await callAction(client, { InstanceId: INSTANCE_A, GroupId: 'GID_billing' }, { action: 'OnsConsumerGetConnection', method: 'POST' });
    expect(body.Data).toStrictEqual({
      ConnectionList: {
        ConnectionDo: [
          { ClientId: '10.0.3.21@1#a', ClientAddr: expect.stringMatching(/^10\.0\.3\.21:\d+$/), Language: 'JAVA', Version: 'V4_9_7' },
          { ClientId: '10.0.3.22@2#b', ClientAddr: '10.0.3.22:51000', Language: 'GO', Version: 'V2_1_2' },
        ],
      },
      MessageModel: 'CLUSTERING',
    });
  });

  it('answers BIZ_CONSUMER_NOT_ONLINE for a group without connected clients', async () => {
    const { client } = await start();
    const failure = await callFailing(client, { InstanceId: INSTANCE_A, GroupId: 'GID_analytics' }, { action: 'OnsConsumerGetConnection' });
    expect(failure).toMatchObject({ code: 'BIZ_CONSUMER_NOT_ONLINE', status: 400 });
  });
});

describe('Action: OnsConsumerStatus over pop-core', () => {
  it('derives SubscriptionSame and TagsSet.Tag[] from the clients and reports RebalanceOK', async () => {
    // Prepare
    const { client } = await start();

    // Act
    const body = await callAction(client, { InstanceId: INSTANCE_A, GroupId: 'GID_billing', Detail: 'true' }, { action: 'OnsConsumerStatus', method: 'POST' });

    // Assess
    const data = body.Data as Record<string, any>;
    expect(data).toMatchObject({ Online: true, TotalDiff: 42, ConsumeModel: 'CLUSTERING', SubscriptionSame: false, RebalanceOK: false, InstanceId: INSTANCE_A });
    expect(data.ConnectionSet.ConnectionDo).toHaveLength(2);
    expect(data.DetailInTopicList.DetailInTopicDo).toHaveLength(2);
    const infos = data.ConsumerConnectionInfoList.ConsumerConnectionInfoDo as Array<Record<string, any>>;
    expect(infos.map((i) => i.SubscriptionSet.SubscriptionData)).toEqual([
      [{ Topic: 'orders', SubString: 'order-created || order-paid', SubVersion: expect.any(Number), TagsSet: { Tag: ['order-created', 'order-paid'] } }],
      [{ Topic: 'orders', SubString: 'order-created', SubVersion: expect.any(Number), TagsSet: { Tag: ['order-created'] } }],
    ]);
    expect(infos[0]).toMatchObject({ ClientId: '10.0.3.21@1#a', ConsumeType: 'PUSH', ConsumeModel: 'CLUSTERING', RunningDataList: { ConsumerRunningDataDo: [expect.objectContaining({ Topic: 'orders' })] } });
  });

  it('sees equal subscriptions through tag order and spacing', async () => {
    const { client } = await start();
    const body = await callAction(client, { InstanceId: INSTANCE_A, GroupId: 'GID_same' }, { action: 'OnsConsumerStatus' });
    expect(body.Data).toMatchObject({ SubscriptionSame: true, RebalanceOK: true });
    expect(body.Data).not.toHaveProperty('DetailInTopicList');
  });

  it('enforces its conservative limit of one call per second per account', async () => {
    // Prepare
    const { client, clock } = await start();
    const params = { InstanceId: INSTANCE_A, GroupId: 'GID_same' };

    // Act
    await callAction(client, params, { action: 'OnsConsumerStatus' });
    const throttled = await callFailing(client, params, { action: 'OnsConsumerStatus' });
    clock.advance(1000);
    const again = await callAction(client, params, { action: 'OnsConsumerStatus' });

    // Assess
    expect(throttled.code).toBe('Throttling.User');
    expect(again.Data).toBeDefined();
  });
});

describe('Action: OnsDLQMessageGetById over pop-core', () => {
  it('answers the dead-lettered copy with its reconsume count and the time it was dead-lettered', async () => {
    const { client, started } = await start();
    const body = await callAction(client, { InstanceId: INSTANCE_A, GroupId: 'GID_billing', MsgId: MSG_CONSUMED }, { action: 'OnsDLQMessageGetById', method: 'POST' });
    expect(body.Data).toMatchObject({ MsgId: MSG_CONSUMED, Topic: 'orders', ReconsumeTimes: 16, StoreTimestamp: started - 30_000, BornTimestamp: started - BORN_AGO_MS });
  });

  it('answers BIZ_NO_MESSAGE for a message that is not in the group’s DLQ', async () => {
    const { client } = await start();
    const failure = await callFailing(client, { InstanceId: INSTANCE_A, GroupId: 'GID_same', MsgId: MSG_CONSUMED }, { action: 'OnsDLQMessageGetById' });
    expect(failure.code).toBe('BIZ_NO_MESSAGE');
  });
});

describe('Authorization of the explain actions', () => {
  it.each([
    ['OnsConsumerAccumulate', 'mq:QueryConsumerAccumulate', { InstanceId: INSTANCE_A, GroupId: 'GID_billing' }],
    ['OnsConsumerGetConnection', 'mq:QueryConsumerConnection', { InstanceId: INSTANCE_A, GroupId: 'GID_billing' }],
    ['OnsConsumerStatus', 'mq:QueryConsumerStatus', { InstanceId: INSTANCE_A, GroupId: 'GID_billing' }],
    ['OnsDLQMessageGetById', 'mq:QueryDLQMessage', { InstanceId: INSTANCE_A, GroupId: 'GID_billing', MsgId: MSG_CONSUMED }],
  ])('answers Forbidden.RAM for %s to a key without %s', async (action, ramAction, params) => {
    const { url } = await start();
    const failure = await callFailing(createClient(url, NO_TRACE), params, { action });
    expect(failure).toMatchObject({ code: 'Forbidden.RAM', status: 403, data: { AccessDeniedDetail: { AuthAction: ramAction } } });
  });

  it('lets a key with mq:QueryMessage read a message, and answers another account’s key AUTH_RESOURCE_OWNER_ERROR', async () => {
    const { url } = await start();
    const params = { InstanceId: INSTANCE_A, Topic: 'orders', MsgId: MSG_CONSUMED };
    expect((await callAction(createClient(url, NO_TRACE), params, { action: 'OnsMessageGetByMsgId' })).Data).toBeDefined();
    const failure = await callFailing(createClient(url, OTHER_ACCOUNT), { InstanceId: INSTANCE_A, GroupId: 'GID_billing' }, { action: 'OnsConsumerAccumulate' });
    expect(failure.code).toBe('AUTH_RESOURCE_OWNER_ERROR');
  });
});
