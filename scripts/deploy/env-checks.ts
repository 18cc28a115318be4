/**
 * The environment checks that `npm run check:deploy` and `npm start` (local/runner/preflight.ts)
 * share. Each function's environment goes through the very loaders its `index.ts` runs at cold
 * start (shared/config, shared/spot-check); nothing here re-states their rules. On top of those, the
 * settings that only fail later (a chat secret without its allow-list, a bad timer payload, an
 * unknown region) and the deployer-side inputs (s.yaml templates, `ram:policy --render`).
 *
 * Every problem names its key, never its value: the loaders' messages hold none, and
 * {@link redactValues} is the safety net for anything that might.
 */
import { readFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative } from 'node:path';
import { parse } from 'yaml';
import { INSTANCE_RULES, type InstanceIdRule } from '../../shared/brokers/instance-rules';
import { APP_CONFIG_ENV, loadAppConfig, type AppConfig } from '../../shared/config/app-config-schema';
import { ChatEnvSchema, loadChatConfig } from '../../shared/config/chat-config-schema';
import { PLATFORM_LIST } from '../../shared/platforms/registry';
import { EnvSchema, loadHttpConfig } from '../../shared/config/config-schema';
import { loadRedisConfig, RedisEnvSchema } from '../../shared/config/redis-config-schema';
import { loadSpotCheckConfig, SpotCheckEnvSchema, type SpotCheckConfig } from '../../shared/config/spot-check-config';
import { ConfigError, InvalidInputError, type FieldIssue } from '../../shared/errors';
import type { DeployedFunction } from '../../shared/ons/actions';
import { ONS_INSTANCE_RULE } from '../../shared/ons/instance-id';
import { RESOURCE_PLACEHOLDERS, type ResourcePlaceholder } from '../../shared/ram/api-calls';
import { ROCKETMQ5_INSTANCE_RULE } from '../../shared/rocketmq5/instance-id';
import { mergeChecks, parsePayloadChecks, type SpotCheck } from '../../shared/spot-check/check-schema';
import { Fc3PropsSchema } from './fc3-props-schema';
import { isKnownRegion, UNKNOWN_REGION_MESSAGE } from './regions';

export type Env = Record<string, string | undefined>;

/**
 * When a problem bites: `cold-start`, the function's module scope throws, so every request fails;
 * `per-request`, every request (or timer run) that needs the setting fails; `deploy`, the deploy
 * itself or `ram:policy --render` goes wrong.
 */
/** When the deployed function hits it: at load, when chat first starts (the first chat request), per request, or at deploy. */
export type ProblemPhase = 'cold-start' | 'chat-start' | 'per-request' | 'deploy';

export interface EnvProblem {
  /** An env var, or a path into one (`MQTRACE_CONFIG.http.tokens.0.sha256`). Never a value. */
  key: string;
  message: string;
  phase: ProblemPhase;
}

export interface EnvReport {
  problems: EnvProblem[];
  /** Settings that work but probably not as meant; they do not fail a check. */
  warnings: EnvProblem[];
}

/** The deployed functions, by the name of their `functions/<name>` folder (and `dist/<name>`). */
const FUNCTION_KINDS: Readonly<Record<DeployedFunction, true>> = { http: true, 'spot-check': true };

export function isDeployedFunction(name: string): name is DeployedFunction {
  return Object.hasOwn(FUNCTION_KINDS, name);
}

export interface FunctionEnvOptions {
  /** The function's code directory on this machine: relative `MQTRACE_CONFIG` paths start there. */
  codeDir: string;
  /** The timer trigger's payload, for the spot-check function; undefined leaves it unchecked. */
  timerPayload?: string | undefined;
  /**
   * Where the code directory is in the deployed instance (`/code` on FC). Set, an absolute
   * `MQTRACE_CONFIG` path must lie inside it, and is read from `codeDir`.
   */
  deployedCodeDir?: string | undefined;
  readFile?: (path: string) => string;
}

/** On FC the bundle's `__dirname` (fc.md §1.8 `FC_FUNC_CODE_PATH=/code/`). */
export const FC_CODE_DIR = '/code';

