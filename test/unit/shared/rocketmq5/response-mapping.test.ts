import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNVERIFIED_LIST_MESSAGES_PAGE_LIMITS } from '../../../../shared/rocketmq5/actions';
import {
  toConsumerAccumulate,
  toConsumerConnections,
  toConsumerStatus,
  toDlqMessage,
  toStoredMessage,
} from '../../../../shared/rocketmq5/diagnostics';
import { filterVerdict, parseFilter } from '../../../../shared/rocketmq5/filter-expression';
import { listMessagesParams, toMessagePage } from '../../../../shared/rocketmq5/message-page';
import { formatWireTime, parseWireTime, ROCKETMQ5_WIRE_UTC_OFFSET_MINUTES } from '../../../../shared/rocketmq5/wire-time';

const BORN = '2023-03-22 12:17:08';
const BORN_MS = Date.UTC(2023, 2, 22, 4, 17, 8);

describe('Function: formatWireTime / parseWireTime', () => {
  it('writes and reads yyyy-MM-dd HH:mm:ss in UTC+8 (UNVERIFIED zone)', () => {
    expect(ROCKETMQ5_WIRE_UTC_OFFSET_MINUTES).toBe(480);
    expect(formatWireTime(BORN_MS + 999)).toBe(BORN);
    expect(parseWireTime(BORN)).toBe(BORN_MS);
  });

  it.each([
    ['2023-03-22T12:17:08.5', BORN_MS + 500],
    ['1679458628000', BORN_MS],
    ['1679458628', BORN_MS],
    ['2023-03-22T04:17:08Z', BORN_MS],
    ['0', undefined],
    ['2024-02-30 10:00:00', undefined],
    ['yesterday', undefined],
    ['', undefined],
  ])('reads %j as %s', (text, expected) => {
    expect(parseWireTime(text)).toBe(expected);
  });

  it('round-trips any second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800 }), (seconds) => {
        expect(parseWireTime(formatWireTime(seconds * 1000))).toBe(seconds * 1000);
      }),
    );
  });
});

describe('Function: parseFilter / filterVerdict', () => {
  it.each([
    ['*', 'TAG', 'a', 'delivers'],
    ['', 'TAG', undefined, 'delivers'],
    [undefined, undefined, undefined, 'delivers'],
    ['a || b', 'TAG', 'b', 'delivers'],
    ['a||b', 'TAG', 'c', 'excludes'],
    ['a', 'TAG', undefined, 'excludes'],
    ['a || *', 'TAG', 'z', 'delivers'],
    ['a', 'UNSPECIFIED', 'a', 'delivers'],
    ["color = 'red'", 'UNSPECIFIED', 'a', 'unjudgeable'],
    ['a > 5', 'SQL', 'a', 'unjudgeable'],
    ['TRUE', 'sql', 'x', 'unjudgeable'],
  ])('%j (%s) vs %j → %s', (expression, type, tag, verdict) => {
    expect(filterVerdict(expression, type, tag)).toBe(verdict);
  });

  it('parses a tag list', () => {
    expect(parseFilter(' a || b ', 'TAG')).toEqual({ kind: 'tags', tags: ['a', 'b'] });
  });
});

describe('Function: toStoredMessage (GetMessageDetail)', () => {
  const detail = {
    messageId: '0A79275A00207A4F0F2916C92F9A0B94',
    topicName: 'orders',
    messageTag: 'paid',
    messageKeys: ['order-1', ''],
    bornTime: BORN,
    bornHost: '10.0.9.11:52001',
    storeTime: '2023-03-22 12:17:09',
    storeHost: '10.0.8.21:8080',
  };

  it('maps the fields and takes the reconsume count from the trace: most deliveries after the first, per group', () => {
    // Act
    const stored = toStoredMessage(detail, { msgId: 'X', topic: 'T' }, {
      consumerInfos: [
        { consumerGroupId: 'A', records: [{ consumeStatus: 'FAILED' }, { consumeStatus: 'FAILED' }, { consumeStatus: 'SUCCESS' }] },
        { consumerGroupId: 'B', records: [{ consumeStatus: 'SUCCESS' }] },
      ],
    });

    // Assert
    expect(stored).toEqual({
      msgId: detail.messageId,
      topic: 'orders',
      tag: 'paid',
      keys: ['order-1'],
      bornAt: BORN_MS,
      bornHost: '10.0.9.11:52001',
      storedAt: BORN_MS + 1000,
      storeHost: '10.0.8.21:8080',
      reconsumeTimes: 2,
    });
  });

  it('prefers systemProperties.RECONSUME_TIME, and is 0 without trace or property', () => {
    expect(toStoredMessage({ ...detail, systemProperties: { RECONSUME_TIME: '4' } }, { msgId: 'X', topic: 'T' }, undefined).reconsumeTimes).toBe(4);
    expect(toStoredMessage({}, { msgId: 'X', topic: 'T' }, undefined)).toMatchObject({ msgId: 'X', topic: 'T', tag: undefined, keys: [], reconsumeTimes: 0, bornAt: undefined });
  });
});

