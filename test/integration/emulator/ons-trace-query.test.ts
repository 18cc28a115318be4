import { afterEach, describe, expect, it } from 'vitest';
import { TRACE_GET_RESULT_RAM_ACTION, TRACE_QUERY_RAM_ACTION } from '../../../local/emulator/actions';
import { DEMO_SEED_PATH, loadSeedFile } from '../../../local/emulator/load-seed';
import { offsetMsgIdOf } from '../../../local/emulator/ons-trace-map';
import { DEFAULT_TRACE_RESULT_DELAY_MS } from '../../../local/emulator/ons-trace-tasks';
import type { EmulatorOptions } from '../../../local/emulator/server';
import type { Seed } from '../../../local/emulator/seed-schema';
import { bulkMsgId } from '../../builders/build-bulk-seed';
import {
  ACCOUNT_A,
  INSTANCE_A,
  INSTANCE_B,
  MSG_CONSUMED,
  MSG_FLIP,
  MSG_OF_B,
  MSG_PARTIAL,
  MSG_UNKNOWN,
  OTHER_ACCOUNT,
  buildManualClock,
  buildTestSeed,
  callAction,
  callFailing,
  closeAllEmulators,
  createClient,
  startEmulator,
  type TestCredential,
} from './harness';

afterEach(closeAllEmulators);

type SeedMessage = Seed['instances'][number]['topics'][number]['messages'][number];

const MSG_DEAD = bulkMsgId(8, 1);
const MSG_NO_TRACE = bulkMsgId(8, 2);
const KEY = 'order-7';
const QUERY_ONLY: TestCredential = { accessKeyId: 'test-query-trace-key-id', accessKeySecret: 'test-query-trace-secret' };
const JOURNEY: TestCredential = { accessKeyId: 'test-journey-key-id', accessKeySecret: 'test-journey-secret' };
const OLD_RULE: TestCredential = { accessKeyId: 'test-old-rule-key-id', accessKeySecret: 'test-old-rule-secret' };

const QUERY = { action: 'OnsTraceQueryByMsgId', method: 'POST' } as const;
const BY_KEY = { action: 'OnsTraceQueryByMsgKey', method: 'POST' } as const;
const RESULT = { action: 'OnsTraceGetResult', method: 'POST' } as const;

/**
 * The integration seed plus what a journey needs on instance A: billing's two clients and its DLQ,
 * a message with a seeded retry story, a dead-lettered one, one without trace data, and a key two
 * messages share.
 */
function buildJourneySeed(overrides: Partial<Seed> = {}): Seed {
  const seed = buildTestSeed(overrides);
  seed.accounts[0]?.credentials.push(
    { ...QUERY_ONLY, allowedActions: ['mq:QueryTrace'] },
    { ...JOURNEY, allowedActions: ['mq:QueryTrace', 'mq:GetTraceResult'] },
    { ...OLD_RULE, allowedActions: ['mq:QueryTrace', 'mq:QueryInstanceBaseInfo'] },
  );
  const instance = seed.instances[0] as Seed['instances'][number];
  const orders = instance.topics[0] as Seed['instances'][number]['topics'][number];
  const [consumed, partial] = orders.messages as [SeedMessage, SeedMessage];
  Object.assign(consumed, {
    keys: [KEY, 'customer-9'],
    tag: 'order-paid',
    bornAgoMs: 3_600_000,
    bornHost: '10.0.12.34:40123',
    reconsumeTimes: 2,
    trace: {
      producerGroup: 'GID_orders_producer',
      sendCostMs: 9,
      consumers: [
        {
          consumerGroup: 'GID_billing',
          attempts: [
            { status: 'CONSUME_FAILED', clientHost: '10.0.3.21', costMs: 1000 },
            { status: 'CONSUME_FAILED', clientHost: '10.0.3.22', costMs: 900 },
            { status: 'CONSUME_SUCCESS', clientHost: '10.0.3.21', costMs: 40 },
          ],
        },
      ],
    },
  });
  Object.assign(partial, { keys: [KEY], bornAgoMs: 600_000 });
  orders.messages.push(
    { msgId: MSG_DEAD, keys: ['order-9'], bornAgoMs: 3_600_000, reconsumeTimes: 3, tracks: [{ consumerGroup: 'GID_billing', trackType: 'CONSUMED' }] },
    { msgId: MSG_NO_TRACE, bornAgoMs: 120_000, trace: { recorded: false }, tracks: [{ consumerGroup: 'GID_billing', trackType: 'CONSUMED' }] },
  );
  instance.consumerGroups = [
    {
      groupId: 'GID_billing',
      connections: [
        { clientId: '10.0.3.21@1#a', subscriptions: [{ topic: 'orders', subString: '*' }] },
        { clientId: '10.0.3.22@2#b', subscriptions: [{ topic: 'orders', subString: '*' }] },
      ],
      dlq: [{ msgId: MSG_DEAD, reconsumeTimes: 3, deadLetteredAgoMs: 60_000 }],
    },
  ];
  return seed;
}

