import type { Logger } from '../log';
import type { RedisCommands } from './redis-commands';

/** What one guarded Redis operation came to: its value, or why Redis was not usable. */
export type RedisAttempt<T> = { ok: true; value: T } | { ok: false; reason: RedisFailure };

/**
 * Why an operation did without Redis: `circuit_open` (an earlier failure, no reconnect yet),
 * `timeout`, `auth` (AUTH refused, or a command refused for want of it), `connection` (refused,
 * reset, closed), `load` (the client could not be loaded or built), `error` (any other reply).
 */
export type RedisFailure = 'circuit_open' | 'timeout' | 'auth' | 'connection' | 'load' | 'error';

/**
 * Redis for the fleet's shared state, behind a circuit. Every operation gets one short timeout;
 * after a failure the circuit opens and every operation is refused at once (the callers fall back to
 * their per-instance state) until a background PING within the timeout succeeds. So Redis never
 * fails a lookup, and never slows one by more than one timeout.
 */
export interface SharedRedis {
  /** Runs `op`, within the timeout, unless the circuit is open. Never rejects. */
  attempt<T>(op: (redis: RedisCommands) => Promise<T>): Promise<RedisAttempt<T>>;
  /** `up` while operations are tried; `down` while the circuit is open. */
  status(): 'up' | 'down';
  /** The key prefix of this deployment, e.g. `mqtrace:`. */
  readonly prefix: string;
  /** Stops the probes and closes the connection. */
  close(): Promise<void>;
}

export interface SharedRedisOptions {
  /** Opens the connection; called once, at once. */
  connect: () => Promise<RedisCommands>;
  /** Every key starts with it. */
  prefix: string;
  /** The timeout of every operation once the client is connected. */
  timeoutMs: number;
  /**
   * How long operations wait for the first connection (loading the client and connecting), once
   * per instance. Longer than `timeoutMs` because a cold instance's first operation would otherwise
   * always time out and fall back: a duplicate delivery to a fresh instance would then pass.
   */
  connectTimeoutMs: number;
  /** How often a PING tries Redis again while the circuit is open. */
  reconnectMs: number;
  logger: Logger;
  /** Where Redis is, for the warning: host and port, never a credential. */
  target: string;
  now: () => number;
}

/** At most one warning per instance in this long. */
export const REDIS_WARNING_INTERVAL_MS = 60_000;

/** Creates the {@link SharedRedis}; build it once per instance, in the composition root. */
export function createSharedRedis(options: SharedRedisOptions): SharedRedis {
  const connecting = options.connect();
  // Settled once: until then operations wait for it, within their own timeout.
  let client: RedisCommands | undefined;
  let loadFailed = false;
  connecting.then(
    (c) => {
      client = c;
    },
    () => {
      loadFailed = true;
    },
  );
  let down = false;
  let lastWarningAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  let probe: NodeJS.Timeout | undefined;
  let closed = false;

  const firstConnection = async (): Promise<RedisAttempt<true>> => {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<RedisAttempt<true>>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), options.connectTimeoutMs);
    });
    try {
      return await Promise.race([connecting.then((): RedisAttempt<true> => ({ ok: true, value: true }), (): RedisAttempt<true> => ({ ok: false, reason: 'load' })), expired]);
    } finally {
      clearTimeout(timer);
    }
  };

  const withTimeout = async <T>(op: (redis: RedisCommands) => Promise<T>): Promise<RedisAttempt<T>> => {
    if (!client) {
      const connected = await firstConnection();
      if (!connected.ok) return connected;
    }
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<RedisAttempt<T>>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), options.timeoutMs);
    });
    const run = (async (): Promise<RedisAttempt<T>> => {
      try {
        const redis = client ?? (await connecting);
        return { ok: true, value: await op(redis) };
      } catch (error) {
        return { ok: false, reason: loadFailed && !client ? 'load' : classify(error) };
      }
    })();
    try {
      return await Promise.race([run, expired]);
    } finally {
      clearTimeout(timer);
    }
  };

  const scheduleProbe = () => {
    if (probe || closed) return;
    probe = setTimeout(async () => {
      const result = await withTimeout((redis) => redis.ping());
      probe = undefined;
      if (result.ok) {
        down = false;
        options.logger.info('redis.recovered', { target: options.target, ...(suppressed > 0 ? { failuresSinceWarning: suppressed } : {}) });
        suppressed = 0;
      } else {
        scheduleProbe();
      }
    }, options.reconnectMs);
    // A frozen or finishing instance must not be kept alive by the probe.
    probe.unref();
  };

  const fail = (reason: RedisFailure) => {
    down = true;
    const now = options.now();
    if (now - lastWarningAt >= REDIS_WARNING_INTERVAL_MS) {
      lastWarningAt = now;
      options.logger.warn('redis.unavailable', {
        target: options.target,
        reason,
        fallback: 'per-instance limiter, idempotency and cache until Redis answers again',
        ...(suppressed > 0 ? { failuresSinceWarning: suppressed } : {}),
      });
      suppressed = 0;
    } else {
      suppressed++;
    }
    scheduleProbe();
  };

  return {
    prefix: options.prefix,
    status: () => (down ? 'down' : 'up'),
    async attempt(op) {
      if (down || closed) return { ok: false, reason: 'circuit_open' };
      const result = await withTimeout(op);
      if (!result.ok) fail(result.reason);
      return result;
    },
    async close() {
      closed = true;
      clearTimeout(probe);
      probe = undefined;
      await connecting.then((c) => c.close()).catch(() => undefined);
    },
  };
}

const AUTH_CODES = /^(?:WRONGPASS|NOAUTH|NOPERM|ERR AUTH|ERR invalid password|ERR Client sent AUTH)/;

/** Sorts a failure without keeping its message, which a log line must not echo. */
function classify(error: unknown): RedisFailure {
  const message = error instanceof Error ? error.message : '';
  if (AUTH_CODES.test(message)) return 'auth';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return 'connection';
  if (/Connection is closed|Stream isn't writeable|connect ETIMEDOUT|max retries per request/i.test(message)) return 'connection';
  return 'error';
}
