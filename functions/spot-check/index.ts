import { createSpotCheckHandler } from './handler';
import { createAccessControl } from '../../shared/access/access-control';
import { createAlertDestinations } from '../../shared/alerts/alert-destinations';
import { createBrokerDirectory } from '../../shared/brokers/registry';
import { EMPTY_APP_CONFIG } from '../../shared/config/app-config-schema';
import { loadSpotCheckConfig } from '../../shared/config/spot-check-config';
import { createCredentialsProvider } from '../../shared/credentials';
import { createLogger } from '../../shared/log';
import { createFetchPost } from '../../shared/outbound/http-client';
import { onsEndpointFor } from '../../shared/ons/endpoint';
import { createOnsBrokers } from '../../shared/ons/ons-broker';
import { createOnsGateway } from '../../shared/ons/ons-gateway';
import { sleep } from '../../shared/upstream/rate-limiter';
import { createPopCoreClient } from '../../shared/ons/rpc-client';
import { createFleetState } from '../../shared/redis/fleet-state';
import { connectIoRedis } from '../../shared/redis/ioredis-client';
import { createRedisStatePort } from '../../shared/redis/redis-state-port';
import { createFileStatePort } from '../../shared/spot-check/state-file';
import { createAliOssClient, createOssStatePort } from '../../shared/spot-check/state-oss';
import { createNoStatePort } from '../../shared/spot-check/state-port';
import { createLookupService } from '../../shared/trace/lookup-service';

const config = loadSpotCheckConfig(process.env);
const credentialSecrets = [config.ons.envCredentials?.accessKeySecret, config.ons.envCredentials?.securityToken].filter(
  (s): s is string => typeof s === 'string',
);
// One destination per platform of the registry whose alert settings are set.
const destinations = createAlertDestinations(config.alerts, {
  post: createFetchPost(),
  now: Date.now,
  sleep,
  callTimeoutMs: config.alertTimeoutMs,
  locale: config.alertLocale,
  timeZone: config.ons.timeZone,
});
const state = config.state;
const logger = createLogger({ level: config.ons.logLevel, secrets: [...credentialSecrets, ...config.secrets] });
// The limiters (one budget per account and action with the HTTP function's instances) and the
// verdict cache: through Redis when it is configured, else this instance's own.
const redis = config.shared.redis;
const fleet = createFleetState(config.shared, {
  logger,
  now: Date.now,
  ...(redis
    ? { connect: () => connectIoRedis({ url: redis.url, username: redis.username, password: redis.password, reconnectMs: redis.reconnectMs, connectTimeoutMs: redis.connectTimeoutMs }) }
    : {}),
});
const limiters = fleet.limiters;
const retry = { maxAttempts: config.ons.maxAttempts, baseDelayMs: 100, maxDelayMs: 1000 };
const brokers = createBrokerDirectory([
  {
    kind: 'ons-4x',
    load: () =>
      createOnsBrokers(
        createOnsGateway({
          endpoint: config.ons.onsEndpoint ?? onsEndpointFor(config.ons.region),
          clientFactory: createPopCoreClient,
          callTimeoutMs: config.ons.callTimeoutMs,
          retry,
          limiters,
          rateLimits: { OnsMessageTrace: { count: config.ons.traceRateLimit, windowMs: 1000 } },
        }),
      ),
  },
  {
    kind: 'rocketmq-5x',
    load: async () => {
      const { createRocketMq5Brokers, rocketmq5EndpointFor } = await import('../../shared/rocketmq5/rocketmq5-broker');
      return createRocketMq5Brokers({
        endpoint: config.ons.rocketmq5Endpoint ?? rocketmq5EndpointFor(config.ons.region),
        callTimeoutMs: config.ons.callTimeoutMs,
        retry,
        limiters,
      });
    },
  },
]);
// The timer's checks come from the deployer's own configuration: no aliases, no access document.
const lookups = createLookupService({
  brokers,
  access: createAccessControl(EMPTY_APP_CONFIG),
  now: Date.now,
  producerUtcOffsetMinutes: config.ons.producerUtcOffsetMinutes,
  verdictCache: fleet.verdictCache,
  verdictCacheTtlMs: fleet.verdictCacheTtlMs,
  accountScope: fleet.accountScope,
});

/** The FC entry point named in s.yaml (`index.handler`) for the timer trigger. */
export const handler = createSpotCheckHandler({
  logger,
  now: Date.now,
  lookups,
  brokers,
  credentials: createCredentialsProvider(config.ons.envCredentials),
  configuredChecks: config.checks,
  runDeadlineMs: config.runDeadlineMs,
  reserveMs: config.reserveMs,
  quietPeriodMs: config.quietPeriodMs,
  destinations,
  stateFor: (credentials) => {
    if (state.kind === 'oss') {
      return createOssStatePort({ ...state, credentials, callTimeoutMs: config.ons.callTimeoutMs, clientFactory: createAliOssClient, now: Date.now });
    }
    if (state.kind === 'file') return createFileStatePort({ path: state.path, now: Date.now });
    if (state.kind === 'redis' && fleet.redis) return createRedisStatePort({ redis: fleet.redis, now: Date.now });
    return createNoStatePort();
  },
});
