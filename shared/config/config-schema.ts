import { z } from 'zod';
import { ConfigError } from '../errors';
import { fastObject, lazySchema, REJECT, toFieldIssues, type FastField } from '../validation';
import { parseTimeZone, TimeZoneEnvSchema, timeZoneForRegion, type TimeZoneSetting } from '../i18n/time-zone';
import { emptyAsUndefined, fastDefaultedEnv, fastIntFromEnv, fastOptionalEnv, fastUrl, intFromEnv } from './env-values';


/**
 * Every environment variable the HTTP function reads (the spot-check function reads them too).
 * `docs/configuration.md` is generated from this schema and its descriptions (`npm run docs:config`);
 * a test fails when the two drift.
 */
const buildEnvSchema = () => z.object({
  ONS_ENDPOINT: z
    .preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional())
    .describe(
      'Full URL of the ONS OpenAPI, which serves 4.x instances (`MQ_INST_…`). Unset: `https://ons.{region}.aliyuncs.com`, except a few regions that the SDK sends to another host (`shared/ons/endpoint.ts`). `npm start` points it at the local emulator.',
    ),
  ROCKETMQ_ENDPOINT: z
    .preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional())
    .describe(
      'URL of the `rocketmq` 2022-08-01 OpenAPI, which serves 5.x instances (`rmq-…`): scheme, host and port, no path. Unset: `https://rocketmq.{region}.aliyuncs.com`. Set it to use another endpoint, e.g. a local stand-in.',
    ),
  MQTRACE_REGION: z
    .preprocess(emptyAsUndefined, z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a region ID like cn-hangzhou').optional())
    .describe(
      'Region ID of the broker APIs and of the OSS state, e.g. `cn-hangzhou`. The default endpoints are built from it. Unset: `FC_REGION`, else `cn-hangzhou`. s.yaml sets it to the deploy region.',
    ),
  FC_REGION: z
    .preprocess(emptyAsUndefined, z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a region ID like cn-hangzhou').optional())
    .describe('Region of the running function. FC sets it. Used only when `MQTRACE_REGION` is unset.'),
  MQTRACE_CALL_TIMEOUT_MS: intFromEnv(2500, 100, 60_000).describe(
    'Timeout of one OpenAPI call, in milliseconds. It shrinks to what the lookup deadline leaves.',
  ),
  MQTRACE_LOOKUP_DEADLINE_MS: intFromEnv(8000, 200, 600_000).describe(
    'Time budget of one lookup, retries included, in milliseconds. The function timeout minus 500 ms caps it. With `waitSeconds`, this much time stays reserved for the last poll and the explain.',
  ),
  MQTRACE_MAX_ATTEMPTS: intFromEnv(3, 1, 10).describe(
    'Attempts per OpenAPI call, the first one included. Only throttling, `ServiceUnavailable`, `InternalError`, timeouts and connection resets are retried.',
  ),
  MQTRACE_TRACE_RATE_LIMIT: intFromEnv(10, 1, 1000).describe(
    'OnsMessageTrace (4.x) calls per second that one function instance allows itself. The documented limit is 10 per second per account.',
  ),
  MQTRACE_PRODUCER_UTC_OFFSET_MINUTES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[+-]?\d+$/, 'must be a whole number of minutes, e.g. 480 for UTC+8')
      .transform(Number)
      .pipe(z.number().int().min(-720).max(840))
      .optional()
      .transform((v) => v ?? 480),
  ).describe(
    "The producers' time zone, in minutes east of UTC (480 is UTC+8). mqtrace uses it to date the send time that a message ID holds.",
  ),
  MQTRACE_TIME_ZONE: z
    .preprocess(emptyAsUndefined, TimeZoneEnvSchema.optional())
    .describe(
      'Time zone of the times in chat replies and alerts: an IANA name (`Asia/Shanghai`) or an offset (`UTC+8`, `+05:30`, `UTC`). They show it with its offset, e.g. `2025-10-25 11:00:00 UTC+08:00`. Unset: from the region (`cn-*` and `cn-hongkong` give UTC+8; unknown regions UTC). JSON answers always use UTC.',
    ),
  MQTRACE_LOG_LEVEL: z
    .preprocess(emptyAsUndefined, z.enum(['debug', 'info', 'warn', 'error']).optional().transform((v) => v ?? 'info'))
    .describe('The lowest level of log line that is written.'),
  ALIBABA_CLOUD_ACCESS_KEY_ID: z
    .preprocess(emptyAsUndefined, z.string().optional())
    .describe(
      'AccessKey ID, used only when the FC context has no credentials (local runs). On FC the STS credentials of the function role (`context.credentials`) are used. Set it together with `ALIBABA_CLOUD_ACCESS_KEY_SECRET`.',
    ),
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: z
    .preprocess(emptyAsUndefined, z.string().optional())
    .describe('AccessKey secret that goes with `ALIBABA_CLOUD_ACCESS_KEY_ID`. A secret: it is masked in every log line.'),
  ALIBABA_CLOUD_SECURITY_TOKEN: z
    .preprocess(emptyAsUndefined, z.string().optional())
    .describe('STS security token, when the AccessKey pair is temporary. A secret: it is masked in every log line.'),
});

export type Env = z.output<ReturnType<typeof buildEnvSchema>>;

export const EnvSchema = lazySchema(buildEnvSchema, (env) => fastEnv(env));

const HTTP_URL = /^https?$/;
const REGION = /^[a-z0-9-]{2,40}$/;
const UTC_OFFSET = /^[+-]?\d+$/;
const LOG_LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'warn', 'error']);
const url = (text: string) => fastUrl(text, HTTP_URL);
const region = (text: string): FastField<string> => (REGION.test(text) ? text : REJECT);
const anyText = (text: string) => text;

