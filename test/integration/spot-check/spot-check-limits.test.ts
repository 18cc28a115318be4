import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeadline } from '../../../shared/deadline';
import { createLogger } from '../../../shared/log';
import { createDingTalkRobotDestination } from '../../../shared/platforms/dingtalk/alert-robot';
import { createFetchPost } from '../../../shared/outbound/http-client';
import { createSlackWebhookDestination } from '../../../shared/platforms/slack/alert-webhook';
import { createBrokerDirectory } from '../../../shared/brokers/registry';
import { createOnsBrokers } from '../../../shared/ons/ons-broker';
import { createOnsGateway } from '../../../shared/ons/ons-gateway';
import { createRateLimiter, sleep } from '../../../shared/upstream/rate-limiter';
import { createPopCoreClient } from '../../../shared/ons/rpc-client';
import { createLimiterRegistry } from '../../../shared/rate-limits';
import { createSpotCheckRunner } from '../../../shared/spot-check/spot-check-runner';
import { createFileStatePort } from '../../../shared/spot-check/state-file';
import { createEmulator } from '../../../local/emulator/server';
import { startDingTalkRobotFake } from '../../../local/fakes/dingtalk-robot-fake';
import { startSlackWebhookFake } from '../../../local/fakes/slack-webhook-fake';
import { buildBulkSeed, BULK_CREDENTIAL, BULK_INSTANCE } from '../../builders/build-bulk-seed';
import { buildSpotCheck, buildSpotCheckLookups } from '../../builders/build-spot-check';

const TOPICS = ['orders', 'billing', 'shipping', 'refunds'];
const closers: Array<() => Promise<void>> = [];

describe('Integration: a 200-message spot check against the emulator through pop-core', () => {
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  it('looks up 200 messages within OnsMessageTrace 10/s and OnsMessagePageQueryByTopic 10/min: the emulator throttles nothing', { timeout: 90_000 }, async () => {
    // Arrange: 4 topics of 200 messages each, 1 in 25 stuck; 4 checks sampling 50 each.
    const emulator = createEmulator({ seed: buildBulkSeed(TOPICS.map((topic) => ({ topic, count: 200, stuckEvery: 25 }))) });
    const { url } = await emulator.start();
    closers.push(emulator.close);
    const dingtalk = await startDingTalkRobotFake({ accessToken: 'bulk-token', secret: 'SECbulk-secret', keywords: ['mqtrace'] });
    const slack = await startSlackWebhookFake();
    closers.push(dingtalk.close, slack.close);
    // As in production (functions/spot-check/index.ts): one limiter per action for the instance,
    // the real 4.x adapter behind the broker directory, and the lookup use case over it.
    const limiters = createLimiterRegistry((limit) => createRateLimiter(limit));
    const gateway = createOnsGateway({ endpoint: url, clientFactory: createPopCoreClient, callTimeoutMs: 2500, limiters });
    const brokers = createBrokerDirectory([{ kind: 'ons-4x', load: () => createOnsBrokers(gateway) }]);
    const lines: Array<Record<string, any>> = [];
    const post = createFetchPost();
    const runner = createSpotCheckRunner({
      lookups: buildSpotCheckLookups(brokers, Date.now),
      brokers,
      credentials: BULK_CREDENTIAL,
      state: createFileStatePort({ path: join(mkdtempSync(join(tmpdir(), 'mqtrace-bulk-')), 'state.json'), now: Date.now }),
      destinations: [
        createDingTalkRobotDestination({ webhookUrl: dingtalk.webhookUrl, secret: 'SECbulk-secret', post, now: Date.now, sleep }),
        createSlackWebhookDestination({ webhookUrl: slack.webhookUrl, post, sleep }),
      ],
      logger: createLogger({ write: (line) => lines.push(JSON.parse(line)) }),
      now: Date.now,
      quietPeriodMs: 3600_000,
    });
    const checks = TOPICS.map((topic) => buildSpotCheck({ name: topic, instanceId: BULK_INSTANCE, topic, sample: 50, expectGroups: ['GID_billing', 'GID_shipping'] }));

    // Act
    const summary = await runner.run({ runId: 'bulk-1', checks, deadline: createDeadline(80_000), reserveMs: 10_000 });

    // Assert
    const stats = emulator.stats().byAction;
    expect(stats.OnsMessageTrace).toEqual({ requests: 200, byCode: { OK: 200 } });
    expect(stats.OnsMessagePageQueryByTopic?.byCode).toEqual({ OK: stats.OnsMessagePageQueryByTopic?.requests });
    expect(stats.OnsMessagePageQueryByTopic?.requests).toBeLessThanOrEqual(10);
    expect(summary.apiCalls).toEqual({ OnsMessageTrace: 200, OnsMessagePageQueryByTopic: stats.OnsMessagePageQueryByTopic?.requests });
    expect(summary.throttles).toEqual({ upstream: 0, local: 0 });
    expect(summary.complete).toBe(true);
    for (const check of summary.checks) {
      expect(check.coverage).toMatchObject({ planned: 50, judged: 50, notChecked: 0 });
      expect(check.status).toBe('FAILING');
      expect(check.failing.every((f) => f.reasons === 'GID_shipping NOT_CONSUME_YET')).toBe(true);
    }
    expect(dingtalk.posts).toHaveLength(1);
    expect(slack.posts).toHaveLength(1);
    expect(lines.filter((l) => l.event === 'spot_check.run')).toHaveLength(1);
    console.log(
      `[measured] 200-message spot check: ${summary.durationMs} ms, API calls ${JSON.stringify(summary.apiCalls)}, throttles ${JSON.stringify(summary.throttles)}`,
    );
  });
});
