import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { AppError, ErrorCode, NotFoundError, ThrottledError, UpstreamError, UpstreamTimeoutError } from '../../../../shared/errors';
import { ROCKETMQ5_ACTIONS, ROCKETMQ5_ACTION_NAMES, UNVERIFIED_LIST_MESSAGES_PAGE_LIMITS, type BrokerMethod } from '../../../../shared/rocketmq5/actions';
import { createRocketMq5Brokers, estimateRocketMq5ExplainMs, ROCKETMQ5_BUDGET, type RocketMq5BrokerOptions } from '../../../../shared/rocketmq5/rocketmq5-broker';
import { createRocketMq5ClientPool, parseRocketMq5Endpoint, rocketmq5EndpointFor } from '../../../../shared/rocketmq5/rocketmq5-client';
import type { CallContext, UpstreamAttempt } from '../../../../shared/trace/broker-port';
import { buildFakeClock } from '../../../builders/fake-clock';
import { buildFakeRocketMq5Clients, buildOpenLimiters, buildSdkApiError, buildTransportError, type Scripted } from './fake-rocketmq5-client';

const CREDS = { accessKeyId: 'test-key-id', accessKeySecret: 'test-secret' };
const INSTANCE = 'rmq-cn-7mz2ahxse0a';
const MESSAGE = { instanceId: INSTANCE, topic: 'orders', msgId: '0A79275A00207A4F0F2916C92F9A0B94' };
const BORN = '2023-03-22 12:17:08';

const TRACE_BODY = {
  requestId: 'REQ-TRACE',
  success: true,
  data: {
    messageInfo: { messageId: MESSAGE.msgId, messageTag: 'paid', messageKeys: ['k1'], bornTime: BORN, storeTime: BORN },
    consumerInfos: [
      { consumerGroupId: 'GID_billing', consumeStatus: 'SUCCESS', records: [{ consumeStatus: 'FAILED' }, { consumeStatus: 'SUCCESS' }] },
      {
        consumerGroupId: 'GID_dead',
        consumeStatus: 'FAILED',
        deadMessage: true,
        deadLetterInfo: { topicName: '%DLQ%GID_dead', messageId: MESSAGE.msgId, toDlqTime: BORN },
        records: [{ consumeStatus: 'FAILED' }, { consumeStatus: 'FAILED' }],
      },
    ],
  },
};
const SUBSCRIPTIONS_BODY = {
  requestId: 'REQ-SUBS',
  data: [
    { consumerGroupId: 'GID_billing', filterExpression: '*', filterExpressionType: 'TAG', subscriptionStatus: 'ONLINE' },
    { consumerGroupId: 'GID_dead', filterExpression: '*', subscriptionStatus: 'ONLINE' },
    { consumerGroupId: 'GID_audit', filterExpression: 'audit', filterExpressionType: 'TAG', subscriptionStatus: 'ONLINE' },
    { consumerGroupId: 'GID_new', filterExpression: '*', subscriptionStatus: 'ONLINE' },
  ],
};
const SCRIPT: Partial<Record<(typeof ROCKETMQ5_ACTION_NAMES)[number], Scripted | Scripted[]>> = {
  GetTrace: { body: TRACE_BODY },
  ListTopicSubscriptions: { body: SUBSCRIPTIONS_BODY },
  GetMessageDetail: { body: { requestId: 'REQ-DETAIL', data: { messageId: MESSAGE.msgId, topicName: 'orders', messageTag: 'paid', bornTime: BORN, storeTime: BORN } } },
  GetConsumerGroupLag: { body: { requestId: 'REQ-LAG', data: { totalLag: { readyCount: 3, inflightCount: 1, deliveryDuration: 2 }, topicLagMap: {} } } },
  ListConsumerConnections: { body: { requestId: 'REQ-CONN', data: { connections: [{ clientId: 'c1', egressIp: '1.2.3.4' }] } } },
  GetConsumerGroupSubscription: {
    body: { requestId: 'REQ-GSUB', data: [{ connectionDTO: { clientId: 'c1' }, subscriptionDTO: { topicName: 'orders', filterExpression: '*', subscriptionStatus: 'ONLINE' } }] },
  },
  ListMessages: { body: { requestId: 'REQ-LIST', data: { list: [{ messageId: 'M1' }], pageNumber: 1, pageSize: 10, totalCount: 1, scrollId: 's1' } } },
};