/**
 * Checks one function's environment as its instance sees it: the cold-start loaders of
 * `functions/<fn>/index.ts`, then what fails later. Lists every problem, not the first one.
 */
export function checkFunctionEnv(fn: DeployedFunction, env: Env, options: FunctionEnvOptions): EnvReport {
  const problems: EnvProblem[] = [];
  const warnings: EnvProblem[] = [];
  const inPhase = (phase: ProblemPhase) => (issues: readonly FieldIssue[]) => problems.push(...issues.map((i) => ({ key: i.path, message: i.message, phase })));
  const coldStart = inPhase('cold-start');

  if (fn === 'http') {
    // functions/http/index.ts: loadHttpConfig, loadRedisConfig and loadAppConfig at module scope; loadChatConfig when chat first starts.
    coldStart(loaderIssues(loadHttpConfig, env).issues);
    coldStart(loaderIssues(loadRedisConfig, env).issues);
    inPhase('chat-start')(loaderIssues(loadChatConfig, env).issues);
    const app = checkAppConfig(env, options);
    coldStart(app.issues);
    if (app.config) problems.push(...chatPairProblems(env, app.config));
    if (!env[APP_CONFIG_ENV]?.trim()) {
      warnings.push({ key: APP_CONFIG_ENV, message: 'is not set: every API call is refused; only /healthz and the web page answer (see config/mqtrace-config.example.jsonc)', phase: 'per-request' });
    }
  } else {
    // functions/spot-check/index.ts: loadSpotCheckConfig (which runs loadHttpConfig and loadRedisConfig first).
    const loaded = loaderIssues(loadSpotCheckConfig, env);
    coldStart(loaded.issues);
    if (options.timerPayload !== undefined) {
      const timer = checkTimerPayload(options.timerPayload, loaded.value);
      problems.push(...timer.problems);
      warnings.push(...timer.warnings);
    }
  }

  // The format check of MQTRACE_REGION passes `mars-1`; every broker call then fails.
  const region = env.MQTRACE_REGION?.trim();
  if (region && !isKnownRegion(region) && !problems.some((p) => p.key === 'MQTRACE_REGION')) {
    problems.push({ key: 'MQTRACE_REGION', message: UNKNOWN_REGION_MESSAGE, phase: 'per-request' });
  }
  return { problems: dedupe(problems), warnings: dedupe(warnings) };
}

/**
 * The timer payload, as `functions/spot-check/handler.ts` reads it on every run: parsed, then
 * merged with the configured checks (names must be unique; at least one check).
 */
function checkTimerPayload(payload: string, config: SpotCheckConfig | undefined): EnvReport {
  const problems: EnvProblem[] = [];
  const warnings: EnvProblem[] = [];
  let fromPayload: SpotCheck[] | undefined;
  try {
    fromPayload = parsePayloadChecks(payload);
  } catch (error) {
    problems.push(...issuesOf(error, 'payload').map((i) => ({ key: i.path, message: `${i.message} (every timer run fails)`, phase: 'per-request' as const })));
  }
  if (!config || !fromPayload) return { problems, warnings };
  if (config.checks.length + fromPayload.length === 0) {
    warnings.push({
      key: 'MQTRACE_SPOT_CHECKS',
      message: 'is empty and the timer payload adds no check: every timer run fails with INVALID_INPUT (set one of them, or disable the timer)',
      phase: 'per-request',
    });
    return { problems, warnings };
  }
  try {
    mergeChecks(config.checks, fromPayload);
  } catch (error) {
    for (const issue of issuesOf(error, 'checks')) {
      // mergeChecks names its sources `config.checks[…]` and `payload.checks[…]`.
      const key = issue.path.startsWith('config.') ? `MQTRACE_SPOT_CHECKS: ${issue.path}` : issue.path === 'checks' ? 'MQTRACE_SPOT_CHECKS' : issue.path;
      problems.push({ key, message: `${issue.message} (every timer run fails)`, phase: 'per-request' });
    }
  }
  return { problems, warnings };
}

