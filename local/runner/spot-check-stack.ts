import { startOnsBackend, type OnsBackend } from './ons-backend';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../shared/spot-check/spot-check-runner';
import { startDingTalkRobotFake, type DingTalkRobotFake } from '../fakes/dingtalk-robot-fake';
import { startFeishuBotFake, type FeishuBotFake } from '../fakes/feishu-bot-fake';
import { startWeComRobotFake, type WeComRobotFake } from '../fakes/wecom-robot-fake';
import { startSlackWebhookFake, type SlackWebhookFake } from '../fakes/slack-webhook-fake';
import { createFcRunner, type FcRunner, type InvokeOutcome } from './fc-runner';
import { loadFunctionSpecs, type FunctionSpec } from './s-yaml';
import { buildTimerEvent, timerTriggerOf } from './timer-trigger';

/** Demo values of the local fakes; never real. */
export const LOCAL_DINGTALK_TOKEN = 'mqtrace-local-robot-token';
export const LOCAL_DINGTALK_SECRET = 'SECmqtrace-local-robot-secret-not-real';
export const LOCAL_FEISHU_BOT_TOKEN = 'mqtrace-local-feishu-hook';
export const LOCAL_FEISHU_BOT_SECRET = 'mqtrace-local-feishu-bot-secret-not-real';
export const LOCAL_WECOM_ROBOT_KEY = 'mqtrace-local-wecom-robot-key';

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
  emulator: OnsBackend['emulator'];
  /** Present unless the environment configures a real robot / webhook. */
  dingtalk: DingTalkRobotFake | undefined;
  slack: SlackWebhookFake | undefined;
  feishu: FeishuBotFake | undefined;
  wecom: WeComRobotFake | undefined;
  stateFile: string;
  /** Fires the timer once: the trigger's payload unless `payload` is given. */
  invoke(payload?: string): Promise<SpotCheckInvocation>;
  close(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Runs the BUILT spot-check function from s.yaml through the local FC runner, with its timer
 * event. Without real credentials in `env` it also starts the ONS emulator and points the function
 * at it; without configured webhooks, at local fakes of every platform's alert endpoint.
 */
export async function startSpotCheckStack(options: SpotCheckStackOptions = {}): Promise<SpotCheckStack> {
  const env = options.env ?? process.env;
  const specs = loadFunctionSpecs(options.sYamlPath ?? join(ROOT, 's.yaml'), env);
  const base = specs.find((s) => timerTriggerOf(s) !== undefined);
  if (!base) throw new Error('s.yaml declares no function with a timer trigger');
  const trigger = timerTriggerOf(base);
  if (!trigger) throw new Error('s.yaml declares no timer trigger');

  const overrides: Record<string, string> = {};
  const { emulator, credentials, accountId } = await startOnsBackend(env, options.seedPath);
  // One emulator serves both APIs: ONS 4.x RPC at / and rocketmq 5.x ROA under /instances.
  if (emulator) Object.assign(overrides, { ONS_ENDPOINT: emulator.url, ROCKETMQ_ENDPOINT: emulator.url });

  const dingtalk = env.MQTRACE_DINGTALK_ROBOT_URL
    ? undefined
    : await startDingTalkRobotFake({ accessToken: LOCAL_DINGTALK_TOKEN, secret: LOCAL_DINGTALK_SECRET, keywords: ['mqtrace'] });
  if (dingtalk) Object.assign(overrides, { MQTRACE_DINGTALK_ROBOT_URL: dingtalk.webhookUrl, MQTRACE_DINGTALK_ROBOT_SECRET: LOCAL_DINGTALK_SECRET });
  const slack = env.MQTRACE_SLACK_WEBHOOK_URL ? undefined : await startSlackWebhookFake();
  if (slack) overrides.MQTRACE_SLACK_WEBHOOK_URL = slack.webhookUrl;
  const feishu = env.MQTRACE_FEISHU_BOT_URL ? undefined : await startFeishuBotFake({ token: LOCAL_FEISHU_BOT_TOKEN, secret: LOCAL_FEISHU_BOT_SECRET });
  if (feishu) Object.assign(overrides, { MQTRACE_FEISHU_BOT_URL: feishu.webhookUrl, MQTRACE_FEISHU_BOT_SECRET: LOCAL_FEISHU_BOT_SECRET });
  const wecom = env.MQTRACE_WECOM_ROBOT_URL ? undefined : await startWeComRobotFake({ key: LOCAL_WECOM_ROBOT_KEY });
  if (wecom) overrides.MQTRACE_WECOM_ROBOT_URL = wecom.webhookUrl;
  // A state file of our own lives in a temp directory that close() removes; a given one is the caller's.
  const ownDir = options.stateFile ? undefined : mkdtempSync(join(tmpdir(), 'mqtrace-spot-check-'));
  const stateFile = options.stateFile ?? join(ownDir as string, 'state.json');
  Object.assign(overrides, { MQTRACE_STATE_FILE: stateFile, MQTRACE_STATE_OSS_BUCKET: '' });

  const spec: FunctionSpec = { ...base, environmentVariables: { ...base.environmentVariables, ...overrides, ...options.functionEnv } };
  const runner = createFcRunner({ spec, credentials, accountId, hostEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, maxInstances: 1 });

  return {
    spec,
    runner,
    emulator,
    dingtalk,
    slack,
    feishu,
    wecom,
    stateFile,
    async invoke(payload) {
      const outcome = await runner.invoke(buildTimerEvent(trigger, payload === undefined ? {} : { payload }));
      const summary = outcome.ok && outcome.value.kind === 'json' ? (JSON.parse(outcome.value.data) as RunSummary) : undefined;
      return { outcome, summary };
    },
    async close() {
      await runner.close();
      await Promise.all([emulator?.handle.close(), dingtalk?.close(), slack?.close(), feishu?.close(), wecom?.close()]);
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
