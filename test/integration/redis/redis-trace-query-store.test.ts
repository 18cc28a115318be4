import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../local/redis/redis-server';
import { createRedisTraceQueryStore } from '../../../shared/redis/redis-trace-query-store';
import { createMemoryTraceQueryStore } from '../../../shared/trace-query-store';
import { buildInstanceRedis, inspector, type TestInstance } from './redis-harness';

const KEY = 'ons-4x|MQ_INST_1234567890123456_BXdemo01|orders|0A000C2435F118B4AAC2452C4E120104';
const RECORD = { queryId: '12345678901234561764662400000', createdAtMs: 1_764_662_400_000 };

describe('Function: createRedisTraceQueryStore', () => {
  let server: RedisServer;
  let look: Redis;
  const instances: TestInstance[] = [];
  const storeOnNewInstance = async () => {
    const built = await buildInstanceRedis(server.url, { reconnectMs: 100 });
    instances.push(built);
    return createRedisTraceQueryStore(built.redis, createMemoryTraceQueryStore({ maxEntries: 10, now: Date.now }));
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

  it('hands a trace task kept by one instance to another, so a second look creates no task', async () => {
    // Arrange
    const [a, b] = [await storeOnNewInstance(), await storeOnNewInstance()];

    // Act
    await a.put(KEY, RECORD, 300_000);

    // Assert
    expect(await b.get(KEY)).toEqual(RECORD);
  });

  it('keeps a hash of the message key, for the TTL it was given', async () => {
    // Arrange
    const store = await storeOnNewInstance();

    // Act
    await store.put(KEY, RECORD, 300_000);

    // Assert
    const keys = await look.keys('*');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^test:traceq:[0-9a-f]{64}$/);
    expect(keys[0]).not.toContain('0A000C24');
    const ttl = await look.pttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
  });

  it('forgets a removed task on every instance', async () => {
    // Arrange
    const [a, b] = [await storeOnNewInstance(), await storeOnNewInstance()];
    await a.put(KEY, RECORD, 300_000);
    expect(await b.get(KEY)).toEqual(RECORD);

    // Act
    await b.delete(KEY);

    // Assert
    expect(await a.get(KEY)).toBeUndefined();
  });

  it('treats a damaged entry as a miss', async () => {
    // Arrange
    const store = await storeOnNewInstance();
    await store.put(KEY, RECORD, 300_000);
    const [stored] = await look.keys('*');
    await look.set(stored as string, '{"queryId":42}', 'PX', 300_000);

    // Act
    const other = await storeOnNewInstance();

    // Assert
    expect(await other.get(KEY)).toBeUndefined();
  });

  it('keeps working on its own memory while Redis is down', async () => {
    // Arrange
    const store = await storeOnNewInstance();
    await server.stop();

    // Act
    await store.put(KEY, RECORD, 300_000);

    // Assert
    expect(await store.get(KEY)).toEqual(RECORD);
  });
});