describe('Function: toDlqMessage (GetTrace dead-letter facts)', () => {
  const trace = {
    messageInfo: { messageId: 'M1', messageTag: 'paid', messageKeys: ['k'], bornTime: BORN, bornHost: 'h', storeHost: 's' },
    consumerInfos: [
      {
        consumerGroupId: 'GID_dead',
        consumeStatus: 'FAILED',
        deadMessage: true,
        deadLetterInfo: { topicName: '%DLQ%GID_dead', messageId: 'M1', toDlqTime: '2023-03-22 12:20:00' },
        records: [{ consumeStatus: 'FAILED' }, { consumeStatus: 'FAILED' }, { consumeStatus: 'FAILED' }],
      },
      { consumerGroupId: 'GID_ok', consumeStatus: 'SUCCESS' },
    ],
  };

  it("gives the dead-lettered group's copy: DLQ topic, DLQ time, redeliveries", () => {
    expect(toDlqMessage(trace, 'GID_dead', 'M1')).toEqual({
      msgId: 'M1',
      topic: '%DLQ%GID_dead',
      tag: 'paid',
      keys: ['k'],
      bornAt: BORN_MS,
      bornHost: 'h',
      storedAt: Date.UTC(2023, 2, 22, 4, 20, 0),
      storeHost: 's',
      reconsumeTimes: 2,
    });
  });

  it('is undefined for a group that did not dead-letter it, or is not in the trace', () => {
    expect(toDlqMessage(trace, 'GID_ok', 'M1')).toBeUndefined();
    expect(toDlqMessage(trace, 'GID_other', 'M1')).toBeUndefined();
    expect(toDlqMessage(null, 'GID_dead', 'M1')).toBeUndefined();
  });
});

describe('Function: toConsumerAccumulate (GetConsumerGroupLag)', () => {
  it('adds ready and inflight, turns seconds into ms, keeps per-topic lag, and claims neither online, a rate nor a born time', () => {
    // Act
    const accumulate = toConsumerAccumulate({
      totalLag: { readyCount: 7, inflightCount: 3, deliveryDuration: 12, lastConsumeTimestamp: 1735629607846 },
      topicLagMap: { orders: { readyCount: 5, inflightCount: 1, deliveryDuration: 4, topicName: 'orders' }, audit: { readyCount: 1 } },
    });

    // Assert
    expect(accumulate).toEqual({
      online: undefined,
      totalDiff: 10,
      consumeTps: undefined,
      lastConsumedBornAt: undefined,
      delayMs: 12_000,
      topics: [
        { topic: 'orders', totalDiff: 6, lastConsumedBornAt: undefined, delayMs: 4000 },
        { topic: 'audit', totalDiff: 1, lastConsumedBornAt: undefined, delayMs: 0 },
      ],
    });
    expect(accumulate.consumeTps === 0).toBe(false);
  });

  it('is an empty backlog without data', () => {
    expect(toConsumerAccumulate(undefined)).toMatchObject({ totalDiff: 0, delayMs: 0, topics: [] });
  });
});

describe('Function: toConsumerConnections (ListConsumerConnections)', () => {
  it('maps each connection; the address is the egress IP, else the host name', () => {
    expect(
      toConsumerConnections({
        connections: [
          { clientId: 'c1', egressIp: '1.2.3.4', hostname: 'h1', language: 'java', version: '5.0.5' },
          { clientId: 'c2', hostname: 'h2' },
        ],
      }),
    ).toEqual({
      clients: [
        { clientId: 'c1', clientAddr: '1.2.3.4', language: 'java', version: '5.0.5' },
        { clientId: 'c2', clientAddr: 'h2', language: undefined, version: undefined },
      ],
    });
    expect(toConsumerConnections(null)).toEqual({ clients: [] });
  });
});

