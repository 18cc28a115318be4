/**
 * `npm run docs:config`: writes `docs/configuration.md`, one table per function or area of every
 * environment variable mqtrace reads, generated from the zod env schemas and their `.describe()`
 * texts. A unit test (`test/unit/docs/configuration-doc.test.ts`) fails when the committed file
 * drifts from what this script generates.
 *
 * How a row is made, for each key of a schema's `.shape`:
 *   - description: the field's `.description` (zod's global registry); a field without one is an error;
 *   - default: what the field parses `undefined` to (the schemas give defaults in transforms, so
 *     parsing is the only faithful way to read them);
 *   - accepts: read from the field's zod definition (`_zod.def`): the integer bounds, the enum
 *     values, the URL protocols, the string lengths and patterns, through pipes, optionals and
 *     transforms. Custom refinements cannot be read; say them in the description.
 * Variables that no schema holds come from `s.yaml` (`${env('NAME', 'default')}`, described in
 * {@link DEPLOY_TIME_VARIABLES}) and from the RAM policy placeholders (`RESOURCE_PLACEHOLDERS`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ChatEnvSchema } from '../../shared/config/chat-config-schema';
import { EnvSchema } from '../../shared/config/config-schema';
import { RedisEnvSchema } from '../../shared/config/redis-config-schema';
import { SpotCheckEnvSchema } from '../../shared/config/spot-check-config';
import { RESOURCE_PLACEHOLDERS, type ResourcePlaceholder } from '../../shared/ram/api-calls';
import { placeholderValues } from '../deploy/ram-policy';

const ROOT = join(import.meta.dirname, '..', '..');

/** Where the generated document lives. */
export const CONFIGURATION_DOC_PATH = join(ROOT, 'docs', 'configuration.md');

/** Where the deploy-time variables are read from. */
export const S_YAML_PATH = join(ROOT, 's.yaml');

/** One env schema and the section of the document it becomes. */
export interface EnvSection {
  title: string;
  /** Where the schema is defined, e.g. `shared/config/config-schema.ts` (`EnvSchema`). */
  source: string;
  /** One or two plain sentences under the title. */
  intro: string;
  schema: z.ZodObject;
}

/** The env schemas, in the order the document lists them. */
export const ENV_SECTIONS: readonly EnvSection[] = [
  {
    title: 'Both functions: broker APIs, calls and logs',
    source: '`shared/config/config-schema.ts` (`EnvSchema`)',
    intro: 'The HTTP function and the spot-check function both read these.',
    schema: EnvSchema,
  },
  {
    title: 'HTTP function: chat',
    source: '`shared/config/chat-config-schema.ts` (`ChatEnvSchema`)',
    intro: 'The chat routes of every platform (Slack, DingTalk, Feishu/Lark, WeCom) and the deferred reply read these. See [chat.md](chat.md).',
    schema: ChatEnvSchema,
  },
  {
    title: 'Both functions: shared state (Redis) and the verdict cache',
    source: '`shared/config/redis-config-schema.ts` (`RedisEnvSchema`)',
    intro:
      'Both functions read these. Without `MQTRACE_REDIS_URL` every instance keeps its own limiter, idempotency memory and verdict cache; see [deploying.md](deploying.md#shared-state-redis) for the network setup and the bounds without Redis.',
    schema: RedisEnvSchema,
  },
  {
    title: 'Spot-check function',
    source: '`shared/config/spot-check-config.ts` (`SpotCheckEnvSchema`)',
    intro: 'The timer function reads these besides the broker variables above. See [spot-checks.md](spot-checks.md).',
    schema: SpotCheckEnvSchema,
  },
];

/** A variable that s.yaml reads from the deployer's environment but no function env schema holds. */
export interface DeployTimeVariable {
  accepts: string;
  description: string;
}

/**
 * The s.yaml variables outside the env schemas. The generator fails when s.yaml reads a variable
 * that is neither in a schema nor here, and when an entry here is no longer in s.yaml.
 */