/** Chat secrets and the allow-lists of MQTRACE_CONFIG only work together. */
function chatPairProblems(env: Env, config: AppConfig): EnvProblem[] {
  const problems: EnvProblem[] = [];
  const parsed = ChatEnvSchema.safeParse(env);
  // One pair per platform of the registry: its first env var stands for its settings.
  const pairs = PLATFORM_LIST.map((m) => ({
    secret: Object.keys(m.chat.env.shape)[0] as string,
    on: parsed.success && m.chat.settings(parsed.data as Record<string, unknown>) !== undefined,
    entries: config.chatCallers[m.name]?.length ?? 0,
    list: `${m.name}.${m.callers.list}`,
    route: `/chat/${m.name}`,
    platform: m.title,
  }));
  for (const pair of pairs) {
    const secretSet = pair.on;
    if (secretSet && pair.entries === 0) {
      problems.push({ key: `${APP_CONFIG_ENV}.${pair.list}`, message: `lists nobody, but ${pair.secret} is set: every ${pair.platform} command is refused`, phase: 'per-request' });
    }
    if (!secretSet && pair.entries > 0) {
      problems.push({ key: pair.secret, message: `is not set, but ${APP_CONFIG_ENV} lists ${pair.list}: ${pair.route} answers 404`, phase: 'per-request' });
    }
  }
  return problems;
}

