import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type FieldIssue } from '../errors';
import { LOCALES, LocaleSchema, type Locale } from '../i18n/locale';
import type { PlatformManifest } from '../platforms/platform-port';
import { PLATFORM_LIST } from '../platforms/registry';
import { fastInstanceId, InstanceIdSchema } from '../trace/query-schema';
import {
  fastArray,
  fastMatch,
  fastObject,
  fastOptional,
  hasOnlyKeys,
  isObjectRecord,
  isPlainRecord,
  lazySchema,
  OMIT,
  REJECT,
  toFieldIssues,
  type FastField,
} from '../validation';

/** The environment variable that holds the document, or the path of a file that does. */
export const APP_CONFIG_ENV = 'MQTRACE_CONFIG';

const ALIAS = /^[a-z][a-z0-9_-]{0,31}$/;
const INSTANCE_ID = /^MQ_INST_[0-9]{6,24}_[A-Za-z0-9]{4,32}$/;
const INSTANCE_PATTERN = /^[A-Za-z0-9_*?-]+$/;
const TOPIC_PATTERN = /^[%|A-Za-z0-9_*?-]+$/;
const TOKEN_NAME = /^[\w.-]{1,64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export const AliasNameSchema = lazySchema(() =>
  z.string().regex(ALIAS, 'must be a lower-case alias: a letter, then letters, digits, "-" or "_" (at most 32)'),
);

/** An alias or an instance ID; which one is checked against `aliases` once the document is read. */
const InstanceRefSchema = lazySchema(() => z.string().min(1, 'is required').max(64, 'is too long'));

const InstancePatternSchema = lazySchema(() =>
  z
    .string()
    .min(1, 'is required')
    .max(64, 'is too long')
    .regex(INSTANCE_PATTERN, 'must be an alias or an instance-ID pattern: letters, digits, "_", "-" and the wildcards * and ?'),
);

const TopicPatternSchema = lazySchema(() =>
  z
    .string()
    .min(1, 'is required')
    .max(127, 'is too long')
    .regex(TOPIC_PATTERN, 'must be a topic pattern: letters, digits, "%", "|", "_", "-" and the wildcards * and ?'),
);

/** What a caller may look up: both an instance and a topic pattern must match. Nothing matches an empty list. */
export const ScopeSchema = lazySchema(() =>
  z
    .object({
      instances: z.array(InstancePatternSchema).describe('Instance IDs, aliases or glob patterns (* and ? only), e.g. "MQ_INST_*_BXprod*" or "prod".'),
      topics: z.array(TopicPatternSchema).describe('Topic glob patterns (* and ? only), e.g. "orders-*".'),
    })
    .strict(),
);

export const HttpTokenSchema = lazySchema(() =>
  z
    .object({
      name: z.string().regex(TOKEN_NAME, 'must be 1-64 letters, digits, ".", "-" or "_"').describe('Shown in the audit log as the caller.'),
      sha256: z
        .string()
        .regex(SHA256_HEX, 'must be 64 lower-case hex digits: the SHA-256 of the token (printf %s "$TOKEN" | sha256sum)')
        .describe('SHA-256 of the bearer token, hex. The token itself is never configured.'),
      scope: ScopeSchema,
      defaultInstance: InstanceRefSchema.optional().describe('Used when a request names no instance; an alias or instance ID.'),
    })
    .strict(),
);

/** The fields every chat caller entry has, whatever its platform (built with the entry's schema). */
const chatEntryCommon = () => ({
  scope: ScopeSchema,
  defaultInstance: InstanceRefSchema.optional(),
  locale: LocaleSchema.optional().describe('The reply language in this conversation: zh-CN or en. Default: the platform\'s (en on Slack, zh-CN elsewhere).'),
});

/** One chat caller entry of a platform: its own fields (org, conversation, …) and the common ones. */
export function chatCallerEntrySchema(manifest: PlatformManifest) {
  return z.object({ ...manifest.callers.fields, ...chatEntryCommon() }).strict();
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
const buildAppConfigSchema = () =>
  z
    .object({
      $schema: z.string().optional(),
      aliases: z.record(AliasNameSchema, InstanceIdSchema).optional().describe('Alias → instance ID, e.g. {"prod": "MQ_INST_…"}.'),
      defaultInstance: InstanceRefSchema.optional().describe('For callers without their own default; an alias or instance ID.'),
      http: z.object({ tokens: z.array(HttpTokenSchema) }).strict().optional(),
      ...Object.fromEntries(PLATFORM_LIST.map((m) => [m.name, platformSection(m)])),
    })
    .strict();

export const AppConfigSchema = lazySchema(buildAppConfigSchema, (document) => fastAppConfigDocument(document));

export type AppConfigDocument = z.output<ReturnType<typeof buildAppConfigSchema>>;
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

const instanceRef = (value: unknown): FastField<string> => (typeof value === 'string' && value.length >= 1 && value.length <= 64 ? value : REJECT);
const scopeKeys = new Set(['instances', 'topics']);
const tokenKeys = new Set(['name', 'sha256', 'scope', 'defaultInstance']);
const COMMON_ENTRY_KEYS = ['scope', 'defaultInstance', 'locale'] as const;

/** A strict object's fields, or REJECT when it is no object or has a key the schema does not. */
function strictFields<T extends object>(value: unknown, keys: ReadonlySet<string>, fields: (record: Record<string, unknown>) => { value: T } | undefined): FastField<T> {
  if (!isObjectRecord(value) || !hasOnlyKeys(value, keys)) return REJECT;
  return fields(value)?.value ?? REJECT;
}

const scope = (value: unknown) =>
  strictFields<Scope>(value, scopeKeys, (s) =>
    fastObject<Scope>({
      instances: fastArray(s.instances, fastMatch(INSTANCE_PATTERN, 1, 64)),
      topics: fastArray(s.topics, fastMatch(TOPIC_PATTERN, 1, 127)),
    }),
  );

const httpToken = (value: unknown) =>
  strictFields<HttpToken>(value, tokenKeys, (t) =>
    fastObject<HttpToken>({
      name: fastMatch(TOKEN_NAME)(t.name),
      sha256: fastMatch(SHA256_HEX)(t.sha256),
      scope: scope(t.scope),
      defaultInstance: fastOptional(t, 'defaultInstance', instanceRef),
    }),
  );

const locale = (value: unknown): FastField<Locale> => (LOCALES.some((l) => l === value) ? (value as Locale) : REJECT);

/**
 * The fast path of {@link chatCallerEntrySchema}: the platform's `fastFields`, then the common
 * fields, in the schema's key order. Undefined (zod decides) when the manifest's fast fields do not
 * name exactly its schema fields.
 */
function chatEntryFastPath(manifest: PlatformManifest): ((value: unknown) => FastField<Record<string, unknown>>) | undefined {
  const own = Object.keys(manifest.callers.fields);
  const fast = manifest.callers.fastFields;
  if (own.length !== Object.keys(fast).length || !own.every((key) => Object.hasOwn(fast, key))) return undefined;
  const keys = new Set([...own, ...COMMON_ENTRY_KEYS]);
  return (value) =>
    strictFields<Record<string, unknown>>(value, keys, (entry) => {
      const fields: Record<string, FastField<unknown>> = {};
      for (const key of own) fields[key] = (fast[key] as (entry: Record<string, unknown>) => FastField<unknown>)(entry);
      fields.scope = scope(entry.scope);
      fields.defaultInstance = fastOptional(entry, 'defaultInstance', instanceRef);
      fields.locale = fastOptional(entry, 'locale', locale);
      return fastObject<Record<string, unknown>>(fields);
    });
}

// Built on the first document, not at import: the manifests are read once.
let platformFastPaths: Array<{ name: string; list: string; entry: ((value: unknown) => FastField<Record<string, unknown>>) | undefined }> | undefined;
let documentKeys: ReadonlySet<string> | undefined;

function aliasRecord(value: unknown): FastField<Record<string, string>> {
  if (!isPlainRecord(value)) return REJECT;
  const out: Record<string, string> = {};
  for (const key of Reflect.ownKeys(value)) {
    // zod's record skips this key, which JSON.parse keeps as an own property.
    if (key === '__proto__') continue;
    if (typeof key !== 'string' || !ALIAS.test(key)) return REJECT;
    const instanceId = fastInstanceId(value[key]);
    if (instanceId === undefined) return REJECT;
    out[key] = instanceId;
  }
  return out;
}

/** The fast path ({@link FastPath}) of {@link AppConfigSchema}, for documents JSON.parse made. */
export function fastAppConfigDocument(input: unknown): { value: AppConfigDocument } | undefined {
  platformFastPaths ??= PLATFORM_LIST.map((m) => ({ name: m.name, list: m.callers.list, entry: chatEntryFastPath(m) }));
  documentKeys ??= new Set(['$schema', 'aliases', 'defaultInstance', 'http', ...PLATFORM_LIST.map((m) => m.name)]);
  if (!isObjectRecord(input) || !hasOnlyKeys(input, documentKeys)) return undefined;
  const section = <T>(key: string, list: string, item: ((value: unknown) => FastField<T>) | undefined) =>
    fastOptional(input, key, (value) =>
      item !== undefined && isObjectRecord(value) && hasOnlyKeys(value, new Set([list])) ? wrap(list, fastArray(value[list], item)) : REJECT,
    );
  const fields: Record<string, FastField<unknown>> = {
    $schema: fastOptional(input, '$schema', (v) => (typeof v === 'string' ? v : REJECT)),
    aliases: fastOptional(input, 'aliases', aliasRecord),
    defaultInstance: fastOptional(input, 'defaultInstance', instanceRef),
    http: section('http', 'tokens', httpToken),
  };
  for (const p of platformFastPaths) fields[p.name] = section(p.name, p.list, p.entry);
  return fastObject<Record<string, unknown>>(fields) as { value: AppConfigDocument } | undefined;
}

function wrap<T>(key: string, items: FastField<T[]>): FastField<Record<string, T[]>> {
  return items === REJECT || items === OMIT ? REJECT : { [key]: items };
}
