import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDeadline } from '../../../shared/deadline';
import { ErrorCode, NotFoundError, PermissionDeniedError, UpstreamTimeoutError } from '../../../shared/errors';
import { createRateLimiter } from '../../../shared/upstream/rate-limiter';
import { createLimiterRegistry } from '../../../shared/rate-limits';
import { createRocketMq5Brokers, type RocketMq5BrokerOptions } from '../../../shared/rocketmq5/rocketmq5-broker';
import type { Broker, CallContext, MessageRef, UpstreamAttempt } from '../../../shared/trace/broker-port';
import { DEMO_SEED_PATH, loadSeedFile } from '../../../local/emulator/load-seed';
import type { Seed } from '../../../local/emulator/seed-schema';
import { createEmulator, type EmulatorHandle } from '../../../local/emulator/server';

/**
 * The 5.x adapter with the real `@alicloud/rocketmq20220801` SDK (ACS3-signed ROA calls over real
 * HTTP) against the emulator's 5.x routes and the demo seed's `rmq-cn-demo5x0001` instance.
 */

const DEMO_ACCOUNT = '1234567890123456';
const ADMIN = { accessKeyId: 'mqtrace-demo-key-id', accessKeySecret: 'mqtrace-demo-key-secret-not-a-real-secret' };
// Added to the demo account: may list subscriptions, may not read traces.
const NO_TRACE = { accessKeyId: 'test-5x-no-trace-key-id', accessKeySecret: 'test-5x-no-trace-secret' };
const INSTANCE = 'rmq-cn-demo5x0001';
const TOPIC = 'orders-5x';

let demoSeed: Seed;
const running = new Set<EmulatorHandle>();

beforeAll(async () => {
  demoSeed = await loadSeedFile(DEMO_SEED_PATH);
});

afterEach(async () => {
  await Promise.all([...running].map((e) => e.close()));
  running.clear();
});

function withNoTraceKey(seed: Seed, throttlingStatus?: 400 | 429): Seed {
  const copy = structuredClone(seed);
  const account = copy.accounts.find((a) => a.accountId === DEMO_ACCOUNT);
  account?.credentials.push({ ...NO_TRACE, allowedActions: ['rocketmq:ListTopicSubscriptions'] });
  if (throttlingStatus !== undefined && copy.rocketmq5) copy.rocketmq5.throttlingStatus = throttlingStatus;
  return copy;
}

/** Starts the emulator with its clock held at start, so the seeded traces do not move on during a test. */
async function start(options: { throttlingStatus?: 400 | 429; broker?: Partial<RocketMq5BrokerOptions> } = {}) {
  const startedAt = Date.now();
  const emulator = createEmulator({ seed: withNoTraceKey(demoSeed, options.throttlingStatus), now: () => startedAt });
  running.add(emulator);
  const { url } = await emulator.start();
  const factory = createRocketMq5Brokers({
    endpoint: url,
    callTimeoutMs: 2000,
    limiters: createLimiterRegistry((limit) => createRateLimiter(limit)),
    ...options.broker,
  });
  const messages = emulator.rocketMq5Messages().filter((m) => m.instanceId === INSTANCE && m.topicName === TOPIC);
  const ref = (sequence: number): MessageRef => {
    // The seed's notes name messages by their order: 1001 consumed, 1002 dead-lettered, 1003 just sent, 1004 filtered.
    const m = messages[sequence - 1001];
    if (!m) throw new Error(`no seeded message ${sequence}`);
    return { instanceId: INSTANCE, topic: TOPIC, msgId: m.messageId };
  };
  return { emulator, url, factory, broker: factory(ADMIN), ref };
}

const ctx = (budgetMs = 8000): CallContext & { trail: UpstreamAttempt[] } => ({ deadline: createDeadline(budgetMs), trail: [] });
const tracks = (answer: Awaited<ReturnType<Broker['consumption']>>) => answer.groups.map((g) => [g.consumerGroup, g.trackType, g.upstreamStatus ?? null]);

