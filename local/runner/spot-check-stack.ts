import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../shared/spot-check/spot-check-runner';
import { DEMO_SEED_PATH, loadSeedFile } from '../emulator/load-seed';
import type { Seed } from '../emulator/seed-schema';
import { createEmulator, type EmulatorHandle } from '../emulator/server';
import { startDingTalkRobotFake, type DingTalkRobotFake } from '../fakes/dingtalk-robot-fake';
import { startSlackWebhookFake, type SlackWebhookFake } from '../fakes/slack-webhook-fake';
import { createFcRunner, type FcRunner, type InvokeOutcome, type RunnerCredentials } from './fc-runner';
import { loadFunctionSpecs, type FunctionSpec } from './s-yaml';
import { buildTimerEvent, timerTriggerOf } from './timer-trigger';

/** Demo values of the local fakes; never real. */
export const LOCAL_DINGTALK_TOKEN = 'mqtrace-local-robot-token';
export const LOCAL_DINGTALK_SECRET = 'SECmqtrace-local-robot-secret-not-real';

export interface SpotCheckStackOptions {
  /** The deployer's environment, as s.yaml's ${env(...)} sees it. Default `process.env`. */
  env?: Record<string, string | undefined>;
  sYamlPath?: string;
  /** Seed of the embedded emulator; default the demo seed. */
  seedPath?: string;
  /** Overrides of the rendered function environment. */
  functionEnv?: Record<string, string>;
  /** The state file; default a fresh temporary one, so every stack starts without history. */
  stateFile?: string;
}

export interface SpotCheckInvocation {
  outcome: InvokeOutcome;
  /** The run summary the function returned, when it succeeded. */
  summary: RunSummary | undefined;
}

export interface SpotCheckStack {
  spec: FunctionSpec;
  runner: FcRunner;
  emulator: { handle: EmulatorHandle; url: string; seed: Seed } | undefined;
  /** Present unless the environment configures a real robot / webhook. */
  dingtalk: DingTalkRobotFake | undefined;
  slack: SlackWebhookFake | undefined;
  stateFile: string;
  /** Fires the timer once: the trigger's payload unless `payload` is given. */
  invoke(payload?: string): Promise<SpotCheckInvocation>;
  close(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Runs the BUILT spot-check function from s.yaml through the local FC runner, with its timer
 * event. Without real credentials in `env` it also starts the ONS emulator and points the function
 * at it; without configured webhooks, at a local DingTalk robot and Slack webhook fake.
 */
export async function startSpotCheckStack(options: SpotCheckStackOptions = {}): Promise<SpotCheckStack> {
  const env = options.env ?? process.env;
  const specs = loadFunctionSpecs(options.sYamlPath ?? join(ROOT, 's.yaml'), env);
  const base = specs.find((s) => timerTriggerOf(s) !== undefined);
  if (!base) throw new Error('s.yaml declares no function with a timer trigger');
  const trigger = timerTriggerOf(base);
  if (!trigger) throw new Error('s.yaml declares no timer trigger');

  const overrides: Record<string, string> = {};
  let credentials: RunnerCredentials;
  let accountId = env.FC_ACCOUNT_ID ?? '1234567890123456';
  let emulator: SpotCheckStack['emulator'];
  if (!env.ALIBABA_CLOUD_ACCESS_KEY_ID) {
    const seed = await loadSeedFile(options.seedPath ?? DEMO_SEED_PATH);
    const handle = createEmulator({ seed });
    const { url } = await handle.start({ port: 0 });
    emulator = { handle, url, seed };
    const account = seed.accounts[0];
    // The function's role hands out STS credentials; prefer the seed's STS entry to mirror that.
    const credential = account?.credentials.find((c) => c.securityToken) ?? account?.credentials[0];
    if (!account || !credential) throw new Error('the seed has no account with credentials');
    credentials = {
      accessKeyId: credential.accessKeyId,
      accessKeySecret: credential.accessKeySecret,
      ...(credential.securityToken ? { securityToken: credential.securityToken } : {}),
    };
    accountId = account.accountId;
    overrides.ONS_ENDPOINT = url;
  } else {
    credentials = {
      accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID,
      accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? '',
      ...(env.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: env.ALIBABA_CLOUD_SECURITY_TOKEN } : {}),
    };
  }

  const dingtalk = env.MQTRACE_DINGTALK_ROBOT_URL
    ? undefined
    : await startDingTalkRobotFake({ accessToken: LOCAL_DINGTALK_TOKEN, secret: LOCAL_DINGTALK_SECRET, keywords: ['mqtrace'] });
  if (dingtalk) Object.assign(overrides, { MQTRACE_DINGTALK_ROBOT_URL: dingtalk.webhookUrl, MQTRACE_DINGTALK_ROBOT_SECRET: LOCAL_DINGTALK_SECRET });
  const slack = env.MQTRACE_SLACK_WEBHOOK_URL ? undefined : await startSlackWebhookFake();
  if (slack) overrides.MQTRACE_SLACK_WEBHOOK_URL = slack.webhookUrl;
  const stateFile = options.stateFile ?? join(mkdtempSync(join(tmpdir(), 'mqtrace-spot-check-')), 'state.json');
  Object.assign(overrides, { MQTRACE_STATE_FILE: stateFile, MQTRACE_STATE_OSS_BUCKET: '' });

  const spec: FunctionSpec = { ...base, environmentVariables: { ...base.environmentVariables, ...overrides, ...options.functionEnv } };
  const runner = createFcRunner({ spec, credentials, accountId, hostEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, maxInstances: 1 });

  return {
    spec,
    runner,
    emulator,
    dingtalk,
    slack,
    stateFile,
    async invoke(payload) {
      const outcome = await runner.invoke(buildTimerEvent(trigger, payload === undefined ? {} : { payload }));
      const summary = outcome.ok && outcome.value.kind === 'json' ? (JSON.parse(outcome.value.data) as RunSummary) : undefined;
      return { outcome, summary };
    },
    async close() {
      await runner.close();
      await Promise.all([emulator?.handle.close(), dingtalk?.close(), slack?.close()]);
    },
  };
}
