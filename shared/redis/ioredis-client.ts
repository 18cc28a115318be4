import type { LuaScript, RedisCommands } from './redis-commands';

// Type-only: erased at build time. ioredis itself is loaded by `import()` below, and only when
// MQTRACE_REDIS_URL is set, so a deployment without Redis never parses it.
import type { Redis as IoRedis, RedisOptions } from 'ioredis';

/** How to reach the server; the password comes from its own variable, never from the URL. */
export interface IoRedisConfig {
  /** `redis://host:port/db` or `rediss://…` (TLS). */
  url: string;
  username?: string;
  password?: string;
  /** How often a lost connection is tried again, at most. */
  reconnectMs: number;
  /** How long one connection attempt may take. */
  connectTimeoutMs: number;
}

type IoRedisModule = { Redis?: new (url: string, options: RedisOptions) => IoRedis; default?: unknown };

/**
 * Loads ioredis and opens a connection. Commands given before it is ready are queued (the callers
 * bound every command with their own timeout); commands in flight when a connection drops fail
 * instead of being sent again after a reconnect, where a rate-limit reservation or an idempotency
 * claim would come too late to mean anything. Reconnects forever, in the background.
 */
export async function connectIoRedis(config: IoRedisConfig): Promise<RedisCommands> {
  const mod = (await import('ioredis')) as unknown as IoRedisModule;
  const Redis = (mod.Redis ?? (mod.default as IoRedisModule | undefined)?.Redis ?? mod.default) as new (url: string, options: RedisOptions) => IoRedis;
  const client = new Redis(config.url, {
    ...(config.username ? { username: config.username } : {}),
    ...(config.password ? { password: config.password } : {}),
    connectTimeout: config.connectTimeoutMs,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), config.reconnectMs),
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    enableOfflineQueue: true,
    keepAlive: 30_000,
    // Ready on connect: no INFO round trip (nor CLIENT SETINFO, which older Redis and Tair refuse)
    // before the first command, which a cold start's first lookup waits for.
    enableReadyCheck: false,
    disableClientInfo: true,
    // Errors reach the callers through their commands; an 'error' listener keeps ioredis from
    // printing each reconnect failure to stderr.
    lazyConnect: false,
  });
  client.on('error', () => undefined);
  // Resolve once the first connection is up, or has failed or taken too long: either way the client
  // goes on reconnecting in the background, and the caller's circuit decides what to do meanwhile.
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, config.connectTimeoutMs);
    client.once('ready', done);
    client.once('error', done);
  });

  return {
    async evalScript(script: LuaScript, keys, args) {
      try {
        return await client.evalsha(script.sha1, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(script.source, keys.length, ...keys, ...args);
      }
    },
    get: (key) => client.get(key),
    pttl: (key) => client.pttl(key),
    async set(key, value, ttlMs, onlyIfAbsent = false) {
      const answer = onlyIfAbsent ? await client.set(key, value, 'PX', ttlMs, 'NX') : await client.set(key, value, 'PX', ttlMs);
      return answer === 'OK';
    },
    async del(key) {
      await client.del(key);
    },
    async ping() {
      await client.ping();
    },
    async close() {
      client.disconnect(false);
    },
  };
}