export const DEPLOY_TIME_VARIABLES: Readonly<Record<string, DeployTimeVariable>> = {
  MQTRACE_DEPLOY_REGION: {
    accepts: 'a region ID, e.g. `cn-hangzhou`',
    description: 'Region that both functions are deployed to. s.yaml passes it to the functions as `MQTRACE_REGION`.',
  },
  MQTRACE_ROLE_NAME: {
    accepts: 'a RAM role name',
    description: 'RAM role of the HTTP function. Its policy is `ram/mqtrace-http-policy.json`. See [deploying.md](deploying.md).',
  },
  MQTRACE_CONFIG: {
    accepts: 'JSON text that starts with `{`, or a file path',
    description:
      'The access document of the HTTP function: who may ask, and what. A path is relative to the code directory; `mqtrace.json` works because `npm run build` copies `config/mqtrace.json` there. Unset: every call but `/healthz` is refused. Read by `loadAppConfig` (`shared/config/app-config-schema.ts`). See [access.md](access.md).',
  },
  MQTRACE_SPOT_CHECK_ROLE_NAME: {
    accepts: 'a RAM role name',
    description: 'RAM role of the spot-check function. Its policy is `ram/mqtrace-spot-check-policy.json`.',
  },
  MQTRACE_SPOT_CHECK_PAYLOAD: {
    accepts: 'JSON text `{"checks": [...]}`',
    description: "The timer trigger's payload: more checks, besides `MQTRACE_SPOT_CHECKS`. Names must be unique across the two.",
  },
};

/** One row of a table. */
export interface EnvVariableDoc {
  name: string;
  defaultText: string;
  accepts: string;
  description: string;
}

/** The parts of a zod definition the generator reads. zod 4 keeps them in `schema._zod.def`. */
interface LooseDef {
  type: string;
  in?: z.ZodType;
  out?: z.ZodType;
  innerType?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, string | number>;
  format?: string;
  protocol?: RegExp;
  checks?: ReadonlyArray<{ _zod: { def: LooseCheck } }>;
}

interface LooseCheck {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  value?: number;
}

