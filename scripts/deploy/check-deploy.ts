/**
 * `npm run check:deploy`: validates s.yaml and the deployer's environment, offline. Renders s.yaml
 * with `s preview -o json` (no network, no credentials), checks every fc3 resource's props with zod
 * and that each handler exists as a function in its built bundle; then runs each function's
 * rendered environment through the loaders its cold start runs (scripts/deploy/env-checks.ts), and
 * checks the deployer's own inputs (templates, regions, `ram:policy --render`). Every problem names
 * its key, never its value; "s.yaml is valid" only when there is none.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ChatEnvSchema } from '../../shared/config/chat-config-schema';
import { PLATFORM_LIST } from '../../shared/platforms/registry';
import { RESOURCE_PLACEHOLDERS } from '../../shared/ram/api-calls';
import { DEPLOY_CONFIG_PATH } from '../build';
import {
  attributeKey,
  checkFunctionEnv,
  checkRamInputs,
  checkRegionNames,
  checkTemplateValues,
  FC_CODE_DIR,
  isDeployedFunction,
  redactValues,
  sYamlSources,
  unpassedKeyWarnings,
  valuesToHide,
  type Env,
  type EnvProblem,
  type ProblemPhase,
  type SYamlSources,
} from './env-checks';
import { Fc3PropsSchema, RenderedProjectSchema } from './fc3-props-schema';
import { isKnownRegion, UNKNOWN_REGION_MESSAGE } from './regions';

const run = promisify(execFile);

export interface DeployProblem {
  resource: string;
  path: string;
  message: string;
}

/** Renders an s.yaml with the Serverless Devs CLI; the CLI prints a root warning before the JSON. */
export async function renderSYaml(sYamlPath: string, env: Record<string, string | undefined> = process.env): Promise<unknown> {
  const cli = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 's');
  const { stdout } = await run(cli, ['preview', '-o', 'json', '-t', sYamlPath], {
    cwd: dirname(sYamlPath),
    // A private HOME keeps the check from reading or writing the deployer's ~/.s.
    env: { ...env, HOME: mkdtempSync(join(tmpdir(), 'mqtrace-s-')) },
    timeout: 60_000,
    maxBuffer: 10 * 1024 * 1024,
  });
  const start = stdout.indexOf('{');
  if (start < 0) throw new Error(`s preview printed no JSON: ${stdout.slice(0, 200)}`);
  return JSON.parse(stdout.slice(start)) as unknown;
}

/** Every problem in a rendered project; empty means it may be deployed. */
export async function checkRendered(rendered: unknown, baseDir: string): Promise<DeployProblem[]> {
  const project = RenderedProjectSchema.safeParse(rendered);
  if (!project.success) {
    return project.error.issues.map((i) => ({ resource: '(project)', path: i.path.join('.'), message: i.message }));
  }
  const problems: DeployProblem[] = [];
  for (const [resource, { props }] of Object.entries(project.data.resources)) {
    const parsed = Fc3PropsSchema.safeParse(props);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => ({ resource, path: i.path.join('.'), message: describeIssue(i) })));
      continue;
    }
    const { code, handler } = parsed.data;
    const file = handler.slice(0, handler.lastIndexOf('.'));
    const exportName = handler.slice(handler.lastIndexOf('.') + 1);
    const bundle = resolve(baseDir, code, `${file}.js`);
    if (!existsSync(bundle)) {
      problems.push({ resource, path: 'handler', message: `${code}/${file}.js does not exist (run npm run build)` });
      continue;
    }
    if (!(await exportsFunction(bundle, exportName))) {
      problems.push({ resource, path: 'handler', message: `${code}/${file}.js does not export a function named ${exportName}` });
    }
  }
  return problems;
}

// A bad record key nests its reason one level down.
function describeIssue(issue: { message: string; issues?: ReadonlyArray<{ message: string }> }): string {
  return issue.issues?.[0]?.message ?? issue.message;
}

// Loads the bundle in a clean child process, as the runtime would, so its module scope runs.
async function exportsFunction(bundle: string, exportName: string): Promise<boolean> {
  const probe = `const m = require(${JSON.stringify(bundle)}); process.stdout.write(typeof m[${JSON.stringify(exportName)}]);`;
  try {
    const { stdout } = await run(process.execPath, ['-e', probe], { env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 });
    return stdout.trim() === 'function';
  } catch {
    return false;
  }
}

/** One line of the report: where (resources, or none for a deployer-wide input), which key, what. */
export interface DeployCheckLine {
  resources: string[];
  key: string;
  message: string;
  phase: ProblemPhase;
}

export interface DeployCheck {
  problems: DeployCheckLine[];
  warnings: DeployCheckLine[];
}

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Everything `npm run deploy` would get wrong with this s.yaml and this deployer environment.
 * @param env the deployer's environment: what s.yaml's `${env(...)}` reads.
 */
