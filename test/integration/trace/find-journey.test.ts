import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createAccessControl } from '../../../shared/access/access-control';
import { createBrokerDirectory } from '../../../shared/brokers/registry';
import { parseAppConfig } from '../../../shared/config/app-config-schema';
import { DEMO_SEED_PATH } from '../../../local/emulator/load-seed';
import type { Seed } from '../../../local/emulator/seed-schema';
import { createEmulator, type EmulatorHandle, type EmulatorOptions } from '../../../local/emulator/server';
import { createDeadline } from '../../../shared/deadline';
import { NotFoundError } from '../../../shared/errors';
import { createOnsBrokers } from '../../../shared/ons/ons-broker';
import { createOnsGateway } from '../../../shared/ons/ons-gateway';
import { createPopCoreClient } from '../../../shared/ons/rpc-client';
import { createLimiterRegistry } from '../../../shared/rate-limits';
import { createRequestLog } from '../../../shared/request-log';
import { createRocketMq5Brokers } from '../../../shared/rocketmq5/rocketmq5-broker';
import { createMemoryTraceQueryStore } from '../../../shared/trace-query-store';
import { FindReportSchema } from '../../../shared/trace/find-schema';
import { createFindService } from '../../../shared/trace/find-service';
import { JourneyReportSchema } from '../../../shared/trace/journey-schema';
import { createJourneyService } from '../../../shared/trace/journey-service';
import { createLookupService } from '../../../shared/trace/lookup-service';
import { createRateLimiter } from '../../../shared/upstream/rate-limiter';
import { stsCredentialOf } from '../../builders/seed';

const V4 = 'MQ_INST_1234567890123456_BXdemo01';
const V5 = 'rmq-cn-demo5x0001';
const HOUR = 3_600_000;
const caller = { channel: 'http' as const, id: 'it', scope: { instances: ['*'], topics: ['*'] }, defaultInstance: undefined };

const running: EmulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

function demoSeed(change: (seed: Seed) => void = () => undefined): Seed {
  const seed = JSON.parse(readFileSync(DEMO_SEED_PATH, 'utf8')) as Seed;
  delete seed.alignClientIds;
  change(seed);
  return seed;
}

/** The demo world behind the real pop-core client and the real 5.x SDK, the lookup use case and the find and journey services. */
async function startWorld(options: { seed?: Seed; emulator?: Partial<EmulatorOptions>; credentialIndex?: number } = {}) {
  const seed = options.seed ?? demoSeed();
  const emulator = createEmulator({ seed, traceTasks: { resultDelayMs: 300 }, ...options.emulator });
  running.push(emulator);
  const { url } = await emulator.start();
  const limiters = createLimiterRegistry((limit) => createRateLimiter(limit));
  const traceQueries = createMemoryTraceQueryStore({ maxEntries: 100, now: Date.now });
  const brokers = createBrokerDirectory([
    { kind: 'ons-4x', load: () => createOnsBrokers(createOnsGateway({ endpoint: url, clientFactory: createPopCoreClient, callTimeoutMs: 1000, limiters }), { traceQueries }) },
    { kind: 'rocketmq-5x', load: () => createRocketMq5Brokers({ endpoint: url, callTimeoutMs: 1000, limiters }) },
  ]);
  const access = createAccessControl(parseAppConfig({}));
  const lookups = createLookupService({ brokers, access, now: Date.now, producerUtcOffsetMinutes: 480 });
  const credential = options.credentialIndex === undefined ? stsCredentialOf(seed) : (seed.accounts[0]?.credentials[options.credentialIndex] as ReturnType<typeof stsCredentialOf>);
  const credentials = { accessKeyId: credential.accessKeyId, accessKeySecret: credential.accessKeySecret, ...(credential.securityToken ? { securityToken: credential.securityToken } : {}) };
  const opts = (deadlineMs = 8000) => ({ credentials, log: createRequestLog('it'), deadline: createDeadline(deadlineMs) });
  const finder = createFindService({ lookups, now: Date.now });
  const journeys = createJourneyService({ lookups, now: Date.now, producerUtcOffsetMinutes: 480 });
  return { emulator, finder, journeys, opts, traceQueries };
}

const calls = (emulator: EmulatorHandle, action: string) => Object.values(emulator.stats().byAction[action]?.byCode ?? {}).reduce((n, c) => n + c, 0);

