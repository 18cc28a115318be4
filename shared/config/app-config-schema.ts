import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type FieldIssue } from '../errors';
import { LocaleSchema, type Locale } from '../i18n/locale';
import type { PlatformManifest } from '../platforms/platform-port';
import { PLATFORM_LIST } from '../platforms/registry';
import { InstanceIdSchema } from '../trace/query-schema';
import { toFieldIssues } from '../validation';

/** The environment variable that holds the document, or the path of a file that does. */
export const APP_CONFIG_ENV = 'MQTRACE_CONFIG';

const ALIAS = /^[a-z][a-z0-9_-]{0,31}$/;
const INSTANCE_ID = /^MQ_INST_[0-9]{6,24}_[A-Za-z0-9]{4,32}$/;

export const AliasNameSchema = z.string().regex(ALIAS, 'must be a lower-case alias: a letter, then letters, digits, "-" or "_" (at most 32)');

/** An alias or an instance ID; which one is checked against `aliases` once the document is read. */
const InstanceRefSchema = z.string().min(1, 'is required').max(64, 'is too long');

const InstancePatternSchema = z
  .string()
  .min(1, 'is required')
  .max(64, 'is too long')
  .regex(/^[A-Za-z0-9_*?-]+$/, 'must be an alias or an instance-ID pattern: letters, digits, "_", "-" and the wildcards * and ?');

const TopicPatternSchema = z
  .string()
  .min(1, 'is required')
  .max(127, 'is too long')
  .regex(/^[%|A-Za-z0-9_*?-]+$/, 'must be a topic pattern: letters, digits, "%", "|", "_", "-" and the wildcards * and ?');

/** What a caller may look up: both an instance and a topic pattern must match. Nothing matches an empty list. */
export const ScopeSchema = z
  .object({
    instances: z.array(InstancePatternSchema).describe('Instance IDs, aliases or glob patterns (* and ? only), e.g. "MQ_INST_*_BXprod*" or "prod".'),
    topics: z.array(TopicPatternSchema).describe('Topic glob patterns (* and ? only), e.g. "orders-*".'),
  })
  .strict();

export const HttpTokenSchema = z
  .object({
    name: z.string().regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, ".", "-" or "_"').describe('Shown in the audit log as the caller.'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits: the SHA-256 of the token (printf %s "$TOKEN" | sha256sum)')
      .describe('SHA-256 of the bearer token, hex. The token itself is never configured.'),
    scope: ScopeSchema,
    defaultInstance: InstanceRefSchema.optional().describe('Used when a request names no instance; an alias or instance ID.'),
  })
  .strict();

/** The fields every chat caller entry has, whatever its platform. */
const chatEntryCommon = {
  scope: ScopeSchema,
  defaultInstance: InstanceRefSchema.optional(),
  locale: LocaleSchema.optional().describe('The reply language in this conversation: zh-CN or en. Default: the platform\'s (en on Slack, zh-CN elsewhere).'),
};

/** One chat caller entry of a platform: its own fields (org, conversation, …) and the common ones. */
export function chatCallerEntrySchema(manifest: PlatformManifest) {
  return z.object({ ...manifest.callers.fields, ...chatEntryCommon }).strict();
}

/** The platform's section of the document, e.g. `slack: {channels: [...]}`. */
function platformSection(manifest: PlatformManifest) {
  return z
    .object({ [manifest.callers.list]: z.array(chatCallerEntrySchema(manifest)) })
    .strict()
    .optional()
    .describe(manifest.callers.describe);
}

/**
 * The one configuration document: who may ask (API tokens, and the conversations of each chat
 * platform of the registry), what each may look up, instance aliases and the default instance.
 * Everything is denied unless a caller entry grants it. Secrets are not part of it: they stay in
 * env vars.
 */
export const AppConfigSchema = z
  .object({
    $schema: z.string().optional(),
    aliases: z.record(AliasNameSchema, InstanceIdSchema).optional().describe('Alias → instance ID, e.g. {"prod": "MQ_INST_…"}.'),
    defaultInstance: InstanceRefSchema.optional().describe('For callers without their own default; an alias or instance ID.'),
    http: z.object({ tokens: z.array(HttpTokenSchema) }).strict().optional(),
    ...Object.fromEntries(PLATFORM_LIST.map((m) => [m.name, platformSection(m)])),
  })
  .strict();

export type AppConfigDocument = z.output<typeof AppConfigSchema>;
export type Scope = z.output<typeof ScopeSchema>;
export type HttpToken = z.output<typeof HttpTokenSchema>;

/** A chat caller entry, the same for every platform: its org, its conversation (or `*`) and what it may do. */
export interface ChatCallerEntry {
  org: string;
  conversation: string;
  scope: Scope;
  /** An instance ID, resolved from an alias. */
  defaultInstance?: string;
  locale?: Locale;
  /** Slack only: the channel's default reply visibility. */
  visibility?: 'ephemeral' | 'in_channel';
}