describe('Function: toConsumerStatus (GetConsumerGroupSubscription)', () => {
  const row = (clientId: string, filterExpression: string, filterExpressionType = 'TAG') => ({
    connectionDTO: { clientId, messageModel: 'CLUSTERING' },
    subscriptionDTO: { topicName: 'orders', filterExpression, filterExpressionType, subscriptionStatus: 'ONLINE', messageModel: 'CLUSTERING' },
  });

  it('gives one client per row with its parsed subscription; consistent filters are subscriptionSame', () => {
    expect(toConsumerStatus([row('c1', 'a || b'), row('c2', 'a || b')], 'orders', 4)).toEqual({
      online: true,
      totalDiff: 4,
      consumeModel: 'CLUSTERING',
      subscriptionSame: true,
      rebalanceOk: true,
      clients: [
        { clientId: 'c1', consumeType: undefined, subscriptions: [{ topic: 'orders', subString: 'a || b', tags: ['a', 'b'] }] },
        { clientId: 'c2', consumeType: undefined, subscriptions: [{ topic: 'orders', subString: 'a || b', tags: ['a', 'b'] }] },
      ],
    });
  });

  it('is not subscriptionSame when clients filter differently; an SQL filter parses to no tags', () => {
    const status = toConsumerStatus([row('c1', '*'), row('c2', 'x > 1', 'SQL')], 'orders', 0);
    expect(status.subscriptionSame).toBe(false);
    expect(status.clients[1]?.subscriptions[0]).toEqual({ topic: 'orders', subString: 'x > 1', tags: [] });
  });

  it('is offline with no rows', () => {
    expect(toConsumerStatus([], 'orders', 0)).toMatchObject({ online: false, clients: [], subscriptionSame: true });
  });
});

describe('Function: listMessagesParams / toMessagePage (ListMessages)', () => {
  const query = { instanceId: 'rmq-cn-abc123', topic: 'orders', beginTimeMs: BORN_MS, endTimeMs: BORN_MS + 3_600_000, currentPage: 2, pageSize: 10, taskId: 'scroll-1' };

  it('sends the window as wire times, the page, and the cursor as scrollId', () => {
    expect(listMessagesParams(query)).toEqual({
      instanceId: 'rmq-cn-abc123',
      topicName: 'orders',
      startTime: BORN,
      endTime: '2023-03-22 13:17:08',
      pageNumber: 2,
      pageSize: 10,
      scrollId: 'scroll-1',
    });
    expect(listMessagesParams({ ...query, taskId: undefined })).not.toHaveProperty('scrollId');
  });

  it('counts pages from totalCount, keeps the cursor and maps the messages', () => {
    const page = toMessagePage(
      {
        requestId: 'R1',
        data: { list: [{ messageId: 'M1', bornTime: BORN, storeTime: BORN, messageTag: 'paid' }, { messageId: 'M2' }], pageNumber: 2, pageSize: 10, scrollId: 'scroll-2', totalCount: 23 },
      },
      query,
    );
    expect(page).toEqual({
      currentPage: 2,
      maxPageCount: 3,
      taskId: 'scroll-2',
      requestId: 'R1',
      messages: [{ msgId: 'M1', storeTimestamp: BORN_MS, bornTimestamp: BORN_MS, tag: 'paid' }, { msgId: 'M2' }],
    });
  });

  it('is 0 pages for an empty window, and never more pages than the limit', () => {
    expect(toMessagePage({ requestId: 'R', data: { list: [], totalCount: 0 } }, query).maxPageCount).toBe(0);
    expect(toMessagePage({ requestId: 'R', data: null }, { ...query, taskId: undefined })).toMatchObject({ maxPageCount: 0, messages: [], taskId: undefined });
    expect(toMessagePage({ requestId: 'R', data: { totalCount: 1_000_000, pageSize: 10 } }, query).maxPageCount).toBe(UNVERIFIED_LIST_MESSAGES_PAGE_LIMITS.maxPage);
  });
});