/** The fast path ({@link FastPath}) of {@link EnvSchema}: the same rules, the same output. */
export function fastEnv(input: unknown): { value: Env } | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const env = input as Record<string, unknown>;
  return fastObject<Env>({
    ONS_ENDPOINT: fastOptionalEnv(env, 'ONS_ENDPOINT', url),
    ROCKETMQ_ENDPOINT: fastOptionalEnv(env, 'ROCKETMQ_ENDPOINT', url),
    MQTRACE_REGION: fastOptionalEnv(env, 'MQTRACE_REGION', region),
    FC_REGION: fastOptionalEnv(env, 'FC_REGION', region),
    MQTRACE_CALL_TIMEOUT_MS: fastIntFromEnv(env, 'MQTRACE_CALL_TIMEOUT_MS', 2500, 100, 60_000),
    MQTRACE_LOOKUP_DEADLINE_MS: fastIntFromEnv(env, 'MQTRACE_LOOKUP_DEADLINE_MS', 8000, 200, 600_000),
    MQTRACE_MAX_ATTEMPTS: fastIntFromEnv(env, 'MQTRACE_MAX_ATTEMPTS', 3, 1, 10),
    MQTRACE_TRACE_RATE_LIMIT: fastIntFromEnv(env, 'MQTRACE_TRACE_RATE_LIMIT', 10, 1, 1000),
    MQTRACE_PRODUCER_UTC_OFFSET_MINUTES: fastDefaultedEnv(env, 'MQTRACE_PRODUCER_UTC_OFFSET_MINUTES', 480, (text) => {
      if (!UTC_OFFSET.test(text)) return REJECT;
      const minutes = Number(text);
      return Number.isSafeInteger(minutes) && minutes >= -720 && minutes <= 840 ? minutes : REJECT;
    }),
    MQTRACE_TIME_ZONE: fastOptionalEnv(env, 'MQTRACE_TIME_ZONE', (text) => parseTimeZone(text) ?? REJECT),
    MQTRACE_LOG_LEVEL: fastDefaultedEnv(env, 'MQTRACE_LOG_LEVEL', 'info' as const, (text) => (LOG_LEVELS.has(text) ? (text as Env['MQTRACE_LOG_LEVEL']) : REJECT)),
    ALIBABA_CLOUD_ACCESS_KEY_ID: fastOptionalEnv(env, 'ALIBABA_CLOUD_ACCESS_KEY_ID', anyText),
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: fastOptionalEnv(env, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', anyText),
    ALIBABA_CLOUD_SECURITY_TOKEN: fastOptionalEnv(env, 'ALIBABA_CLOUD_SECURITY_TOKEN', anyText),
  });
}

/** Resolved configuration of the HTTP function. */
export interface HttpConfig {
  /** ONS_ENDPOINT: overrides the 4.x adapter's regional endpoint, e.g. with the local emulator. */
  onsEndpoint: string | undefined;
  /** ROCKETMQ_ENDPOINT: overrides the 5.x adapter's regional endpoint. */
  rocketmq5Endpoint: string | undefined;
  region: string;
  callTimeoutMs: number;
  lookupDeadlineMs: number;
  maxAttempts: number;
  traceRateLimit: number;
  producerUtcOffsetMinutes: number;
  /** Where human-facing times are shown: MQTRACE_TIME_ZONE, else the region's zone. */
  timeZone: TimeZoneSetting;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Credentials from the environment, for when the FC context carries none (local runs). */
  envCredentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string } | undefined;
}

export const DEFAULT_REGION = 'cn-hangzhou';

/**
 * Parses the environment. Throws {@link ConfigError} naming each failing variable, never its value.
 * @param env the environment, passed in so that nothing reads `process.env` at import time.
 */
export function loadHttpConfig(env: Record<string, string | undefined>): HttpConfig {
  const result = EnvSchema.safeParse(env);
  if (!result.success) throw new ConfigError(toFieldIssues(result.error));
  const e = result.data;
  const credentialKeys = [e.ALIBABA_CLOUD_ACCESS_KEY_ID, e.ALIBABA_CLOUD_ACCESS_KEY_SECRET];
  if (credentialKeys.filter(Boolean).length === 1) {
    throw new ConfigError([
      { path: 'ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET', message: 'set both or neither' },
    ]);
  }
  const region = e.MQTRACE_REGION ?? e.FC_REGION ?? DEFAULT_REGION;
  return {
    onsEndpoint: e.ONS_ENDPOINT,
    rocketmq5Endpoint: e.ROCKETMQ_ENDPOINT,
    region,
    callTimeoutMs: e.MQTRACE_CALL_TIMEOUT_MS,
    lookupDeadlineMs: e.MQTRACE_LOOKUP_DEADLINE_MS,
    maxAttempts: e.MQTRACE_MAX_ATTEMPTS,
    traceRateLimit: e.MQTRACE_TRACE_RATE_LIMIT,
    producerUtcOffsetMinutes: e.MQTRACE_PRODUCER_UTC_OFFSET_MINUTES,
    timeZone: e.MQTRACE_TIME_ZONE ?? timeZoneForRegion(region),
    logLevel: e.MQTRACE_LOG_LEVEL,
    envCredentials:
      e.ALIBABA_CLOUD_ACCESS_KEY_ID && e.ALIBABA_CLOUD_ACCESS_KEY_SECRET
        ? {
            accessKeyId: e.ALIBABA_CLOUD_ACCESS_KEY_ID,
            accessKeySecret: e.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
            ...(e.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: e.ALIBABA_CLOUD_SECURITY_TOKEN } : {}),
          }
        : undefined,
  };
}