describe('Broker: RocketMQ 5.x over the real SDK and the emulator', () => {
  describe('Given a message every group consumed', () => {
    it('answers CONSUMED per group from the trace, with the trace request id', async () => {
      // Arrange
      const { broker, ref } = await start();
      const context = ctx();

      // Act
      const answer = await broker.consumption(ref(1001), context);

      // Assert
      expect(tracks(answer)).toEqual([
        ['GID_billing_5x', 'CONSUMED', 'SUCCESS'],
        ['GID_shipping_5x', 'CONSUMED', 'SUCCESS'],
        ['GID_analytics_5x', 'CONSUMED', 'SUCCESS'],
      ]);
      expect(answer.caveats).toEqual(['TRACE_BASED']);
      expect(answer.requestId).toBe(context.trail.find((a) => a.action === 'GetTrace')?.requestId);
      expect(context.trail.map((a) => [a.action, a.outcome]).sort()).toEqual([
        ['GetTrace', 'OK'],
        ['ListTopicSubscriptions', 'OK'],
      ]);
    });
  });

  describe('Given a message one group dead-lettered', () => {
    it('says NOT_CONSUME_YET for it, and explain finds the dead-lettered copy without another trace call', async () => {
      // Arrange
      const { broker, ref, emulator } = await start();
      const message = ref(1002);

      // Act
      const answer = await broker.consumption(message, ctx());
      emulator.resetStats();
      const [detail, dlq, lag] = await Promise.all([
        broker.messageDetail(message, ctx()),
        broker.dlqMessage({ instanceId: INSTANCE, groupId: 'GID_billing_5x', msgId: message.msgId, topic: 'orders-5x' }, ctx()),
        broker.consumerAccumulate({ instanceId: INSTANCE, groupId: 'GID_billing_5x', topic: 'orders-5x' }, ctx()),
      ]);

      // Assert
      expect(answer.groups.find((g) => g.consumerGroup === 'GID_billing_5x')).toMatchObject({ trackType: 'NOT_CONSUME_YET', upstreamStatus: 'FAILED' });
      expect(answer.groups.find((g) => g.consumerGroup === 'GID_billing_5x')?.meaning).toMatch(/dead-letter queue/);
      expect(answer.caveats).toContain('CONSUMED_IS_NOT_SUCCESS');
      expect(detail).toMatchObject({ msgId: message.msgId, tag: 'order-paid', keys: ['order-5x-1002', 'customer-42'], reconsumeTimes: 2 });
      expect(dlq).toMatchObject({ topic: '%DLQ%GID_billing_5x', reconsumeTimes: 2 });
      expect(dlq?.storedAt).toBeGreaterThan(detail.storedAt ?? Number.POSITIVE_INFINITY);
      expect(lag.totalDiff).toBeGreaterThan(0);
      expect(Object.keys(emulator.stats().byAction).sort()).toEqual(['GetConsumerGroupLag', 'GetMessageDetail']);
    });
  });

  describe('Given a subscribing group without a trace record, and an offline one', () => {
    it('answers UNKNOWN for both, never a not-consumed type, with NO_TRACE_RECORD', async () => {
      const { broker, ref } = await start();
      const answer = await broker.consumption(ref(1003), ctx());
      expect(tracks(answer)).toEqual([
        ['GID_billing_5x', 'UNKNOWN', null],
        ['GID_shipping_5x', 'CONSUMED', 'SUCCESS'],
        ['GID_analytics_5x', 'UNKNOWN', null],
      ]);
      expect(answer.groups[0]?.meaning).toBe('No trace record yet: 5.x writes traces asynchronously; cannot tell yet.');
      expect(answer.caveats).toEqual(['TRACE_BASED', 'NO_TRACE_RECORD']);
    });
  });

  describe("Given a group whose tag filter excludes the message's tag", () => {
    it('answers CONSUMED_BUT_FILTERED for it', async () => {
      const { broker, ref } = await start();
      const answer = await broker.consumption(ref(1004), ctx());
      expect(answer.groups.find((g) => g.consumerGroup === 'GID_shipping_5x')?.trackType).toBe('CONSUMED_BUT_FILTERED');
      expect(answer.groups.find((g) => g.consumerGroup === 'GID_billing_5x')?.trackType).toBe('CONSUMED');
    });
  });

  describe('Given the diagnostics of the groups', () => {
    it('maps connections, an inconsistent subscription and a page of messages', async () => {
      // Arrange
      const { broker, ref } = await start();
      await broker.consumption(ref(1002), ctx());

      // Act
      const connections = await broker.consumerConnections({ instanceId: INSTANCE, groupId: 'GID_shipping_5x', topic: 'orders-5x' }, ctx());
      const status = await broker.consumerStatus({ instanceId: INSTANCE, groupId: 'GID_shipping_5x', topic: 'orders-5x' }, ctx());
      const offline = await broker.consumerConnections({ instanceId: INSTANCE, groupId: 'GID_analytics_5x', topic: 'orders-5x' }, ctx());
      const page = await broker.pageByTopic({ instanceId: INSTANCE, topic: TOPIC, beginTimeMs: Date.now() - 86_400_000, endTimeMs: Date.now(), currentPage: 1, pageSize: 2 }, ctx());
      const next = await broker.pageByTopic(
        { instanceId: INSTANCE, topic: TOPIC, beginTimeMs: Date.now() - 86_400_000, endTimeMs: Date.now(), currentPage: 2, pageSize: 2, ...(page.taskId ? { taskId: page.taskId } : {}) },
        ctx(),
      );

      // Assert
      expect(connections.clients.map((c) => c.version)).toEqual(['5.0.7', '5.0.5']);
      expect(status).toMatchObject({ online: true, subscriptionSame: false, rebalanceOk: true });
      expect(status.clients.map((c) => c.subscriptions[0]?.tags)).toEqual([['order-created', 'order-paid'], ['order-created']]);
      expect(offline.clients).toEqual([]);
      expect(page).toMatchObject({ currentPage: 1, maxPageCount: 2 });
      expect(page.messages).toHaveLength(2);
      expect(next.messages).toHaveLength(2);
      expect(new Set([...page.messages, ...next.messages].map((m) => m.msgId)).size).toBe(4);
    });
  });

  describe('Given throttling', () => {
    it.each([400, 429] as const)('retries Throttling.User (HTTP %i) within the deadline and records the throttled attempt', async (status) => {
      // Arrange
      const { broker, ref, emulator } = await start({ throttlingStatus: status });
      emulator.setFault('GetTrace', { errorCode: 'Throttling.User', times: 1 });
      const context = ctx();

      // Act
      const answer = await broker.consumption(ref(1001), context);

      // Assert
      expect(answer.groups).toHaveLength(3);
      const traceAttempts = context.trail.filter((a) => a.action === 'GetTrace');
      expect(traceAttempts.map((a) => [a.attempt, a.outcome, a.throttled ?? false])).toEqual([
        [1, 'Throttling.User', true],
        [2, 'OK', false],
      ]);
      expect(emulator.stats().byAction.GetTrace?.byCode).toEqual({ 'Throttling.User': 1, OK: 1 });
    });
  });

  describe('Given a slow upstream', () => {
    it('times each attempt out, retries, and fails typed as UPSTREAM_TIMEOUT', async () => {
      // Arrange
      const { broker, emulator } = await start({ broker: { callTimeoutMs: 200, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } } });
      emulator.setFault('ListConsumerConnections', { latencyMs: 1500 });
      const context = ctx();

      // Act
      const failure = await broker.consumerConnections({ instanceId: INSTANCE, groupId: 'GID_billing_5x', topic: 'orders-5x' }, context).catch((e: unknown) => e);

      // Assert
      expect(failure).toBeInstanceOf(UpstreamTimeoutError);
      expect(context.trail.map((a) => a.outcome)).toEqual(['TIMEOUT', 'TIMEOUT']);
      // The SDK's own retry is off: each of our attempts is exactly one request.
      expect(emulator.stats().requests).toBe(2);
    });

    it('succeeds on the retry after one timeout', async () => {
      const { broker, emulator } = await start({ broker: { callTimeoutMs: 200, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 } } });
      emulator.setFault('GetConsumerGroupLag', { latencyMs: 1500, times: 1 });
      const context = ctx();
      await expect(broker.consumerAccumulate({ instanceId: INSTANCE, groupId: 'GID_analytics_5x', topic: 'orders-5x' }, context)).resolves.toMatchObject({ totalDiff: 5210 });
      expect(context.trail.map((a) => a.outcome)).toEqual(['TIMEOUT', 'OK']);
    });
  });

  describe("Given a proxy's HTML 502 page", () => {
    it('retries it as an unavailable upstream', async () => {
      const { broker, emulator } = await start({ broker: { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } } });
      emulator.setFault('ListConsumerConnections', { html502Rate: 1, times: 1 });
      const context = ctx();
      await expect(broker.consumerConnections({ instanceId: INSTANCE, groupId: 'GID_billing_5x', topic: 'orders-5x' }, context)).resolves.toMatchObject({ clients: [{}, {}] });
      expect(context.trail.map((a) => a.outcome)).toEqual(['NON_JSON_BODY', 'OK']);
    });
  });

  describe('Given a deadline that expires', () => {
    it('cuts the call to what is left and does not retry past it', async () => {
      // Arrange
      const { broker, emulator, ref } = await start({ broker: { callTimeoutMs: 5000 } });
      emulator.setFault('GetMessageDetail', { latencyMs: 3000 });
      emulator.setFault('GetTrace', { latencyMs: 3000 });
      const context = ctx(300);

      // Act
      const failure = await broker.messageDetail(ref(1001), context).catch((e: unknown) => e);

      // Assert
      expect(failure).toBeInstanceOf(UpstreamTimeoutError);
      expect(context.trail.filter((a) => a.action === 'GetMessageDetail').map((a) => a.outcome)).toEqual(['TIMEOUT']);
    });

    it('makes no call at all when the deadline has (almost) passed', async () => {
      const { broker, emulator, ref } = await start();
      await expect(broker.consumption(ref(1001), ctx(10))).rejects.toBeInstanceOf(UpstreamTimeoutError);
      expect(emulator.stats().requests).toBe(0);
    });
  });

  describe('Given resources that do not exist', () => {
    it.each([
      ['a topic', { instanceId: INSTANCE, topic: 'no-such-topic', msgId: '0100163E5D0A0112670B212BE0000003E9' }, 'Topic.NotFound'],
      ['an instance', { instanceId: 'rmq-cn-nosuch00001', topic: TOPIC, msgId: '0100163E5D0A0112670B212BE0000003E9' }, 'Instance.NotFound'],
    ])('answers NOT_FOUND with a fixed message for %s', async (_what, message, code) => {
      const { broker } = await start();
      const failure = await broker.consumption(message, ctx()).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(NotFoundError);
      expect((failure as NotFoundError).upstream).toMatchObject({ code, httpStatus: 404 });
      expect((failure as NotFoundError).message).not.toMatch(/cannot be found/);
    });

    it('answers NOT_FOUND for an unknown message and an unknown group', async () => {
      const { broker } = await start();
      await expect(broker.messageDetail({ instanceId: INSTANCE, topic: TOPIC, msgId: '0100163E5D0A0112670B212BE000000FFF' }, ctx())).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
        upstream: { code: 'Message.NotFound' },
      });
      await expect(broker.consumerAccumulate({ instanceId: INSTANCE, groupId: 'GID_nobody', topic: 'orders-5x' }, ctx())).rejects.toMatchObject({
        code: ErrorCode.NOT_FOUND,
        upstream: { code: 'ConsumerGroup.NotFound' },
      });
    });
  });

  describe('Given a role that may not read traces', () => {
    it('fails PERMISSION_DENIED naming the RAM action to grant, without the upstream text', async () => {
      // Arrange
      const { factory, ref } = await start();
      const context = ctx();

      // Act
      const failure = await factory(NO_TRACE).consumption(ref(1001), context).catch((e: unknown) => e);

      // Assert
      expect(failure).toBeInstanceOf(PermissionDeniedError);
      expect((failure as PermissionDeniedError).message).toMatch(/grant rocketmq:GetTrace on acs:rocketmq:/);
      expect((failure as PermissionDeniedError).message).not.toMatch(/not authorized/);
      expect((failure as PermissionDeniedError).upstream).toMatchObject({ action: 'GetTrace', code: 'Forbidden.RAM', httpStatus: 403 });
      expect(context.trail.find((a) => a.action === 'GetTrace')?.outcome).toBe('Forbidden.RAM');
    });
  });

  describe('Given several calls in a row', () => {
    it('sends them all over one kept-alive TCP connection, across Brokers of the factory', async () => {
      // Arrange
      const { factory, emulator } = await start();
      const group = { instanceId: INSTANCE, groupId: 'GID_billing_5x', topic: 'orders-5x' };

      // Act
      await factory(ADMIN).consumerConnections(group, ctx());
      await factory(ADMIN).consumerAccumulate(group, ctx());
      await factory(ADMIN).consumerConnections(group, ctx());
      await factory(ADMIN).pageByTopic({ instanceId: INSTANCE, topic: TOPIC, beginTimeMs: Date.now() - 86_400_000, endTimeMs: Date.now(), currentPage: 1, pageSize: 5 }, ctx());

      // Assert
      expect(emulator.stats().requests).toBe(4);
      expect(emulator.stats().connections).toBe(1);
    });
  });
});
