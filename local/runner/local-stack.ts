import { startOnsBackend, type OnsBackend } from './ons-backend';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { startChatFakes, type ChatFakes } from '../fakes/chat-fakes';
import { DEMO_CHAT, DEMO_FEISHU, DEMO_WECOM } from '../fakes/chat-signing';
import { AliasNameSchema } from '../../shared/config/app-config-schema';
import { buildDemoConfig } from './demo-access';
import { createFcRunner, type FcRunner } from './fc-runner';
import { createHttpTriggerServer } from './http-trigger';
import { createInvokeApi, type InvokeApi } from './invoke-api';
import { loadFunctionSpecs, type FunctionSpec } from './s-yaml';

export interface LocalStackOptions {
  /** Port of the HTTP trigger; 0 picks a free one. */
  port?: number;
  /** The deployer's environment, as s.yaml's ${env(...)} sees it. */
  env?: Record<string, string | undefined>;
  sYamlPath?: string;
  /** Seed for the embedded emulator. */
  seedPath?: string;
  /** Overrides of the rendered function environment, e.g. a shorter deadline in tests. */
  functionEnv?: Record<string, string>;
  maxInstances?: number;
}

export interface LocalStack {
  url: string;
  spec: FunctionSpec;
  /** How many instances may serve at once. */
  maxInstances: number;
  runner: FcRunner;
  /** Present when the stack runs against the embedded emulator. */
  emulator: OnsBackend['emulator'];
  /** Chat stand-ins: the fake reply endpoints, and FC's invoke API that the function calls to defer a reply. */
  chat: { fakes: ChatFakes; invokeApi: InvokeApi; invokeUrl: string };
  close(): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..', '..');
/** The runner's own default (`createFcRunner`). */
const DEFAULT_MAX_INSTANCES = 8;

/**
 * Starts the HTTP function from s.yaml behind a local HTTP trigger. Without real credentials in
 * `env` it also starts the ONS emulator with the demo seed and points the function at it.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const { emulator, credentials, accountId } = await startOnsBackend(env, options.seedPath);
  const renderEnv: Record<string, string | undefined> = { ...env };
  // One emulator serves both APIs: ONS 4.x RPC at / and rocketmq 5.x ROA under /instances.
  if (emulator) Object.assign(renderEnv, { ONS_ENDPOINT: emulator.url, ROCKETMQ_ENDPOINT: emulator.url });

  const specs = loadFunctionSpecs(options.sYamlPath ?? join(ROOT, 's.yaml'), renderEnv);
  const base = specs.find((s) => s.triggers.some((t) => t.triggerType === 'http'));
  if (!base) throw new Error('s.yaml declares no function with an HTTP trigger');

  // Chat: demo secrets (never real ones), replies allowed to the fakes, and FC's invoke API locally.
  let runner: FcRunner | undefined;
  const fakes = await startChatFakes();
  const invokeApi = createInvokeApi({
    accountId,
    functionName: base.functionName,
    credentials: [credentials],
    invoke: (event, invokeOptions) => (runner ? runner.invoke(event, invokeOptions) : Promise.reject(new Error('runner not started'))),
  });
  const invokeUrl = `http://127.0.0.1:${await listen(invokeApi.server, 0)}`;
  const ownInstances = emulator?.seed.instances.filter((i) => i.accountId === accountId) ?? [];
  const aliases = Object.fromEntries(
    ownInstances
      .map((i) => [i.instanceId.slice(i.instanceId.lastIndexOf('_') + 1).toLowerCase(), i.instanceId] as const)
      .filter(([alias]) => AliasNameSchema.safeParse(alias).success),
  );
  const chatEnv: Record<string, string> = {
    SLACK_SIGNING_SECRET: DEMO_CHAT.slackSigningSecret,
    DINGTALK_APP_SECRET: DEMO_CHAT.dingtalkAppSecret,
    MQTRACE_INTERNAL_SECRET: DEMO_CHAT.internalSecret,
    FEISHU_APP_ID: DEMO_FEISHU.appId,
    FEISHU_APP_SECRET: DEMO_FEISHU.appSecret,
    FEISHU_VERIFICATION_TOKEN: DEMO_FEISHU.verificationToken,
    FEISHU_ENCRYPT_KEY: DEMO_FEISHU.encryptKey,
    // The app's OpenAPI (token, reply) is the fake's; the demo app exists nowhere else.
    FEISHU_DOMAIN: fakes.origin,
    WECOM_CORP_ID: DEMO_WECOM.corpId,
    WECOM_TOKEN: DEMO_WECOM.token,
    WECOM_ENCODING_AES_KEY: DEMO_WECOM.encodingAesKey,
    WECOM_AGENT_ID: String(DEMO_WECOM.agentId),
    WECOM_APP_SECRET: DEMO_WECOM.secret,
    WECOM_API_ORIGIN: fakes.origin,
    MQTRACE_CHAT_EXTRA_REPLY_ORIGINS: fakes.origin,
    MQTRACE_FC_ENDPOINT: invokeUrl,
    // The demo token and chat allow-lists, unless the deployer's environment brings its own document.
    ...(env.MQTRACE_CONFIG ? {} : { MQTRACE_CONFIG: JSON.stringify(buildDemoConfig({ aliases, defaultInstance: ownInstances[0]?.instanceId })) }),
  };
  const spec: FunctionSpec = { ...base, environmentVariables: { ...base.environmentVariables, ...chatEnv, ...options.functionEnv } };
  runner = createFcRunner({
    spec,
    credentials,
    accountId,
    hostEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    maxInstances: options.maxInstances ?? DEFAULT_MAX_INSTANCES,
  });
  const server = createHttpTriggerServer({ runner, accountId });
  const port = await listen(server, options.port ?? 9000);

  return {
    url: `http://127.0.0.1:${port}`,
    spec,
    maxInstances: options.maxInstances ?? DEFAULT_MAX_INSTANCES,
    runner,
    emulator,
    chat: { fakes, invokeApi, invokeUrl },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await new Promise<void>((resolve) => {
        invokeApi.server.close(() => resolve());
        invokeApi.server.closeAllConnections();
      });
      await runner?.close();
      await fakes.close();
      await emulator?.handle.close();
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
