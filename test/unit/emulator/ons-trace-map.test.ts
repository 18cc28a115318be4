import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messagesWithKey } from '../../../local/emulator/ons-message-get-by-key';
import {
  DEFAULT_CONSUME_COST_MS,
  DEFAULT_FIRST_DELIVERY_MS,
  DEFAULT_PRODUCER_GROUP,
  FALLBACK_CLIENT_HOST,
  RETRY_DELAYS_MS,
  TRACE_MAP_MSG_ID,
  buildTraceMapDo,
  offsetMsgIdOf,
  retryDelayMs,
  type TraceInput,
} from '../../../local/emulator/ons-trace-map';
import {
  DEFAULT_TRACE_RESULT_DELAY_MS,
  DEFAULT_TRACE_TASK_RETENTION_MS,
  MAX_TRACE_TASKS,
  UNKNOWN_QUERY_ID_ANSWER,
  createTraceTaskStore,
  resolveTraceTaskSettings,
  traceTaskState,
} from '../../../local/emulator/ons-trace-tasks';
import type { SeedConsumerGroup, SeedMessage } from '../../../local/emulator/seed-index';

const START = Date.UTC(2026, 11, 1, 4, 0, 0);
const MSG_ID = '0A000C2435F118B4AAC2452C11A00101';

function buildMessage(overrides: Partial<SeedMessage> = {}): SeedMessage {
  return { msgId: MSG_ID, tag: 'order-paid', keys: ['order-1', 'customer-9'], bornAgoMs: 60_000, tracks: [{ consumerGroup: 'GID_billing', trackType: 'CONSUMED' }], ...overrides };
}

function buildGroup(overrides: Partial<SeedConsumerGroup> = {}): SeedConsumerGroup {
  return {
    groupId: 'GID_billing',
    connections: [
      { clientId: '10.0.3.21@1#a', subscriptions: [{ topic: 'orders', subString: '*' }] },
      { clientId: '10.0.3.22@2#b', subscriptions: [{ topic: 'orders', subString: '*' }] },
    ],
    ...overrides,
  };
}

function buildInput(message: SeedMessage, overrides: Partial<TraceInput> = {}): TraceInput {
  return {
    message,
    topic: 'orders',
    groups: new Map([['GID_billing', buildGroup()]]),
    bornMs: START - (message.bornAgoMs ?? 600_000),
    startedAtMs: START,
    firstLookupMs: undefined,
    atMs: START,
    ...overrides,
  };
}

function attemptsOf(input: TraceInput, group = 'GID_billing') {
  return buildTraceMapDo(input)?.SubList.SubMapDo.find((sub) => sub.SubGroupName === group)?.ClientList.SubClientInfoDo ?? [];
}

