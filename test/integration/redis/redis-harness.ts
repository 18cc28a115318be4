import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../../../shared/log';
import { connectIoRedis, type IoRedisConfig } from '../../../shared/redis/ioredis-client';
import { createSharedRedis, type SharedRedis } from '../../../shared/redis/shared-redis';

export interface CapturedLog {
  logger: Logger;
  lines: Array<Record<string, unknown>>;
  raw: string[];
}

/** A logger whose lines a test can read, masking `secrets` as the functions' loggers do. */
export function captureLog(secrets: string[] = []): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const logger = createLogger({
    secrets,
    write: (line) => {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  return { logger, lines, raw };
}

export interface TestInstance {
  redis: SharedRedis;
  log: CapturedLog;
}

/**
 * One simulated function instance's Redis: its own connection, opened before the test acts (a
 * deployed instance opens it at cold start, well before its first lookup), behind the circuit.
 */
export async function buildInstanceRedis(
  url: string,
  options: Partial<Pick<IoRedisConfig, 'username' | 'password'>> & { prefix?: string; timeoutMs?: number; reconnectMs?: number; now?: () => number; secrets?: string[] } = {},
): Promise<TestInstance> {
  const log = captureLog(options.secrets ?? (options.password ? [options.password] : []));
  const commands = await connectIoRedis({
    url,
    reconnectMs: options.reconnectMs ?? 200,
    connectTimeoutMs: 1000,
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
  });
  const redis = createSharedRedis({
    connect: async () => commands,
    prefix: options.prefix ?? 'test:',
    timeoutMs: options.timeoutMs ?? 200,
    connectTimeoutMs: 1000,
    reconnectMs: options.reconnectMs ?? 200,
    logger: log.logger,
    target: url.replace(/^rediss?:\/\//, ''),
    now: options.now ?? Date.now,
  });
  return { redis, log };
}

/** A plain client for looking at what the code under test wrote. */
export function inspector(url: string, password?: string): Redis {
  const client = new Redis(url, { ...(password ? { password } : {}), lazyConnect: false, maxRetriesPerRequest: 1 });
  // Tests stop the server under it; its reconnect failures are expected.
  client.on('error', () => undefined);
  return client;
}

/** Polls `check` until it holds, or fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'the condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