/** What a field accepts, gathered from every schema its value passes through. */
interface Accepts {
  integer?: { min?: number; max?: number };
  url?: { protocol?: RegExp };
  values?: string[];
  minLength?: number;
  maxLength?: number;
  patterns: RegExp[];
  item?: Accepts;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

function collect(schema: z.ZodType, into: Accepts): Accepts {
  const def = schema._zod.def as unknown as LooseDef;
  if (def.type === 'pipe') {
    if (def.in) collect(def.in, into);
    if (def.out) collect(def.out, into);
  } else if (WRAPPERS.has(def.type) && def.innerType) {
    collect(def.innerType, into);
  } else if (def.type === 'array' && def.element) {
    into.item = collect(def.element, { patterns: [] });
  } else if (def.type === 'enum' && def.entries) {
    into.values = Object.values(def.entries).map(String);
  } else if (def.type === 'number') {
    into.integer ??= {};
    for (const { _zod } of def.checks ?? []) {
      if (_zod.def.check === 'greater_than' && _zod.def.value !== undefined) into.integer.min = _zod.def.value;
      if (_zod.def.check === 'less_than' && _zod.def.value !== undefined) into.integer.max = _zod.def.value;
    }
  } else if (def.type === 'string') {
    if (def.format === 'url') into.url = def.protocol ? { protocol: def.protocol } : {};
    for (const { _zod } of def.checks ?? []) {
      const check = _zod.def;
      if (check.check === 'min_length') into.minLength = check.minimum;
      if (check.check === 'max_length') into.maxLength = check.maximum;
      if (check.check === 'string_format' && check.format === 'url') into.url = {};
      if (check.check === 'string_format' && check.format === 'regex' && check.pattern) into.patterns.push(check.pattern);
    }
  }
  // `transform` and the preprocess step carry nothing readable.
  return into;
}

const code = (text: string) => `\`${text}\``;

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function renderAccepts(a: Accepts): string {
  // A number parsed from a string: the string's digit pattern is only the way in.
  if (a.integer) {
    const { min, max } = a.integer;
    if (min !== undefined && max !== undefined) return `a whole number from ${min} to ${max}`;
    if (min !== undefined) return `a whole number, at least ${min}`;
    if (max !== undefined) return `a whole number, at most ${max}`;
    return 'a whole number';
  }
  if (a.values) return `${a.values.length === 1 ? '' : 'one of '}${orList(a.values.map(code))}`;
  if (a.item) return `a comma-separated list; each item is ${renderAccepts(a.item)}`;
  if (a.url) return a.url.protocol?.source === '^https?$' ? 'an http(s) URL' : a.url.protocol?.source === '^rediss?$' ? 'a redis:// or rediss:// URL' : 'a URL';
  const parts: string[] = [];
  if (a.patterns.length > 0) parts.push(`text matching ${a.patterns.map((p) => code(p.source)).join(' and ')}`);
  if (a.minLength !== undefined && a.maxLength !== undefined) parts.push(`${a.minLength} to ${a.maxLength} characters`);
  else if (a.minLength !== undefined) parts.push(`at least ${a.minLength} characters`);
  else if (a.maxLength !== undefined) parts.push(`at most ${a.maxLength} characters`);
  if (parts.length === 0) return 'text';
  return a.patterns.length > 0 ? parts.join(', ') : `text, ${parts.join(', ')}`;
}

function renderDefault(name: string, schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success) return 'required';
  const value: unknown = parsed.data;
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return 'unset';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return code(String(value));
  throw new Error(`${name}: cannot show its default ${JSON.stringify(value)}`);
}

/**
 * One variable of an env schema as a row: its default (what unset parses to), what it accepts and
 * its description. Throws when the field has no description.
 */
export function describeEnvVariable(name: string, schema: z.ZodType, source = 'its schema'): EnvVariableDoc {
  const description = schema.description;
  if (!description) throw new Error(`${name} in ${source} has no description: add .describe('…') to it`);
  return { name, defaultText: renderDefault(name, schema), accepts: renderAccepts(collect(schema, { patterns: [] })), description };
}