describe('Function: buildTraceMapDo()', () => {
  describe('Given a message whose trace is seeded attempt by attempt', () => {
    it('schedules later attempts by the 4.x retry delays, counts successes and failures, and keeps the documented field names', () => {
      // Arrange
      const message = buildMessage({
        bornAgoMs: 3_600_000,
        trace: {
          producerGroup: 'GID_order_service',
          sendCostMs: 9,
          consumers: [
            {
              consumerGroup: 'GID_billing',
              attempts: [
                { status: 'CONSUME_FAILED', clientHost: '10.0.3.21', costMs: 1000 },
                { status: 'CONSUME_FAILED', clientHost: '10.0.3.22', costMs: 500 },
                { status: 'CONSUME_SUCCESS', costMs: 40 },
              ],
            },
          ],
        },
      });
      const input = buildInput(message);
      const born = input.bornMs;

      // Act
      const trace = buildTraceMapDo(input);

      // Assert
      const first = born + DEFAULT_FIRST_DELIVERY_MS;
      const second = first + 1000 + RETRY_DELAYS_MS[0];
      const third = second + 500 + RETRY_DELAYS_MS[1];
      expect(trace).toStrictEqual({
        MsgId: TRACE_MAP_MSG_ID === 'offset' ? offsetMsgIdOf(message) : MSG_ID,
        MsgKey: 'order-1 customer-9',
        Tag: 'order-paid',
        Topic: 'orders',
        PubGroupName: 'GID_order_service',
        PubTime: born,
        BornHost: '10.0.12.36',
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
                  { SubGroupName: 'GID_billing', ClientHost: '10.0.3.22', SubTime: second, CostTime: 500, ReconsumeTimes: 1, Status: 'CONSUME_FAILED' },
                  { SubGroupName: 'GID_billing', ClientHost: '10.0.3.21', SubTime: third, CostTime: 40, ReconsumeTimes: 2, Status: 'CONSUME_SUCCESS' },
                ],
              },
            },
          ],
        },
      });
    });

    it('shows only the attempts delivered by the moment it is read, and no group entry before the first', () => {
      const message = buildMessage({
        bornAgoMs: 0,
        trace: { consumers: [{ consumerGroup: 'GID_billing', attempts: [{ status: 'CONSUME_FAILED', afterMs: 100 }, { status: 'CONSUME_SUCCESS', afterMs: 5000 }] }] },
      });

      const before = buildTraceMapDo(buildInput(message, { atMs: START + 99 }));
      const between = attemptsOf(buildInput(message, { atMs: START + 4999 }));
      const after = attemptsOf(buildInput(message, { atMs: START + 5000 }));

      expect(before?.SubList.SubMapDo).toStrictEqual([]);
      expect(between.map((a) => a.Status)).toStrictEqual(['CONSUME_FAILED']);
      expect(after.map((a) => [a.Status, a.SubTime - START])).toStrictEqual([
        ['CONSUME_FAILED', 100],
        ['CONSUME_SUCCESS', 5000],
      ]);
    });

    it('counts CONSUME_NOT_RETURN as a failure and passes unknown statuses through', () => {
      const message = buildMessage({
        trace: { consumers: [{ consumerGroup: 'GID_billing', attempts: [{ status: 'CONSUME_NOT_RETURN' }, { status: 'SEND_DELAY' }, { status: 'CONSUME_SUCCESS' }] }] },
      });
      const input = buildInput(message, { atMs: START + 86_400_000 });

      const sub = buildTraceMapDo(input)?.SubList.SubMapDo[0];

      expect(sub).toMatchObject({ SuccessCount: 1, FailCount: 1 });
      expect(sub?.ClientList.SubClientInfoDo.map((a) => a.Status)).toStrictEqual(['CONSUME_NOT_RETURN', 'SEND_DELAY', 'CONSUME_SUCCESS']);
    });
  });

  describe('Given a message without a seeded trace', () => {
    it('derives one success per CONSUMED track on the group\'s first client, and nothing for other track types', () => {
      const message = buildMessage({
        tracks: [
          { consumerGroup: 'GID_billing', trackType: 'CONSUMED' },
          { consumerGroup: 'GID_shipping', trackType: 'NOT_CONSUME_YET' },
          { consumerGroup: 'GID_analytics', trackType: 'CONSUMED' },
          { consumerGroup: 'GID_audit', trackType: 'CONSUMED_BUT_FILTERED' },
        ],
      });
      const input = buildInput(message);

      const trace = buildTraceMapDo(input);

      expect(trace?.PubGroupName).toBe(DEFAULT_PRODUCER_GROUP);
      expect(trace?.SubList.SubMapDo.map((sub) => [sub.SubGroupName, sub.SuccessCount, sub.FailCount, sub.ClientList.SubClientInfoDo[0]?.ClientHost])).toStrictEqual([
        ['GID_billing', 1, 0, '10.0.3.21'],
        ['GID_analytics', 1, 0, FALLBACK_CLIENT_HOST],
      ]);
      expect(attemptsOf(input)[0]).toMatchObject({ SubTime: input.bornMs + DEFAULT_FIRST_DELIVERY_MS, CostTime: DEFAULT_CONSUME_COST_MS, ReconsumeTimes: 0 });
    });

    it('follows a timeline: no entry before the track flips to CONSUMED, a success dated at the flip after it', () => {
      const message = buildMessage({
        bornAgoMs: 20_000,
        tracks: [{ consumerGroup: 'GID_billing', trackType: 'NOT_CONSUME_YET', timeline: [{ afterMs: 3000, trackType: 'CONSUMED' }] }],
      });

      const before = attemptsOf(buildInput(message, { atMs: START + 2999 }));
      const after = attemptsOf(buildInput(message, { atMs: START + 3000 }));
      const relative = attemptsOf(buildInput({ ...message, timelineRelativeTo: 'firstLookup' }, { firstLookupMs: START + 10_000, atMs: START + 13_500 }));

      expect(before).toStrictEqual([]);
      expect(after.map((a) => [a.Status, a.SubTime])).toStrictEqual([['CONSUME_SUCCESS', START + 3000]]);
      expect(relative.map((a) => a.SubTime)).toStrictEqual([START + 13_000]);
    });

    it('derives a dead-lettered group as CONSUME_FAILED with ReconsumeTimes 0..N across its clients, all before the dead-letter time', () => {
      const message = buildMessage({ bornAgoMs: 3_600_000 });
      const group = buildGroup({ dlq: [{ msgId: MSG_ID.toLowerCase(), reconsumeTimes: 16, deadLetteredAgoMs: 900_000 }] });
      const input = buildInput(message, { groups: new Map([['GID_billing', group]]) });

      const attempts = attemptsOf(input);

      expect(attempts.map((a) => a.ReconsumeTimes)).toStrictEqual(Array.from({ length: 17 }, (_, r) => r));
      expect(new Set(attempts.map((a) => a.Status))).toStrictEqual(new Set(['CONSUME_FAILED']));
      expect(new Set(attempts.map((a) => a.ClientHost))).toStrictEqual(new Set(['10.0.3.21', '10.0.3.22']));
      expect(Math.max(...attempts.map((a) => a.SubTime + a.CostTime))).toBeLessThanOrEqual(START - 900_000);
      expect(buildTraceMapDo(input)?.SubList.SubMapDo[0]).toMatchObject({ SuccessCount: 0, FailCount: 17 });
    });
  });

  it('answers nothing for a message whose producer recorded no trace', () => {
    expect(buildTraceMapDo(buildInput(buildMessage({ trace: { recorded: false } })))).toBeUndefined();
  });

  it('leaves MsgKey and Tag out for a message without keys or tag', () => {
    const trace = buildTraceMapDo(buildInput(buildMessage({ keys: [], tag: undefined })));

    expect(trace).not.toHaveProperty('MsgKey');
    expect(trace).not.toHaveProperty('Tag');
  });
});

