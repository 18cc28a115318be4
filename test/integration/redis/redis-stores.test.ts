import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../local/redis/redis-server';
import { createDeadline } from '../../../shared/deadline';
import { AppError } from '../../../shared/errors';
import { createMemoryIdempotencyStore } from '../../../shared/idempotency';
import { createRedisIdempotencyStore } from '../../../shared/redis/redis-idempotency';
import { createRedisStatePort } from '../../../shared/redis/redis-state-port';
import { createRedisVerdictCache } from '../../../shared/redis/redis-verdict-cache';
import { emptyState, type SpotCheckState } from '../../../shared/spot-check/state-port';
import { createMemoryVerdictCache, type VerdictCacheKey } from '../../../shared/trace/verdict-cache';
import { buildTraceReport } from '../../builders/build-trace-report';
import { buildInstanceRedis, eventually, inspector, type TestInstance } from './redis-harness';

const SLACK_KEY = 'slack:1700000000.738474920.8088930838d88f008e0';

describe('Redis adapters of the idempotency store, the verdict cache and the spot-check state', () => {
  let server: RedisServer;
  let look: Redis;
  const instances: TestInstance[] = [];
  const instance = async () => {
    const built = await buildInstanceRedis(server.url, { reconnectMs: 100 });
    instances.push(built);
    return built;
  };

  beforeAll(async () => {
    server = await startRedisServer();
    look = inspector(server.url);
  });
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => i.redis.close()));
    if (!server.running()) await server.start();
    await look.flushall();
  });
  afterAll(async () => {
    look?.disconnect();
    await server?.stop();
  });

  describe('Function: createRedisIdempotencyStore', () => {
    const storeOn = (i: TestInstance) => createRedisIdempotencyStore(i.redis, createMemoryIdempotencyStore({ maxEntries: 100, now: Date.now }));

    it('lets exactly one of two instances claim a delivery that reaches both at once', async () => {
      // Arrange
      const [a, b] = [storeOn(await instance()), storeOn(await instance())];

      // Act
      const claims = await Promise.all([a.claim(SLACK_KEY, 60_000), b.claim(SLACK_KEY, 60_000)]);

      // Assert
      expect(claims.sort()).toEqual([false, true]);
    });

    it('stores a hash of the key, never the trigger_id itself, for the TTL', async () => {
      // Arrange
      const store = storeOn(await instance());

      // Act
      await store.claim(SLACK_KEY, 60_000);

      // Assert
      const keys = await look.keys('*');
      expect(keys).toEqual([expect.stringMatching(/^test:idem:[0-9a-f]{64}$/)]);
      expect(keys[0]).not.toContain('1700000000');
      expect(await look.pttl(keys[0] as string)).toBeGreaterThan(59_000);
    });

    it('lets any instance claim a key again once it was released, or once its TTL has passed', async () => {
      // Arrange
      const [a, b] = [storeOn(await instance()), storeOn(await instance())];
      await a.claim('job:released', 60_000);
      await a.claim('job:short', 150);

      // Act
      await a.release('job:released');
      const afterRelease = await b.claim('job:released', 60_000);
      await eventually(async () => (await look.keys('test:idem:*')).length === 1, 5000, 'the short claim to expire');
      const afterExpiry = await b.claim('job:short', 150);

      // Assert
      expect([afterRelease, afterExpiry]).toEqual([true, true]);
    });

    it('still refuses a duplicate on the same instance while Redis is down, and one claimed before the outage after it', async () => {
      // Arrange
      const a = storeOn(await instance());
      await a.claim('slack:before', 60_000);
      await server.stop({ hard: true });

      // Act
      const during = [await a.claim('slack:during', 60_000), await a.claim('slack:during', 60_000)];
      const beforeAgain = await a.claim('slack:before', 60_000);

      // Assert
      expect(during).toEqual([true, false]);
      expect(beforeAgain).toBe(false);
    });
  });

  describe('Function: createRedisVerdictCache', () => {
    const KEY: VerdictCacheKey = { account: 'acct:1', instanceId: 'MQ_INST_1_x', topic: 't', msgId: 'M', variant: 'plain/now' };
    const cacheOn = (i: TestInstance, now: () => number = Date.now) => createRedisVerdictCache(i.redis, createMemoryVerdictCache({ maxEntries: 10, now }), now);

    it('serves on one instance what another cached, until it expires', async () => {
      // Arrange
      const [a, b] = [cacheOn(await instance()), cacheOn(await instance())];
      const report = await buildTraceReport([{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }]);
      const cachedAt = Date.now();

      // Act
      await a.set(KEY, { report, cachedAt, expiresAt: cachedAt + 60_000 });
      const found = await b.get(KEY);
      const otherVariant = await b.get({ ...KEY, variant: 'explain/now' });

      // Assert
      expect(found).toEqual({ report, cachedAt, expiresAt: cachedAt + 60_000 });
      expect(otherVariant).toBeUndefined();
      const [key] = await look.keys('test:verdict:*');
      expect(key).toMatch(/^test:verdict:[0-9a-f]{64}$/);
      expect(await look.pttl(key as string)).toBeGreaterThan(59_000);
    });

    it('treats an entry that is not a report as a miss', async () => {
      // Arrange
      const a = cacheOn(await instance());
      const cachedAt = Date.now();
      await a.set(KEY, { report: await buildTraceReport([{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }]), cachedAt, expiresAt: cachedAt + 60_000 });
      const [key] = await look.keys('test:verdict:*');
      await look.set(key as string, '{"cachedAt":1,"expiresAt":99999999999999,"report":{"verdict":"CONSUMED"}}');

      // Act
      const found = await cacheOn(await instance()).get(KEY);

      // Assert
      expect(found).toBeUndefined();
    });

    it('answers from its own memory while Redis is down', async () => {
      // Arrange
      const a = cacheOn(await instance());
      await server.stop({ hard: true });
      const cachedAt = Date.now();

      // Act
      await a.set(KEY, { report: await buildTraceReport([{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }]), cachedAt, expiresAt: cachedAt + 60_000 });
      const found = await a.get(KEY);

      // Assert
      expect(found?.cachedAt).toBe(cachedAt);
    });
  });

  describe('Function: createRedisStatePort', () => {
    it('loads an empty state before the first save, then what was saved, from any instance', async () => {
      // Arrange
      const [a, b] = [await instance(), await instance()];
      const now = Date.parse('2025-10-25T04:00:00.000Z');
      const portA = createRedisStatePort({ redis: a.redis, now: () => now });
      const portB = createRedisStatePort({ redis: b.redis, now: () => now });
      const state: SpotCheckState = {
        ...emptyState(now),
        checks: { orders: { status: 'FAILING', since: '2025-10-25T03:50:00.000Z', failed: 2, alerts: { dingtalk: { at: '2025-10-25T03:50:00.000Z', failed: 2 } }, updatedAt: '2025-10-25T04:00:00.000Z' } },
      };

      // Act
      const before = await portA.load(createDeadline(1000));
      await portA.save(state, createDeadline(1000));
      const after = await portB.load(createDeadline(1000));

      // Assert
      expect(portA.kind).toBe('redis');
      expect(before).toEqual(emptyState(now));
      expect(after).toEqual(state);
      expect(await look.keys('*')).toEqual(['test:spot-check:state']);
    });

    it('rejects with an AppError, and saves nothing, when Redis is down', async () => {
      // Arrange
      const port = createRedisStatePort({ redis: (await instance()).redis, now: Date.now });
      await server.stop({ hard: true });

      // Act
      const load = await port.load(createDeadline(1000)).catch((error: unknown) => error);
      const save = await port.save(emptyState(Date.now()), createDeadline(1000)).catch((error: unknown) => error);

      // Assert
      expect(load).toBeInstanceOf(AppError);
      expect(save).toBeInstanceOf(AppError);
      expect((save as AppError).message).not.toContain('127.0.0.1');
    });
  });
});
