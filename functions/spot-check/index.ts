import { createSpotCheckHandler } from './handler';
import { loadSpotCheckConfig } from '../../shared/config/spot-check-config';
import { createLogger } from '../../shared/log';
import type { AlertDestination } from '../../shared/alerts/alert-content';
import { createDingTalkRobotDestination } from '../../shared/alerts/dingtalk-robot';
import { createFetchPost } from '../../shared/alerts/http-post';
import { createSlackWebhookDestination } from '../../shared/alerts/slack-webhook';
import { createOnsGateway } from '../../shared/ons/ons-gateway';
import { sleep } from '../../shared/ons/rate-limiter';
import { createPopCoreClient } from '../../shared/ons/rpc-client';
import { createFileStatePort } from '../../shared/spot-check/state-file';
import { createAliOssClient, createOssStatePort } from '../../shared/spot-check/state-oss';
import { createNoStatePort } from '../../shared/spot-check/state-port';

const config = loadSpotCheckConfig(process.env);
const credentialSecrets = [config.ons.envCredentials?.accessKeySecret, config.ons.envCredentials?.securityToken].filter(
  (s): s is string => typeof s === 'string',
);
const post = createFetchPost();
const destinations: AlertDestination[] = [];
if (config.dingtalk) {
  destinations.push(
    createDingTalkRobotDestination({ ...config.dingtalk, post, now: Date.now, sleep, callTimeoutMs: config.alertTimeoutMs }),
  );
}
if (config.slack) {
  destinations.push(createSlackWebhookDestination({ ...config.slack, post, sleep, callTimeoutMs: config.alertTimeoutMs }));
}
const state = config.state;

/** The FC entry point named in s.yaml (`index.handler`) for the timer trigger. */
export const handler = createSpotCheckHandler({
  logger: createLogger({ level: config.ons.logLevel, secrets: [...credentialSecrets, ...config.secrets] }),
  now: Date.now,
  gateway: createOnsGateway({
    endpoint: config.ons.endpoint,
    clientFactory: createPopCoreClient,
    callTimeoutMs: config.ons.callTimeoutMs,
    retry: { maxAttempts: config.ons.maxAttempts, baseDelayMs: 100, maxDelayMs: 1000 },
    rateLimits: { OnsMessageTrace: { count: config.ons.traceRateLimit, windowMs: 1000 } },
    paceRateLimits: true,
  }),
  envCredentials: config.ons.envCredentials,
  configuredChecks: config.checks,
  producerUtcOffsetMinutes: config.ons.producerUtcOffsetMinutes,
  runDeadlineMs: config.runDeadlineMs,
  reserveMs: config.reserveMs,
  quietPeriodMs: config.quietPeriodMs,
  destinations,
  stateFor: (credentials) => {
    if (state.kind === 'oss') {
      return createOssStatePort({ ...state, credentials, callTimeoutMs: config.ons.callTimeoutMs, clientFactory: createAliOssClient, now: Date.now });
    }
    if (state.kind === 'file') return createFileStatePort({ path: state.path, now: Date.now });
    return createNoStatePort();
  },
});
