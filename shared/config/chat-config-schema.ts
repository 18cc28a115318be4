import { z } from 'zod';
import { ConfigError, type FieldIssue } from '../errors';
import { toFieldIssues } from '../validation';
import { PLATFORM_LIST } from '../platforms/registry';
import { emptyAsUndefined, intFromEnv, secretFromEnv } from './env-values';



const ORIGIN = z.url({ protocol: /^https?$/, error: 'must be http(s) origins like http://127.0.0.1:9100' }).transform((u) => new URL(u).origin);

/** The chat settings every platform shares. */
export const ChatCommonEnvSchema = z.object({
  MQTRACE_INTERNAL_SECRET: secretFromEnv(32).describe(
    'Signs the internal async event of a deferred chat reply (HMAC-SHA256). Only the function knows it. Required when any chat platform is turned on. Make one with `openssl rand -hex 32`. A secret.',
  ),
  MQTRACE_CHAT_INLINE_BUDGET_MS: intFromEnv(1500, 200, 2500).describe(
    "How long a chat lookup may run inline, in milliseconds, counted from the handler's start. After that the reply is deferred to an async invocation. Slack wants its answer within 3 s.",
  ),
  MQTRACE_CHAT_REPLY_TIMEOUT_MS: intFromEnv(3000, 200, 30_000).describe(
    'Timeout of one post to a Slack `response_url` or a DingTalk `sessionWebhook`, in milliseconds.',
  ),
  MQTRACE_CHAT_DEFERRED_CALL_TIMEOUT_MS: intFromEnv(6000, 100, 60_000).describe(
    'Timeout of one OpenAPI call in a deferred lookup, in milliseconds. A lookup is deferred because the API was slow, so it may wait longer per call.',
  ),
  MQTRACE_CHAT_EXTRA_REPLY_ORIGINS: z
    .preprocess(
      emptyAsUndefined,
      z
        .string()
        .optional()
        .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean))
        .pipe(z.array(ORIGIN)),
    )
    .describe(
      "Origins that reply URLs and platform APIs may use besides each platform's documented hosts, comma-separated. For the local fakes only.",
    ),
  MQTRACE_FC_ENDPOINT: z
    .preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional())
    .describe(
      "FC endpoint of the async self-invocation that finishes a deferred chat reply. Unset: `https://{account}.{region}.fc.aliyuncs.com`. Locally: the runner's invoke API.",
    ),
  MQTRACE_INVOKE_TIMEOUT_MS: intFromEnv(800, 100, 10_000).describe('Timeout of that async self-invocation, in milliseconds.'),
  MQTRACE_INVOKER: z
    .preprocess(emptyAsUndefined, z.enum(['fc3', 'fc2'], { error: 'must be fc3 or fc2' }).default('fc3'))
    .describe(
      'SDK of that async self-invocation. `fc3` (default, use this): the official FC 3.0 SDK `@alicloud/fc20230330`, signed ACS3-HMAC-SHA256 as FC 3.0 documents. `fc2`: `@alicloud/fc2` with its `FC` signature on the 2023-03-30 path, which FC 3.0 is not documented to accept; only as a fallback if `fc3` fails on your account. Both send `x-fc-async-task-id`, so a delivery is handed off once.',
    ),
  FC_ACCOUNT_ID: z
    .preprocess(emptyAsUndefined, z.string().regex(/^\d{6,20}$/, 'must be an Alibaba Cloud account ID').optional())
    .describe('Account of the function to invoke for a deferred reply. FC sets it. Unset: taken from the FC context.'),
  FC_FUNCTION_NAME: z
    .preprocess(emptyAsUndefined, z.string().min(1).max(128).optional())
    .describe('Name of the function to invoke for a deferred reply (the function itself). FC sets it. Unset: taken from the FC context.'),
  FC_REGION: z
    .preprocess(emptyAsUndefined, z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a region ID like cn-hangzhou').optional())
    .describe('Region of the function to invoke for a deferred reply. FC sets it. Unset: taken from the FC context.'),
});

/**
 * Every environment variable the chat routes read: each platform's (from its manifest in the
 * registry), then the shared ones. `docs/configuration.md` is generated from this schema and its
 * descriptions (`npm run docs:config`); a test fails when the two drift.
 */
