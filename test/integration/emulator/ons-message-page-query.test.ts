import { afterEach, describe, expect, it } from 'vitest';
import { bulkMsgId, buildBulkSeed, BULK_CREDENTIAL, BULK_INSTANCE } from '../../builders/build-bulk-seed';
import {
  buildManualClock,
  buildTestSeed,
  callAction,
  callFailing,
  closeAllEmulators,
  createClient,
  INSTANCE_A,
  INSTANCE_B,
  MSG_CONSUMED,
  MSG_PARTIAL,
  NO_TRACE,
  OTHER_ACCOUNT,
  PLAIN,
  startEmulator,
  STS,
} from './harness';

const ACTION = 'OnsMessagePageQueryByTopic';
const HOUR = 3600_000;

interface MsgFoundDo {
  CurrentPage: number;
  MaxPageCount: number;
  TaskId: string;
  MsgFoundList: { OnsRestMessageDo: Array<Record<string, any>> };
}

async function page(url: string, params: Record<string, string>, credential = PLAIN): Promise<MsgFoundDo> {
  const body = await callAction(createClient(url, credential), params, { action: ACTION, method: 'POST' });
  return body.MsgFoundDo as MsgFoundDo;
}

function windowParams(now: number, extra: Record<string, string> = {}): Record<string, string> {
  return { InstanceId: INSTANCE_A, Topic: 'orders', BeginTime: String(now - HOUR), EndTime: String(now - 300_000), CurrentPage: '1', ...extra };
}

