import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEMO_SEED_PATH } from '../../../local/emulator/load-seed';
import type { Seed } from '../../../local/emulator/seed-schema';
import { createEmulator, type EmulatorHandle } from '../../../local/emulator/server';
import { createDeadline } from '../../../shared/deadline';
import { createOnsBrokers } from '../../../shared/ons/ons-broker';
import { createOnsGateway } from '../../../shared/ons/ons-gateway';
import { createRateLimiter } from '../../../shared/upstream/rate-limiter';
import { createPopCoreClient } from '../../../shared/ons/rpc-client';
import { createLimiterRegistry } from '../../../shared/rate-limits';
import { createExplainService } from '../../../shared/trace/explain-service';
import { EXPLAIN_FINDING_CODES } from '../../../shared/trace/findings';
import { DiagnosisSchema } from '../../../shared/trace/report-schema';
import { stsCredentialOf } from '../../builders/seed';

const DEMO01 = 'MQ_INST_1234567890123456_BXdemo01';
const DEMO02 = 'MQ_INST_1234567890123456_BXdemo02';

function demoSeed(change: (seed: Seed) => void = () => undefined): Seed {
  const seed = JSON.parse(readFileSync(DEMO_SEED_PATH, 'utf8')) as Seed;
  // These tests address demo messages by their fixed ids.
  delete seed.alignClientIds;
  change(seed);
  return seed;
}

const running: EmulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** The demo world behind the real pop-core client, the gateway, the 4.x broker and the explain service, signing as the FC role. */
async function startWorld(seed = demoSeed()) {
  const emulator = createEmulator({ seed });
  running.push(emulator);
  const { url } = await emulator.start();
  const gateway = createOnsGateway({
    endpoint: url,
    clientFactory: createPopCoreClient,
    callTimeoutMs: 1000,
    limiters: createLimiterRegistry((limit) => createRateLimiter(limit)),
  });
  const { accessKeyId, accessKeySecret, securityToken } = stsCredentialOf(seed);
  const credentials = { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) };
  const broker = createOnsBrokers(gateway)(credentials);
  const explainer = createExplainService({ diagnostics: broker, now: Date.now });

  /** Looks a message up, then explains it; `calls` counts only the explain's upstream requests. */
  const explain = async (instanceId: string, topic: string, msgId: string, deadlineMs = 8000) => {
    const query = { instanceId, topic, msgId };
    const ctx = { deadline: createDeadline(deadlineMs) };
    const report = await broker.consumption(query, ctx);
    emulator.resetStats();
    const diagnosis = await explainer.explain({ query, groups: report.groups }, ctx);
    const stats = emulator.stats();
    const throttled = Object.values(stats.byAction).reduce((n, a) => n + (a.byCode['Throttling.User'] ?? 0), 0);
    return { report, diagnosis, calls: stats.requests, throttled, byAction: stats.byAction };
  };
  return { emulator, explain };
}

const found = (d: { findings: Array<{ code: string; group?: string }> }) => d.findings.map((f) => (f.group ? `${f.code}@${f.group}` : f.code));