export async function checkDeployment(sYamlPath: string, env: Env = process.env): Promise<DeployCheck> {
  const baseDir = dirname(sYamlPath);
  const sYamlText = readFileSync(sYamlPath, 'utf8');
  const sources = sYamlSources(sYamlText);
  const problems: DeployCheckLine[] = [];
  const warnings: DeployCheckLine[] = [];
  const add = (into: DeployCheckLine[], resource: string | undefined, items: readonly EnvProblem[]) => {
    for (const item of items) {
      const key = resource ? attributeKey(item.key, resource, sources) : item.key;
      const same = into.find((line) => line.key === key && line.message === item.message);
      if (same) {
        if (resource && !same.resources.includes(resource)) same.resources.push(resource);
      } else {
        into.push({ resources: resource ? [resource] : [], key, message: item.message, phase: item.phase });
      }
    }
  };

  // The deployer's own inputs, before rendering: a "${" in a value would make s preview fail.
  const templated = checkTemplateValues(env, sources.templateKeys);
  add(problems, undefined, [...templated, ...checkRegionNames(env), ...checkRamInputs(env)]);
  add(warnings, undefined, unpassedKeyWarnings(env, sources));
  const renderEnv: Env = { ...env, ...Object.fromEntries(templated.map((p) => [p.key, ''])) };

  let rendered: unknown;
  try {
    rendered = await renderSYaml(sYamlPath, renderEnv);
  } catch {
    // Its output quotes the template it failed on, which may be a value.
    problems.push({ resources: [], key: basename(sYamlPath), message: 's preview could not render it; run npx s preview -t s.yaml to see why', phase: 'deploy' });
    return { problems, warnings };
  }
  for (const p of await checkRendered(rendered, baseDir)) {
    problems.push({ resources: [p.resource], key: propsKey(p.path, p.resource, sources), message: p.message, phase: 'deploy' });
  }

  const project = RenderedProjectSchema.safeParse(rendered);
  const resources = project.success ? Object.entries(project.data.resources) : [];
  for (const [resource, { props }] of resources) {
    // Read leniently: props the fc3 schema refused (reported above) still carry the rest of the environment.
    const { code, region, functionName, environmentVariables, timerPayload, httpAuthTypes, hasVpc } = lenientProps(props);
    if (region !== undefined && !isKnownRegion(region)) add(problems, resource, [{ key: 'region', message: UNKNOWN_REGION_MESSAGE, phase: 'deploy' }]);
    const fn = code === undefined ? '' : basename(code);
    if (code === undefined || !isDeployedFunction(fn)) continue;
    const codeDir = resolve(baseDir, code);
    const report = checkFunctionEnv(fn, environmentVariables, { codeDir, deployedCodeDir: FC_CODE_DIR, timerPayload });
    add(problems, resource, report.problems);
    add(warnings, resource, report.warnings);
    add(warnings, resource, redisOutsideVpc(environmentVariables, hasVpc));
    if (fn === 'http') {
      add(problems, resource, [
        ...staleConfigCopy(environmentVariables, baseDir, codeDir),
        ...functionNameMismatch(env, functionName),
        ...signedTriggerWithChat(environmentVariables, httpAuthTypes),
      ]);
    }
  }

  // The safety net: no value of the environment, or of the rendered one, reaches the output.
  const hidden = valuesToHide([env, ...resources.map(([, r]) => (r.props as { environmentVariables?: Env }).environmentVariables ?? {})], sYamlText);
  const clean = (lines: DeployCheckLine[]) => lines.map((l) => ({ ...l, key: redactValues(l.key, hidden), message: redactValues(l.message, hidden) }));
  return { problems: clean(problems), warnings: clean(warnings) };
}

/** A props path named after the deployer variable behind it, where there is one. */
function propsKey(path: string, resource: string, sources: SYamlSources): string {
  if (path.startsWith('environmentVariables.')) {
    const key = path.slice('environmentVariables.'.length);
    return sources.env[resource]?.[key] ? attributeKey(key, resource, sources) : path;
  }
  if (/^triggers\.\d+\.triggerConfig\.payload$/.test(path)) return sources.payload[resource] ?? path;
  if (path === 'region') return sources.region[resource] ?? path;
  return path || '(props)';
}