async function start(options: Partial<EmulatorOptions> = {}) {
  const clock = buildManualClock();
  const started = clock.now();
  const { url, emulator } = await startEmulator({ seed: buildJourneySeed(), now: clock.now, ...options });
  return { client: createClient(url), url, emulator, clock, started };
}

function queryParams(msgId: string, started: number, overrides: Record<string, string> = {}): Record<string, string> {
  return { InstanceId: INSTANCE_A, Topic: 'orders', MsgId: msgId, BeginTime: String(started - 86_400_000), EndTime: String(started), ...overrides };
}

async function createTask(client: ReturnType<typeof createClient>, msgId: string, started: number): Promise<string> {
  const body = await callAction(client, queryParams(msgId, started), QUERY);
  return String(body.QueryId);
}

async function traceData(client: ReturnType<typeof createClient>, queryId: string, extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const body = await callAction(client, { QueryId: queryId, ...extra }, RESULT);
  return body.TraceData as Record<string, unknown>;
}

function traceMaps(data: Record<string, unknown>): Array<Record<string, any>> {
  return (data.TraceList as { TraceMapDo: Array<Record<string, any>> }).TraceMapDo;
}

describe('Actions: OnsTraceQueryByMsgId + OnsTraceGetResult over pop-core', () => {
  describe('Given a task for a message billing failed twice before it succeeded', () => {
    it('creates the task as {RequestId, QueryId}, answers working, then finish with the whole trace, then removed', async () => {
      // Prepare
      const { client, clock, started } = await start({ traceTasks: { resultDelayMs: 1000, retentionMs: 60_000 } });

      // Act
      const created = await callAction(client, queryParams(MSG_CONSUMED, started), QUERY);
      const queryId = String(created.QueryId);
      const working = await traceData(client, queryId);
      clock.advance(999);
      const stillWorking = await traceData(client, queryId);
      clock.advance(1);
      const finished = await traceData(client, queryId);
      clock.advance(59_000);
      const removed = await traceData(client, queryId);

      // Assess
      expect(Object.keys(created).sort()).toStrictEqual(['QueryId', 'RequestId']);
      expect(queryId).toBe(`${ACCOUNT_A}${started}`);
      expect(working).toStrictEqual({
        QueryId: queryId,
        UserId: ACCOUNT_A,
        Topic: 'orders',
        MsgId: MSG_CONSUMED,
        MsgKey: `${KEY} customer-9`,
        Status: 'working',
        CreateTime: started,
        UpdateTime: started,
        InstanceId: INSTANCE_A,
        TraceList: { TraceMapDo: [] },
      });
      expect(stillWorking.Status).toBe('working');
      expect(finished).toMatchObject({ Status: 'finish', CreateTime: started, UpdateTime: started + 1000 });
      const born = started - 3_600_000;
      const first = born + 100;
      const second = first + 1000 + 10_000;
      const third = second + 900 + 30_000;
      expect(traceMaps(finished)).toStrictEqual([
        {
          MsgId: offsetMsgIdOf({ msgId: MSG_CONSUMED, tracks: [] }),
          MsgKey: `${KEY} customer-9`,
          Tag: 'order-paid',
          Topic: 'orders',
          PubGroupName: 'GID_orders_producer',
          PubTime: born,
          BornHost: '10.0.12.34',
          CostTime: 9,
          Status: 'SEND_SUCCESS',
          SubList: {
            SubMapDo: [
              {
                SubGroupName: 'GID_billing',
                SuccessCount: 1,
                FailCount: 2,
                ClientList: {
                  SubClientInfoDo: [
                    { SubGroupName: 'GID_billing', ClientHost: '10.0.3.21', SubTime: first, CostTime: 1000, ReconsumeTimes: 0, Status: 'CONSUME_FAILED' },
                    { SubGroupName: 'GID_billing', ClientHost: '10.0.3.22', SubTime: second, CostTime: 900, ReconsumeTimes: 1, Status: 'CONSUME_FAILED' },
                    { SubGroupName: 'GID_billing', ClientHost: '10.0.3.21', SubTime: third, CostTime: 40, ReconsumeTimes: 2, Status: 'CONSUME_SUCCESS' },
                  ],
                },
              },
            ],
          },
        },
      ]);
      expect(removed).toMatchObject({ Status: 'removed', UpdateTime: started + 60_000, TraceList: { TraceMapDo: [] } });
    });

    it(`waits ${DEFAULT_TRACE_RESULT_DELAY_MS} ms by default, and the seed's traceTasks apply unless the options override them`, async () => {
      const byDefault = await start();
      const bySeed = await start({ seed: buildJourneySeed({ traceTasks: { resultDelayMs: 200, retentionMs: 10_000 } }) });
      const byOption = await start({ seed: buildJourneySeed({ traceTasks: { resultDelayMs: 200 } }), traceTasks: { resultDelayMs: 50 } });

      const ids = await Promise.all([byDefault, bySeed, byOption].map((e) => createTask(e.client, MSG_CONSUMED, e.started)));
      for (const e of [byDefault, bySeed, byOption]) e.clock.advance(199);
      const at199 = await Promise.all([byDefault, bySeed, byOption].map((e, i) => traceData(e.client, ids[i] ?? '')));
      byDefault.clock.advance(DEFAULT_TRACE_RESULT_DELAY_MS - 199);
      bySeed.clock.advance(10_000);
      const later = [await traceData(byDefault.client, ids[0] ?? ''), await traceData(bySeed.client, ids[1] ?? '')];

      expect(at199.map((d) => d.Status)).toStrictEqual(['working', 'working', 'finish']);
      expect(later.map((d) => d.Status)).toStrictEqual(['finish', 'removed']);
    });
  });

  describe('Given a message retried to the maximum and dead-lettered', () => {
    it('shows CONSUME_FAILED deliveries with rising ReconsumeTimes on both clients, and OnsDLQMessageGetById knows the message', async () => {
      const { client, clock, started } = await start({ traceTasks: { resultDelayMs: 0 } });

      const queryId = await createTask(client, MSG_DEAD, started);
      clock.advance(1);
      const sub = traceMaps(await traceData(client, queryId))[0]?.SubList.SubMapDo[0];
      const dead = await callAction(client, { InstanceId: INSTANCE_A, GroupId: 'GID_billing', MsgId: MSG_DEAD }, { action: 'OnsDLQMessageGetById', method: 'POST' });

      expect(sub).toMatchObject({ SubGroupName: 'GID_billing', SuccessCount: 0, FailCount: 4 });
      const attempts = sub?.ClientList.SubClientInfoDo as Array<Record<string, unknown>>;
      expect(attempts.map((a) => [a.ReconsumeTimes, a.Status, a.ClientHost])).toStrictEqual([
        [0, 'CONSUME_FAILED', '10.0.3.21'],
        [1, 'CONSUME_FAILED', '10.0.3.22'],
        [2, 'CONSUME_FAILED', '10.0.3.21'],
        [3, 'CONSUME_FAILED', '10.0.3.22'],
      ]);
      expect(Math.max(...attempts.map((a) => Number(a.SubTime) + Number(a.CostTime)))).toBeLessThanOrEqual(started - 60_000);
      expect(dead.Data).toMatchObject({ MsgId: MSG_DEAD, ReconsumeTimes: 3, StoreTimestamp: started - 60_000 });
    });
  });

  describe('Given messages the task cannot find a trace of', () => {
    it.each([
      { name: 'a message whose producer recorded no trace', msgId: MSG_NO_TRACE, window: () => ({}) },
      { name: 'a MsgId the topic does not know', msgId: MSG_UNKNOWN, window: () => ({}) },
      // MSG_PARTIAL is born 600000 ms before start.
      { name: 'a message sent before BeginTime', msgId: MSG_PARTIAL, window: (started: number) => ({ BeginTime: String(started - 600_000 + 1) }) },
      { name: 'a message sent after EndTime', msgId: MSG_PARTIAL, window: (started: number) => ({ EndTime: String(started - 600_000 - 1) }) },
    ])('finishes with an empty TraceList for $name', async ({ msgId, window }) => {
      const { client, clock, started } = await start({ traceTasks: { resultDelayMs: 10 } });
      const params = queryParams(msgId, started, window(started));

      const queryId = String((await callAction(client, params, QUERY)).QueryId);
      clock.advance(10);
      const data = await traceData(client, queryId);

      expect(data).toMatchObject({ Status: 'finish', MsgId: msgId, TraceList: { TraceMapDo: [] } });
    });

    it('still answers OnsMessageTrace for the message without trace data, with TRACE_ON false in its properties', async () => {
      const { client } = await start();

      const track = await callAction(client, { InstanceId: INSTANCE_A, Topic: 'orders', MsgId: MSG_NO_TRACE });
      const detail = await callAction(client, { InstanceId: INSTANCE_A, Topic: 'orders', MsgId: MSG_NO_TRACE }, { action: 'OnsMessageGetByMsgId', method: 'POST' });

      expect(track.Data).toStrictEqual({ MessageTrack: [{ ConsumerGroup: 'GID_billing', TrackType: 'CONSUMED', InstanceId: INSTANCE_A }] });
      expect((detail.Data as { PropertyList: { MessageProperty: unknown[] } }).PropertyList.MessageProperty).toContainEqual({ Name: 'TRACE_ON', Value: 'false' });
    });
  });

  it("shows a group's consumption only once its track has flipped to CONSUMED", async () => {
    // MSG_FLIP: GID_billing is NOT_CONSUME_YET until 3 s after start, then CONSUMED.
    const { client, clock, started } = await start({ traceTasks: { resultDelayMs: 0 } });

    const early = await createTask(client, MSG_FLIP, started);
    clock.advance(3000);
    const late = await createTask(client, MSG_FLIP, started);
    clock.advance(1);

    expect(traceMaps(await traceData(client, early))[0]?.SubList.SubMapDo).toStrictEqual([]);
    expect(traceMaps(await traceData(client, late))[0]?.SubList.SubMapDo[0]?.ClientList.SubClientInfoDo).toMatchObject([
      { Status: 'CONSUME_SUCCESS', SubTime: started + 3000, ClientHost: '10.0.3.21' },
    ]);
  });

  describe('Given an unknown QueryId', () => {
    it('answers TraceData with Status removed (the default), also for another account\'s task', async () => {
      const { url, client, started } = await start();
      const othersTask = String((await callAction(createClient(url, OTHER_ACCOUNT), { InstanceId: INSTANCE_B, Topic: 'payments', MsgId: MSG_OF_B, BeginTime: '0', EndTime: String(started) }, QUERY)).QueryId);

      const unknown = await traceData(client, '11112222333344449999999999999');
      const foreign = await traceData(client, othersTask);

      expect(unknown).toStrictEqual({ QueryId: '11112222333344449999999999999', UserId: ACCOUNT_A, Status: 'removed', TraceList: { TraceMapDo: [] } });
      expect(foreign).toMatchObject({ QueryId: othersTask, UserId: ACCOUNT_A, Status: 'removed', TraceList: { TraceMapDo: [] } });
    });

    it('answers InvalidParameter with traceTasks.unknownQueryId "error"', async () => {
      const { client } = await start({ traceTasks: { unknownQueryId: 'error' } });

      const failure = await callFailing(client, { QueryId: '42' }, RESULT);

      expect(failure).toMatchObject({ code: 'InvalidParameter', status: 400 });
      expect(failure.data?.Message).toContain('QueryId');
    });

    it('treats a task asked for under another Topic or InstanceId as unknown, and checks a given InstanceId like every action', async () => {
      const { client, clock, started } = await start({ traceTasks: { resultDelayMs: 0 } });
      const queryId = await createTask(client, MSG_CONSUMED, started);
      clock.advance(1);

      const matching = await traceData(client, queryId, { InstanceId: INSTANCE_A, Topic: 'orders' });
      const otherTopic = await traceData(client, queryId, { Topic: 'audit-log' });
      const notOwned = await callFailing(client, { QueryId: queryId, InstanceId: INSTANCE_B }, RESULT);

      expect(matching.Status).toBe('finish');
      expect(otherTopic).toMatchObject({ Status: 'removed', Topic: 'audit-log' });
      expect(notOwned).toMatchObject({ code: 'AUTH_RESOURCE_OWNER_ERROR', status: 400 });
    });
  });

  describe('Given a key two messages share (OnsTraceQueryByMsgKey)', () => {
    it('finishes with a TraceMapDo per message, newest first, each under its offset id', async () => {
      const { client, clock, started } = await start({ traceTasks: { resultDelayMs: 0 } });

      const queryId = String((await callAction(client, { InstanceId: INSTANCE_A, Topic: 'orders', MsgKey: KEY, BeginTime: String(started - 86_400_000), EndTime: String(started) }, BY_KEY)).QueryId);
      clock.advance(1);
      const data = await traceData(client, queryId);

      expect(data).toMatchObject({ Status: 'finish', MsgKey: KEY, Topic: 'orders' });
      expect(data).not.toHaveProperty('MsgId');
      expect(traceMaps(data).map((t) => [t.MsgId, t.PubTime])).toStrictEqual([
        [offsetMsgIdOf({ msgId: MSG_PARTIAL, tracks: [] }), started - 600_000],
        [offsetMsgIdOf({ msgId: MSG_CONSUMED, tracks: [] }), started - 3_600_000],
      ]);
    });
  });

  describe('Given too many task creations', () => {
    it('allows 30 OnsTraceQueryByMsgId calls a minute per account: the 31st is Throttling.User, the next token comes 2 s later', async () => {
      // Prepare
      const { client, url, clock, started } = await start();

      // Act
      for (let i = 0; i < 30; i += 1) await createTask(client, MSG_CONSUMED, started);
      const thirtyFirst = await callFailing(client, queryParams(MSG_CONSUMED, started), QUERY);
      const otherKeySameAccount = await callFailing(createClient(url, JOURNEY), queryParams(MSG_CONSUMED, started), QUERY);
      const otherAccount = await callAction(createClient(url, OTHER_ACCOUNT), { InstanceId: INSTANCE_B, Topic: 'payments', MsgId: MSG_OF_B, BeginTime: '0', EndTime: String(started) }, QUERY);
      const result = await callAction(client, { QueryId: `${ACCOUNT_A}${started}` }, RESULT);
      clock.advance(1999);
      const tooEarly = await callFailing(client, queryParams(MSG_CONSUMED, started), QUERY);
      clock.advance(1);
      const refilled = await callAction(client, queryParams(MSG_CONSUMED, started), QUERY);

      // Assess
      expect(thirtyFirst).toMatchObject({ code: 'Throttling.User', status: 400 });
      expect(thirtyFirst.data?.Message).toBe('Request was denied due to user flow control.');
      expect(otherKeySameAccount.code).toBe('Throttling.User');
      expect(otherAccount).toHaveProperty('QueryId');
      expect(result).toHaveProperty('TraceData');
      expect(tooEarly.code).toBe('Throttling.User');
      expect(refilled).toHaveProperty('QueryId');
    });

    it('allows 10 OnsTraceGetResult calls a second per account', async () => {
      const { client, clock, started } = await start();
      const queryId = await createTask(client, MSG_CONSUMED, started);

      for (let i = 0; i < 10; i += 1) await traceData(client, queryId);
      const eleventh = await callFailing(client, { QueryId: queryId }, RESULT);
      clock.advance(100);
      const refilled = await traceData(client, queryId);

      expect(eleventh).toMatchObject({ code: 'Throttling.User', status: 400 });
      expect(refilled.QueryId).toBe(queryId);
    });
  });

  describe('Given RAM policies', () => {
    it(`needs ${TRACE_QUERY_RAM_ACTION} to create a task and ${TRACE_GET_RESULT_RAM_ACTION} to read it`, async () => {
      const { url, started } = await start();
      const noQuery = createClient(url, { accessKeyId: 'test-no-trace-key-id', accessKeySecret: 'test-no-trace-secret' });

      const deniedQuery = await callFailing(noQuery, queryParams(MSG_CONSUMED, started), QUERY);
      const queryId = await createTask(createClient(url, QUERY_ONLY), MSG_CONSUMED, started);
      const deniedResult = await callFailing(createClient(url, QUERY_ONLY), { QueryId: queryId }, RESULT);
      const oldRule = await callFailing(createClient(url, OLD_RULE), { QueryId: queryId }, RESULT);
      const allowed = await traceData(createClient(url, JOURNEY), queryId);

      expect(deniedQuery).toMatchObject({ code: 'Forbidden.RAM', status: 403 });
      expect(deniedQuery.data?.AccessDeniedDetail).toMatchObject({ AuthAction: 'mq:QueryTrace', AuthPrincipalDisplayName: 'reader' });
      expect(deniedResult).toMatchObject({ code: 'Forbidden.RAM', status: 403 });
      expect(deniedResult.data?.AccessDeniedDetail).toMatchObject({ AuthAction: 'mq:GetTraceResult' });
      expect(oldRule.code).toBe('Forbidden.RAM');
      expect(allowed.QueryId).toBe(queryId);
    });
  });

  describe('Given bad parameters', () => {
    it.each([
      { name: 'no BeginTime', action: QUERY, params: (s: number) => ({ InstanceId: INSTANCE_A, Topic: 'orders', MsgId: MSG_CONSUMED, EndTime: String(s) }), code: 'MissingBeginTime' },
      { name: 'no EndTime', action: QUERY, params: () => ({ InstanceId: INSTANCE_A, Topic: 'orders', MsgId: MSG_CONSUMED, BeginTime: '0' }), code: 'MissingEndTime' },
      { name: 'no MsgId', action: QUERY, params: (s: number) => ({ InstanceId: INSTANCE_A, Topic: 'orders', BeginTime: '0', EndTime: String(s) }), code: 'MissingMsgId' },
      { name: 'no Topic', action: QUERY, params: (s: number) => ({ InstanceId: INSTANCE_A, MsgId: MSG_CONSUMED, BeginTime: '0', EndTime: String(s) }), code: 'MissingTopic' },
      { name: 'a BeginTime in seconds with a fraction', action: QUERY, params: (s: number) => queryParams(MSG_CONSUMED, s, { BeginTime: '1570852800.5' }), code: 'InvalidParameter' },
      { name: 'an EndTime before the BeginTime', action: QUERY, params: (s: number) => queryParams(MSG_CONSUMED, s, { BeginTime: String(s), EndTime: String(s - 1) }), code: 'InvalidParameter' },
      { name: 'a malformed MsgId', action: QUERY, params: (s: number) => queryParams('XYZ', s), code: 'InvalidParameter' },
      { name: 'an unknown topic', action: QUERY, params: (s: number) => queryParams(MSG_CONSUMED, s, { Topic: 'nope' }), code: 'BIZ_TOPIC_NOT_FOUND' },
      { name: "another account's instance", action: QUERY, params: (s: number) => queryParams(MSG_OF_B, s, { InstanceId: INSTANCE_B, Topic: 'payments' }), code: 'AUTH_RESOURCE_OWNER_ERROR' },
      { name: 'no MsgKey', action: BY_KEY, params: (s: number) => ({ InstanceId: INSTANCE_A, Topic: 'orders', BeginTime: '0', EndTime: String(s) }), code: 'MissingMsgKey' },
      { name: 'no QueryId', action: RESULT, params: () => ({ InstanceId: INSTANCE_A }), code: 'MissingQueryId' },
      { name: 'a QueryId with spaces', action: RESULT, params: () => ({ QueryId: 'a b' }), code: 'InvalidParameter' },
    ])('answers $code (400) for $name', async ({ action, params, code }) => {
      const { client, started } = await start();

      const failure = await callFailing(client, params(started), action);

      expect(failure).toMatchObject({ code, status: 400 });
    });
  });

  it('takes injected faults; a failed creation leaves no task behind', async () => {
    const { client, emulator, clock, started } = await start({ traceTasks: { resultDelayMs: 0 } });

    emulator.setFault('OnsTraceQueryByMsgId', { errorCode: 'InternalError', times: 1 });
    emulator.setFault('OnsTraceGetResult', { errorCode: 'Throttling.User', times: 1 });
    const failedCreate = await callFailing(client, queryParams(MSG_CONSUMED, started), QUERY);
    const queryId = await createTask(client, MSG_CONSUMED, started);
    clock.advance(1);
    const throttledRead = await callFailing(client, { QueryId: queryId }, RESULT);
    const read = await traceData(client, queryId);

    expect(failedCreate).toMatchObject({ code: 'InternalError', status: 500 });
    expect(queryId).toBe(`${ACCOUNT_A}${started}`);
    expect(throttledRead).toMatchObject({ code: 'Throttling.User', status: 400 });
    expect(read.Status).toBe('finish');
  });
});

