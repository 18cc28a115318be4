import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessageId } from '../../../shared/trace/message-id';
import { ROCKETMQ5_ACTION_NAMES } from '../../../local/emulator/rocketmq5/action-names';
import { ROCKETMQ5_ERRORS, errorEnvelope, invalidParamError, missingParamError, rocketMq5Error, successEnvelope } from '../../../local/emulator/rocketmq5/errors';
import { composeMessageId } from '../../../local/emulator/rocketmq5/message-id';
import { ROCKETMQ5_RATE_LIMITS, ROCKETMQ5_ROUTES, matchRocketMq5Route, validateRocketMq5Params } from '../../../local/emulator/rocketmq5/routes';
import { createScrollStore } from '../../../local/emulator/rocketmq5/scroll-store';
import { formatApiTime, parseApiTime } from '../../../local/emulator/rocketmq5/time-format';

/** Each operation's action, method and pathname as the installed SDK's dist/client.js builds them. */
function sdkOperations(): Map<string, { method: string; path: string }> {
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve('@alicloud/rocketmq20220801'), 'utf8');
  const ops = new Map<string, { method: string; path: string }>();
  const block = /action: "(\w+)",\s*version: "2022-08-01",[\s\S]*?pathname: `([^`]*)`,\s*method: "(\w+)"/g;
  for (const match of source.matchAll(block)) {
    const [, action = '', pathname = '', method = ''] = match;
    ops.set(action, { method, path: pathname.replace(/\$\{\$dara\.URL\.percentEncode\((\w+)\)\}/g, '{$1}') });
  }
  return ops;
}

describe('Table: ROCKETMQ5_ROUTES', () => {
  const sdk = sdkOperations();

  it('serves exactly the nine named operations, once each', () => {
    expect(ROCKETMQ5_ROUTES.map((route) => route.action)).toStrictEqual([...ROCKETMQ5_ACTION_NAMES]);
  });

  it.each(ROCKETMQ5_ROUTES.map((route) => [route.action, route] as const))('%s uses the SDK\'s method and path', (action, route) => {
    expect(sdk.get(action)).toStrictEqual({ method: route.method, path: route.path });
  });

  it.each(ROCKETMQ5_ROUTES.map((route) => [route.action, route] as const))('%s checks rocketmq:%s and 10 calls/s', (action, route) => {
    expect(route.ramAction).toBe(`rocketmq:${action}`);
    expect(route.limit).toStrictEqual({ count: 10, windowMs: 1000 });
    expect(ROCKETMQ5_RATE_LIMITS[action]).toBe(route.limit);
  });

  it('declares every path parameter of each template as a required path rule', () => {
    for (const route of ROCKETMQ5_ROUTES) {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(route.params.filter((rule) => rule.in === 'path').map((rule) => rule.name)).toStrictEqual(names);
      expect(route.params.filter((rule) => rule.in === 'path').every((rule) => rule.required)).toBe(true);
    }
  });
});

describe('Function: matchRocketMq5Route()', () => {
  it('matches GetTrace and decodes the path parameters', () => {
    const match = matchRocketMq5Route('GET', '/instances/rmq-cn-a/topics/%25DLQ%25GID_x/traces/01AB');

    expect(match.kind).toBe('matched');
    expect(match.kind === 'matched' ? [match.route.action, Object.fromEntries(match.pathParams)] : undefined).toStrictEqual([
      'GetTrace',
      { instanceId: 'rmq-cn-a', topicName: '%DLQ%GID_x', messageId: '01AB' },
    ]);
  });

  it('tells the list operation from the single-item one by segment count', () => {
    const list = matchRocketMq5Route('GET', '/instances/i/topics/t/messages');
    const one = matchRocketMq5Route('GET', '/instances/i/topics/t/messages/m');

    expect(list.kind === 'matched' ? list.route.action : undefined).toBe('ListMessages');
    expect(one.kind === 'matched' ? one.route.action : undefined).toBe('GetMessageDetail');
  });

  it('reports a wrong method, an unknown path and a malformed escape', () => {
    expect(matchRocketMq5Route('POST', '/instances/i/topics/t/messages').kind).toBe('wrong-method');
    expect(matchRocketMq5Route('GET', '/instances/i/topics/t/other').kind).toBe('none');
    expect(matchRocketMq5Route('GET', '/instances/%E0%A4%A/topics/t/messages').kind).toBe('none');
  });

  it('matches an empty path parameter so that it can fail MissingInstanceId', () => {
    const match = matchRocketMq5Route('GET', '/instances//topics/t/subscriptions');

    expect(match.kind).toBe('matched');
    expect(() => match.kind === 'matched' && validateRocketMq5Params(match.route, match.pathParams, new Map())).toThrow(
      expect.objectContaining({ code: 'MissingInstanceId', status: 400, dynamicCode: 'InstanceId', dynamicMessage: 'instanceId' }),
    );
  });
});

describe('Function: validateRocketMq5Params()', () => {
  const listTraces = ROCKETMQ5_ROUTES.find((route) => route.action === 'ListTraces')!;
  const path = new Map([
    ['instanceId', 'rmq-cn-a'],
    ['topicName', 't'],
  ]);
  const valid = new Map([
    ['queryType', 'TOPIC'],
    ['startTime', '2025-01-01 00:00:00'],
    ['endTime', '2025-01-02 00:00:00'],
    ['pageNumber', '1'],
    ['pageSize', '10'],
  ]);

  it('merges path and query parameters and ignores unknown ones', () => {
    const params = validateRocketMq5Params(listTraces, path, new Map([...valid, ['unknown', 'x']]));

    expect(Object.fromEntries(params)).toStrictEqual({ instanceId: 'rmq-cn-a', topicName: 't', ...Object.fromEntries(valid) });
  });

  it.each([
    ['queryType', 'MESSAGE_TAG', 'InvalidQueryType'],
    ['startTime', '2025-01-01T00:00:00Z', 'InvalidStartTime'],
    ['endTime', '2025-13-01 00:00:00', 'InvalidEndTime'],
    ['pageNumber', '0', 'InvalidPageNumber'],
    ['pageSize', '101', 'InvalidPageSize'],
    ['messageId', 'xyz', 'InvalidMessageId'],
  ])('rejects %s=%j as %s', (name, value, code) => {
    expect(() => validateRocketMq5Params(listTraces, path, new Map([...valid, [name, value]]))).toThrow(expect.objectContaining({ code, status: 400 }));
  });

  it.each(['queryType', 'startTime', 'endTime', 'pageNumber', 'pageSize'])('requires %s', (name) => {
    const query = new Map(valid);
    query.delete(name);

    expect(() => validateRocketMq5Params(listTraces, path, query)).toThrow(expect.objectContaining({ code: `Missing${name[0]?.toUpperCase()}${name.slice(1)}` }));
  });
});

describe('Table: ROCKETMQ5_ERRORS and the envelopes', () => {
  it('uses the SDK example messages for the documented codes', () => {
    expect(ROCKETMQ5_ERRORS['Instance.NotFound'].message).toBe('The instance cannot be found.');
    expect(ROCKETMQ5_ERRORS['Topic.NotFound'].message).toBe('The topic cannot be found.');
    expect(missingParamError('instanceId').message).toBe('Parameter instanceId is mandatory for this action .');
    expect(invalidParamError('consumerGroupId')).toMatchObject({ code: 'InvalidConsumerGroupId', message: 'Parameter consumerGroupId is invalid.', dynamicCode: 'ConsumerGroupId' });
  });

  it('builds the success and error envelopes with the SDK field names', () => {
    expect(successEnvelope('R1', { a: 1 })).toStrictEqual({
      requestId: 'R1',
      success: true,
      code: 'Success',
      message: 'Success',
      httpStatusCode: 200,
      dynamicCode: null,
      dynamicMessage: null,
      data: { a: 1 },
    });
    expect(errorEnvelope('R2', rocketMq5Error('Throttling.User'), 429)).toStrictEqual({
      requestId: 'R2',
      success: false,
      code: 'Throttling.User',
      message: 'Request was denied due to user flow control.',
      httpStatusCode: 429,
      dynamicCode: null,
      dynamicMessage: null,
      data: null,
    });
  });

  it('removes unfilled placeholders from messages', () => {
    expect(rocketMq5Error('IncompleteSignature').message).toBe('The request signature does not conform to Aliyun standards.');
  });
});

describe('Function: formatApiTime() / parseApiTime()', () => {
  it('formats in the given zone', () => {
    expect(formatApiTime(Date.UTC(2023, 4, 10, 2, 42, 11), 480)).toBe('2023-05-10 10:42:11');
  });

  it('round-trips every second of 2000..2099 in any zone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 946_684_800, max: 4_102_444_799 }), fc.integer({ min: -720, max: 840 }), (seconds, offset) => {
        const ms = seconds * 1000;
        expect(parseApiTime(formatApiTime(ms, offset), offset)).toBe(ms);
      }),
    );
  });

  it.each(['2025-02-29 00:00:00', '2025-01-01 24:00:00', '2025-1-01 00:00:00', ''])('rejects %j', (text) => {
    expect(parseApiTime(text, 480)).toBeUndefined();
  });
});

describe('Function: composeMessageId()', () => {
  it('builds ids that mqtrace decodes back to the producer, pid, sequence and born second', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 6, maxLength: 6 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        fc.integer({ min: Date.UTC(2021, 0, 2), max: Date.UTC(2150, 0, 1) }),
        (mac, pid, sequence, bornMs) => {
          const producerMac = [...mac].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
          const id = composeMessageId({ producerMac, producerPid: pid, sequence }, bornMs, 480);
          const facts = decodeMessageId(id, { nowMs: bornMs, producerUtcOffsetMinutes: 480 });

          expect(id).toMatch(/^01[0-9A-F]{32}$/);
          expect(facts).toMatchObject({ kind: 'MESSAGE_ID_5X', producerMac, producerPid: pid, sequence, approxSentAt: new Date(Math.floor(bornMs / 1000) * 1000).toISOString() });
        },
      ),
    );
  });
});

describe('Function: createScrollStore()', () => {
  it('forgets snapshots after the ttl and evicts the oldest beyond the bound', () => {
    let now = 0;
    let next = 0;
    const store = createScrollStore({ now: () => now, newId: () => `S${(next += 1)}`, ttlMs: 1000, maxEntries: 2 });
    const snapshot = { accountId: 'a', instanceId: 'i', topicName: 't', messageIds: [] };

    const first = store.create(snapshot);
    const second = store.create(snapshot);
    const third = store.create(snapshot);
    now = 999;
    const liveAt999 = [store.get(first), store.get(second), store.get(third)].map((entry) => entry !== undefined);
    now = 1000;

    expect(liveAt999).toStrictEqual([false, true, true]);
    expect(store.get(second)).toBeUndefined();
  });
});
