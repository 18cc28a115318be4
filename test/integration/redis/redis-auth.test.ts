import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../../../local/redis/redis-server';
import { createAccountScope } from '../../../shared/account-scope';
import { loadRedisConfig } from '../../../shared/config/redis-config-schema';
import { createDeadline } from '../../../shared/deadline';
import { createLimiterRegistry } from '../../../shared/rate-limits';
import { createRedisLimiterFactory } from '../../../shared/redis/redis-rate-limiter';
import { createRateLimiter } from '../../../shared/upstream/rate-limiter';
import { buildInstanceRedis, inspector } from './redis-harness';

// Test-only passwords; nothing like a real credential.
const DEFAULT_PASSWORD = 'test-default-user-pass-1';
const ACL_USER = { name: 'mqtrace-test', password: 'test-acl-user-pass-2' };
const WRONG_PASSWORD = 'test-wrong-pass-3';

describe('Redis AUTH (requirepass and an ACL user) on a real redis-server', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer({ password: DEFAULT_PASSWORD, users: [ACL_USER] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    ['the default user’s password', { password: DEFAULT_PASSWORD }],
    ['an ACL user and its password', { username: ACL_USER.name, password: ACL_USER.password }],
  ])('works with %s', async (_label, credentials) => {
    // Arrange
    const instance = await buildInstanceRedis(server.url, credentials);

    try {
      // Act
      const answer = await instance.redis.attempt((r) => r.set('auth-check', 'yes', 10_000));

      // Assert
      expect(answer).toEqual({ ok: true, value: true });
    } finally {
      await instance.redis.close();
    }
  });

  describe('Given a password Redis refuses', () => {
    it('does without Redis (the per-instance limiter answers), warns once with reason auth, and never logs the password', async () => {
      // Arrange
      const instance = await buildInstanceRedis(server.url, { password: WRONG_PASSWORD, secrets: [WRONG_PASSWORD], reconnectMs: 100 });
      let fallbacks = 0;
      const local = createLimiterRegistry((limit) => createRateLimiter(limit));
      const limiters = createRedisLimiterFactory({
        redis: instance.redis,
        accountScope: createAccountScope('1234567890123456'),
        fallback: (key, limit, account) => (fallbacks++, local(key, limit, account)),
      });

      try {
        // Act
        const outcomes = await Promise.allSettled(
          Array.from({ length: 5 }, () => limiters('ons-4x:OnsMessageTrace', { count: 10, windowMs: 1000 }, { accessKeyId: 'STS.k' }).acquire(createDeadline(1000))),
        );
        await new Promise((resolve) => setTimeout(resolve, 300));

        // Assert
        expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
        expect(fallbacks).toBe(5);
        expect(instance.redis.status()).toBe('down');
        const warnings = instance.log.lines.filter((l) => l.event === 'redis.unavailable');
        expect(warnings).toEqual([expect.objectContaining({ reason: 'auth' })]);
        expect(instance.log.raw.join('\n')).not.toContain(WRONG_PASSWORD);
        const look = inspector(server.url, DEFAULT_PASSWORD);
        expect(await look.keys('*')).not.toContain(expect.stringContaining('rl:'));
        look.disconnect();
      } finally {
        await instance.redis.close();
      }
    });
  });

  describe('Given the password in the environment', () => {
    it('is one of the secrets the functions’ loggers mask', () => {
      // Act
      const config = loadRedisConfig({ MQTRACE_REDIS_URL: server.url, MQTRACE_REDIS_PASSWORD: DEFAULT_PASSWORD });

      // Assert
      expect(config.secrets).toEqual([DEFAULT_PASSWORD]);
      expect(config.redis?.target).toBe(`127.0.0.1:${server.port}`);
    });
  });
});
