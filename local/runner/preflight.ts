/**
 * The configuration check of `npm start` (and `npm run spot-check`): the checks of
 * `npm run check:deploy` (scripts/deploy/env-checks.ts) over the environment the local runner
 * gives each function, so that a bad setting is named at once instead of the stack reporting ready
 * and answering 502 to every request. No output, no exit: the caller decides.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeployedFunction } from '../../shared/ons/actions';
import {
  attributeKey,
  checkFunctionEnv,
  checkRegionNames,
  dedupe,
  isDeployedFunction,
  redactValues,
  sYamlSources,
  valuesToHide,
  type Env,
} from '../../scripts/deploy/env-checks';
import { loadFunctionSpecs } from './s-yaml';

export type PreflightResult = { ok: true } | { ok: false; problems: Array<{ key: string; message: string }> };

export interface PreflightOptions {
  /** Default: the project's s.yaml. */
  sYamlPath?: string;
  /** The functions the caller runs; default the HTTP function (`npm start`). */
  functions?: readonly DeployedFunction[];
  /**
   * Variables the local stack sets itself whatever the environment says, so their values here do
   * not matter; default {@link LOCAL_STACK_SETS} of each function. Without an AccessKey in `env`,
   * ONS_ENDPOINT and ROCKETMQ_ENDPOINT are added (the emulator's).
   */
  localOverrides?: readonly string[];
  readFile?: (path: string) => string;
}

/**
 * What the local stacks put into a function's environment themselves: local-stack.ts (`npm start`)
 * the demo chat secrets, the reply-origin allowance for the fakes and the local invoke API;
 * spot-check-stack.ts (`npm run spot-check`) a state file instead of OSS.
 */
export const LOCAL_STACK_SETS: Readonly<Record<DeployedFunction, readonly string[]>> = {
  http: ['SLACK_SIGNING_SECRET', 'DINGTALK_APP_SECRET', 'MQTRACE_INTERNAL_SECRET', 'MQTRACE_CHAT_EXTRA_REPLY_ORIGINS', 'MQTRACE_FC_ENDPOINT'],
  'spot-check': ['MQTRACE_STATE_FILE', 'MQTRACE_STATE_OSS_BUCKET'],
};

/**
 * What the local runner passes from the environment besides s.yaml's variables: an AccessKey
 * (local/runner/ons-backend.ts, fc-runner.ts) and the account it belongs to.
 */
const PASSED_THROUGH = ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN', 'FC_ACCOUNT_ID'] as const;

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Checks `env` (the environment `npm start` runs in) the way the function's cold start will: s.yaml
 * rendered against it as the local runner renders it, then each function's environment through its
 * loaders, plus the region names. Only what breaks the local stack counts: a setting that fails on
 * some requests only (e.g. a Slack secret without Slack channels) does not.
 */
export function preflightLocalConfig(env: Env, options: PreflightOptions = {}): PreflightResult {
  const sYamlPath = options.sYamlPath ?? join(ROOT, 's.yaml');
  const functions = options.functions ?? ['http'];
  const overridesOf = (fn: DeployedFunction): Set<string> => {
    const overrides = new Set(options.localOverrides ?? LOCAL_STACK_SETS[fn]);
    // Without an AccessKey the stacks point both broker APIs at the embedded emulator (ons-backend.ts).
    if (!env.ALIBABA_CLOUD_ACCESS_KEY_ID) for (const key of ['ONS_ENDPOINT', 'ROCKETMQ_ENDPOINT']) overrides.add(key);
    // Without a robot URL, spot-check-stack.ts starts a robot fake and sets its URL and secret.
    if (fn === 'spot-check' && !options.localOverrides && !env.MQTRACE_DINGTALK_ROBOT_URL) overrides.add('MQTRACE_DINGTALK_ROBOT_SECRET');
    return overrides;
  };
  let sYamlText: string;
  let specs: ReturnType<typeof loadFunctionSpecs>;
  try {
    sYamlText = readFileSync(sYamlPath, 'utf8');
    specs = loadFunctionSpecs(sYamlPath, env);
  } catch (error) {
    // The local renderer's messages name the variable (`env('X') is not set…`), never a value.
    const message = error instanceof Error && error.message.startsWith('s.yaml: ') ? error.message.slice('s.yaml: '.length) : 'cannot be read or rendered';
    return { ok: false, problems: [{ key: 's.yaml', message }] };
  }
  const sources = sYamlSources(sYamlText);
  const problems: Array<{ key: string; message: string }> = checkRegionNames(env).map(({ key, message }) => ({ key, message }));
  const functionEnvs: Env[] = [];
  for (const spec of specs) {
    const fn = spec.codeDir.replace(/\/+$/, '').split('/').pop() ?? '';
    if (!isDeployedFunction(fn) || !functions.includes(fn)) continue;
    const functionEnv: Env = { ...spec.environmentVariables, ...Object.fromEntries(PASSED_THROUGH.map((key) => [key, env[key]])) };
    for (const key of overridesOf(fn)) delete functionEnv[key];
    functionEnvs.push(functionEnv);
    const report = checkFunctionEnv(fn, functionEnv, { codeDir: spec.codeDir, ...(options.readFile ? { readFile: options.readFile } : {}) });
    for (const problem of report.problems) {
      if (problem.phase === 'cold-start' || problem.phase === 'chat-start' || problem.key === 'MQTRACE_REGION') {
        problems.push({ key: attributeKey(problem.key, spec.resourceName, sources), message: problem.message });
      }
    }
  }
  if (problems.length === 0) return { ok: true };
  const hidden = valuesToHide([env, ...functionEnvs], sYamlText);
  return { ok: false, problems: dedupe(problems).map((p) => ({ key: redactValues(p.key, hidden), message: redactValues(p.message, hidden) })) };
}
