import { createHttpHandler } from './handler';
import { createAccessControl } from '../../shared/access/access-control';
import { createBrokerDirectory } from '../../shared/brokers/registry';
import { createLazyChatApi } from '../../shared/chat/lazy-chat-api';
import { loadAppConfig } from '../../shared/config/app-config-schema';
import { loadHttpConfig } from '../../shared/config/config-schema';
import { loadRedisConfig } from '../../shared/config/redis-config-schema';
import { createCredentialsProvider } from '../../shared/credentials';
import { createLogger } from '../../shared/log';
import { createOnsBrokers } from '../../shared/ons/ons-broker';
import { onsEndpointFor } from '../../shared/ons/endpoint';
import { createOnsGateway } from '../../shared/ons/ons-gateway';
import { createPopCoreClient } from '../../shared/ons/rpc-client';
import { createFleetState } from '../../shared/redis/fleet-state';
import { connectIoRedis } from '../../shared/redis/ioredis-client';
import { createLookupService } from '../../shared/trace/lookup-service';
import { createFileWebAssets, WEB_ASSET_DIR } from '../../shared/http/web-assets';
import { join } from 'node:path';

declare const MQTRACE_VERSION: string;

const config = loadHttpConfig(process.env);
const redisConfig = loadRedisConfig(process.env);
// The bundle is CommonJS, so __dirname is the code directory that relative config paths start from.
const access = createAccessControl(loadAppConfig(process.env, { codeDir: __dirname }));
const secrets = [config.envCredentials?.accessKeySecret, config.envCredentials?.securityToken, ...redisConfig.secrets].filter(
  (s): s is string => typeof s === 'string',
);
const logger = createLogger({ level: config.logLevel, secrets });
// Limiters, idempotency and the verdict cache: this instance's own, or the fleet's through Redis
// (ioredis is loaded only then, keeping it off the cold start otherwise).
const redis = redisConfig.redis;
const fleet = createFleetState(redisConfig, {
  logger,
  now: Date.now,
  ...(redis
    ? { connect: () => connectIoRedis({ url: redis.url, username: redis.username, password: redis.password, reconnectMs: redis.reconnectMs, connectTimeoutMs: redis.connectTimeoutMs }) }
    : {}),
});
const limiters = fleet.limiters;
const retry = { maxAttempts: config.maxAttempts, baseDelayMs: 100, maxDelayMs: 1000 };
const credentials = createCredentialsProvider(config.envCredentials);
const brokers = createBrokerDirectory([
  {
    kind: 'ons-4x',
    load: () =>
      createOnsBrokers(
        createOnsGateway({
          endpoint: config.onsEndpoint ?? onsEndpointFor(config.region),
          clientFactory: createPopCoreClient,
          callTimeoutMs: config.callTimeoutMs,
          retry,
          limiters,
          rateLimits: { OnsMessageTrace: { count: config.traceRateLimit, windowMs: 1000 } },
        }),
        // A second journey of a message polls the task the first one created.
        { traceQueries: fleet.traceQueries },
      ),
  },
  {
    kind: 'rocketmq-5x',
    // Loaded on the first 5.x lookup only: the 4.x path never evaluates it or its SDK.
    load: async () => {
      const { createRocketMq5Brokers, rocketmq5EndpointFor } = await import('../../shared/rocketmq5/rocketmq5-broker');
      return createRocketMq5Brokers({ endpoint: config.rocketmq5Endpoint ?? rocketmq5EndpointFor(config.region), callTimeoutMs: config.callTimeoutMs, retry, limiters });
    },
  },
]);
const lookups = createLookupService({
  brokers,
  access,
  now: Date.now,
  producerUtcOffsetMinutes: config.producerUtcOffsetMinutes,
  verdictCache: fleet.verdictCache,
  verdictCacheTtlMs: fleet.verdictCacheTtlMs,
  accountScope: fleet.accountScope,
});

/** The FC entry point named in s.yaml (`index.handler`). */
export const handler = createHttpHandler({
  logger,
  version: typeof MQTRACE_VERSION === 'string' ? MQTRACE_VERSION : 'dev',
  now: Date.now,
  access,
  lookups,
  credentials,
  lookupDeadlineMs: config.lookupDeadlineMs,
  producerUtcOffsetMinutes: config.producerUtcOffsetMinutes,
  // The page's files sit beside the bundle (npm run build) and are read on the first page request.
  webAssets: createFileWebAssets(join(__dirname, WEB_ASSET_DIR)),
  // Chat code and its configuration are evaluated on the first chat request only, keeping them off the
  // lookup path's cold start. A bad chat setting fails every chat request (CONFIG_INVALID, 500) before
  // any chat code runs; `npm run check:deploy` catches it before deploy.
  chat: createLazyChatApi(async () => {
    const { chatSecrets, loadChatConfig } = await import('../../shared/config/chat-config-schema');
    const chatConfig = loadChatConfig(process.env);
    logger.addSecrets(chatSecrets(chatConfig));
    const { endpoint, timeoutMs } = chatConfig.invoke;
    const [{ createChatApi }, invoker] = await Promise.all([
      import('../../shared/chat/chat-api'),
      // Either adapter loads its SDK (dist/http/fc3.js or fc2.js) on the first deferred reply only.
      chatConfig.invoke.invoker === 'fc2'
        ? import('../../shared/invoke/fc2-invoker').then(({ createFc2Invoker }) => createFc2Invoker({ endpoint, timeoutMs }))
        : import('../../shared/invoke/fc3-invoker').then(({ createFc3Invoker }) => createFc3Invoker({ endpoint, timeoutMs })),
    ]);
    return createChatApi({
      config: chatConfig,
      lookups,
      invoker,
      fetch: (url, init) => fetch(url, init),
      timeZone: config.timeZone,
      credentials,
      idempotency: fleet.idempotency,
      access,
      lookupDeadlineMs: config.lookupDeadlineMs,
      now: Date.now,
      producerUtcOffsetMinutes: config.producerUtcOffsetMinutes,
    });
  }),
});