describe('Find and journey over the real clients and the emulator (demo seed)', () => {
  describe('Given the 4.x key order-20261201-0042 shared by three messages', () => {
    it('lists them newest first with their verdicts, in one OnsMessageGetByKey and one OnsMessageTrace each', async () => {
      // Arrange
      const world = await startWorld();

      // Act
      const report = await world.finder.byKey(caller, { instance: V4, topic: 'orders', key: 'order-20261201-0042' }, world.opts());

      // Assert
      expect(FindReportSchema.parse(report)).toEqual(report);
      expect(report.messages.map((m) => [m.msgId, m.verdict])).toEqual([
        ['0A000C2435F118B4AAC2452C3D770103', 'PARTIALLY_CONSUMED'],
        ['0A000C2435F118B4AAC2452C2B4C0102', 'CONSUMED'],
        ['0A000C2435F118B4AAC2452C11A00101', 'CONSUMED'],
      ]);
      expect(report.summary).toMatchObject({ found: 3, examined: 3, byVerdict: { CONSUMED: 2, PARTIALLY_CONSUMED: 1 } });
      expect(calls(world.emulator, 'OnsMessageGetByKey')).toBe(1);
      expect(calls(world.emulator, 'OnsMessageTrace')).toBe(3);
    });

    it('answers a key nobody used with an empty list, and an unknown topic with a 404', async () => {
      const world = await startWorld();
      const none = await world.finder.byKey(caller, { instance: V4, topic: 'orders', key: 'no-such-key' }, world.opts());
      expect(none).toMatchObject({ summary: { found: 0 }, messages: [], more: 0 });
      await expect(world.finder.byKey(caller, { instance: V4, topic: 'no-such-topic', key: 'k' }, world.opts())).rejects.toThrow(NotFoundError);
    });
  });

  describe('Given the last hours of the 4.x orders topic', () => {
    it('summarises the sample per verdict and lists the messages that are not CONSUMED', async () => {
      const world = await startWorld();
      const now = Date.now();
      const report = await world.finder.byWindow(caller, { instance: V4, topic: 'orders', fromMs: now - 3 * HOUR, toMs: now }, world.opts());
      expect(FindReportSchema.parse(report)).toEqual(report);
      expect(report.summary.examined).toBeGreaterThan(0);
      expect(Object.values(report.summary.byVerdict).reduce((a, b) => a + b, 0) + report.summary.failed).toBe(report.summary.examined);
      expect(report.messages.every((m) => m.verdict !== 'CONSUMED')).toBe(true);
      expect(report.messages.map((m) => m.msgId)).toContain('0A000C2435F118B4AAC2452C3D770103');
      expect(calls(world.emulator, 'OnsMessagePageQueryByTopic')).toBe(report.sampling?.pagesRead);
    });
  });

  describe('Given the 4.x message that was retried 17 times and dead-lettered', () => {
    const DEAD = '0A000C2435F118B4AAC2452C4E120104';

    it('shows the journey attempt by attempt, the dead-lettering and where the views disagree', async () => {
      // Arrange
      const world = await startWorld();

      // Act
      const report = await world.journeys.journey(caller, { instance: V4, topic: 'orders', msgId: DEAD }, world.opts());

      // Assert
      expect(JourneyReportSchema.parse(report)).toEqual(report);
      expect(report).toMatchObject({ status: 'complete', verdict: 'CONSUMED', send: { status: 'SEND_SUCCESS', producerGroup: 'GID_order_service', sinceSendMs: 0 } });
      const billing = report.groups.find((g) => g.consumerGroup === 'GID_billing');
      expect(billing?.attempts).toHaveLength(17);
      expect(billing?.attempts.map((a) => a.reconsumeTimes)).toEqual([...Array(17).keys()]);
      expect(billing?.attempts.every((a) => a.status === 'CONSUME_FAILED')).toBe(true);
      expect(billing?.deadLettered?.topic).toBe('%DLQ%GID_billing');
      expect(report.groups.find((g) => g.consumerGroup === 'GID_shipping')?.consumedAfterMs).toBeGreaterThan(0);
      expect(report.findings.map((f) => `${f.code}@${f.group}`)).toEqual(['CONSUMED_BUT_LAST_ATTEMPT_FAILED@GID_billing']);
      expect(report.traceTask?.reused).toBe(false);
    });

    it('costs no new trace task the second time', async () => {
      const world = await startWorld();
      await world.journeys.journey(caller, { instance: V4, topic: 'orders', msgId: DEAD }, world.opts());
      world.emulator.resetStats();
      const second = await world.journeys.journey(caller, { instance: V4, topic: 'orders', msgId: DEAD }, world.opts());
      expect(calls(world.emulator, 'OnsTraceQueryByMsgId')).toBe(0);
      expect(calls(world.emulator, 'OnsTraceGetResult')).toBe(1);
      expect(second).toMatchObject({ status: 'complete', traceTask: { reused: true } });
      expect(second.caveats.map((c) => c.code)).toContain('TRACE_TASK_REUSED');
    });

    it('answers partial when the task is still working at the deadline, and finishes the same task on the next look', async () => {
      const world = await startWorld({ emulator: { traceTasks: { resultDelayMs: 2500 } } });
      const first = await world.journeys.journey(caller, { instance: V4, topic: 'orders', msgId: DEAD }, world.opts(1200));
      expect(first).toMatchObject({ status: 'partial', partial: { reason: 'TASK_WORKING_AT_DEADLINE' }, verdict: 'CONSUMED' });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const second = await world.journeys.journey(caller, { instance: V4, topic: 'orders', msgId: DEAD }, world.opts());
      expect(second.status).toBe('complete');
      expect(calls(world.emulator, 'OnsTraceQueryByMsgId')).toBe(1);
    });
  });

  describe('Given a 4.x message whose producer records no trace', () => {
    it('answers no_trace_data with the verdict, not a failure', async () => {
      const world = await startWorld();
      const report = await world.journeys.journey(caller, { instance: V4, topic: 'orders', msgId: '0A000C2435F118B4AAC2452C5F330105' }, world.opts());
      expect(report).toMatchObject({ status: 'no_trace_data', verdict: 'CONSUMED' });
      expect(report.caveats.map((c) => c.code)).toContain('NO_TRACE_DATA');
    });
  });

  describe('Given a role without mq:QueryTrace', () => {
    it('still gives the verdict and names the missing permission', async () => {
      const seed = demoSeed((s) => {
        s.accounts[0]?.credentials.push({ accessKeyId: 'mqtrace-no-trace-key', accessKeySecret: 'mqtrace-no-trace-secret-not-real', allowedActions: ['mq:QueryMessageTrace', 'mq:QueryMessage', 'mq:QueryDLQMessage'] });
      });
      const world = await startWorld({ seed, credentialIndex: 2 });
      const report = await world.journeys.journey(caller, { instance: V4, topic: 'orders', msgId: '0A000C2435F118B4AAC2452C4E120104' }, world.opts());
      expect(report).toMatchObject({ status: 'partial', partial: { reason: 'TRACE_PERMISSION_DENIED' }, verdict: 'CONSUMED', missingPermissions: ['mq:QueryTrace'] });
    });
  });

  describe('Given the 5.x demo instance', () => {
    it('finds the two messages with key order-20261201-0042 by ListMessages with messageKey', async () => {
      const world = await startWorld();
      const report = await world.finder.byKey(caller, { instance: V5, topic: 'checkout-5x', key: 'order-20261201-0042' }, world.opts());
      expect(report.broker).toBe('rocketmq-5x');
      expect(report.summary).toMatchObject({ found: 2, examined: 2, byVerdict: { CONSUMED: 2 } });
      expect(report.messages.every((m) => m.keys?.includes('order-20261201-0042'))).toBe(true);
      expect(calls(world.emulator, 'ListMessages')).toBe(1);
      // Both lookups share one subscription list; each has its own trace.
      expect(calls(world.emulator, 'ListTopicSubscriptions')).toBe(1);
      expect(calls(world.emulator, 'GetTrace')).toBe(2);
    });

    it("shows the full journey of a message from GetTrace in one call with the lookup's", async () => {
      const world = await startWorld();
      const found = await world.finder.byKey(caller, { instance: V5, topic: 'checkout-5x', key: 'checkout-77120' }, world.opts());
      const msgId = found.messages[0]?.msgId as string;
      world.emulator.resetStats();
      const report = await world.journeys.journey(caller, { instance: V5, topic: 'checkout-5x', msgId }, world.opts());
      expect(JourneyReportSchema.parse(report)).toEqual(report);
      expect(report).toMatchObject({ status: 'complete', broker: 'rocketmq-5x', verdict: 'CONSUMED', send: { sinceSendMs: 0 } });
      const mailer = report.groups.find((g) => g.consumerGroup === 'GID_mailer_5x');
      expect(mailer?.attempts.map((a) => a.outcome)).toEqual(['FAILED', 'SUCCEEDED']);
      expect(mailer?.attempts.map((a) => a.clientHost)).toEqual(['10.0.25.11', '10.0.25.12']);
      expect(calls(world.emulator, 'GetTrace')).toBe(1);
    });

    it('summarises a 5.x topic window', async () => {
      const world = await startWorld();
      const now = Date.now();
      const report = await world.finder.byWindow(caller, { instance: V5, topic: 'orders-5x', fromMs: now - 4 * HOUR, toMs: now }, world.opts());
      expect(report.summary.examined).toBeGreaterThan(0);
      expect(report.messages.every((m) => m.verdict !== 'CONSUMED')).toBe(true);
    });
  });
});