describe('Demo seed: find order-20261201-0042 and read the journeys', () => {
  const DEMO01 = 'MQ_INST_1234567890123456_BXdemo01';
  const DEMO_STS: TestCredential = {
    accessKeyId: 'STS.mqtrace-demo-sts-key-id',
    accessKeySecret: 'mqtrace-demo-sts-secret-not-a-real-secret',
    securityToken: 'mqtrace-demo-security-token-not-a-real-token',
  };

  async function startDemo() {
    const seed = await loadSeedFile(DEMO_SEED_PATH);
    // Fixed ids: the demo rewrites its client ids at every start otherwise.
    delete seed.alignClientIds;
    const clock = buildManualClock();
    const started = clock.now();
    const { url } = await startEmulator({ seed, now: clock.now, traceTasks: { resultDelayMs: 0 } });
    return { client: createClient(url, DEMO_STS), clock, started };
  }

  async function journey(demo: Awaited<ReturnType<typeof startDemo>>, msgId: string): Promise<Record<string, unknown>> {
    const queryId = String((await callAction(demo.client, { InstanceId: DEMO01, Topic: 'orders', MsgId: msgId, BeginTime: String(demo.started - 86_400_000), EndTime: String(demo.started) }, QUERY)).QueryId);
    demo.clock.advance(1);
    return traceData(demo.client, queryId);
  }

  it('lets the demo STS key find the three messages of the key and read each journey', async () => {
    const demo = await startDemo();

    const found = (await callAction(demo.client, { InstanceId: DEMO01, Topic: 'orders', Key: 'order-20261201-0042' }, { action: 'OnsMessageGetByKey', method: 'POST' })).Data as {
      OnsRestMessageDo: Array<{ MsgId: string; BornTimestamp: number }>;
    };
    const journeys = [];
    for (const message of found.OnsRestMessageDo) journeys.push(traceMaps(await journey(demo, message.MsgId))[0]);

    expect(found.OnsRestMessageDo.map((m) => m.MsgId)).toStrictEqual(['0A000C2435F118B4AAC2452C3D770103', '0A000C2435F118B4AAC2452C2B4C0102', '0A000C2435F118B4AAC2452C11A00101']);
    const outcome = journeys.map((t) => Object.fromEntries((t?.SubList.SubMapDo as Array<{ SubGroupName: string; SuccessCount: number; FailCount: number }>).map((sub) => [sub.SubGroupName, [sub.SuccessCount, sub.FailCount]])));
    expect(outcome).toStrictEqual([
      { GID_billing: [1, 0], GID_analytics: [1, 0] },
      { GID_billing: [1, 2], GID_shipping: [1, 0], GID_analytics: [1, 0] },
      { GID_billing: [1, 0], GID_shipping: [1, 0], GID_analytics: [1, 0] },
    ]);
  });

  it('shows order-20261201-0099 failing 17 times before %DLQ%GID_billing, and order-20261201-0100 without any trace', async () => {
    const demo = await startDemo();

    const dead = traceMaps(await journey(demo, '0A000C2435F118B4AAC2452C4E120104'))[0];
    const noTrace = await journey(demo, '0A000C2435F118B4AAC2452C5F330105');
    const dlq = await callAction(demo.client, { InstanceId: DEMO01, GroupId: 'GID_billing', MsgId: '0A000C2435F118B4AAC2452C4E120104' }, { action: 'OnsDLQMessageGetById', method: 'POST' });

    const billing = (dead?.SubList.SubMapDo as Array<{ SubGroupName: string; ClientList: { SubClientInfoDo: Array<{ ReconsumeTimes: number; Status: string; ClientHost: string }> } }>).find(
      (sub) => sub.SubGroupName === 'GID_billing',
    );
    expect(billing?.ClientList.SubClientInfoDo.map((a) => a.ReconsumeTimes)).toStrictEqual(Array.from({ length: 17 }, (_, r) => r));
    expect(new Set(billing?.ClientList.SubClientInfoDo.map((a) => a.Status))).toStrictEqual(new Set(['CONSUME_FAILED']));
    expect(new Set(billing?.ClientList.SubClientInfoDo.map((a) => a.ClientHost))).toStrictEqual(new Set(['10.0.3.21', '10.0.3.22']));
    expect(dlq.Data).toMatchObject({ MsgId: '0A000C2435F118B4AAC2452C4E120104', ReconsumeTimes: 16 });
    expect(noTrace).toMatchObject({ Status: 'finish', MsgKey: 'order-20261201-0100', TraceList: { TraceMapDo: [] } });
  });
});