/** Every `${env('NAME', 'default')}` in s.yaml, in order of first use. */
export function sYamlVariables(sYamlText: string): Array<{ name: string; defaultValue: string }> {
  const seen = new Map<string, string>();
  for (const m of sYamlText.matchAll(/\$\{env\(\s*'([A-Za-z0-9_]+)'\s*(?:,\s*'([^']*)'\s*)?\)\}/g)) {
    const name = m[1] as string;
    if (!seen.has(name)) seen.set(name, m[2] ?? '');
  }
  return [...seen].map(([name, defaultValue]) => ({ name, defaultValue }));
}

/**
 * The s.yaml variables that no env schema holds, described by {@link DEPLOY_TIME_VARIABLES}.
 * Throws naming each variable that has no description, and each description s.yaml no longer uses.
 */
export function deployTimeRows(sYamlText: string, sections: readonly EnvSection[] = ENV_SECTIONS): EnvVariableDoc[] {
  const inSchemas = new Set(sections.flatMap((s) => Object.keys(s.schema.shape)));
  const variables = sYamlVariables(sYamlText).filter((v) => !inSchemas.has(v.name));
  const undescribed = variables.filter((v) => !Object.hasOwn(DEPLOY_TIME_VARIABLES, v.name)).map((v) => v.name);
  const stale = Object.keys(DEPLOY_TIME_VARIABLES).filter((name) => !variables.some((v) => v.name === name));
  if (undescribed.length > 0 || stale.length > 0) {
    throw new Error(
      [
        undescribed.length > 0 ? `s.yaml reads ${undescribed.join(', ')}, which no env schema holds: describe it in DEPLOY_TIME_VARIABLES (scripts/docs/gen-config.ts) or add it to a schema` : '',
        stale.length > 0 ? `DEPLOY_TIME_VARIABLES describes ${stale.join(', ')}, which s.yaml does not read: remove it` : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  return variables.map((v) => {
    const spec = DEPLOY_TIME_VARIABLES[v.name] as DeployTimeVariable;
    return { name: v.name, defaultText: v.defaultValue === '' ? 'unset' : code(v.defaultValue), accepts: spec.accepts, description: spec.description };
  });
}

/** The placeholders that `npm run ram:policy -- --render` fills, with the defaults it applies. */
export function ramPolicyRows(): EnvVariableDoc[] {
  const defaults = placeholderValues({});
  return (Object.keys(RESOURCE_PLACEHOLDERS) as ResourcePlaceholder[]).map((name) => {
    const spec: { env: string; about: string; list?: boolean } = RESOURCE_PLACEHOLDERS[name];
    const value = defaults[name];
    const about = spec.about.charAt(0).toUpperCase() + spec.about.slice(1);
    return {
      name: spec.env,
      defaultText: value ? code(value) : 'unset',
      accepts: spec.list ? 'a comma-separated list of instance IDs' : 'text',
      description: `${about}. It fills \`\${${name}}\`.`,
    };
  });
}

/** A table cell: one line, and a `|` that does not end the cell. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function table(rows: readonly EnvVariableDoc[]): string {
  const lines = ['| variable | default | accepts | description |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${cell(code(r.name))} | ${cell(r.defaultText)} | ${cell(r.accepts)} | ${cell(r.description)} |`);
  return lines.join('\n');
}

const HEADER = `<!-- Generated by \`npm run docs:config\` (scripts/docs/gen-config.ts) from the zod env schemas. Do not edit by hand: change the schema's .describe() text and run the script again. -->

# Configuration

mqtrace reads its settings from environment variables. s.yaml fills them from the deployer's
environment at deploy time (\`\${env('NAME', 'default')}\`).

- An empty value counts as unset. s.yaml renders an unset variable as \`''\`.
- "default" is the value mqtrace uses when the variable is unset. "unset" means there is no value;
  the description says what happens then.
- A bad value stops the function at start with \`CONFIG_INVALID\`. The error names the variable,
  never its value.
- Secrets (the chat secrets, the AccessKey secret and STS token, the webhook URLs, their tokens and
  the robot secret, the Redis password) are masked in every log line.
- The access document \`MQTRACE_CONFIG\` has its own schema and keys: see [access.md](access.md).
`;

/** The whole document, generated. */
export function configurationDoc(sYamlText: string = readFileSync(S_YAML_PATH, 'utf8')): string {
  const parts = [HEADER];
  for (const section of ENV_SECTIONS) {
    const rows = Object.entries(section.schema.shape).map(([name, field]) => describeEnvVariable(name, field as z.ZodType, section.source));
    parts.push(`## ${section.title}\n\nSchema: ${section.source}. ${section.intro}\n\n${table(rows)}\n`);
  }
  parts.push(
    `## Deploy time (s.yaml)\n\ns.yaml reads these from the deployer's environment, besides the variables above. The default is the one s.yaml gives. See [deploying.md](deploying.md).\n\n${table(deployTimeRows(sYamlText))}\n`,
  );
  parts.push(
    `## RAM policy placeholders\n\n\`npm run ram:policy -- --render <function>\` reads these to fill the \`\${…}\` placeholders of the policies in \`ram/\` (\`RESOURCE_PLACEHOLDERS\` in \`shared/ram/api-calls.ts\`). See [deploying.md](deploying.md#1-ram-roles-and-policies).\n\n${table(ramPolicyRows())}\n`,
  );
  return parts.join('\n');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(CONFIGURATION_DOC_PATH, configurationDoc());
  console.log('wrote docs/configuration.md');
}
