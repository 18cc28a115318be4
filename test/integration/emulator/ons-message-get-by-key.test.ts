import { afterEach, describe, expect, it } from 'vitest';
import { KEY_QUERY_RESULTS } from '../../../local/emulator/ons-message-get-by-key';
import type { Seed } from '../../../local/emulator/seed-schema';
import { bulkMsgId } from '../../builders/build-bulk-seed';
import {
  INSTANCE_A,
  INSTANCE_B,
  MSG_CONSUMED,
  MSG_FLIP,
  MSG_PARTIAL,
  NO_TRACE,
  OTHER_ACCOUNT,
  STS,
  buildManualClock,
  buildTestSeed,
  callAction,
  callFailing,
  closeAllEmulators,
  createClient,
  sendRaw,
  startEmulator,
} from './harness';

afterEach(closeAllEmulators);

type SeedMessage = Seed['instances'][number]['topics'][number]['messages'][number];

const ACTION = { action: 'OnsMessageGetByKey', method: 'POST' } as const;
const KEY = 'order-20261201-0042';

/** Three messages of instance A share KEY (born 2 h, 90 min and 3 min before start); one has a longer key. */
function buildKeySeed(overrides: Partial<Seed> = {}): Seed {
  const seed = buildTestSeed(overrides);
  const orders = seed.instances[0]?.topics[0] as Seed['instances'][number]['topics'][number];
  const [consumed, partial, flip] = orders.messages as [SeedMessage, SeedMessage, SeedMessage];
  Object.assign(consumed, { keys: [KEY, 'customer-9'], tag: 'order-created', bornAgoMs: 7_200_000 });
  Object.assign(partial, { keys: [KEY], tag: 'order-paid', bornAgoMs: 5_400_000, reconsumeTimes: 2 });
  Object.assign(flip, { keys: ['x', KEY], tag: 'order-paid', bornAgoMs: 180_000 });
  orders.messages.push({ msgId: bulkMsgId(9, 1), keys: [`${KEY}-extra`], bornAgoMs: 60_000, tracks: [] });
  return seed;
}

async function start(seed: Seed = buildKeySeed()) {
  const clock = buildManualClock();
  const started = clock.now();
  const { url, emulator } = await startEmulator({ seed, now: clock.now });
  return { client: createClient(url), url, emulator, clock, started };
}

function restMessages(body: Record<string, unknown>): Array<Record<string, unknown>> {
  return (body.Data as { OnsRestMessageDo: Array<Record<string, unknown>> }).OnsRestMessageDo;
}