describe('Emulator: OnsMessagePageQueryByTopic', () => {
  afterEach(closeAllEmulators);

  it('answers the documented MsgFoundDo with OnsRestMessageDo fields, for messages stored in the window', async () => {
    // Arrange: MSG_CONSUMED is 20 min old, MSG_PARTIAL 2 min (inside the grace period).
    const clock = buildManualClock();
    const seed = buildTestSeed();
    const orders = seed.instances[0]!.topics[0]!.messages;
    Object.assign(orders[0]!, { bornAgoMs: 1_200_000, tag: 'paid', keys: ['order-1', 'order-2'], reconsumeTimes: 2, bodySize: 1000 });
    Object.assign(orders[1]!, { bornAgoMs: 120_000 });
    Object.assign(orders[2]!, { bornAgoMs: 2 * HOUR });
    const { url } = await startEmulator({ seed, now: clock.now });

    // Act
    const found = await page(url, windowParams(clock.now()));

    // Assert
    expect(found).toMatchObject({ CurrentPage: 1, MaxPageCount: 1, TaskId: expect.stringMatching(/^[0-9A-F]{32}$/) });
    expect(found.MsgFoundList.OnsRestMessageDo).toEqual([
      {
        Topic: 'orders',
        MsgId: MSG_CONSUMED,
        InstanceId: INSTANCE_A,
        BornTimestamp: clock.now() - 1_200_000,
        BornHost: expect.stringMatching(/^10\.0\.12\.34:\d+$/),
        StoreTimestamp: clock.now() - 1_200_000 + 3,
        StoreHost: '10.0.8.15:10911',
        StoreSize: 1180,
        BodyCRC: expect.any(Number),
        ReconsumeTimes: 2,
        PropertyList: {
          MessageProperty: [
            { Name: 'TRACE_ON', Value: 'true' },
            { Name: 'KEYS', Value: 'order-1 order-2' },
            { Name: 'TAGS', Value: 'paid' },
            { Name: 'INSTANCE_ID', Value: INSTANCE_A },
            { Name: 'UNIQ_KEY', Value: MSG_CONSUMED },
          ],
        },
      },
    ]);
    expect(found.MsgFoundList.OnsRestMessageDo.map((m) => m.MsgId)).not.toContain(MSG_PARTIAL);
  });

  it('pages a task by TaskId: the task keeps its window and page size, and every message shows once', async () => {
    // Arrange
    const clock = buildManualClock();
    const { url } = await startEmulator({ seed: buildBulkSeed([{ topic: 'bulk', count: 120 }]), now: clock.now });
    const params = { ...windowParams(clock.now()), InstanceId: BULK_INSTANCE, Topic: 'bulk', PageSize: '50' };

    // Act
    const first = await page(url, params, BULK_CREDENTIAL);
    const second = await page(url, { ...params, CurrentPage: '2', TaskId: first.TaskId, PageSize: '5', BeginTime: '0' }, BULK_CREDENTIAL);
    const third = await page(url, { ...params, CurrentPage: '3', TaskId: first.TaskId.toLowerCase() }, BULK_CREDENTIAL);
    const beyond = await page(url, { ...params, CurrentPage: '4', TaskId: first.TaskId }, BULK_CREDENTIAL);

    // Assert
    expect([first, second, third].map((p) => [p.CurrentPage, p.MaxPageCount, p.MsgFoundList.OnsRestMessageDo.length])).toEqual([
      [1, 3, 50],
      [2, 3, 50],
      [3, 3, 20],
    ]);
    const ids = [first, second, third].flatMap((p) => p.MsgFoundList.OnsRestMessageDo.map((m) => m.MsgId as string));
    expect(new Set(ids)).toEqual(new Set(Array.from({ length: 120 }, (_, i) => bulkMsgId(0, i + 1))));
    const stored = [first, second, third].flatMap((p) => p.MsgFoundList.OnsRestMessageDo.map((m) => m.StoreTimestamp as number));
    expect(stored).toEqual([...stored].sort((a, b) => a - b));
    expect(beyond.MsgFoundList.OnsRestMessageDo).toEqual([]);
  });

  it('answers an empty window with no pages', async () => {
    const clock = buildManualClock();
    const { url } = await startEmulator({ now: clock.now });

    const found = await page(url, windowParams(clock.now(), { BeginTime: String(clock.now() - 240_000), EndTime: String(clock.now() - 120_000) }));

    expect(found).toMatchObject({ CurrentPage: 1, MaxPageCount: 0, MsgFoundList: { OnsRestMessageDo: [] } });
  });

  it.each([
    ['a later page without a TaskId', { CurrentPage: '2' }, 'MissingTaskId'],
    ['an unknown TaskId', { CurrentPage: '2', TaskId: '0BC1310300002A9F000021E4D7A48346' }, 'InvalidParameter'],
    ['a PageSize under 5', { PageSize: '4' }, 'InvalidParameter'],
    ['a CurrentPage over 50', { CurrentPage: '51' }, 'InvalidParameter'],
    ['an EndTime before the BeginTime', { EndTime: '1000', BeginTime: '2000' }, 'InvalidParameter'],
    ['no BeginTime', { BeginTime: '' }, 'MissingBeginTime'],
    ['an unknown topic', { Topic: 'nope' }, 'BIZ_TOPIC_NOT_FOUND'],
  ])('rejects %s', async (_label, change, code) => {
    const clock = buildManualClock();
    const { url } = await startEmulator({ now: clock.now });

    const failure = await callFailing(createClient(url), { ...windowParams(clock.now()), ...change }, { action: ACTION, method: 'POST' });

    expect(failure.code).toBe(code);
  });

  it("rejects another account's task", async () => {
    const clock = buildManualClock();
    const { url } = await startEmulator({ now: clock.now });
    const first = await page(url, windowParams(clock.now()));

    const failure = await callFailing(
      createClient(url, OTHER_ACCOUNT),
      { ...windowParams(clock.now()), CurrentPage: '2', TaskId: first.TaskId, InstanceId: INSTANCE_B, Topic: 'payments' },
      { action: ACTION, method: 'POST' },
    );

    expect(failure).toMatchObject({ code: 'InvalidParameter', data: { Message: 'The specified parameter "TaskId" is not valid.' } });
  });

  it('needs the RAM action mq:QueryMessage', async () => {
    const clock = buildManualClock();
    const { url } = await startEmulator({ now: clock.now });

    const denied = await callFailing(createClient(url, STS), windowParams(clock.now()), { action: ACTION, method: 'POST' });
    const allowed = await page(url, windowParams(clock.now()), NO_TRACE);

    expect(denied).toMatchObject({ code: 'Forbidden.RAM', status: 403 });
    expect(allowed.CurrentPage).toBe(1);
  });

  it('allows 10 calls per minute per account, then answers Throttling.User until a token refills', async () => {
    // Arrange
    const clock = buildManualClock();
    const { url, emulator } = await startEmulator({ now: clock.now });
    const client = createClient(url);

    // Act
    for (let i = 0; i < 10; i++) await callAction(client, windowParams(clock.now()), { action: ACTION, method: 'POST' });
    const eleventh = await callFailing(client, windowParams(clock.now()), { action: ACTION, method: 'POST' });
    clock.advance(6000);
    await callAction(client, windowParams(clock.now()), { action: ACTION, method: 'POST' });

    // Assert
    expect(eleventh.code).toBe('Throttling.User');
    expect(emulator.stats().byAction[ACTION]).toEqual({ requests: 12, byCode: { OK: 11, 'Throttling.User': 1 } });
  });
});
