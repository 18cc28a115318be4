import { z } from 'zod';
import { ConfigError } from '../errors';
import { fastObject, lazySchema, REJECT, toFieldIssues, type FastField } from '../validation';
import { emptyAsUndefined, fastDefaultedEnv, fastIntFromEnv, fastOptionalEnv, fastUrl, intFromEnv } from './env-values';

const REDIS_PROTOCOL = /^rediss?$/;
const DATABASE_PATH = /^\/\d{1,2}$/;
const KEY_PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;
const ACCOUNT_ID = /^\d{6,20}$/;

/** What is wrong with a parsed Redis URL beyond its scheme, or undefined. */
function redisUrlProblem(url: URL): string | undefined {
  // A password in the URL would sit in every place the URL is shown; it has its own variable, which the logs mask.
  if (url.username || url.password) return 'must not hold a user or password; set MQTRACE_REDIS_USERNAME and MQTRACE_REDIS_PASSWORD';
  if (!url.hostname) return 'must name a host';
  if (url.search || url.hash) return 'must not have a query or fragment';
  if (url.pathname.length > 1 && !DATABASE_PATH.test(url.pathname)) return 'may end only in a database number, e.g. /0';
  return undefined;
}

const redisUrl = () =>
  z.url({ protocol: REDIS_PROTOCOL, error: 'must be a redis:// or rediss:// URL' }).superRefine((value, ctx) => {
    // zod runs refinements after a failed format check too.
    if (!URL.canParse(value)) return;
    const problem = redisUrlProblem(new URL(value));
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/**
 * The environment variables of the fleet's shared state (both functions read them): Redis for the
 * shared rate limit, idempotency, verdict cache and spot-check state, and the verdict cache's TTL,
 * which applies with or without Redis. Generated into `docs/configuration.md`.
 */
const buildRedisEnvSchema = () => z.object({
  MQTRACE_REDIS_URL: z
    .preprocess(emptyAsUndefined, redisUrl().optional())
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
        .regex(KEY_PREFIX, 'must be 1 to 64 letters, digits, or _ . : -')
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
    .preprocess(emptyAsUndefined, z.string().regex(ACCOUNT_ID, 'must be an account ID').optional())
    .describe(
      'The account the shared budgets and cache entries are keyed by: FC sets it, and the function role that signs every call belongs to it. Unset: a hash of the AccessKey ID.',
    ),
});

export type RedisEnv = z.output<ReturnType<typeof buildRedisEnvSchema>>;

export const RedisEnvSchema = lazySchema(buildRedisEnvSchema, (env) => fastRedisEnv(env));

const within = (min: number, max: number) => (text: string): FastField<string> => (text.length >= min && text.length <= max ? text : REJECT);

/** The fast path ({@link FastPath}) of {@link RedisEnvSchema}: the same rules, the same output. */
export function fastRedisEnv(input: unknown): { value: RedisEnv } | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const env = input as Record<string, unknown>;
  return fastObject<RedisEnv>({
    MQTRACE_REDIS_URL: fastOptionalEnv(env, 'MQTRACE_REDIS_URL', (text) => {
      const url = fastUrl(text, REDIS_PROTOCOL);
      return url !== REJECT && redisUrlProblem(new URL(url)) === undefined ? url : REJECT;
    }),
    MQTRACE_REDIS_USERNAME: fastOptionalEnv(env, 'MQTRACE_REDIS_USERNAME', within(1, 128)),
    MQTRACE_REDIS_PASSWORD: fastOptionalEnv(env, 'MQTRACE_REDIS_PASSWORD', within(1, 512)),
    MQTRACE_REDIS_KEY_PREFIX: fastDefaultedEnv(env, 'MQTRACE_REDIS_KEY_PREFIX', 'mqtrace:', (text) => (KEY_PREFIX.test(text) ? text : REJECT)),
    MQTRACE_REDIS_TIMEOUT_MS: fastIntFromEnv(env, 'MQTRACE_REDIS_TIMEOUT_MS', 50, 5, 5000),
    MQTRACE_REDIS_CONNECT_TIMEOUT_MS: fastIntFromEnv(env, 'MQTRACE_REDIS_CONNECT_TIMEOUT_MS', 500, 5, 10_000),
    MQTRACE_REDIS_RECONNECT_MS: fastIntFromEnv(env, 'MQTRACE_REDIS_RECONNECT_MS', 1000, 50, 60_000),
    MQTRACE_VERDICT_CACHE_TTL_MS: fastIntFromEnv(env, 'MQTRACE_VERDICT_CACHE_TTL_MS', 60_000, 0, 3_600_000),
    FC_ACCOUNT_ID: fastOptionalEnv(env, 'FC_ACCOUNT_ID', (text) => (ACCOUNT_ID.test(text) ? text : REJECT)),
  });
}

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
