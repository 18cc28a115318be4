import { createHttpHandler } from './handler';
import { loadHttpConfig } from '../../shared/config/config-schema';
import { createLogger } from '../../shared/log';
import { createOnsGateway } from '../../shared/ons/ons-gateway';
import { createPopCoreClient } from '../../shared/ons/rpc-client';

declare const MQTRACE_VERSION: string;

const config = loadHttpConfig(process.env);
const secrets = [config.envCredentials?.accessKeySecret, config.envCredentials?.securityToken].filter(
  (s): s is string => typeof s === 'string',
);

/** The FC entry point named in s.yaml (`index.handler`). */
export const handler = createHttpHandler({
  logger: createLogger({ level: config.logLevel, secrets }),
  version: typeof MQTRACE_VERSION === 'string' ? MQTRACE_VERSION : 'dev',
  now: Date.now,
  gateway: createOnsGateway({
    endpoint: config.endpoint,
    clientFactory: createPopCoreClient,
    callTimeoutMs: config.callTimeoutMs,
    retry: { maxAttempts: config.maxAttempts, baseDelayMs: 100, maxDelayMs: 1000 },
    rateLimits: { OnsMessageTrace: { count: config.traceRateLimit, windowMs: 1000 } },
  }),
  envCredentials: config.envCredentials,
  defaultInstanceId: config.defaultInstanceId,
  lookupDeadlineMs: config.lookupDeadlineMs,
  producerUtcOffsetMinutes: config.producerUtcOffsetMinutes,
});
