import { z } from 'zod';
import { ConfigError } from '../errors';
import { toFieldIssues } from '../validation';
import { emptyAsUndefined, intFromEnv } from './env-values';


/**
 * Every environment variable the HTTP function reads. The README's configuration table mirrors
 * this schema; keep them in step.
 */
export const EnvSchema = z.object({
  ONS_ENDPOINT: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional()),
  MQTRACE_REGION: z.preprocess(emptyAsUndefined, z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a region ID like cn-hangzhou').optional()),
  FC_REGION: z.preprocess(emptyAsUndefined, z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a region ID like cn-hangzhou').optional()),
  MQTRACE_CALL_TIMEOUT_MS: intFromEnv(2500, 100, 60_000),
  MQTRACE_LOOKUP_DEADLINE_MS: intFromEnv(8000, 200, 600_000),
  MQTRACE_MAX_ATTEMPTS: intFromEnv(3, 1, 10),
  MQTRACE_TRACE_RATE_LIMIT: intFromEnv(10, 1, 1000),
  MQTRACE_PRODUCER_UTC_OFFSET_MINUTES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[+-]?\d+$/, 'must be a whole number of minutes, e.g. 480 for UTC+8')
      .transform(Number)
      .pipe(z.number().int().min(-720).max(840))
      .optional()
      .transform((v) => v ?? 480),
  ),
  MQTRACE_LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['debug', 'info', 'warn', 'error']).optional().transform((v) => v ?? 'info')),
  ALIBABA_CLOUD_ACCESS_KEY_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  ALIBABA_CLOUD_SECURITY_TOKEN: z.preprocess(emptyAsUndefined, z.string().optional()),
});

export type Env = z.output<typeof EnvSchema>;

/** Resolved configuration of the HTTP function. */
export interface HttpConfig {
  endpoint: string;
  region: string;
  callTimeoutMs: number;
  lookupDeadlineMs: number;
  maxAttempts: number;
  traceRateLimit: number;
  producerUtcOffsetMinutes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Credentials from the environment, for when the FC context carries none (local runs). */
  envCredentials: { accessKeyId: string; accessKeySecret: string; securityToken?: string } | undefined;
}

export const DEFAULT_REGION = 'cn-hangzhou';

/** Region IDs the official SDK's endpoint map sends elsewhere (ons-api.md §1). */
const ENDPOINT_EXCEPTIONS: Record<string, string> = {
  'cn-beijing-finance-1': 'ons.aliyuncs.com',
  'cn-hongkong-finance-pop': 'ons.aliyuncs.com',
  'cn-wuhan': 'ons.aliyuncs.com',
  'cn-fujian': 'ons.aliyuncs.com',
  'cn-edge-1': 'ons.aliyuncs.com',
  'ap-northeast-2-pop': 'ons.ap-northeast-1.aliyuncs.com',
  'eu-west-1-oxs': 'ons.ap-northeast-1.aliyuncs.com',
  'rus-west-1-pop': 'ons.ap-northeast-1.aliyuncs.com',
};

/** The public ONS endpoint for a region. */
export function onsEndpointFor(region: string): string {
  return `https://${ENDPOINT_EXCEPTIONS[region] ?? `ons.${region}.aliyuncs.com`}`;
}

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
    endpoint: e.ONS_ENDPOINT ?? onsEndpointFor(region),
    region,
    callTimeoutMs: e.MQTRACE_CALL_TIMEOUT_MS,
    lookupDeadlineMs: e.MQTRACE_LOOKUP_DEADLINE_MS,
    maxAttempts: e.MQTRACE_MAX_ATTEMPTS,
    traceRateLimit: e.MQTRACE_TRACE_RATE_LIMIT,
    producerUtcOffsetMinutes: e.MQTRACE_PRODUCER_UTC_OFFSET_MINUTES,
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
