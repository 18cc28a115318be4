import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { PermissionDeniedError, ThrottledError, UpstreamError, UpstreamTimeoutError } from '../../../../shared/errors';
import { fetchMessageTrace } from '../../../../shared/ons/message-trace';
import { createOnsGateway } from '../../../../shared/ons/ons-gateway';
import { ONS_ACTIONS } from '../../../../shared/ons/actions';
import { createRateLimiter } from '../../../../shared/upstream/rate-limiter';
import { createLimiterRegistry, type RateLimit, type RateLimiterFactory } from '../../../../shared/rate-limits';
import type { UpstreamAttempt } from '../../../../shared/trace/broker-port';
import { buildFakeRpcClientFactory, type ScriptedReply } from '../../../builders/build-fake-rpc-client-factory';
import { buildNetworkError, buildPopCoreApiError, buildPopCoreTimeoutError } from '../../../builders/build-pop-core-error';
import { buildFakeClock } from '../../../builders/fake-clock';

const ENDPOINT = 'https://ons.cn-hangzhou.aliyuncs.com';
const CREDENTIALS = { accessKeyId: 'AK_TEST', accessKeySecret: 'secret-test', securityToken: 'sts-token' };
const QUERY = { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'TopicA', msgId: '1E05791C117818B4AAC23B1BB0CE0001' };

const okBody = (requestId: string, tracks: unknown[] = [{ ConsumerGroup: 'GID_a', TrackType: 'CONSUMED' }]) => ({
  RequestId: requestId,
  HelpUrl: 'https://help',
  Success: true,
  Data: { MessageTrack: tracks },
});

function setup(
  script: ScriptedReply[],
  options: { callTimeoutMs?: number; budgetMs?: number; rateLimit?: { count: number; windowMs: number }; limiters?: RateLimiterFactory } = {},
) {
  const clock = buildFakeClock();
  const fake = buildFakeRpcClientFactory(script, clock.advance);
  const gateway = createOnsGateway({
    endpoint: ENDPOINT,
    clientFactory: fake.factory,
    callTimeoutMs: options.callTimeoutMs ?? 2500,
    // As the composition roots build them, on the fake clock.
    limiters: options.limiters ?? createLimiterRegistry((limit) => createRateLimiter({ ...limit, now: clock.now, sleep: clock.sleep })),
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    ...(options.rateLimit ? { rateLimits: { OnsMessageTrace: options.rateLimit } } : {}),
  });
  const trail: UpstreamAttempt[] = [];
  const ctx = { deadline: createDeadline(options.budgetMs ?? 8000, clock.now), trail };
  return { clock, fake, gateway, trail, ctx };
}

/** The waits `createRateLimiter` itself hands out for `calls` back-to-back acquisitions under `limit`. */
async function limiterWaits(limit: RateLimit, calls: number): Promise<number[]> {
  const clock = buildFakeClock();
  const limiter = createRateLimiter({ ...limit, now: clock.now, sleep: clock.sleep });
  for (let i = 0; i < calls; i++) await limiter.acquire(createDeadline(60_000, clock.now));
  return clock.sleeps;
}

