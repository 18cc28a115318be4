import { z } from 'zod';
import { ConfigError, InvalidInputError, type FieldIssue } from '../errors';
import { parseChecks, type SpotCheck } from '../spot-check/check-schema';
import { toFieldIssues } from '../validation';
import { LocaleSchema, type Locale } from '../i18n/locale';
import { PLATFORM_LIST } from '../platforms/registry';
import { emptyAsUndefined, intFromEnv } from './env-values';
import { loadHttpConfig, type HttpConfig } from './config-schema';
import { loadRedisConfig, type RedisConfig } from './redis-config-schema';



// OSS bucket naming rules: 3-63 lower-case letters, digits and hyphens, no leading or trailing hyphen.
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * The spot-check function's own environment variables. The broker ones (endpoints, region, timeouts,
 * retries, the trace rate limit, credentials) are shared with the HTTP function and read by
 * {@link loadHttpConfig}. `docs/configuration.md` is generated from both schemas and their
 * descriptions (`npm run docs:config`); a test fails when they drift.
 */
const SpotCheckOwnEnvSchema = z.object({
  MQTRACE_SPOT_CHECKS: z
    .preprocess(emptyAsUndefined, z.string().optional())
    .describe(
      'Checks that run on every timer tick: a JSON array of checks, or `{"checks": [...]}`. A bad value stops the function with `CONFIG_INVALID`, naming the check and the field.',
    ),
  MQTRACE_SPOT_CHECK_DEADLINE_MS: intFromEnv(600_000, 1000, 86_400_000).describe(
    'Time budget of one run, in milliseconds. The function timeout minus 500 ms caps it.',
  ),
  MQTRACE_SPOT_CHECK_RESERVE_MS: intFromEnv(10_000, 0, 600_000).describe(
    'Part of the run budget kept for alerts and the state, in milliseconds. At most a third of the budget is kept.',
  ),
  MQTRACE_ALERT_QUIET_MINUTES: intFromEnv(60, 0, 7 * 24 * 60).describe(
    "Minutes before a check that is still failing alerts the same destination again. A check whose failure count grew alerts at once. It needs a state store.",
  ),
  MQTRACE_ALERT_TIMEOUT_MS: intFromEnv(3000, 100, 60_000).describe('Timeout of one webhook post, in milliseconds.'),
  MQTRACE_ALERT_LOCALE: z
    .preprocess(emptyAsUndefined, LocaleSchema.optional())
    .describe("Language of every alert: `zh-CN` or `en`. Unset: each platform's default (English on Slack, Chinese on DingTalk, Feishu/Lark and WeCom)."),
  MQTRACE_STATE_OSS_BUCKET: z
    .preprocess(emptyAsUndefined, z.string().regex(BUCKET, 'must be an OSS bucket name').optional())
    .describe(
      'OSS bucket of the state object, which remembers how each check ended. Unset (and no `MQTRACE_STATE_FILE`): no state, so every failing run alerts and no recovery notice is sent.',
    ),
  MQTRACE_STATE_OSS_OBJECT: z
    .preprocess(
      emptyAsUndefined,
      z
        .string()
        .min(1)
        .max(1023)
        .refine((v) => !v.startsWith('/') && !v.includes('\\'), 'must be an object key like mqtrace/spot-check-state.json')
        .optional()
        .transform((v) => v ?? 'mqtrace/spot-check-state.json'),
    )
    .describe('Key of the state object in `MQTRACE_STATE_OSS_BUCKET`. It may not start with `/` or hold a `\\`.'),
  MQTRACE_STATE_OSS_ENDPOINT: z
    .preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional())
    .describe(
      'OSS endpoint URL, e.g. the `-internal` one of the region. Unset: `oss-{region}` over HTTPS. Locally: the OSS fake.',
    ),
  MQTRACE_STATE_FILE: z
    .preprocess(emptyAsUndefined, z.string().optional())
    .describe('Path of a local file that holds the state instead of OSS (local runs). Set this or `MQTRACE_STATE_OSS_BUCKET`, not both.'),
  MQTRACE_STATE_REDIS: z
    .preprocess(emptyAsUndefined, z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).optional().transform((v) => v === 'true'))
    .describe(
      'true: keep the state in the Redis of `MQTRACE_REDIS_URL` (one key, `<prefix>spot-check:state`) instead of OSS or a file. Set one state store only.',
    ),
});

/**
 * The spot-check function's own environment variables: each platform's alert sender (from its
 * manifest in the registry), then the run's. The broker ones are shared with the HTTP function.
 */
export const SpotCheckEnvSchema = z.object({
  ...Object.assign({}, ...PLATFORM_LIST.flatMap((m) => (m.alerts ? [m.alerts.env.shape] : []))),
  ...SpotCheckOwnEnvSchema.shape,
});

/** One alert destination that is configured: its platform and its settings (secrets included). */
export interface AlertPlatformConfig {
  platform: string;
  settings: unknown;
}

export type SpotCheckStateConfig =
  | { kind: 'oss'; bucket: string; object: string; region: string; endpoint?: string }
  | { kind: 'file'; path: string }
  | { kind: 'redis' }
  | { kind: 'none' };

