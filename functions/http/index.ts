import { createHttpHandler } from './handler';
import { createAccessControl } from '../../shared/access/access-control';
import { loadAppConfig } from '../../shared/config/app-config-schema';
import { createLazyChatApi } from '../../shared/chat/lazy-chat-api';
import { chatSecrets, loadChatConfig } from '../../shared/config/chat-config-schema';
import { loadHttpConfig } from '../../shared/config/config-schema';
import { createLogger } from '../../shared/log';
import { createOnsGateway } from '../../shared/ons/ons-gateway';
import { createPopCoreClient } from '../../shared/ons/rpc-client';

declare const MQTRACE_VERSION: string;

const config = loadHttpConfig(process.env);
const chatConfig = loadChatConfig(process.env);
// The bundle is CommonJS, so __dirname is the code directory that relative config paths start from.
const access = createAccessControl(loadAppConfig(process.env, { codeDir: __dirname }));
const secrets = [config.envCredentials?.accessKeySecret, config.envCredentials?.securityToken, ...chatSecrets(chatConfig)].filter(
  (s): s is string => typeof s === 'string',
);
const gateway = createOnsGateway({
  endpoint: config.endpoint,
  clientFactory: createPopCoreClient,
  callTimeoutMs: config.callTimeoutMs,
  retry: { maxAttempts: config.maxAttempts, baseDelayMs: 100, maxDelayMs: 1000 },
  rateLimits: { OnsMessageTrace: { count: config.traceRateLimit, windowMs: 1000 } },
  paceRateLimits: true,
});

/** The FC entry point named in s.yaml (`index.handler`). */
export const handler = createHttpHandler({
  logger: createLogger({ level: config.logLevel, secrets }),
  version: typeof MQTRACE_VERSION === 'string' ? MQTRACE_VERSION : 'dev',
  now: Date.now,
  gateway,
  envCredentials: config.envCredentials,
  access,
  lookupDeadlineMs: config.lookupDeadlineMs,
  producerUtcOffsetMinutes: config.producerUtcOffsetMinutes,
  // Chat code is evaluated on the first chat request only, keeping it off the lookup path's cold start.
  chat: createLazyChatApi(async () => {
    const [{ createChatApi }, { createFc2Invoker }] = await Promise.all([
      import('../../shared/chat/chat-api'),
      import('../../shared/invoke/fc2-invoker'),
    ]);
    return createChatApi({
      config: chatConfig,
      gateway,
      invoker: createFc2Invoker({ endpoint: chatConfig.invoke.endpoint, timeoutMs: chatConfig.invoke.timeoutMs }),
      fetch: (url, init) => fetch(url, init),
      envCredentials: config.envCredentials,
      access,
      lookupDeadlineMs: config.lookupDeadlineMs,
      producerUtcOffsetMinutes: config.producerUtcOffsetMinutes,
      now: Date.now,
    });
  }),
});