function build(script = SCRIPT, overrides: Partial<RocketMq5BrokerOptions> = {}) {
  const clock = buildFakeClock();
  const fake = buildFakeRocketMq5Clients(script);
  const open = buildOpenLimiters();
  const factory = createRocketMq5Brokers({
    endpoint: 'rocketmq.cn-hangzhou.aliyuncs.com',
    callTimeoutMs: 2000,
    limiters: open.limiters,
    clientFactory: fake.factory,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    ...overrides,
  });
  const ctx = (budgetMs = 10_000): CallContext & { trail: UpstreamAttempt[] } => ({ deadline: createDeadline(budgetMs, clock.now), trail: [] });
  return { broker: factory(CREDS), factory, fake, clock, ctx, limiterKeys: open.keys };
}

describe('Factory: createRocketMq5Brokers', () => {
  describe('Given a consumption lookup', () => {
    it('asks ListTopicSubscriptions and GetTrace together and answers one entry per group', async () => {
      // Arrange
      const started: string[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const held = (body: unknown): Scripted => async (params) => {
        started.push(String(params.topicName));
        await gate;
        return { statusCode: 200, body: structuredClone(body) };
      };
      const { broker, ctx } = build({ ...SCRIPT, GetTrace: held(TRACE_BODY), ListTopicSubscriptions: held(SUBSCRIPTIONS_BODY) });

      // Act
      const pending = broker.consumption(MESSAGE, ctx());
      await new Promise((resolve) => setImmediate(resolve));
      const bothStarted = started.length;
      release();
      const answer = await pending;

      // Assert
      expect(bothStarted).toBe(2);
      expect(answer.requestId).toBe('REQ-TRACE');
      expect(answer.groups.map((g) => [g.consumerGroup, g.trackType, g.upstreamStatus])).toEqual([
        ['GID_billing', 'CONSUMED', 'SUCCESS'],
        ['GID_dead', 'NOT_CONSUME_YET', 'FAILED'],
        ['GID_audit', 'CONSUMED_BUT_FILTERED', undefined],
        ['GID_new', 'UNKNOWN', undefined],
      ]);
      expect(answer.caveats).toEqual(['TRACE_BASED', 'CONSUMED_IS_NOT_SUCCESS', 'NO_TRACE_RECORD']);
      expect(broker.kind).toBe('rocketmq-5x');
    });

    it('fetches a fresh trace on every call, so waiting for consumption sees news', async () => {
      const { broker, fake, ctx } = build();
      await broker.consumption(MESSAGE, ctx());
      await broker.consumption(MESSAGE, ctx());
      expect(fake.actions().filter((a) => a === 'GetTrace')).toHaveLength(2);
    });
  });

  describe('Given an explain after the lookup', () => {
    it('reuses the lookup’s trace for the message detail and the dead-letter checks', async () => {
      // Arrange
      const { broker, fake, ctx } = build();
      await broker.consumption(MESSAGE, ctx());

      // Act
      const [detail, dead, consumed] = await Promise.all([
        broker.messageDetail(MESSAGE, ctx()),
        broker.dlqMessage({ instanceId: INSTANCE, groupId: 'GID_dead', msgId: MESSAGE.msgId, topic: 'orders' }, ctx()),
        broker.dlqMessage({ instanceId: INSTANCE, groupId: 'GID_billing', msgId: MESSAGE.msgId, topic: 'orders' }, ctx()),
      ]);

      // Assert
      expect(fake.actions()).toEqual(['ListTopicSubscriptions', 'GetTrace', 'GetMessageDetail']);
      expect(detail).toMatchObject({ msgId: MESSAGE.msgId, tag: 'paid', reconsumeTimes: 1 });
      expect(dead).toMatchObject({ topic: '%DLQ%GID_dead', reconsumeTimes: 1 });
      expect(consumed).toBeUndefined();
    });

    it('fetches the trace again once the reuse window has passed', async () => {
      const { broker, fake, ctx, clock } = build(SCRIPT, { reuseMs: 5000 });
      await broker.consumption(MESSAGE, ctx());
      clock.advance(5001);
      await broker.dlqMessage({ instanceId: INSTANCE, groupId: 'GID_dead', msgId: MESSAGE.msgId, topic: 'orders' }, ctx());
      expect(fake.actions().filter((a) => a === 'GetTrace')).toHaveLength(2);
    });

    it('still gives the message detail when the trace fails (reconsume count 0)', async () => {
      const { broker, ctx } = build({ ...SCRIPT, GetTrace: { throws: buildSdkApiError({ code: 'Forbidden.RAM', statusCode: 403 }) } });
      await expect(broker.messageDetail(MESSAGE, ctx())).resolves.toMatchObject({ tag: 'paid', reconsumeTimes: 0 });
    });

    it('says NOT_FOUND when GetMessageDetail has no data', async () => {
      const { broker, ctx } = build({ ...SCRIPT, GetMessageDetail: { body: { requestId: 'R', data: null } } });
      await expect(broker.messageDetail(MESSAGE, ctx())).rejects.toBeInstanceOf(NotFoundError);
    });

    it("asks GetConsumerGroupSubscription for the message's topic and reuses the backlog it fetched", async () => {
      // Arrange
      const { broker, fake, ctx } = build();
      await broker.consumption(MESSAGE, ctx());
      const group = { instanceId: INSTANCE, groupId: 'GID_new', topic: 'orders' };

      // Act
      const accumulate = await broker.consumerAccumulate(group, ctx());
      const connections = await broker.consumerConnections(group, ctx());
      const status = await broker.consumerStatus(group, ctx());

      // Assert
      expect(accumulate).toMatchObject({ online: undefined, totalDiff: 4, delayMs: 2000 });
      expect(connections.clients).toHaveLength(1);
      expect(status).toMatchObject({ online: true, totalDiff: 4, subscriptionSame: true, rebalanceOk: true });
      expect(fake.calls.find((c) => c.action === 'GetConsumerGroupSubscription')?.params).toEqual({ instanceId: INSTANCE, consumerGroupId: 'GID_new', topicName: 'orders' });
      expect(fake.actions().filter((a) => a === 'GetConsumerGroupLag')).toHaveLength(1);
    });

    it('uses a topic the query carries', async () => {
      const { broker, fake, ctx } = build();
      const query = { instanceId: INSTANCE, groupId: 'G', msgId: MESSAGE.msgId, topic: 'payments' };
      await broker.dlqMessage(query, ctx());
      expect(fake.calls[0]?.params).toMatchObject({ topicName: 'payments' });
    });
  });

  describe('Given each Broker method on a fresh Broker', () => {
    it.each<[BrokerMethod, (b: ReturnType<typeof build>['broker'], c: CallContext) => Promise<unknown>]>([
      ['consumption', (b, c) => b.consumption(MESSAGE, c)],
      ['messageDetail', (b, c) => b.messageDetail(MESSAGE, c)],
      ['consumerAccumulate', (b, c) => b.consumerAccumulate({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, c)],
      ['consumerConnections', (b, c) => b.consumerConnections({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, c)],
      ['consumerStatus', (b, c) => b.consumerStatus({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, c)],
      ['dlqMessage', (b, c) => b.dlqMessage({ instanceId: INSTANCE, groupId: 'G', msgId: 'M', topic: 'orders' }, c)],
      ['pageByTopic', (b, c) => b.pageByTopic({ instanceId: INSTANCE, topic: 'orders', beginTimeMs: 0, endTimeMs: 1000, currentPage: 1, pageSize: 10 }, c)],
      ['findByKey', (b, c) => b.findByKey({ instanceId: INSTANCE, topic: 'orders', key: 'k1', limit: 20 }, c)],
      ['journey', (b, c) => b.journey(MESSAGE, c, { beginMs: 0, endMs: 1000 })],
    ])('%s makes exactly the calls the registry lists for it', async (method, run) => {
      // Arrange
      const { broker, fake, ctx } = build();
      const registered = ROCKETMQ5_ACTION_NAMES.filter((a) => (ROCKETMQ5_ACTIONS[a].brokerMethods as readonly string[]).includes(method)).sort();

      // Act
      await run(broker, ctx());

      // Assert
      expect([...new Set(fake.actions())].sort()).toEqual(registered);
    });
  });

  describe('Given the budget', () => {
    it('paces explain by the 5.x per-action limits and plans page calls by ListMessages', () => {
      expect(estimateRocketMq5ExplainMs(0, 300)).toBe(300);
      expect(estimateRocketMq5ExplainMs(1, 300)).toBe(600);
      expect(estimateRocketMq5ExplainMs(10, 300)).toBe(600);
      expect(estimateRocketMq5ExplainMs(11, 300)).toBe(2600);
      expect(ROCKETMQ5_BUDGET.pageCallsPerRun).toBe(10);
      expect(ROCKETMQ5_BUDGET.pageLimits).toEqual(UNVERIFIED_LIST_MESSAGES_PAGE_LIMITS);
      expect(build().broker.budget).toBe(ROCKETMQ5_BUDGET);
    });
  });
});

describe('Gateway (through the Broker)', () => {
  it('asks the injected limiter factory for rocketmq-5x:<Action> with the registry limit', async () => {
    const { broker, ctx, limiterKeys } = build();
    await broker.consumption(MESSAGE, ctx());
    expect(limiterKeys.map((k) => k.key).sort()).toEqual(['rocketmq-5x:GetTrace', 'rocketmq-5x:ListTopicSubscriptions']);
    expect(limiterKeys[0]?.limit).toEqual({ count: 10, windowMs: 1000 });
  });

  it('retries throttling with backoff and records each attempt, throttled ones flagged', async () => {
    // Arrange
    const throttled = { throws: buildSdkApiError({ code: 'Throttling.User', statusCode: 400, requestId: 'REQ-T1' }) };
    const { broker, ctx, clock } = build({ ...SCRIPT, ListMessages: [throttled, SCRIPT.ListMessages as Scripted] });
    const context = ctx();

    // Act
    const page = await broker.pageByTopic({ instanceId: INSTANCE, topic: 'orders', beginTimeMs: 0, endTimeMs: 1000, currentPage: 1, pageSize: 10 }, context);

    // Assert
    expect(page.requestId).toBe('REQ-LIST');
    expect(context.trail.map(({ latencyMs: _latency, ...rest }) => rest)).toEqual([
      { action: 'ListMessages', attempt: 1, outcome: 'Throttling.User', throttled: true, requestId: 'REQ-T1' },
      { action: 'ListMessages', attempt: 2, outcome: 'OK', requestId: 'REQ-LIST' },
    ]);
    expect(clock.sleeps).toEqual([50]);
  });

  it('gives up with ThrottledError when the policy runs out of attempts', async () => {
    const { broker, ctx } = build({ ...SCRIPT, GetMessageDetail: { throws: buildSdkApiError({ code: 'Throttling.User', statusCode: 429 }) } }, { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } });
    const context = ctx();
    await expect(broker.messageDetail(MESSAGE, context)).rejects.toBeInstanceOf(ThrottledError);
    expect(context.trail.filter((a) => a.action === 'GetMessageDetail')).toHaveLength(2);
  });

  it('retries a timeout, but not a permission denial', async () => {
    const timeout = { throws: buildTransportError('read-timeout') };
    const denied = { throws: buildSdkApiError({ code: 'Forbidden.RAM', statusCode: 403 }) };
    const { broker, ctx, fake } = build({ ...SCRIPT, ListConsumerConnections: [timeout, SCRIPT.ListConsumerConnections as Scripted], GetConsumerGroupLag: denied });
    await expect(broker.consumerConnections({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, ctx())).resolves.toMatchObject({ clients: [{ clientId: 'c1' }] });
    await expect(broker.consumerAccumulate({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, ctx())).rejects.toThrow(/grant rocketmq:GetConsumerGroupLag/);
    expect(fake.actions().filter((a) => a === 'GetConsumerGroupLag')).toHaveLength(1);
  });

  it('shrinks the per-call timeout to the deadline, and does not call once too little is left', async () => {
    const { broker, ctx, fake } = build();
    await broker.consumerConnections({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, ctx(700));
    await broker.consumerConnections({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, { ...ctx(10_000), callTimeoutMs: 5000 });
    expect(fake.calls.map((c) => c.timeoutMs)).toEqual([700, 5000]);
    await expect(broker.consumerConnections({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, ctx(20))).rejects.toBeInstanceOf(UpstreamTimeoutError);
    expect(fake.calls).toHaveLength(2);
  });

  it('classifies a 200 answer with success: false by its code', async () => {
    const { broker, ctx } = build({ ...SCRIPT, ListConsumerConnections: { body: { requestId: 'R9', success: false, code: 'ConsumerGroup.NotFound', data: null } } });
    const context = ctx();
    await expect(broker.consumerConnections({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, context)).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      upstream: { action: 'ListConsumerConnections', code: 'ConsumerGroup.NotFound', requestId: 'R9', httpStatus: 200 },
    });
    expect(context.trail[0]?.outcome).toBe('ConsumerGroup.NotFound');
  });

  it('rejects a body without the documented shape, recording MALFORMED_RESPONSE', async () => {
    const { broker, ctx } = build({ ...SCRIPT, ListConsumerConnections: { body: { data: { connections: 'nope' } } } });
    const context = ctx();
    await expect(broker.consumerConnections({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, context)).rejects.toBeInstanceOf(UpstreamError);
    expect(context.trail[0]?.outcome).toBe('MALFORMED_RESPONSE');
  });

  it('keeps one client per credential set, signing with it', async () => {
    const { factory, fake, ctx } = build();
    await factory(CREDS).consumerConnections({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, ctx());
    await factory(CREDS).consumerConnections({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, ctx());
    await factory({ ...CREDS, accessKeyId: 'other' }).consumerConnections({ instanceId: INSTANCE, groupId: 'G', topic: 'orders' }, ctx());
    expect(fake.configs.map((c) => [c.accessKeyId, c.endpoint, c.protocol])).toEqual([
      ['test-key-id', 'rocketmq.cn-hangzhou.aliyuncs.com', 'https'],
      ['other', 'rocketmq.cn-hangzhou.aliyuncs.com', 'https'],
    ]);
  });
});

describe('Function: createRocketMq5ClientPool', () => {
  it('keeps only the newest credential sets, closing the oldest', () => {
    const closed: string[] = [];
    const pool = createRocketMq5ClientPool({
      factory: (config) => ({ request: async () => ({ statusCode: 200, body: {} }), close: () => closed.push(config.accessKeyId) }),
      endpoint: 'h',
      protocol: 'https',
      maxClients: 2,
    });
    const a = pool.get({ accessKeyId: 'a', accessKeySecret: 's' });
    expect(pool.get({ accessKeyId: 'a', accessKeySecret: 's' })).toBe(a);
    pool.get({ accessKeyId: 'b', accessKeySecret: 's' });
    pool.get({ accessKeyId: 'c', accessKeySecret: 's', securityToken: 't' });
    expect(pool.size()).toBe(2);
    expect(closed).toEqual(['a']);
  });
});

describe('Function: rocketmq5EndpointFor / parseRocketMq5Endpoint', () => {
  it('gives the regional host, and rejects a region that is not an ID', () => {
    expect(rocketmq5EndpointFor('cn-hangzhou')).toBe('rocketmq.cn-hangzhou.aliyuncs.com');
    expect(() => rocketmq5EndpointFor('cn hangzhou/x')).toThrow(/region/);
  });

  it.each([
    ['rocketmq.cn-hangzhou.aliyuncs.com', undefined, { host: 'rocketmq.cn-hangzhou.aliyuncs.com', protocol: 'https' }],
    ['127.0.0.1:18080', 'http', { host: '127.0.0.1:18080', protocol: 'http' }],
    ['http://127.0.0.1:18080', undefined, { host: '127.0.0.1:18080', protocol: 'http' }],
    ['https://rocketmq.cn-beijing.aliyuncs.com/', undefined, { host: 'rocketmq.cn-beijing.aliyuncs.com', protocol: 'https' }],
  ] as const)('%s (%s) → %o', (endpoint, protocol, expected) => {
    expect(parseRocketMq5Endpoint(endpoint, protocol)).toEqual(expected);
  });

  it('rejects an endpoint with a path', () => {
    expect(() => parseRocketMq5Endpoint('http://h/x')).toThrow(/endpoint/);
  });
});

describe('Module: shared/rocketmq5 cold start', () => {
  const dir = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'rocketmq5');
  const sources = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it('never imports the SDK statically: only `import type` and `import()`', () => {
    for (const file of sources) {
      const text = readFileSync(join(dir, file), 'utf8');
      const statics = [...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^;]*?from\s+'(@alicloud\/[^']+|@darabonba\/[^']+)'/gm)].map((m) => m[1]);
      expect(statics, file).toEqual([]);
    }
    expect(readFileSync(join(dir, 'rocketmq5-client.ts'), 'utf8')).toContain("await import('@alicloud/rocketmq20220801')");
  });

  it('builds no zod schema at module load', () => {
    const text = readFileSync(join(dir, 'schemas.ts'), 'utf8');
    const topLevel = text.split('\n').filter((line) => /^(export )?(const|let) /.test(line));
    expect(topLevel.filter((line) => line.includes('z.'))).toEqual([]);
  });
});