describe('Action: OnsMessageGetByKey over pop-core', () => {
  describe('Given a key three messages share', () => {
    it('returns every one of them as OnsRestMessageDo, newest first, and not the one whose key only starts the same', async () => {
      // Prepare
      const { client, started } = await start();

      // Act
      const body = await callAction(client, { InstanceId: INSTANCE_A, Topic: 'orders', Key: KEY }, ACTION);

      // Assess
      expect(Object.keys(body).sort()).toStrictEqual(['Data', 'RequestId']);
      const found = restMessages(body);
      expect(found.map((m) => m.MsgId)).toStrictEqual([MSG_FLIP, MSG_PARTIAL, MSG_CONSUMED]);
      expect(found[1]).toStrictEqual({
        Topic: 'orders',
        MsgId: MSG_PARTIAL,
        InstanceId: INSTANCE_A,
        BornTimestamp: started - 5_400_000,
        BornHost: expect.stringMatching(/^10\.0\.12\.34:\d+$/),
        StoreTimestamp: started - 5_400_000 + 3,
        StoreHost: '10.0.8.15:10911',
        StoreSize: expect.any(Number),
        BodyCRC: expect.any(Number),
        ReconsumeTimes: 2,
        PropertyList: {
          MessageProperty: [
            { Name: 'TRACE_ON', Value: 'true' },
            { Name: 'KEYS', Value: KEY },
            { Name: 'TAGS', Value: 'order-paid' },
            { Name: 'INSTANCE_ID', Value: INSTANCE_A },
            { Name: 'UNIQ_KEY', Value: MSG_PARTIAL },
          ],
        },
      });
      expect(found[2]?.PropertyList).toMatchObject({ MessageProperty: expect.arrayContaining([{ Name: 'KEYS', Value: `${KEY} customer-9` }]) });
    });

    it('answers a GET the same as the POST the official SDK sends', async () => {
      const { client } = await start();

      const body = await callAction(client, { InstanceId: INSTANCE_A, Topic: 'orders', Key: KEY }, { action: 'OnsMessageGetByKey' });

      expect(restMessages(body)).toHaveLength(3);
    });
  });

  it(`caps the answer at ${KEY_QUERY_RESULTS.max} messages, the newest`, async () => {
    // Prepare: 70 messages with one key, born one second apart.
    const seed = buildTestSeed();
    seed.instances[0]?.topics.push({
      topic: 'busy',
      messages: Array.from({ length: 70 }, (_, i) => ({ msgId: bulkMsgId(3, i + 1), keys: ['hot'], bornAgoMs: 100_000 + i * 1000, tracks: [] })),
    });
    const { client } = await start(seed);

    // Act
    const found = restMessages(await callAction(client, { InstanceId: INSTANCE_A, Topic: 'busy', Key: 'hot' }, ACTION));

    // Assess
    expect(found).toHaveLength(KEY_QUERY_RESULTS.max);
    expect(found[0]?.MsgId).toBe(bulkMsgId(3, 1));
    expect(found.at(-1)?.MsgId).toBe(bulkMsgId(3, KEY_QUERY_RESULTS.max));
  });

  describe('Given a key no message has', () => {
    it('answers BIZ_NO_MESSAGE (400), as an unknown MsgId does', async () => {
      const { client } = await start();

      const failure = await callFailing(client, { InstanceId: INSTANCE_A, Topic: 'orders', Key: 'order-20261201' }, ACTION);

      expect(failure).toMatchObject({ code: 'BIZ_NO_MESSAGE', status: 400 });
    });

    it('answers an empty list with unknownMessage "empty"', async () => {
      const { client } = await start(buildKeySeed({ unknownMessage: 'empty' }));

      const body = await callAction(client, { InstanceId: INSTANCE_A, Topic: 'orders', Key: 'nobody-has-it' }, ACTION);

      expect(body.Data).toStrictEqual({ OnsRestMessageDo: [] });
    });
  });

  it.each<{ name: string; params: Record<string, string>; code: string; status: number }>([
    { name: 'no Key', params: { InstanceId: INSTANCE_A, Topic: 'orders' }, code: 'MissingKey', status: 400 },
    { name: 'an empty Key', params: { InstanceId: INSTANCE_A, Topic: 'orders', Key: '' }, code: 'MissingKey', status: 400 },
    { name: 'no Topic', params: { InstanceId: INSTANCE_A, Key: KEY }, code: 'MissingTopic', status: 400 },
    { name: 'no InstanceId', params: { Topic: 'orders', Key: KEY }, code: 'MissingInstanceId', status: 400 },
    { name: 'a Key with a control character', params: { InstanceId: INSTANCE_A, Topic: 'orders', Key: 'a\u0001b' }, code: 'InvalidParameter', status: 400 },
    { name: 'a Key longer than 255 characters', params: { InstanceId: INSTANCE_A, Topic: 'orders', Key: 'k'.repeat(256) }, code: 'InvalidParameter', status: 400 },
    { name: 'an unknown topic', params: { InstanceId: INSTANCE_A, Topic: 'nope', Key: KEY }, code: 'BIZ_TOPIC_NOT_FOUND', status: 400 },
    { name: 'an unknown instance', params: { InstanceId: 'MQ_INST_1111222233334444_BXnope', Topic: 'orders', Key: KEY }, code: 'INSTANCE_NOT_FOUND', status: 400 },
    { name: "another account's instance", params: { InstanceId: INSTANCE_B, Topic: 'payments', Key: KEY }, code: 'AUTH_RESOURCE_OWNER_ERROR', status: 400 },
  ])('answers $code for $name', async ({ params, code, status }) => {
    const { client } = await start();

    const failure = await callFailing(client, params, ACTION);

    expect(failure).toMatchObject({ code, status });
    expect(failure.data?.Message).not.toContain('undefined');
  });

  it("lets the other account find its own instance's messages", async () => {
    const seed = buildKeySeed();
    Object.assign(seed.instances[1]?.topics[0]?.messages[0] as object, { keys: ['pay-1'] });
    const { url } = await start(seed);

    const body = await callAction(createClient(url, OTHER_ACCOUNT), { InstanceId: INSTANCE_B, Topic: 'payments', Key: 'pay-1' }, ACTION);

    expect(restMessages(body)).toHaveLength(1);
  });

  it('needs mq:QueryMessage: a key without it gets Forbidden.RAM (403) naming the action', async () => {
    // STS may only call mq:QueryMessageTrace; NO_TRACE holds mq:QueryMessage.
    const { url } = await start();

    const denied = await callFailing(createClient(url, STS), { InstanceId: INSTANCE_A, Topic: 'orders', Key: KEY }, ACTION);
    const allowed = await callAction(createClient(url, NO_TRACE), { InstanceId: INSTANCE_A, Topic: 'orders', Key: KEY }, ACTION);

    expect(denied).toMatchObject({ code: 'Forbidden.RAM', status: 403 });
    expect(denied.data?.AccessDeniedDetail).toMatchObject({ AuthAction: 'mq:QueryMessage' });
    expect(restMessages(allowed)).toHaveLength(3);
  });

  it('allows 10 calls per second per account, then answers Throttling.User', async () => {
    const { client, clock } = await start();
    const params = { InstanceId: INSTANCE_A, Topic: 'orders', Key: KEY };

    for (let i = 0; i < 10; i += 1) await callAction(client, params, ACTION);
    const throttled = await callFailing(client, params, ACTION);
    clock.advance(100);
    const refilled = await callAction(client, params, ACTION);

    expect(throttled).toMatchObject({ code: 'Throttling.User', status: 400 });
    expect(refilled).toHaveProperty('Data');
  });

  it('takes injected faults, in process and over the admin API', async () => {
    const { client, url, emulator } = await start();
    const params = { InstanceId: INSTANCE_A, Topic: 'orders', Key: KEY };

    emulator.setFault('OnsMessageGetByKey', { errorCode: 'ServiceUnavailable', times: 1 });
    const unavailable = await callFailing(client, params, ACTION);
    const put = await sendRaw(url, { method: 'PUT', path: '/__emulator/faults/OnsMessageGetByKey', body: JSON.stringify({ html502Rate: 1, times: 1 }) });
    const html = await callFailing(client, params, ACTION);
    const recovered = await callAction(client, params, ACTION);

    expect(unavailable).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
    expect(put.status).toBe(200);
    expect(html.name).toBe('SyntaxError');
    expect(restMessages(recovered)).toHaveLength(3);
    expect(emulator.stats().byAction.OnsMessageGetByKey?.byCode).toStrictEqual({ ServiceUnavailable: 1, HTML502: 1, OK: 1 });
  });
});