/** What the environment checks need from one resource's rendered props, whatever else is wrong with them. */
function lenientProps(props: unknown): {
  code: string | undefined;
  region: string | undefined;
  functionName: string;
  environmentVariables: Env;
  timerPayload: string | undefined;
  /** Each HTTP trigger's `authType`, by its props path. */
  httpAuthTypes: Array<{ path: string; authType: unknown }>;
  hasVpc: boolean;
} {
  const p = (props ?? {}) as { code?: unknown; region?: unknown; functionName?: unknown; environmentVariables?: unknown; triggers?: unknown; vpcConfig?: unknown };
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const vars = p.environmentVariables && typeof p.environmentVariables === 'object' ? Object.entries(p.environmentVariables) : [];
  const triggers = Array.isArray(p.triggers) ? (p.triggers as Array<{ triggerType?: unknown; triggerConfig?: { payload?: unknown } }>) : [];
  const timer = triggers.find((t) => t?.triggerType === 'timer');
  const payload = timer ? (text(timer.triggerConfig?.payload) ?? '') : undefined;
  return {
    code: text(p.code),
    region: text(p.region),
    functionName: text(p.functionName) ?? '',
    // A number where fc3 wants a string is reported by the props check; the loaders see it unset.
    environmentVariables: Object.fromEntries(vars.filter((entry): entry is [string, string] => typeof entry[1] === 'string')),
    // A payload that is no JSON at all is reported by the props check already.
    timerPayload: payload === undefined || payload.trim() === '' || isJson(payload) ? payload : undefined,
    hasVpc: p.vpcConfig !== undefined && p.vpcConfig !== null,
    httpAuthTypes: triggers.flatMap((t, i) => (t?.triggerType === 'http' ? [{ path: `triggers.${i}.triggerConfig.authType`, authType: (t.triggerConfig as { authType?: unknown } | undefined)?.authType }] : [])),
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * ApsaraDB for Redis / Tair is reached over its VPC endpoint; a function without `vpcConfig` can
 * reach it only through a public endpoint (which must be enabled and whitelisted). A warning, not
 * a problem: a public endpoint works.
 */
function redisOutsideVpc(functionEnv: Env, hasVpc: boolean): EnvProblem[] {
  if (!functionEnv.MQTRACE_REDIS_URL?.trim() || hasVpc) return [];
  return [{ key: 'MQTRACE_REDIS_URL', message: 'is set but the function has no vpcConfig: it can reach Redis only through a public endpoint (docs/deploying.md, "Shared state: Redis")', phase: 'per-request' }];
}

/** `MQTRACE_CONFIG=mqtrace.json` reads the copy `npm run build` made of config/mqtrace.json. */
function staleConfigCopy(functionEnv: Env, baseDir: string, codeDir: string): EnvProblem[] {
  const name = basename(DEPLOY_CONFIG_PATH);
  if (functionEnv.MQTRACE_CONFIG?.trim() !== name) return [];
  const source = join(baseDir, relative(ROOT, DEPLOY_CONFIG_PATH));
  const copy = join(codeDir, name);
  if (!existsSync(source)) return [];
  if (existsSync(copy) && readFileSync(copy, 'utf8') === readFileSync(source, 'utf8')) return [];
  return [{ key: 'MQTRACE_CONFIG', message: `names ${name}, whose copy in the code directory is missing or older than ${relative(baseDir, source)}: run npm run build`, phase: 'deploy' }];
}

/** `ram:policy --render` grants fc:InvokeFunction on MQTRACE_HTTP_FUNCTION_NAME: it must be this function. */
function functionNameMismatch(env: Env, functionName: string): EnvProblem[] {
  const key = RESOURCE_PLACEHOLDERS.HTTP_FUNCTION_NAME.env;
  const value = env[key]?.trim();
  if (!value || value === functionName) return [];
  return [{ key, message: 'does not name the HTTP function of s.yaml: the policy ram:policy --render writes would let it invoke another function, and deferred chat replies fail', phase: 'per-request' }];
}

/** Chat platforms post unsigned (by Alibaba Cloud): a platform that is turned on needs an anonymous HTTP trigger. */
function signedTriggerWithChat(functionEnv: Env, authTypes: ReadonlyArray<{ path: string; authType: unknown }>): EnvProblem[] {
  const parsed = ChatEnvSchema.safeParse(functionEnv);
  const chat = parsed.success ? PLATFORM_LIST.filter((m) => m.chat.settings(parsed.data as Record<string, unknown>) !== undefined) : [];
  if (chat.length === 0) return [];
  const keys = chat.map((m) => Object.keys(m.chat.env.shape)[0] as string);
  return authTypes
    .filter((t) => t.authType !== 'anonymous')
    .map((t) => ({
      key: t.path,
      message: `is not anonymous, but ${keys.join(' and ')} ${keys.length === 1 ? 'is' : 'are'} set: ${chat.map((m) => m.title).join(' and ')} cannot sign their requests for FC, so the chat routes never receive them (s.yaml, the HTTP trigger)`,
      phase: 'per-request' as const,
    }));
}

const PHASE_NOTE: Readonly<Record<ProblemPhase, string>> = {
  'cold-start': ' (the function fails every request at cold start)',
  'chat-start': ' (every chat request fails; lookups keep working)',
  'per-request': '',
  deploy: '',
};

export function formatLine(line: DeployCheckLine): string {
  const where = line.resources.length > 0 ? `${line.resources.join(', ')}: ` : '';
  return `${where}${line.key}: ${line.message}${PHASE_NOTE[line.phase]}`;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const sYaml = resolve(process.argv[2] ?? join(ROOT, 's.yaml'));
  const { problems, warnings } = await checkDeployment(sYaml, process.env);
  for (const w of warnings) console.error(`check:deploy: warning: ${formatLine(w)}`);
  if (problems.length === 0) {
    console.log(`check:deploy: ${sYaml} is valid`);
  } else {
    for (const p of problems) console.error(`check:deploy: ${formatLine(p)}`);
    console.error(`check:deploy: ${problems.length} problem${problems.length === 1 ? '' : 's'}; values are never printed`);
    process.exit(1);
  }
}
