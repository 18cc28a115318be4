import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../local/redis/redis-server';
import { createAccountScope } from '../../../shared/account-scope';
import { createDeadline } from '../../../shared/deadline';
import { ThrottledError } from '../../../shared/errors';
import { createLimiterRegistry, type RateLimit, type RateLimiterFactory } from '../../../shared/rate-limits';
import { createRedisLimiterFactory } from '../../../shared/redis/redis-rate-limiter';
import type { SharedRedis } from '../../../shared/redis/shared-redis';
import { createRateLimiter } from '../../../shared/upstream/rate-limiter';
import { buildInstanceRedis, eventually, inspector, type TestInstance } from './redis-harness';
import { startTcpDelayProxy } from './tcp-delay-proxy';

const ACCOUNT = createAccountScope('1234567890123456');
const TRACE = 'ons-4x:OnsMessageTrace';
// A window far longer than any test: nothing refills while one runs, so counts are exact.
const SLOW_LIMIT: RateLimit = { count: 10, windowMs: 60_000 };
const SIGNER = { accessKeyId: 'STS.test-instance-key' };

interface Fleet {
  factories: RateLimiterFactory[];
  instances: TestInstance[];
  /** Grants the per-instance fallbacks gave, per instance. */
  fallbackGrants: number[];
  /** Each instance's waits, as its limiter asked to sleep. */
  waits: number[][];
}

/** `n` simulated instances, each with its own connection, fallback limiters and (fake) sleep. */
async function buildFleet(url: string, n: number, options: { prefix?: string; timeoutMs?: number; reconnectMs?: number } = {}): Promise<Fleet> {
  const fleet: Fleet = { factories: [], instances: [], fallbackGrants: [], waits: [] };
  for (let i = 0; i < n; i++) {
    const instance = await buildInstanceRedis(url, options);
    const local = createLimiterRegistry((limit) => createRateLimiter(limit));
    fleet.fallbackGrants.push(0);
    fleet.waits.push([]);
    fleet.instances.push(instance);
    fleet.factories.push(
      createRedisLimiterFactory({
        redis: instance.redis,
        accountScope: ACCOUNT,
        fallback: (key, limit, account) => {
          const limiter = local(key, limit, account);
          return {
            async acquire(deadline) {
              await limiter.acquire(deadline);
              fleet.fallbackGrants[i] = (fleet.fallbackGrants[i] ?? 0) + 1;
            },
          };
        },
        sleep: async (ms) => void fleet.waits[i]?.push(ms),
      }),
    );
  }
  return fleet;
}

const closeFleet = (fleet: Fleet | undefined) => Promise.all((fleet?.instances ?? []).map((i) => i.redis.close()));

/** Outcomes of `perInstance` acquires on each instance at once, with `budgetMs` left of each deadline. */
async function burst(fleet: Fleet, perInstance: number, budgetMs: number, limit = SLOW_LIMIT, key = TRACE) {
  const outcomes = await Promise.all(
    fleet.factories.flatMap((factory) =>
      Array.from({ length: perInstance }, () =>
        factory(key, limit, SIGNER)
          .acquire(createDeadline(budgetMs))
          .then(
            () => 'granted' as const,
            (error: unknown) => {
              if (error instanceof ThrottledError) return 'throttled' as const;
              throw error;
            },
          ),
      ),
    ),
  );
  return { granted: outcomes.filter((o) => o === 'granted').length, throttled: outcomes.filter((o) => o === 'throttled').length };
}