describe('Explain over the real pop-core client, the gateway and the emulator (demo seed)', () => {
  describe('Given each demo message', () => {
    it.each([
      ['all consumed once', DEMO01, 'orders', '0A000C22303918B4AAC244F9ABC301A3', [], 1],
      [
        'consumed by nobody',
        DEMO01,
        'orders',
        '0A000C235D0918B4AAC2451A0C820007',
        ['SUBSCRIPTIONS_INCONSISTENT@GID_billing', 'TAG_NOT_SUBSCRIBED@GID_billing', 'GROUP_OFFLINE@GID_analytics', 'BACKLOG@GID_shipping'],
        1 + 3 * 3 + 1,
      ],
      ['partially consumed', DEMO01, 'orders', '0A000C22303918B4AAC244F9D9B101A4', ['BACKLOG@GID_shipping'], 1 + 3],
      ['dead-lettered in billing', DEMO01, 'orders', '0A000C2435F118B4AAC2452B7E110010', ['IN_DLQ@GID_billing', 'RECONSUMED'], 1 + 3],
      ['consumed after 3 redeliveries', DEMO01, 'orders', '0A000C2435F118B4AAC2452B9A2C0011', ['RECONSUMED'], 1 + 3],
      [
        'sent 1.5 s ago',
        DEMO01,
        'orders',
        '0A000C2435F118B4AAC2452BB4010012',
        ['GROUP_OFFLINE@GID_analytics', 'BACKLOG@GID_shipping', 'MESSAGE_TOO_RECENT'],
        1 + 3 * 3,
      ],
      ['unbalanced group', DEMO01, 'inventory', '0A000C2435F118B4AAC2452BD0770013', ['REBALANCE_NOT_OK@GID_stock_sync'], 1 + 3 + 1],
      ['healthy group', DEMO01, 'inventory', '0A000C2435F118B4AAC2452BEC5A0014', ['NO_CAUSE_FOUND@GID_stock_audit'], 1 + 3 + 1],
      ['pull, broadcasting and unknown groups', DEMO02, 'iot-telemetry', '0100163E1A2B3C12670928A10C0000003A', ['NO_CAUSE_FOUND@GID_iot_alerts'], 1 + 3 * 3 + 1],
      ['no subscriber', DEMO01, 'audit-log', 'AC1005150B3C18B4AAC242F2A4332E01', [], 1],
    ])('%s: finds %j with %i upstream calls and no throttling', async (_label, instanceId, topic, msgId, expected, calls) => {
      // Arrange
      const world = await startWorld();

      // Act
      const result = await world.explain(instanceId, topic, msgId);

      // Assert
      expect(found(result.diagnosis)).toEqual(expected);
      expect(result.diagnosis.skippedChecks).toEqual([]);
      expect(result.calls).toBe(calls);
      expect(result.throttled).toBe(0);
      expect(DiagnosisSchema.parse(result.diagnosis)).toEqual(result.diagnosis);
    });

    it('shows every finding somewhere in the demo, each with evidence', async () => {
      // Arrange
      const seed = demoSeed();
      const world = await startWorld(seed);
      const messages = seed.instances
        .filter((i) => i.accountId === seed.accounts[0]?.accountId)
        .flatMap((i) => i.topics.flatMap((t) => t.messages.map((m) => [i.instanceId, t.topic, m.msgId] as const)));
      const codes = new Set<string>();

      // Act
      for (const [instanceId, topic, msgId] of messages) {
        const { diagnosis } = await world.explain(instanceId, topic, msgId);
        for (const finding of diagnosis.findings) {
          codes.add(finding.code);
          expect(Object.keys(finding.evidence).length).toBeGreaterThan(0);
        }
      }

      // Assert
      expect([...codes].sort()).toEqual([...EXPLAIN_FINDING_CODES].sort());
    });

    it('gives the numbers behind the findings of the message nobody consumed', async () => {
      const world = await startWorld();
      const { diagnosis } = await world.explain(DEMO01, 'orders', '0A000C235D0918B4AAC2451A0C820007');
      const byCode = Object.fromEntries(diagnosis.findings.map((f) => [f.code, f]));
      expect(diagnosis.message).toMatchObject({ tag: 'order-refunded', keys: ['order-20251114-0007', 'refund-88121'], reconsumeTimes: 0 });
      expect(byCode.BACKLOG?.evidence).toMatchObject({ topic: 'orders', totalDiff: 1840, delayMs: 2_520_000, consumeTps: 3.2 });
      expect(byCode.GROUP_OFFLINE?.evidence).toMatchObject({ online: false, connectedClients: 0 });
      expect(byCode.TAG_NOT_SUBSCRIBED?.evidence).toMatchObject({ tag: 'order-refunded', clients: 2, clientsExcluding: ['10.0.3.21@11021#1766351112#1385711390'] });
      expect(byCode.SUBSCRIPTIONS_INCONSISTENT?.evidence).toMatchObject({ subscriptionSame: false, clients: 2 });
    });
  });

  describe('Given the role lacks one RAM action', () => {
    it.each([
      ['mq:QueryConsumerStatus', [{ check: 'CONSUMER_STATUS', group: 'GID_billing' }], ['GROUP_OFFLINE@GID_analytics', 'BACKLOG@GID_shipping']],
      [
        'mq:QueryMessage',
        [{ check: 'MESSAGE_DETAIL' }],
        ['SUBSCRIPTIONS_INCONSISTENT@GID_billing', 'GROUP_OFFLINE@GID_analytics', 'BACKLOG@GID_shipping'],
      ],
    ])('without %s returns a partial diagnosis naming the skipped check (Forbidden.RAM)', async (ramAction, skipped, expected) => {
      // Arrange
      const seed = demoSeed((s) => {
        const sts = stsCredentialOf(s);
        sts.allowedActions = sts.allowedActions.filter((a) => a !== ramAction);
      });
      const world = await startWorld(seed);

      // Act
      const { diagnosis } = await world.explain(DEMO01, 'orders', '0A000C235D0918B4AAC2451A0C820007');

      // Assert
      expect(diagnosis.skippedChecks).toEqual(
        skipped.map((s) => ({ ...s, reason: 'PERMISSION_DENIED', upstreamCode: 'Forbidden.RAM', detail: expect.stringContaining('Forbidden.RAM') })),
      );
      expect(found(diagnosis)).toEqual(expected);
      expect(diagnosis.message === null).toBe(ramAction === 'mq:QueryMessage');
    });
  });

  describe('Given a check that upstream throttles or that outlasts the deadline', () => {
    it('skips a check ONS keeps throttling (after the gateway’s retries) with THROTTLED', async () => {
      // Arrange
      const world = await startWorld();
      world.emulator.setFault('OnsConsumerAccumulate', { errorCode: 'Throttling.User' });

      // Act
      const { diagnosis, byAction } = await world.explain(DEMO01, 'orders', '0A000C22303918B4AAC244F9D9B101A4');

      // Assert
      expect(diagnosis.skippedChecks).toEqual([
        expect.objectContaining({ check: 'CONSUMER_ACCUMULATE', group: 'GID_shipping', reason: 'THROTTLED', upstreamCode: 'Throttling.User' }),
      ]);
      expect(byAction.OnsConsumerAccumulate?.requests).toBe(1 * 3);
      expect(found(diagnosis)).not.toContain('BACKLOG@GID_shipping');
    });

    it('skips a check that would outlast the deadline with UPSTREAM_TIMEOUT, keeping the other findings', async () => {
      // Arrange
      const world = await startWorld();
      world.emulator.setFault('OnsDLQMessageGetById', { latencyMs: 5000 });

      // Act
      const { diagnosis } = await world.explain(DEMO01, 'orders', '0A000C22303918B4AAC244F9D9B101A4', 1500);

      // Assert
      expect(diagnosis.skippedChecks.map((s) => [s.check, s.group, s.reason])).toEqual([
        ['DLQ', 'GID_shipping', 'UPSTREAM_TIMEOUT'],
      ]);
      expect(found(diagnosis)).toEqual(['BACKLOG@GID_shipping']);
    });
  });
});
