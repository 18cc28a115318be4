import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRedisServer, RedisServerMissingError, startRedisServer } from '../../../local/redis/redis-server';
import { connectIoRedis } from '../../../shared/redis/ioredis-client';

describe('The test helper local/redis/redis-server.ts', () => {
  it('fails with a message that says how to install redis-server when there is none', () => {
    // Arrange: a PATH with nothing on it, and no usual places
    const empty = mkdtempSync(join(tmpdir(), 'mqtrace-no-redis-'));

    // Act
    const find = () => findRedisServer({ PATH: empty }, []);

    // Assert
    expect(find).toThrow(RedisServerMissingError);
    expect(find).toThrow(/apt-get install -y redis-server/);
  });

  it('finds the installed redis-server, and starts it on a free port with nothing saved to disk, stop and start again on that port', async () => {
    // Arrange
    const server = await startRedisServer();
    const redis = await connectIoRedis({ url: server.url, reconnectMs: 100, connectTimeoutMs: 1000 });

    try {
      // Act
      await redis.set('k', 'v', 60_000);
      await server.stop();
      const stopped = server.running();
      await server.start();
      const afterRestart = await (async () => {
        for (let i = 0; i < 100; i++) {
          try {
            return await redis.get('k');
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
        throw new Error('the restarted server never answered');
      })();

      // Assert: nothing survives a restart (--save '' --appendonly no)
      expect(stopped).toBe(false);
      expect(afterRestart).toBeNull();
      expect(findRedisServer()).toMatch(/redis-server$/);
    } finally {
      await redis.close();
      await server.stop();
    }
  });
});