describe('Function: retryDelayMs()', () => {
  it.each([
    [0, DEFAULT_FIRST_DELIVERY_MS],
    [1, 10_000],
    [2, 30_000],
    [3, 60_000],
    [13, 1_200_000],
    [16, 7_200_000],
    [40, 7_200_000],
  ])('waits %i -> %i ms', (reconsumeTimes, expected) => {
    expect(retryDelayMs(reconsumeTimes)).toBe(expected);
  });
});

describe('Function: offsetMsgIdOf()', () => {
  it('lays out store IP, port and a stable commit-log offset (MessageDecoder.createMessageId)', () => {
    const id = offsetMsgIdOf(buildMessage({ storeHost: '10.0.8.15:10911' }));

    expect(id).toMatch(/^[0-9A-F]{32}$/);
    expect(id.slice(0, 8)).toBe('0A00080F');
    expect(Number.parseInt(id.slice(8, 16), 16)).toBe(10911);
    expect(BigInt(`0x${id.slice(16)}`) > 0n).toBe(true);
    expect(offsetMsgIdOf(buildMessage({ storeHost: '10.0.8.15:10911' }))).toBe(id);
    expect(offsetMsgIdOf(buildMessage({ msgId: '0A000C2435F118B4AAC2452C2B4C0102' }))).not.toBe(id);
  });

  it('keeps the id of a message seeded under its offset id', () => {
    expect(offsetMsgIdOf(buildMessage({ msgId: '0a00080f00002a9f0000000a1b2c3d4e' }))).toBe('0A00080F00002A9F0000000A1B2C3D4E');
  });
});