export const ChatEnvSchema = z.object({
  ...Object.assign({}, ...PLATFORM_LIST.map((m) => m.chat.env.shape)),
  ...ChatCommonEnvSchema.shape,
});

/** One platform whose route is on: its name and its settings (secrets included). */
export interface EnabledPlatform {
  name: string;
  settings: unknown;
}

/**
 * Resolved configuration of the chat routes. A platform whose secret is unset is `undefined`: its
 * route answers 404. Who may ask, and what, is in the MQTRACE_CONFIG document (`app-config-schema.ts`).
 */
export interface ChatConfig {
  /** The platforms whose settings are configured, by name; the others' routes answer 404. */
  platforms: ReadonlyMap<string, EnabledPlatform>;
  /** Keys the HMAC of the internal async event; only the function knows it. */
  internalSecret: string | undefined;
  /** How long a chat lookup may run before the reply is deferred to an async invocation. */
  inlineBudgetMs: number;
  /** Per-call timeout of a deferred lookup: it runs because ONS was slow, so it may wait longer per call. */
  deferredCallTimeoutMs: number;
  replyTimeoutMs: number;
  /** Origins allowed for reply URLs besides the platforms' documented hosts (local fakes). */
  extraReplyOrigins: string[];
  invoke: {
    /** Which SDK hands the deferred reply off: the official FC 3.0 one, or fc2 as a fallback. */
    invoker: 'fc3' | 'fc2';
    endpoint: string | undefined;
    timeoutMs: number;
    accountId: string | undefined;
    functionName: string | undefined;
    region: string | undefined;
  };
}

/** The secret values in a chat config, for the logger's redaction list. */
export function chatSecrets(config: ChatConfig): string[] {
  const platformSecrets = [...config.platforms.values()].flatMap((p) => PLATFORM_LIST.find((m) => m.name === p.name)?.chat.secrets(p.settings) ?? []);
  return [...platformSecrets, config.internalSecret].filter((s): s is string => typeof s === 'string');
}

/**
 * Parses the chat environment. Throws {@link ConfigError} naming each failing variable, never its value.
 * @param env the environment, passed in so that nothing reads `process.env` at import time.
 */
export function loadChatConfig(env: Record<string, string | undefined>): ChatConfig {
  const result = ChatEnvSchema.safeParse(env);
  if (!result.success) throw new ConfigError(toFieldIssues(result.error));
  const e = result.data as z.output<typeof ChatCommonEnvSchema> & Record<string, unknown>;
  const missing: FieldIssue[] = PLATFORM_LIST.flatMap((m) => m.chat.problems?.(e) ?? []);
  const platforms = new Map<string, EnabledPlatform>();
  for (const m of PLATFORM_LIST) {
    const settings = m.chat.settings(e);
    if (settings !== undefined) platforms.set(m.name, { name: m.name, settings });
  }
  // Without it a slow lookup could not be handed to the async invocation safely.
  if (platforms.size > 0 && !e.MQTRACE_INTERNAL_SECRET) {
    missing.push({ path: 'MQTRACE_INTERNAL_SECRET', message: `is required when a chat platform is turned on (${[...platforms.keys()].join(', ')})` });
  }
  if (missing.length > 0) throw new ConfigError(missing);
  return {
    platforms,
    internalSecret: e.MQTRACE_INTERNAL_SECRET,
    inlineBudgetMs: e.MQTRACE_CHAT_INLINE_BUDGET_MS,
    deferredCallTimeoutMs: e.MQTRACE_CHAT_DEFERRED_CALL_TIMEOUT_MS,
    replyTimeoutMs: e.MQTRACE_CHAT_REPLY_TIMEOUT_MS,
    extraReplyOrigins: e.MQTRACE_CHAT_EXTRA_REPLY_ORIGINS,
    invoke: {
      invoker: e.MQTRACE_INVOKER,
      endpoint: e.MQTRACE_FC_ENDPOINT,
      timeoutMs: e.MQTRACE_INVOKE_TIMEOUT_MS,
      accountId: e.FC_ACCOUNT_ID,
      functionName: e.FC_FUNCTION_NAME,
      region: e.FC_REGION,
    },
  };
}