/** Resolved configuration of the spot-check function. */
export interface SpotCheckConfig {
  ons: HttpConfig;
  /** Checks from `MQTRACE_SPOT_CHECKS`, validated. */
  checks: SpotCheck[];
  runDeadlineMs: number;
  reserveMs: number;
  quietPeriodMs: number;
  alertTimeoutMs: number;
  /** The alert destinations that are configured, in registry order. */
  alerts: AlertPlatformConfig[];
  /** MQTRACE_ALERT_LOCALE; undefined: each platform's default. */
  alertLocale: Locale | undefined;
  state: SpotCheckStateConfig;
  /** The fleet's shared state: Redis, the verdict cache. */
  shared: RedisConfig;
  /** Values that must never reach a log line: webhook URLs (their tokens) and the robot secret. */
  secrets: string[];
}

/**
 * Parses the environment. Throws {@link ConfigError} naming each failing variable (and, for
 * `MQTRACE_SPOT_CHECKS`, the check and field), never a value.
 */
export function loadSpotCheckConfig(env: Record<string, string | undefined>): SpotCheckConfig {
  const ons = loadHttpConfig(env);
  const result = SpotCheckEnvSchema.safeParse(env);
  if (!result.success) throw new ConfigError(toFieldIssues(result.error));
  const e = result.data as z.output<typeof SpotCheckOwnEnvSchema> & Record<string, unknown>;
  const shared = loadRedisConfig(env);
  if (e.MQTRACE_STATE_OSS_BUCKET && e.MQTRACE_STATE_FILE) {
    throw new ConfigError([{ path: 'MQTRACE_STATE_OSS_BUCKET/MQTRACE_STATE_FILE', message: 'set one state store, not both' }]);
  }
  if (e.MQTRACE_STATE_REDIS && (e.MQTRACE_STATE_OSS_BUCKET || e.MQTRACE_STATE_FILE)) {
    throw new ConfigError([{ path: 'MQTRACE_STATE_REDIS', message: 'asks for the Redis state, but MQTRACE_STATE_OSS_BUCKET or MQTRACE_STATE_FILE is set too: set one state store' }]);
  }
  if (e.MQTRACE_STATE_REDIS && !shared.redis) {
    throw new ConfigError([{ path: 'MQTRACE_STATE_REDIS', message: 'asks for the Redis state, but MQTRACE_REDIS_URL is not set' }]);
  }
  const problems = PLATFORM_LIST.flatMap((m) => m.alerts?.problems?.(e) ?? []);
  if (problems.length > 0) throw new ConfigError(problems);
  const alerts: AlertPlatformConfig[] = PLATFORM_LIST.flatMap((m) => {
    const settings = m.alerts?.settings(e);
    return settings === undefined ? [] : [{ platform: m.name, settings }];
  });
  const state: SpotCheckStateConfig = e.MQTRACE_STATE_OSS_BUCKET
    ? {
        kind: 'oss',
        bucket: e.MQTRACE_STATE_OSS_BUCKET,
        object: e.MQTRACE_STATE_OSS_OBJECT,
        region: `oss-${ons.region}`,
        ...(e.MQTRACE_STATE_OSS_ENDPOINT ? { endpoint: e.MQTRACE_STATE_OSS_ENDPOINT } : {}),
      }
    : e.MQTRACE_STATE_FILE
      ? { kind: 'file', path: e.MQTRACE_STATE_FILE }
      : e.MQTRACE_STATE_REDIS
        ? { kind: 'redis' }
        : { kind: 'none' };
  return {
    ons,
    checks: parseConfiguredChecks(e.MQTRACE_SPOT_CHECKS),
    runDeadlineMs: e.MQTRACE_SPOT_CHECK_DEADLINE_MS,
    reserveMs: e.MQTRACE_SPOT_CHECK_RESERVE_MS,
    quietPeriodMs: e.MQTRACE_ALERT_QUIET_MINUTES * 60_000,
    alertTimeoutMs: e.MQTRACE_ALERT_TIMEOUT_MS,
    alerts,
    alertLocale: e.MQTRACE_ALERT_LOCALE,
    state,
    shared,
    secrets: [
      ...shared.secrets,
      ...alerts.flatMap((a) => PLATFORM_LIST.find((m) => m.name === a.platform)?.alerts?.secrets(a.settings) ?? []),
    ].filter((s) => s.length > 1),
  };
}

/** `MQTRACE_SPOT_CHECKS`: a JSON array of checks, or `{"checks": [...]}`. */
function parseConfiguredChecks(text: string | undefined): SpotCheck[] {
  if (text === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError([{ path: 'MQTRACE_SPOT_CHECKS', message: 'is not valid JSON; expected [{"name": …}, …]' }]);
  }
  const list = Array.isArray(json) ? json : (json as { checks?: unknown } | null)?.checks;
  if (!Array.isArray(list)) throw new ConfigError([{ path: 'MQTRACE_SPOT_CHECKS', message: 'must be a JSON array of checks, or {"checks": [...]}' }]);
  try {
    return parseChecks(list, 'config');
  } catch (error) {
    if (error instanceof InvalidInputError) {
      throw new ConfigError(error.issues.map((i): FieldIssue => ({ path: `MQTRACE_SPOT_CHECKS: ${i.path}`, message: i.message })));
    }
    throw error;
  }
}