/** {@link loadAppConfig} with the function's code directory, plus hints for the usual mistakes. */
function checkAppConfig(env: Env, options: FunctionEnvOptions): { issues: FieldIssue[]; config?: AppConfig } {
  const raw = env[APP_CONFIG_ENV]?.trim() ?? '';
  const isPath = raw !== '' && !raw.startsWith('{');
  const { deployedCodeDir } = options;
  if (isPath && deployedCodeDir && isAbsolute(raw) && !isInside(deployedCodeDir, raw)) {
    return {
      issues: [
        {
          path: APP_CONFIG_ENV,
          message: `is an absolute path outside the code directory, and on FC only the code directory (${deployedCodeDir}) holds your files: use a path relative to it, e.g. mqtrace.json`,
        },
      ],
    };
  }
  const read = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  let text: string | undefined;
  const readFile = (path: string): string => {
    const local = deployedCodeDir && isAbsolute(raw) ? join(options.codeDir, relative(deployedCodeDir, path)) : path;
    text = read(local);
    return text;
  };
  try {
    return { issues: [], config: loadAppConfig(env, { codeDir: options.codeDir, readFile }) };
  } catch (error) {
    const document = isPath ? text : raw;
    const issues = issuesOf(error, APP_CONFIG_ENV).map((issue) => {
      if (issue.path !== APP_CONFIG_ENV) return issue;
      if (issue.message.startsWith('is not valid JSON') && document !== undefined && (hasComments(document) || raw.endsWith('.jsonc'))) {
        const fix = isPath && basename(raw) === 'mqtrace.json'
          ? 'strip them from config/mqtrace.json (npm run build copies it as it is; config/mqtrace-config.example.jsonc is the commented version)'
          : `strip them, or write the document as plain JSON to config/mqtrace.json and set ${APP_CONFIG_ENV}=mqtrace.json`;
        return { ...issue, message: `${issue.message}: it holds comments (// or /* */), which JSON does not allow; ${fix}` };
      }
      if (issue.message.startsWith('names a file that cannot be read')) {
        return { ...issue, message: `${issue.message}; npm run build copies config/mqtrace.json into the HTTP function's code directory as mqtrace.json` };
      }
      return issue;
    });
    return { issues };
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** `//` or `/*` outside JSON strings. */
export function hasComments(text: string): boolean {
  return /\/\/|\/\*/.test(text.replace(/"(?:[^"\\\n]|\\.)*"/g, '""'));
}

const MAX_ROUNDS = 8;

/**
 * Runs a loader until it stops failing, each round without the keys that failed before, so that
 * every problem is found even though a loader throws at its first failing group. An issue that
 * names an already removed key is an artefact of the removal and dropped.
 * @returns the issues, and the loaded value when the environment loaded as it is.
 */
export function loaderIssues<T>(load: (env: Env) => T, env: Env): { issues: FieldIssue[]; value?: T } {
  const issues: FieldIssue[] = [];
  const removed = new Set<string>();
  const current: Env = { ...env };
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    let found: FieldIssue[];
    try {
      const value = load(current);
      return round === 0 ? { issues, value } : { issues };
    } catch (error) {
      found = issuesOf(error, '(configuration)');
    }
    issues.push(...found.filter((issue) => ![...removed].some((key) => issue.message.includes(key))));
    const next = [...new Set(found.flatMap((issue) => envKeysOf(issue.path)))].filter((key) => !removed.has(key) && current[key] !== undefined);
    if (next.length === 0) break;
    for (const key of next) {
      removed.add(key);
      current[key] = undefined;
    }
  }
  return { issues };
}

/** The env vars an issue path names: `A`, `A.x.y`, `A: config.checks[…]`, `A/B`. */
function envKeysOf(path: string): string[] {
  const head = /^[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*/.exec(path)?.[0];
  return head ? head.split('/') : [];
}

/**
 * The field issues of a loader's error. ConfigError keeps only the failing paths (`keys`) and a
 * message `invalid configuration: path: message; path: message`, so the messages are cut out of
 * it along the known paths; an `issues` array is used when ConfigError has one.
 */
export function issuesOf(error: unknown, fallbackPath: string): FieldIssue[] {
  if (error instanceof InvalidInputError) return error.issues;
  if (error instanceof ConfigError) {
    const own = (error as ConfigError & { issues?: unknown }).issues;
    if (Array.isArray(own)) return own as FieldIssue[];
    return splitConfigMessage(error.message.replace(/^invalid configuration: /, ''), error.keys);
  }
  // Not a validation error: name it only, since its message is not known to be free of values.
  return [{ path: fallbackPath, message: `could not be checked (${error instanceof Error ? error.name : 'unknown error'})` }];
}

function splitConfigMessage(text: string, keys: readonly string[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  let rest = text;
  keys.forEach((key, index) => {
    const prefix = key ? `${key}: ` : '';
    if (rest.startsWith(prefix)) rest = rest.slice(prefix.length);
    const next = keys[index + 1];
    const separator = next === undefined ? undefined : next ? `; ${next}: ` : '; ';
    const end = separator === undefined ? -1 : rest.indexOf(separator);
    const message = end < 0 ? rest : rest.slice(0, end);
    issues.push({ path: key, message });
    rest = end < 0 ? '' : rest.slice(end + 2);
  });
  return issues;
}

// ---- Deployer-side inputs: what s.yaml's ${env(...)} and ram:policy --render read ----

/** The env var names `${env('X', …)}` reads anywhere in an s.yaml. */
export function templateKeysOf(sYamlText: string): string[] {
  return [...new Set([...sYamlText.matchAll(/env\(\s*'([A-Za-z_][A-Za-z0-9_]*)'/g)].map((m) => m[1] as string))];
}

/**
 * Serverless Devs renders templates inside the values `${env()}` returns, so a value holding
 * `${` makes `s preview` and `s deploy` fail (with the value in their error).
 */
export function checkTemplateValues(env: Env, templateKeys: readonly string[]): EnvProblem[] {
  return templateKeys
    .filter((key) => env[key]?.includes('${'))
    .map((key) => ({ key, message: 'holds "${", which Serverless Devs reads as a template of its own: s preview and s deploy fail on it', phase: 'deploy' as const }));
}

/** The variables that name a region. */
export const REGION_KEYS = [RESOURCE_PLACEHOLDERS.REGION.env, 'MQTRACE_REGION'] as const;

export function checkRegionNames(env: Env): EnvProblem[] {
  return REGION_KEYS.filter((key) => {
    const value = env[key]?.trim();
    return value !== undefined && value !== '' && !isKnownRegion(value);
  }).map((key) => ({ key, message: UNKNOWN_REGION_MESSAGE, phase: 'per-request' as const }));
}

/** The instance ID shape of each list placeholder of the RAM policy. */
const INSTANCE_LIST_RULES: Partial<Record<ResourcePlaceholder, InstanceIdRule>> = {
  MQ_INSTANCE_ID: ONS_INSTANCE_RULE,
  ROCKETMQ5_INSTANCE_ID: ROCKETMQ5_INSTANCE_RULE,
};

const ACCOUNT_ID = /^\d{16}$/;

/**
 * The inputs of `npm run ram:policy -- --render` (shared/ram/api-calls.ts RESOURCE_PLACEHOLDERS),
 * when set: the account ID, each instance ID of each instance list, the HTTP function name. The
 * region is checked by {@link checkRegionNames}, the state object's names by the spot-check loader.
 */
export function checkRamInputs(env: Env): EnvProblem[] {
  const problems: EnvProblem[] = [];
  const placeholders = Object.keys(RESOURCE_PLACEHOLDERS) as ResourcePlaceholder[];
  for (const name of placeholders) {
    const spec: { env: string; list?: boolean } = RESOURCE_PLACEHOLDERS[name];
    const value = env[spec.env]?.trim();
    if (!value) continue;
    if (spec.list) {
      const own = INSTANCE_LIST_RULES[name];
      const rules = own ? [own] : INSTANCE_RULES;
      value
        .split(',')
        .map((item) => item.trim())
        .forEach((item, index) => {
          if (item === '' || rules.some((rule) => rule.pattern.test(item))) return;
          const elsewhere = placeholders.find((other) => other !== name && INSTANCE_LIST_RULES[other]?.pattern.test(item));
          const hint = elsewhere ? `: it is a ${INSTANCE_LIST_RULES[elsewhere]?.label} instance ID, which goes in ${RESOURCE_PLACEHOLDERS[elsewhere].env}` : '';
          problems.push({ key: spec.env, message: `item ${index + 1} is not ${rules.map((r) => `a ${r.label} instance ID like ${r.example}`).join(' or ')}${hint}`, phase: 'deploy' });
        });
    } else if (name === 'ACCOUNT_ID' && !ACCOUNT_ID.test(value)) {
      problems.push({ key: spec.env, message: 'must be the 16-digit Alibaba Cloud account ID (ram:policy --render writes it into every resource ARN)', phase: 'deploy' });
    } else if (name === 'HTTP_FUNCTION_NAME' && !Fc3PropsSchema.shape.functionName.safeParse(value).success) {
      problems.push({ key: spec.env, message: 'must be an FC function name: 1-64 letters, digits, _ or -', phase: 'deploy' });
    }
  }
  return problems;
}

/** Every variable some function's loader reads. */
const FUNCTION_ENV_KEYS = new Set([
  ...Object.keys(EnvSchema.shape),
  ...Object.keys(ChatEnvSchema.shape),
  ...Object.keys(RedisEnvSchema.shape),
  ...Object.keys(SpotCheckEnvSchema.shape),
]);

/**
 * Function settings the deployer set but s.yaml passes to no function: they only work locally.
 * FC_* (FC sets them) and ALIBABA_CLOUD_* (the role's credentials) are left out.
 */
export function unpassedKeyWarnings(env: Env, sources: SYamlSources): EnvProblem[] {
  const passed = new Set(Object.values(sources.env).flatMap((vars) => Object.keys(vars)));
  return [...FUNCTION_ENV_KEYS]
    .filter((key) => env[key]?.trim() && !sources.templateKeys.includes(key) && !key.startsWith('FC_') && !key.startsWith('ALIBABA_CLOUD_'))
    .map((key) => {
      const fedBy = passed.has(key)
        ? [...new Set(Object.values(sources.env).map((vars) => vars[key]).filter((s): s is string => typeof s === 'string' && s !== key))]
        : [];
      const message = fedBy.length > 0 ? `is not read by s.yaml: the functions get ${key} from ${fedBy.join(', ')}` : 'is not passed to any function by s.yaml, so it only affects local runs';
      return { key, message, phase: 'deploy' as const };
    });
}

// ---- Which deployer variable each rendered setting came from ----

export interface SYamlSources {
  /** Every variable the file reads through `${env('X', …)}`. */
  templateKeys: string[];
  /** resource → function env var → the deployer variable its template reads (undefined: fixed in s.yaml). */
  env: Record<string, Record<string, string | undefined>>;
  /** resource → the variable the timer trigger's payload reads. */
  payload: Record<string, string | undefined>;
  /** resource → the variable `props.region` reads. */
  region: Record<string, string | undefined>;
}

interface RawProps {
  region?: unknown;
  environmentVariables?: Record<string, unknown>;
  triggers?: Array<{ triggerType?: unknown; triggerConfig?: { payload?: unknown } }>;
}

/** Reads the templates of an s.yaml (unrendered), to name the deployer's variable behind a setting. */
export function sYamlSources(sYamlText: string): SYamlSources {
  const doc = (parse(sYamlText) ?? {}) as { vars?: Record<string, unknown>; resources?: Record<string, { props?: RawProps }> };
  const vars = doc.vars ?? {};
  const sourceOf = (template: unknown, depth = 0): string | undefined => {
    if (typeof template !== 'string' || depth > 5) return undefined;
    const env = /\$\{\s*env\(\s*'([A-Za-z_][A-Za-z0-9_]*)'/.exec(template);
    if (env) return env[1];
    const ref = /\$\{\s*vars\.([A-Za-z_][\w-]*)\s*\}/.exec(template);
    return ref ? sourceOf(vars[ref[1] as string], depth + 1) : undefined;
  };
  const sources: SYamlSources = { templateKeys: templateKeysOf(sYamlText), env: {}, payload: {}, region: {} };
  for (const [resource, { props = {} } = {}] of Object.entries(doc.resources ?? {})) {
    sources.env[resource] = Object.fromEntries(Object.entries(props.environmentVariables ?? {}).map(([key, template]) => [key, sourceOf(template)]));
    sources.payload[resource] = sourceOf(props.triggers?.find((t) => t.triggerType === 'timer')?.triggerConfig?.payload);
    sources.region[resource] = sourceOf(props.region);
  }
  return sources;
}

/**
 * Renames a function-level key after the deployer variable that feeds it: `MQTRACE_REGION` →
 * `MQTRACE_DEPLOY_REGION`, `payload.checks[0]` → `MQTRACE_SPOT_CHECK_PAYLOAD.checks[0]`,
 * `region` → `MQTRACE_DEPLOY_REGION`. Keys fed by a variable of the same name stay as they are.
 */
export function attributeKey(key: string, resource: string, sources: SYamlSources): string {
  const head = /^[A-Za-z_][A-Za-z0-9_]*/.exec(key)?.[0];
  if (!head) return key;
  const rest = key.slice(head.length);
  const source =
    head === 'payload' ? sources.payload[resource] : head === 'region' ? sources.region[resource] : sources.env[resource]?.[head];
  return source && source !== head ? `${source}${rest}` : key;
}

// ---- Output hygiene ----

/** Folds problems with the same key and message into one. */
export function dedupe<T extends { key: string; message: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const id = `${item.key}\u0000${item.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The values that must not appear in output: every env value of 6 characters or more, except those
 * written in `publicText` (s.yaml's own defaults, which are no secret and show up in messages).
 */
export function valuesToHide(envs: readonly Env[], publicText = ''): string[] {
  const values = envs
    .flatMap((env) => Object.values(env))
    .filter((v): v is string => typeof v === 'string')
    // A list's items too (MQTRACE_RAM_INSTANCE_IDS=a,b).
    .flatMap((v) => [v, ...(v.includes(',') ? v.split(',') : [])])
    .map((v) => v.trim())
    .filter((v) => v.length >= 6);
  return [...new Set(values)].filter((v) => !publicText.includes(v)).sort((a, b) => b.length - a.length);
}

/** Replaces each hidden value in `text` with `…`. */
export function redactValues(text: string, hidden: readonly string[]): string {
  return hidden.reduce((out, value) => out.split(value).join('…'), text);
}