/** The document with aliases resolved: every `defaultInstance` is an instance ID. */
export interface AppConfig {
  aliases: Readonly<Record<string, string>>;
  defaultInstance: string | undefined;
  httpTokens: readonly HttpToken[];
  /** Per platform name of the registry, its caller entries. */
  chatCallers: Readonly<Record<string, readonly ChatCallerEntry[]>>;
}

/** An empty document: no caller, so every lookup is refused. */
export const EMPTY_APP_CONFIG: AppConfig = { aliases: {}, defaultInstance: undefined, httpTokens: [], chatCallers: {} };

/**
 * Validates a parsed document and resolves its aliases. Throws {@link ConfigError} whose keys are
 * paths like `MQTRACE_CONFIG.http.tokens.0.sha256`; values never appear in it.
 */
export function parseAppConfig(document: unknown): AppConfig {
  const result = AppConfigSchema.safeParse(document);
  if (!result.success) throw new ConfigError(toFieldIssues(result.error, APP_CONFIG_ENV));
  const doc = result.data;
  const aliases = doc.aliases ?? {};
  const issues: FieldIssue[] = [];
  const instance = (ref: string | undefined, path: string): string | undefined => {
    if (ref === undefined) return undefined;
    const resolved = aliases[ref] ?? (INSTANCE_ID.test(ref) ? ref : undefined);
    if (!resolved) issues.push({ path: `${APP_CONFIG_ENV}.${path}`, message: 'is neither a configured alias nor an instance ID' });
    return resolved;
  };
  // An alias in a scope stands for its instance ID; anything else is a pattern over IDs.
  const scope = (s: Scope): Scope => ({ instances: s.instances.map((p) => aliases[p] ?? p), topics: s.topics });
  const tokens = doc.http?.tokens ?? [];
  const duplicates = (values: string[]) => values.filter((v, i) => values.indexOf(v) !== i);
  for (const name of new Set(duplicates(tokens.map((t) => t.name)))) {
    issues.push({ path: `${APP_CONFIG_ENV}.http.tokens`, message: `has two tokens named ${name}` });
  }
  if (duplicates(tokens.map((t) => t.sha256)).length > 0) {
    issues.push({ path: `${APP_CONFIG_ENV}.http.tokens`, message: 'has two tokens with the same sha256' });
  }
  const chatCallers: Record<string, ChatCallerEntry[]> = {};
  for (const m of PLATFORM_LIST) {
    const section = (doc as Record<string, unknown>)[m.name] as Record<string, Array<Record<string, unknown>>> | undefined;
    chatCallers[m.name] = (section?.[m.callers.list] ?? []).map((entry, i) => {
      const resolved = instance(entry.defaultInstance as string | undefined, `${m.name}.${m.callers.list}.${i}.defaultInstance`);
      return {
        org: entry[m.callers.org] as string,
        conversation: entry[m.callers.conversation] as string,
        scope: scope(entry.scope as Scope),
        ...(resolved ? { defaultInstance: resolved } : {}),
        ...(entry.locale ? { locale: entry.locale as Locale } : {}),
        ...(entry.visibility ? { visibility: entry.visibility as 'ephemeral' | 'in_channel' } : {}),
      };
    });
  }
  const config: AppConfig = {
    aliases,
    defaultInstance: instance(doc.defaultInstance, 'defaultInstance'),
    httpTokens: tokens.map((t, i) => withDefault({ ...t, scope: scope(t.scope) }, instance(t.defaultInstance, `http.tokens.${i}.defaultInstance`))),
    chatCallers,
  };
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}

export interface LoadAppConfigOptions {
  /** Relative file paths resolve against it: the function's code directory. */
  codeDir: string;
  readFile?: (path: string) => string;
}

/**
 * Reads {@link APP_CONFIG_ENV}: JSON text when it starts with `{`, otherwise a file path. Unset
 * means {@link EMPTY_APP_CONFIG}. Throws {@link ConfigError} naming the failing key, never a value.
 * @param env the environment, passed in so that nothing reads `process.env` at import time.
 */
export function loadAppConfig(env: Record<string, string | undefined>, options: LoadAppConfigOptions): AppConfig {
  const raw = env[APP_CONFIG_ENV]?.trim();
  if (!raw) return EMPTY_APP_CONFIG;
  let text = raw;
  if (!raw.startsWith('{')) {
    const path = isAbsolute(raw) ? raw : resolve(options.codeDir, raw);
    try {
      text = (options.readFile ?? ((p) => readFileSync(p, 'utf8')))(path);
    } catch {
      throw new ConfigError([{ path: APP_CONFIG_ENV, message: 'names a file that cannot be read (set JSON text starting with "{", or a path relative to the code directory)' }]);
    }
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error, which may be a token hash.
    throw new ConfigError([{ path: APP_CONFIG_ENV, message: 'is not valid JSON' }]);
  }
  return parseAppConfig(document);
}

/** The JSON Schema of the document, for editors and `config/mqtrace-config.schema.json`. */
export function appConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(AppConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
}

function withDefault<T extends { defaultInstance?: string | undefined }>(entry: T, resolved: string | undefined): T {
  const { defaultInstance: _, ...rest } = entry;
  return (resolved ? { ...rest, defaultInstance: resolved } : rest) as T;
}