describe('Function: createOnsGateway', () => {
  describe('Given a successful OnsMessageTrace answer', () => {
    it('POSTs the action with the per-call timeout, signed with the given credentials', async () => {
      // Arrange
      const { fake, gateway, ctx } = setup([{ body: okBody('UP-1') }]);

      // Act
      await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      expect(fake.configs).toEqual([{ ...CREDENTIALS, endpoint: ENDPOINT, apiVersion: '2019-02-14' }]);
      expect(fake.requests).toEqual([
        {
          clientIndex: 0,
          action: 'OnsMessageTrace',
          params: { InstanceId: QUERY.instanceId, Topic: QUERY.topic, MsgId: QUERY.msgId },
          options: { method: 'POST', timeout: 2500 },
        },
      ]);
    });

    it('maps tracks, keeping InstanceId and ExceptionDesc only when present', async () => {
      // Arrange
      const { gateway, ctx } = setup([
        {
          body: okBody('UP-1', [
            { ConsumerGroup: 'GID_a', TrackType: 'CONSUMED', InstanceId: QUERY.instanceId },
            { ConsumerGroup: 'GID_b', TrackType: 'NOT_ONLINE', ExceptionDesc: 'offline', InstanceId: '' },
            { ConsumerGroup: 'GID_c', TrackType: 'SOMETHING_NEW' },
          ]),
        },
      ]);

      // Act
      const result = await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      expect(result).toEqual({
        requestId: 'UP-1',
        tracks: [
          { consumerGroup: 'GID_a', trackType: 'CONSUMED', instanceId: QUERY.instanceId },
          { consumerGroup: 'GID_b', trackType: 'NOT_ONLINE', exceptionDesc: 'offline' },
          { consumerGroup: 'GID_c', trackType: 'SOMETHING_NEW' },
        ],
      });
    });

    it.each([
      ['no Data', { RequestId: 'UP-2' }],
      ['Data without MessageTrack', { RequestId: 'UP-2', Data: {} }],
    ])('answers no tracks for %s', async (_label, body) => {
      // Arrange
      const { gateway, ctx } = setup([{ body }]);

      // Act
      const result = await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      expect(result).toEqual({ requestId: 'UP-2', tracks: [] });
    });

    it('accepts json-bigint’s null-prototype objects', async () => {
      // Arrange
      const track = Object.assign(Object.create(null) as object, { ConsumerGroup: 'GID_a', TrackType: 'CONSUMED' });
      const data = Object.assign(Object.create(null) as object, { MessageTrack: [track] });
      const body = Object.assign(Object.create(null) as object, { RequestId: 'UP-NP', Data: data });
      const { gateway, ctx } = setup([{ body }]);

      // Act
      const result = await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      expect(result).toEqual({ requestId: 'UP-NP', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] });
    });

    it('records one OK attempt with the request id and latency', async () => {
      // Arrange
      const { gateway, ctx, trail } = setup([{ body: okBody('UP-1'), advanceMs: 120 }]);

      // Act
      await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      expect(trail).toEqual([{ action: 'OnsMessageTrace', attempt: 1, outcome: 'OK', requestId: 'UP-1', latencyMs: 120 }]);
    });
  });

  describe('Given a parameter that is undefined', () => {
    it('strips it instead of sending "undefined"', async () => {
      // Arrange
      const { fake, gateway, ctx } = setup([{ body: okBody('UP-1') }]);
      const query = { ...QUERY, instanceId: undefined as unknown as string };

      // Act
      await fetchMessageTrace(gateway.callerFor(CREDENTIALS), query, ctx);

      // Assert
      expect(fake.requests[0]?.params).toEqual({ Topic: QUERY.topic, MsgId: QUERY.msgId });
      expect(Object.keys(fake.requests[0]?.params ?? {})).not.toContain('InstanceId');
    });
  });

  describe('Given ONS throttles once, then answers', () => {
    it('retries after a jittered backoff and records both attempts', async () => {
      // Arrange
      const { fake, gateway, ctx, trail, clock } = setup([
        { error: buildPopCoreApiError({ code: 'Throttling.User', requestId: 'UP-THROTTLED' }), advanceMs: 30 },
        { body: okBody('UP-OK'), advanceMs: 40 },
      ]);

      // Act
      const result = await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      expect(result.requestId).toBe('UP-OK');
      expect(fake.requests).toHaveLength(2);
      expect(fake.configs).toHaveLength(1);
      expect(clock.sleeps).toContain(50);
      expect(trail).toEqual([
        { action: 'OnsMessageTrace', attempt: 1, outcome: 'Throttling.User', throttled: true, requestId: 'UP-THROTTLED', latencyMs: 30 },
        { action: 'OnsMessageTrace', attempt: 2, outcome: 'OK', requestId: 'UP-OK', latencyMs: 40 },
      ]);
    });
  });

  describe('Given an attempt ONS answers with a throttling code', () => {
    it.each(['Throttling.User', 'Throttling.Api', 'ONS_SYSTEM_FLOW_CONTROL'])('flags the %s attempt as throttled, and only that one', async (code) => {
      // Arrange
      const { gateway, ctx, trail } = setup([{ error: buildPopCoreApiError({ code, requestId: 'UP-SLOW' }) }, { body: okBody('UP-OK') }]);

      // Act
      await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      expect(trail.map((a) => [a.outcome, a.throttled])).toEqual([
        [code, true],
        ['OK', undefined],
      ]);
      expect(trail[1]).not.toHaveProperty('throttled');
    });
  });

  describe('Given transport failures that may be retried', () => {
    it.each([
      ['a read timeout', buildPopCoreTimeoutError(), 'TIMEOUT'],
      ['a reset connection', buildNetworkError('ECONNRESET'), 'ECONNRESET'],
      ['ServiceUnavailable', buildPopCoreApiError({ code: 'ServiceUnavailable', requestId: 'UP-503' }), 'ServiceUnavailable'],
    ])('retries after %s', async (_label, error, outcome) => {
      // Arrange
      const { gateway, ctx, trail } = setup([{ error }, { body: okBody('UP-OK') }]);

      // Act
      const result = await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      expect(result.requestId).toBe('UP-OK');
      expect(trail.map((a) => a.outcome)).toEqual([outcome, 'OK']);
    });
  });

  describe('Given ONS keeps throttling', () => {
    it('stops after the policy’s attempts with ThrottledError', async () => {
      // Arrange
      const throttle = () => ({ error: buildPopCoreApiError({ code: 'Throttling.User' }) });
      const { fake, gateway, ctx, trail } = setup([throttle(), throttle(), throttle(), throttle()]);

      // Act
      const call = fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      await expect(call).rejects.toThrow(ThrottledError);
      expect(fake.requests).toHaveLength(3);
      expect(trail.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(trail.map((a) => a.throttled)).toEqual([true, true, true]);
    });
  });

  describe('Given the role lacks permission (Forbidden.RAM)', () => {
    it('fails at once with PermissionDeniedError carrying the upstream request id', async () => {
      // Arrange
      const { fake, gateway, ctx, trail } = setup([
        { error: buildPopCoreApiError({ code: 'Forbidden.RAM', requestId: 'UP-403', statusCode: 403 }) },
        { body: okBody('never') },
      ]);

      // Act
      const call = fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      await expect(call).rejects.toThrow(PermissionDeniedError);
      await expect(call).rejects.toMatchObject({
        code: 'PERMISSION_DENIED',
        upstream: { action: 'OnsMessageTrace', code: 'Forbidden.RAM', requestId: 'UP-403', httpStatus: 403 },
      });
      expect(fake.requests).toHaveLength(1);
      expect(trail).toEqual([{ action: 'OnsMessageTrace', attempt: 1, outcome: 'Forbidden.RAM', requestId: 'UP-403', latencyMs: 0 }]);
    });
  });

  describe('Given a success body without the documented shape', () => {
    it.each([
      ['no RequestId', { Data: { MessageTrack: [] } }, undefined],
      ['a track without TrackType', { RequestId: 'UP-BAD', Data: { MessageTrack: [{ ConsumerGroup: 'GID_a' }] } }, 'UP-BAD'],
      ['MessageTrack as an object', { RequestId: 'UP-BAD', Data: { MessageTrack: { ConsumerGroup: 'GID_a' } } }, 'UP-BAD'],
      ['null', null, undefined],
    ])('rejects %s with UpstreamError and no retry', async (_label, body, requestId) => {
      // Arrange
      const { fake, gateway, ctx, trail } = setup([{ body }, { body: okBody('never') }]);

      // Act
      const call = fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      await expect(call).rejects.toThrow(UpstreamError);
      await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_FAILED', message: 'OnsMessageTrace: the response did not have the documented shape' });
      expect(fake.requests).toHaveLength(1);
      expect(trail).toEqual([
        { action: 'OnsMessageTrace', attempt: 1, outcome: 'MALFORMED_RESPONSE', ...(requestId ? { requestId } : {}), latencyMs: 0 },
      ]);
    });
  });

  describe('Given a deadline shorter than the configured call timeout', () => {
    it('shrinks the per-call timeout to what is left', async () => {
      // Arrange
      const { fake, gateway, ctx } = setup([{ body: okBody('UP-1') }], { callTimeoutMs: 2500, budgetMs: 1000 });

      // Act
      await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      expect(fake.requests[0]?.options).toEqual({ method: 'POST', timeout: 1000 });
    });

    it('shrinks the retry’s timeout by the time already spent', async () => {
      // Arrange: the first attempt takes 300 ms, the backoff 50 ms, of a 1000 ms budget.
      const { fake, gateway, ctx } = setup(
        [{ error: buildPopCoreTimeoutError(), advanceMs: 300 }, { body: okBody('UP-1') }],
        { callTimeoutMs: 2500, budgetMs: 1000 },
      );

      // Act
      await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      expect(fake.requests.map((r) => r.options.timeout)).toEqual([1000, 650]);
    });

    it('fails with UpstreamTimeoutError without calling when less than 50 ms is left', async () => {
      // Arrange
      const { fake, gateway, ctx } = setup([{ body: okBody('never') }], { budgetMs: 49 });

      // Act
      const call = fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      await expect(call).rejects.toThrow(UpstreamTimeoutError);
      expect(fake.requests).toHaveLength(0);
    });
  });

  describe('Given the local rate limit', () => {
    it('waits for a slot between calls that exceed it', async () => {
      // Arrange
      const { gateway, ctx, clock } = setup([{ body: okBody('UP-1') }, { body: okBody('UP-2') }], {
        rateLimit: { count: 1, windowMs: 1000 },
      });
      const caller = gateway.callerFor(CREDENTIALS);

      // Act
      await fetchMessageTrace(caller, QUERY, ctx);
      await fetchMessageTrace(caller, QUERY, ctx);

      // Assert: the limiter's own waits, the second a full window or more after the first.
      expect(clock.sleeps).toEqual(await limiterWaits({ count: 1, windowMs: 1000 }, 2));
      expect(clock.sleeps[1]).toBeGreaterThanOrEqual(1000);
    });

    it('fails with ThrottledError without calling when no slot fits the deadline', async () => {
      // Arrange
      const { fake, gateway, ctx } = setup([{ body: okBody('UP-1') }, { body: okBody('never') }], {
        rateLimit: { count: 1, windowMs: 1000 },
        budgetMs: 800,
      });
      const caller = gateway.callerFor(CREDENTIALS);
      await fetchMessageTrace(caller, QUERY, ctx);

      // Act
      const second = fetchMessageTrace(caller, QUERY, ctx);

      // Assert
      await expect(second).rejects.toThrow(ThrottledError);
      expect(fake.requests).toHaveLength(1);
    });

    it('shares one limiter across credential sets', async () => {
      // Arrange
      const { gateway, ctx, clock, fake } = setup([{ body: okBody('UP-1') }, { body: okBody('UP-2') }], {
        rateLimit: { count: 1, windowMs: 1000 },
      });

      // Act
      await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);
      await fetchMessageTrace(gateway.callerFor({ accessKeyId: 'AK_OTHER', accessKeySecret: 'other' }), QUERY, ctx);

      // Assert
      expect(clock.sleeps).toEqual(await limiterWaits({ count: 1, windowMs: 1000 }, 2));
      expect(clock.sleeps[1]).toBeGreaterThanOrEqual(1000);
      expect(fake.configs.map((c) => c.accessKeyId)).toEqual(['AK_TEST', 'AK_OTHER']);
    });
  });

  describe('Given the injected limiter factory', () => {
    it('asks it for each action under its ons-4x key, with the documented limit unless overridden and the signing key, before each call', async () => {
      // Arrange
      const asked: Array<[string, RateLimit, unknown]> = [];
      const limiters: RateLimiterFactory = (key, limit, account) => {
        asked.push([key, limit, account]);
        return { acquire: async () => undefined };
      };
      const { gateway, ctx } = setup([{ body: okBody('UP-1') }, { body: { RequestId: 'UP-2' } }], { limiters, rateLimit: { count: 3, windowMs: 1000 } });

      // Act
      await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);
      await gateway.callerFor(CREDENTIALS).call('OnsConsumerStatus', { GroupId: 'GID_a' }, z.object({ RequestId: z.string() }), ctx);

      // Assert
      // The account's budget is keyed from the AccessKey ID (only the ID: never the secret).
      expect(asked).toEqual([
        ['ons-4x:OnsMessageTrace', { count: 3, windowMs: 1000 }, { accessKeyId: CREDENTIALS.accessKeyId }],
        ['ons-4x:OnsConsumerStatus', ONS_ACTIONS.OnsConsumerStatus.rateLimit, { accessKeyId: CREDENTIALS.accessKeyId }],
      ]);
    });

    it('makes no call and records no attempt when the limiter refuses', async () => {
      // Arrange
      const limiters: RateLimiterFactory = () => ({
        acquire: () => Promise.reject(new ThrottledError('local rate limit: no slot before the deadline', 1)),
      });
      const { fake, gateway, ctx, trail } = setup([{ body: okBody('never') }], { limiters });

      // Act
      const call = fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);

      // Assert
      await expect(call).rejects.toThrow(ThrottledError);
      await expect(call).rejects.toMatchObject({ upstream: undefined });
      expect(fake.requests).toEqual([]);
      expect(trail).toEqual([]);
    });
  });

  describe('Given callerFor is called per invocation with the same credentials', () => {
    it('reuses one pop-core client', async () => {
      // Arrange
      const { fake, gateway, ctx } = setup([{ body: okBody('UP-1') }, { body: okBody('UP-2') }]);

      // Act
      await fetchMessageTrace(gateway.callerFor(CREDENTIALS), QUERY, ctx);
      await fetchMessageTrace(gateway.callerFor({ ...CREDENTIALS }), QUERY, ctx);

      // Assert
      expect(fake.configs).toHaveLength(1);
      expect(fake.requests.map((r) => r.clientIndex)).toEqual([0, 0]);
    });
  });
});

describe('Function: createOnsGateway().callerFor', () => {
  describe('Given a raw call with its own response schema', () => {
    it('signs, strips undefined params, validates with that schema and records the attempt', async () => {
      // Arrange
      const { fake, gateway, ctx, trail } = setup([{ body: { RequestId: 'UP-RAW', Extra: 7 } }]);
      const schema = z.object({ RequestId: z.string(), Extra: z.number() });

      // Act
      const body = await gateway.callerFor(CREDENTIALS).call('OnsMessageTrace', { Topic: 'TopicA', MsgId: undefined }, schema, ctx);

      // Assert
      expect(body).toEqual({ RequestId: 'UP-RAW', Extra: 7 });
      expect(fake.requests.map((r) => r.params)).toEqual([{ Topic: 'TopicA' }]);
      expect(trail.map((a) => [a.outcome, a.requestId])).toEqual([['OK', 'UP-RAW']]);
    });
  });
});
