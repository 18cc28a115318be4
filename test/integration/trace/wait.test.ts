import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHttpHandler } from '../../../functions/http/handler';
import { DEMO_SEED_PATH } from '../../../local/emulator/load-seed';
import type { Seed } from '../../../local/emulator/seed-schema';
import { createEmulator, type EmulatorHandle } from '../../../local/emulator/server';
import type { FcHttpResponse } from '../../../shared/http/http-response';
import { createBrokerDirectory } from '../../../shared/brokers/registry';
import { createCredentialsProvider } from '../../../shared/credentials';
import { createLogger } from '../../../shared/log';
import { createOnsBrokers } from '../../../shared/ons/ons-broker';
import { createOnsGateway } from '../../../shared/ons/ons-gateway';
import { createRateLimiter } from '../../../shared/upstream/rate-limiter';
import { createPopCoreClient } from '../../../shared/ons/rpc-client';
import { createLimiterRegistry } from '../../../shared/rate-limits';
import { createLookupService } from '../../../shared/trace/lookup-service';
import { TraceReportSchema } from '../../../shared/trace/report-schema';
import { buildFcContext, buildFcHttpEventBuffer } from '../../builders/build-fc-http-event';
import { stsCredentialOf } from '../../builders/seed';
import { buildAccessControl } from '../../builders/build-access';

const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
const MSG_FLIPS = '0A000C2435F118B4AAC2452C08400015';
const MSG_NEVER = '0A000C235D0918B4AAC2451A0C820007';
const FLIP_AFTER_MS = 1500;

/** The demo seed plus a message GID_billing consumes 1.5 s after the emulator starts. */
function seedWithFlip(): Seed {
  const seed = JSON.parse(readFileSync(DEMO_SEED_PATH, 'utf8')) as Seed;
  // These tests address demo messages by their fixed ids.
  delete seed.alignClientIds;
  const orders = seed.instances[0]?.topics.find((t) => t.topic === 'orders');
  orders?.messages.push({
    msgId: MSG_FLIPS,
    note: 'wait test: consumed 1.5 s after start',
    tag: 'order-created',
    tracks: [{ consumerGroup: 'GID_billing', trackType: 'NOT_CONSUME_YET', timeline: [{ afterMs: FLIP_AFTER_MS, trackType: 'CONSUMED' }] }],
  });
  return seed;
}

const running: EmulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/**
 * The real HTTP handler over the lookup use case, the 4.x broker, the real gateway and pop-core,
 * against a fresh emulator, composed as functions/http/index.ts does; one instance's worth of state.
 */
async function startFunction() {
  const seed = seedWithFlip();
  const emulator = createEmulator({ seed });
  running.push(emulator);
  const { url } = await emulator.start();
  const gateway = createOnsGateway({
    endpoint: url,
    clientFactory: createPopCoreClient,
    callTimeoutMs: 1000,
    limiters: createLimiterRegistry((limit) => createRateLimiter(limit)),
  });
  const brokers = createBrokerDirectory([{ kind: 'ons-4x', load: () => createOnsBrokers(gateway) }]);
  const access = buildAccessControl({ defaultInstance: INSTANCE });
  const handler = createHttpHandler({
    logger: createLogger({ write: () => undefined }),
    version: 'it',
    now: Date.now,
    lookups: createLookupService({ brokers, access, now: Date.now, producerUtcOffsetMinutes: 480 }),
    credentials: createCredentialsProvider(undefined),
    access,
    lookupDeadlineMs: 3000,
  });
  const { accessKeyId, accessKeySecret, securityToken } = stsCredentialOf(seed);
  const context = buildFcContext({ credentials: { accessKeyId, accessKeySecret, securityToken }, function: { timeout: 30 } });
  const wait = async (msgId: string, waitSeconds: number) => {
    const event = buildFcHttpEventBuffer({ query: { topic: 'orders', msgId, waitSeconds: String(waitSeconds) } });
    const response = (await handler(event, context)) as FcHttpResponse;
    expect(response.statusCode).toBe(200);
    return TraceReportSchema.parse(JSON.parse(response.body));
  };
  const traceCalls = () => emulator.stats().byAction.OnsMessageTrace?.byCode ?? {};
  return { wait, traceCalls };
}

describe('waitSeconds over the real gateway and pop-core, against the emulator', () => {
  describe('Given a message the emulator flips to CONSUMED after 1.5 s', () => {
    it('returns the CONSUMED report once the track flips, with the polls it made', async () => {
      // Arrange
      const fn = await startFunction();

      // Act
      const report = await fn.wait(MSG_FLIPS, 20);

      // Assert
      expect(report.verdict).toBe('CONSUMED');
      expect(report.groups).toEqual([expect.objectContaining({ consumerGroup: 'GID_billing', trackType: 'CONSUMED' })]);
      expect(report.wait).toMatchObject({ outcome: 'CONSUMED', windowMs: 20_000 });
      expect(report.wait?.polls).toBeGreaterThan(1);
      expect(fn.traceCalls().OK).toBe(report.wait?.polls);
    });

    it('keeps 20 concurrent waits on one instance within the rate limit: the emulator throttles none', async () => {
      // Arrange
      const fn = await startFunction();

      // Act
      const reports = await Promise.all(Array.from({ length: 20 }, () => fn.wait(MSG_FLIPS, 20)));

      // Assert
      expect(reports.map((r) => r.wait?.outcome)).toEqual(Array(20).fill('CONSUMED'));
      const polls = reports.reduce((n, r) => n + (r.wait?.polls ?? 0), 0);
      expect(polls).toBeGreaterThan(20);
      expect(fn.traceCalls()['Throttling.User'] ?? 0).toBe(0);
      // Polls of different waits that are in flight at once share one call (single-flight).
      expect(fn.traceCalls().OK).toBeGreaterThan(1);
      expect(fn.traceCalls().OK).toBeLessThanOrEqual(polls);
    });
  });

  describe('Given a message that is never consumed', () => {
    it('times out at the end of the window with the last report', async () => {
      // Arrange
      const fn = await startFunction();

      // Act
      const report = await fn.wait(MSG_NEVER, 2);

      // Assert
      expect(report.verdict).toBe('NOT_CONSUMED');
      expect(report.wait).toMatchObject({ outcome: 'TIMED_OUT', windowMs: 2000 });
      expect(report.wait?.waitedMs).toBeGreaterThanOrEqual(2000);
      expect(report.wait?.polls).toBeGreaterThan(1);
    });
  });
});
