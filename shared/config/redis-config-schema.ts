import { z } from 'zod';
import { ConfigError } from '../errors';
import { toFieldIssues } from '../validation';
import { emptyAsUndefined, intFromEnv } from './env-values';

const REDIS_URL = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).superRefine((value, ctx) => {
  // zod runs refinements after a failed format check too.
  if (!URL.canParse(value)) return;
  const url = new URL(value);
  // A password in the URL would sit in every place the URL is shown; it has its own variable, which the logs mask.
  if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not hold a user or password; set MQTRACE_REDIS_USERNAME and MQTRACE_REDIS_PASSWORD' });
  else if (!url.hostname) ctx.addIssue({ code: 'custom', message: 'must name a host' });
  else if (url.search || url.hash) ctx.addIssue({ code: 'custom', message: 'must not have a query or fragment' });
  else if (url.pathname.length > 1 && !/^\/\d{1,2}$/.test(url.pathname)) ctx.addIssue({ code: 'custom', message: 'may end only in a database number, e.g. /0' });
});

/**
 * The environment variables of the fleet's shared state (both functions read them): Redis for the
 * shared rate limit, idempotency, verdict cache and spot-check state, and the verdict cache's TTL,
 * which applies with or without Redis. Generated into `docs/configuration.md`.
 */
export const RedisEnvSchema = z.object({
  MQTRACE_REDIS_URL: z
    .preprocess(emptyAsUndefined, REDIS_URL.optional())
    .describe(
      'Redis (ApsaraDB for Redis / Tair) that every instance of both functions shares: `redis://host:6379`, `rediss://…` for TLS, optionally `/<db>`. Set, the OpenAPI rate limits are one budget per account and action across the fleet, duplicate chat deliveries are answered once on any instance, and CONSUMED answers are cached for the fleet. Unset: all of that is per instance (N instances may spend N times a limit). No user or password in the URL. See [deploying.md](deploying.md#shared-state-redis).',
    ),
  MQTRACE_REDIS_USERNAME: z
    .preprocess(emptyAsUndefined, z.string().min(1).max(128).optional())
    .describe('ACL user for Redis 6+ / Tair accounts (`AUTH user password`). Unset: `AUTH password` as the default user.'),
  MQTRACE_REDIS_PASSWORD: z
    .preprocess(emptyAsUndefined, z.string().min(1).max(512).optional())
    .describe('Password of the Redis user (for ApsaraDB, `account:password` also works as the password). A secret: it is masked in every log line.'),
  MQTRACE_REDIS_KEY_PREFIX: z
    .preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1 to 64 letters, digits, or _ . : -')
        .optional()
        .transform((v) => v ?? 'mqtrace:'),
    )
    .describe('Starts every key mqtrace writes, so that deployments sharing one Redis do not share state. Keys hold hashes, never an ID from a chat request.'),
  MQTRACE_REDIS_TIMEOUT_MS: intFromEnv(50, 5, 5000).describe(
    'Timeout of every Redis operation, in milliseconds. After a failure (timeout, refused connection, refused AUTH) each instance does without Redis (its own limiter, idempotency memory and cache) until a background PING answers within it, so Redis never fails a lookup and never slows one by more than this.',
  ),
  MQTRACE_REDIS_CONNECT_TIMEOUT_MS: intFromEnv(500, 5, 10_000).describe(
    "How long an instance's first Redis operations wait for its first connection (loading the client, TCP, TLS, AUTH), in milliseconds, once per instance: a cold instance's first lookup may wait this long, every later operation only MQTRACE_REDIS_TIMEOUT_MS.",
  ),
  MQTRACE_REDIS_RECONNECT_MS: intFromEnv(1000, 50, 60_000).describe(
    'How often an instance that does without Redis tries it again, in milliseconds.',
  ),
  MQTRACE_VERDICT_CACHE_TTL_MS: intFromEnv(60_000, 0, 3_600_000).describe(
    'How long a CONSUMED answer is reused, in milliseconds; 0 turns the cache off. Only CONSUMED is cached: it stays final until someone resets a consumer offset. Per instance without Redis, shared with it. HTTP `fresh=true` and chat `--fresh` ask the broker anyway.',
  ),
  FC_ACCOUNT_ID: z
    .preprocess(emptyAsUndefined, z.string().regex(/^\d{6,20}$/, 'must be an account ID').optional())
    .describe(
      'The account the shared budgets and cache entries are keyed by: FC sets it, and the function role that signs every call belongs to it. Unset: a hash of the AccessKey ID.',
    ),
});

/** Resolved settings of the shared state. */
export interface RedisConfig {
  /** Absent: every instance keeps its own state. */
  redis:
    | {
        url: string;
        username?: string;
        password?: string;
        prefix: string;
        timeoutMs: number;
        connectTimeoutMs: number;
        reconnectMs: number;
        /** host:port, for log lines. */
        target: string;
      }
    | undefined;
  verdictCacheTtlMs: number;
  accountId: string | undefined;
  /** Values that must never reach a log line. */
  secrets: string[];
}

/**
 * Parses the shared-state variables. Throws {@link ConfigError} naming each failing variable,
 * never its value.
 */
export function loadRedisConfig(env: Record<string, string | undefined>): RedisConfig {
  const result = RedisEnvSchema.safeParse(env);
  if (!result.success) throw new ConfigError(toFieldIssues(result.error));
  const e = result.data;
  if (!e.MQTRACE_REDIS_URL && (e.MQTRACE_REDIS_PASSWORD || e.MQTRACE_REDIS_USERNAME)) {
    throw new ConfigError([{ path: 'MQTRACE_REDIS_URL', message: 'is not set, but MQTRACE_REDIS_USERNAME or MQTRACE_REDIS_PASSWORD is' }]);
  }
  const url = e.MQTRACE_REDIS_URL ? new URL(e.MQTRACE_REDIS_URL) : undefined;
  return {
    redis:
      url && e.MQTRACE_REDIS_URL
        ? {
            url: e.MQTRACE_REDIS_URL,
            ...(e.MQTRACE_REDIS_USERNAME ? { username: e.MQTRACE_REDIS_USERNAME } : {}),
            ...(e.MQTRACE_REDIS_PASSWORD ? { password: e.MQTRACE_REDIS_PASSWORD } : {}),
            prefix: e.MQTRACE_REDIS_KEY_PREFIX,
            timeoutMs: e.MQTRACE_REDIS_TIMEOUT_MS,
            connectTimeoutMs: e.MQTRACE_REDIS_CONNECT_TIMEOUT_MS,
            reconnectMs: e.MQTRACE_REDIS_RECONNECT_MS,
            target: `${url.hostname}:${url.port || '6379'}`,
          }
        : undefined,
    verdictCacheTtlMs: e.MQTRACE_VERDICT_CACHE_TTL_MS,
    accountId: e.FC_ACCOUNT_ID,
    secrets: e.MQTRACE_REDIS_PASSWORD ? [e.MQTRACE_REDIS_PASSWORD] : [],
  };
}