describe('Function: traceTaskState()', () => {
  const settings = resolveTraceTaskSettings({ resultDelayMs: 1500, retentionMs: 600_000 });

  it.each([
    [0, 'working', 0],
    [1499, 'working', 0],
    [1500, 'finish', 1500],
    [599_999, 'finish', 1500],
    [600_000, 'removed', 600_000],
  ] as const)('is %s ms after creation: %s, updated at +%i', (after, status, updatedAfter) => {
    expect(traceTaskState({ createdAtMs: START }, settings, START + after)).toStrictEqual({ status, updatedAtMs: START + updatedAfter });
  });

  it('only ever moves forward: working, then finish, then removed', () => {
    const rank = { working: 0, finish: 1, removed: 2 } as const;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 0, max: 700_000 }), fc.integer({ min: 0, max: 700_000 }), (delay, extra, a, b) => {
        const timing = resolveTraceTaskSettings({ resultDelayMs: delay, retentionMs: delay + extra });
        const [early, late] = a <= b ? [a, b] : [b, a];
        const first = traceTaskState({ createdAtMs: START }, timing, START + early);
        const second = traceTaskState({ createdAtMs: START }, timing, START + late);
        return rank[first.status] <= rank[second.status] && first.updatedAtMs <= second.updatedAtMs;
      }),
    );
  });
});

describe('Function: resolveTraceTaskSettings()', () => {
  it('fills in the defaults', () => {
    expect(resolveTraceTaskSettings()).toStrictEqual({
      resultDelayMs: DEFAULT_TRACE_RESULT_DELAY_MS,
      retentionMs: DEFAULT_TRACE_TASK_RETENTION_MS,
      unknownQueryId: UNKNOWN_QUERY_ID_ANSWER,
    });
  });
});

describe('Function: createTraceTaskStore()', () => {
  const task = { accountId: '1111222233334444', instanceId: 'MQ_INST_x', topic: 'orders', createdAtMs: START, traceMaps: [] };

  it('mints QueryIds from the account and the creation millisecond, unique within one millisecond', () => {
    const store = createTraceTaskStore(resolveTraceTaskSettings());

    const ids = Array.from({ length: 3 }, () => store.create(task).queryId);

    expect(ids).toStrictEqual([`1111222233334444${START}`, `1111222233334444${START + 1}`, `1111222233334444${START + 2}`]);
    expect(store.get(ids[1] ?? '')?.createdAtMs).toBe(START);
  });

  it(`forgets the oldest task beyond ${MAX_TRACE_TASKS}`, () => {
    const store = createTraceTaskStore(resolveTraceTaskSettings());

    const first = store.create(task).queryId;
    for (let i = 0; i < MAX_TRACE_TASKS; i += 1) store.create(task);

    expect(store.get(first)).toBeUndefined();
  });
});

describe('Function: messagesWithKey()', () => {
  const born = (message: SeedMessage): number => START - (message.bornAgoMs ?? 600_000);

  it('matches one whole key exactly, newest first, once per message even under an alias', () => {
    const old = buildMessage({ msgId: '0A000C2435F118B4AAC2452C11A00101', keys: ['order-1'], bornAgoMs: 90_000 });
    const recent = buildMessage({ msgId: '0A000C2435F118B4AAC2452C2B4C0102', keys: ['x', 'order-1'], bornAgoMs: 10_000 });
    const other = buildMessage({ msgId: '0A000C2435F118B4AAC2452C3D770103', keys: ['order-10', 'ORDER-1'], bornAgoMs: 5000 });
    const byId = new Map([
      [old.msgId, old],
      ['0A000C2435F118B4AAC2450000000101', old],
      [recent.msgId, recent],
      [other.msgId, other],
    ]);

    expect(messagesWithKey(byId, 'order-1', born)).toStrictEqual([recent, old]);
    expect(messagesWithKey(byId, 'order', born)).toStrictEqual([]);
  });
});
