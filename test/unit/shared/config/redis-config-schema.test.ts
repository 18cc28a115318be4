import { describe, expect, it } from 'vitest';
import { loadRedisConfig } from '../../../../shared/config/redis-config-schema';
import { ConfigError } from '../../../../shared/errors';
import { thrownBy } from '../../../builders/thrown-by';

describe('Function: loadRedisConfig()', () => {
  it('keeps everything per instance by default, with a 60 s verdict cache', () => {
    // Act
    const config = loadRedisConfig({});

    // Assert
    expect(config).toEqual({ redis: undefined, verdictCacheTtlMs: 60_000, accountId: undefined, secrets: [] });
  });

  it.each([
    ['redis://r-bp1abcdefgh.redis.rds.aliyuncs.com:6379', 'r-bp1abcdefgh.redis.rds.aliyuncs.com:6379'],
    ['rediss://r-bp1abcdefgh.redis.rds.aliyuncs.com:6380/2', 'r-bp1abcdefgh.redis.rds.aliyuncs.com:6380'],
    ['redis://10.0.0.5', '10.0.0.5:6379'],
  ])('reads %s, naming only host and port for the logs', (url, target) => {
    // Act
    const config = loadRedisConfig({ MQTRACE_REDIS_URL: url, MQTRACE_REDIS_USERNAME: 'mqtrace', MQTRACE_REDIS_PASSWORD: 'test-redis-pass', FC_ACCOUNT_ID: '1234567890123456' });

    // Assert
    expect(config.redis).toEqual({ url, username: 'mqtrace', password: 'test-redis-pass', prefix: 'mqtrace:', timeoutMs: 50, connectTimeoutMs: 500, reconnectMs: 1000, target });
    expect(config.secrets).toEqual(['test-redis-pass']);
    expect(config.accountId).toBe('1234567890123456');
  });

  it.each([
    [{ MQTRACE_REDIS_URL: 'http://10.0.0.5:6379' }, 'MQTRACE_REDIS_URL'],
    [{ MQTRACE_REDIS_URL: 'redis://:test-inline-pass@10.0.0.5:6379' }, 'MQTRACE_REDIS_URL'],
    [{ MQTRACE_REDIS_URL: 'redis://user@10.0.0.5:6379' }, 'MQTRACE_REDIS_URL'],
    [{ MQTRACE_REDIS_URL: 'redis://10.0.0.5:6379/keys' }, 'MQTRACE_REDIS_URL'],
    [{ MQTRACE_REDIS_URL: 'redis://10.0.0.5:6379?tls=true' }, 'MQTRACE_REDIS_URL'],
    [{ MQTRACE_REDIS_PASSWORD: 'test-orphan-pass' }, 'MQTRACE_REDIS_URL'],
    [{ MQTRACE_REDIS_URL: 'redis://10.0.0.5', MQTRACE_REDIS_KEY_PREFIX: 'has space' }, 'MQTRACE_REDIS_KEY_PREFIX'],
    [{ MQTRACE_REDIS_URL: 'redis://10.0.0.5', MQTRACE_REDIS_TIMEOUT_MS: '0' }, 'MQTRACE_REDIS_TIMEOUT_MS'],
    [{ MQTRACE_VERDICT_CACHE_TTL_MS: '-1' }, 'MQTRACE_VERDICT_CACHE_TTL_MS'],
    [{ FC_ACCOUNT_ID: 'acct-1' }, 'FC_ACCOUNT_ID'],
  ])('rejects %j naming %s, never the value', (env, key) => {
    // Act
    const error = thrownBy(() => loadRedisConfig(env));

    // Assert
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).keys).toEqual([key]);
    for (const value of Object.values(env)) expect((error as ConfigError).message).not.toContain(value);
  });

  it('turns the verdict cache off with a TTL of 0', () => {
    expect(loadRedisConfig({ MQTRACE_VERDICT_CACHE_TTL_MS: '0' }).verdictCacheTtlMs).toBe(0);
  });
});