describe('Shared rate limit (createRedisLimiterFactory) on a real redis-server', () => {
  let server: RedisServer;
  let look: Redis;
  let fleet: Fleet | undefined;

  beforeAll(async () => {
    server = await startRedisServer();
    look = inspector(server.url);
  });
  afterEach(async () => {
    await closeFleet(fleet);
    fleet = undefined;
    if (!server.running()) await server.start();
    await look.flushall();
  });
  afterAll(async () => {
    look?.disconnect();
    await server?.stop();
  });

  describe('Given four instances of one account bursting at once', () => {
    it('grants the account’s one budget of 10 in all, and refuses the rest at once when no one can wait', async () => {
      // Arrange
      fleet = await buildFleet(server.url, 4);

      // Act: 4 × 5 callers, none of which can wait
      const result = await burst(fleet, 5, 0);

      // Assert
      expect(result).toEqual({ granted: 10, throttled: 10 });
      expect(fleet.fallbackGrants).toEqual([0, 0, 0, 0]);
    });

    it('is the documented bound without Redis: each per-instance limiter grants its own 10', async () => {
      // Arrange: the same four instances' fallbacks, as they run with MQTRACE_REDIS_URL unset
      const locals = Array.from({ length: 4 }, () => createLimiterRegistry((limit) => createRateLimiter(limit)));

      // Act
      const outcomes = await Promise.allSettled(locals.flatMap((f) => Array.from({ length: 5 }, () => f(TRACE, SLOW_LIMIT).acquire(createDeadline(0)))));

      // Assert: 20 calls in one window, twice the account's budget
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(20);
    });

    it('keeps separate budgets for separate accounts and separate actions', async () => {
      // Arrange
      fleet = await buildFleet(server.url, 2);
      const other = createRedisLimiterFactory({
        redis: (fleet.instances[1] as TestInstance).redis,
        accountScope: createAccountScope('6543210987654321'),
        fallback: createLimiterRegistry((limit) => createRateLimiter(limit)),
        sleep: async () => undefined,
      });

      // Act
      const first = await burst(fleet, 10, 0);
      const otherAccount = await Promise.allSettled(Array.from({ length: 10 }, () => other(TRACE, SLOW_LIMIT, SIGNER).acquire(createDeadline(0))));
      const otherAction = await burst(fleet, 5, 0, SLOW_LIMIT, 'rocketmq-5x:GetTrace');

      // Assert
      expect(first).toEqual({ granted: 10, throttled: 10 });
      expect(otherAccount.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
      expect(otherAction).toEqual({ granted: 10, throttled: 0 });
    });

    it('keys by the account, not by each instance’s own STS AccessKey ID', async () => {
      // Arrange: two instances whose STS keys differ, as FC hands each its own
      fleet = await buildFleet(server.url, 2);
      const [a, b] = fleet.factories as [RateLimiterFactory, RateLimiterFactory];

      // Act
      const outcomes = await Promise.allSettled([
        ...Array.from({ length: 10 }, () => a(TRACE, SLOW_LIMIT, { accessKeyId: 'STS.key-of-instance-a' }).acquire(createDeadline(0))),
        ...Array.from({ length: 10 }, () => b(TRACE, SLOW_LIMIT, { accessKeyId: 'STS.key-of-instance-b' }).acquire(createDeadline(0))),
      ]);

      // Assert
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
      const keys = await look.keys('*');
      expect(keys).toEqual(['test:rl:{acct:1234567890123456:ons-4x:OnsMessageTrace}']);
      expect(keys.join()).not.toContain('STS.');
    });

    it('keeps deployments with different key prefixes apart', async () => {
      // Arrange
      fleet = await buildFleet(server.url, 1, { prefix: 'blue:' });
      const green = await buildFleet(server.url, 1, { prefix: 'green:' });

      try {
        // Act
        const blue = await burst(fleet, 10, 0);
        const greens = await burst(green, 10, 0);

        // Assert
        expect([blue.granted, greens.granted]).toEqual([10, 10]);
      } finally {
        await closeFleet(green);
      }
    });
  });

  describe('Given callers that can wait', () => {
    it('gives each one a slot in turn, a window after the burst, spread across the instances', async () => {
      // Arrange: 10 per second; two instances, 7 callers each, 3 s of deadline
      fleet = await buildFleet(server.url, 2);

      // Act
      const result = await burst(fleet, 7, 3000, { count: 10, windowMs: 1000 });

      // Assert: 10 at once, the 4 others a window later (sleeps are recorded, not slept)
      expect(result).toEqual({ granted: 14, throttled: 0 });
      const waits = fleet.waits.flat().sort((x, y) => x - y);
      expect(waits.slice(0, 10).every((w) => w === 0)).toBe(true);
      expect(waits.slice(10).every((w) => w > 900 && w <= 1000)).toBe(true);
    });

    it('refuses with ThrottledError, reserving nothing, when the slot would come after the deadline', async () => {
      // Arrange
      fleet = await buildFleet(server.url, 1);
      const limiter = (fleet.factories[0] as RateLimiterFactory)(TRACE, { count: 2, windowMs: 10_000 }, SIGNER);
      await limiter.acquire(createDeadline(0));
      await limiter.acquire(createDeadline(0));
      const before = await look.get('test:rl:{acct:1234567890123456:ons-4x:OnsMessageTrace}');

      // Act
      const refusal = await limiter.acquire(createDeadline(5000)).catch((error: unknown) => error);

      // Assert: the next slot is ~10 s away; Retry-After says so and the state is unchanged
      expect(refusal).toBeInstanceOf(ThrottledError);
      expect((refusal as ThrottledError).retryAfterSeconds).toBe(10);
      expect(await look.get('test:rl:{acct:1234567890123456:ons-4x:OnsMessageTrace}')).toBe(before);
    });
  });

  describe('Given instances whose clocks disagree by minutes', () => {
    it('still shares one budget: every reservation is made on the Redis server’s clock', async () => {
      // Arrange: the instances' deadlines come from clocks 5 minutes apart
      fleet = await buildFleet(server.url, 2);
      const [ahead, behind] = fleet.factories as [RateLimiterFactory, RateLimiterFactory];
      const aheadNow = () => Date.now() + 300_000;
      const behindNow = () => Date.now() - 300_000;

      // Act
      const outcomes = await Promise.allSettled([
        ...Array.from({ length: 8 }, () => ahead(TRACE, SLOW_LIMIT, SIGNER).acquire(createDeadline(0, aheadNow))),
        ...Array.from({ length: 8 }, () => behind(TRACE, SLOW_LIMIT, SIGNER).acquire(createDeadline(0, behindNow))),
      ]);

      // Assert
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    });
  });

  describe('Given an idle limiter', () => {
    it('lets its key expire once the budget would be full again, and then grants a whole burst', async () => {
      // Arrange: 2 per 100 ms; the key lives the window, the cold-start margin and 1 s more
      fleet = await buildFleet(server.url, 1);
      const limiter = (fleet.factories[0] as RateLimiterFactory)(TRACE, { count: 2, windowMs: 100 }, SIGNER);
      const key = 'test:rl:{acct:1234567890123456:ons-4x:OnsMessageTrace}';
      await limiter.acquire(createDeadline(0));
      await limiter.acquire(createDeadline(0));
      const ttl = await look.pttl(key);

      // Act
      await eventually(async () => (await look.exists(key)) === 0, 5000, 'the limiter key to expire');
      const again = await burst(fleet, 2, 0, { count: 2, windowMs: 100 });

      // Assert
      expect(ttl).toBeGreaterThan(1000);
      expect(ttl).toBeLessThanOrEqual(100 + 301 + 1000 + 1);
      expect(again).toEqual({ granted: 2, throttled: 0 });
    });
  });

  describe('Given Redis is killed and restarted mid-test', () => {
    it('falls back to the per-instance limiter while it is gone, never failing a caller, and shares again once it is back', async () => {
      // Arrange
      fleet = await buildFleet(server.url, 2, { reconnectMs: 100 });
      const shared = await burst(fleet, 3, 0);

      // Act: kill it (as a crash would) and burst again
      await server.stop({ hard: true });
      const during = await burst(fleet, 3, 0);
      const statusDuring = fleet.instances.map((i) => i.redis.status());
      await server.start();
      await eventually(() => fleet?.instances.every((i) => i.redis.status() === 'up') ?? false, 10_000, 'both instances to reconnect');
      const after = await burst(fleet, 6, 0);

      // Assert
      expect(shared).toEqual({ granted: 6, throttled: 0 });
      expect(during).toEqual({ granted: 6, throttled: 0 });
      expect(statusDuring).toEqual(['down', 'down']);
      expect(fleet.fallbackGrants.reduce((a, b) => a + b)).toBe(6);
      // The restarted server is empty: a fresh budget of 10, shared again.
      expect(after).toEqual({ granted: 10, throttled: 2 });
      for (const instance of fleet.instances) {
        expect(instance.log.lines.filter((l) => l.event === 'redis.unavailable')).toHaveLength(1);
        expect(instance.log.lines.filter((l) => l.event === 'redis.recovered')).toHaveLength(1);
      }
    });
  });

  describe('Given a slow Redis (a proxy adds 300 ms each way)', () => {
    it('waits one timeout, then leaves Redis alone and uses the per-instance limiter until a probe answers in time', async () => {
      // Arrange
      const proxy = await startTcpDelayProxy({ host: '127.0.0.1', port: server.port }, 0);
      try {
        fleet = await buildFleet(proxy.url, 1, { timeoutMs: 100, reconnectMs: 300 });
        const redis = (fleet.instances[0] as TestInstance).redis as SharedRedis;
        await burst(fleet, 1, 0);
        proxy.setLatency(300);

        // Act: the first caller meets the timeout; the 19 after it must not touch Redis at all
        const first = await burst(fleet, 1, 0);
        const chunksAfterTimeout = proxy.clientChunks();
        const rest = await burst(fleet, 19, 0);
        const chunksAfterRest = proxy.clientChunks();
        proxy.setLatency(0);
        await eventually(() => redis.status() === 'up', 10_000, 'the probe to close the circuit');

        // Assert
        expect(first).toEqual({ granted: 1, throttled: 0 });
        expect(rest).toEqual({ granted: 9, throttled: 10 });
        expect(chunksAfterRest - chunksAfterTimeout).toBeLessThanOrEqual(1);
        expect(fleet.fallbackGrants).toEqual([10]);
        expect((fleet.instances[0] as TestInstance).log.lines.find((l) => l.event === 'redis.unavailable')).toMatchObject({ reason: 'timeout' });
      } finally {
        await proxy.close();
      }
    });
  });

  describe('Given Redis failing over and over within a minute', () => {
    it('logs one warning per instance per minute, and counts the failures it did not log', async () => {
      // Arrange: an instance clock the test moves
      let now = 1_000_000;
      const instance = await buildInstanceRedis(server.url, { reconnectMs: 50, now: () => now });
      fleet = { factories: [], instances: [instance], fallbackGrants: [], waits: [] };
      const outage = async () => {
        await server.stop({ hard: true });
        await instance.redis.attempt((r) => r.ping());
        await server.start();
        await eventually(() => instance.redis.status() === 'up', 10_000, 'the reconnect');
      };

      // Act: two outages within a minute, a third a minute later
      await outage();
      now += 20_000;
      await outage();
      now += 60_000;
      await outage();

      // Assert
      const warnings = instance.log.lines.filter((l) => l.event === 'redis.unavailable');
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatchObject({ reason: expect.stringMatching(/^(?:connection|timeout)$/) });
      // The outage it did not warn about is counted on the line that says Redis is back.
      const recoveries = instance.log.lines.filter((l) => l.event === 'redis.recovered');
      expect(recoveries.map((l) => l.failuresSinceWarning)).toEqual([undefined, 1, undefined]);
    });
  });
});
