import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import { DEMO_AUTH_HEADERS } from '../../../local/runner/demo-access';
import { TraceReportSchema, type TraceReport } from '../../../shared/trace/report-schema';
import { buildSeedFile } from '../../builders/seed';

const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
const NOBODY_CONSUMED = '0A000C235D0918B4AAC2451A0C820007';
const FLIPS = '0A000C2435F118B4AAC2452C08400016';

describe('Local stack: explain and waitSeconds through the built function, the FC runner and the emulator', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    // Prepare: the demo seed plus a message GID_billing consumes 6 s after the emulator starts.
    const built = buildSeedFile((seed) => {
      seed.instances[0]?.topics
        .find((t) => t.topic === 'orders')
        ?.messages.push({
          msgId: FLIPS,
          note: 'local-stack wait test',
          tracks: [{ consumerGroup: 'GID_billing', trackType: 'NOT_CONSUME_YET', timeline: [{ afterMs: 6000, trackType: 'CONSUMED' }] }],
        });
    });
    stack = await startLocalStack({ port: 0, env: { PATH: process.env.PATH }, seedPath: built.path });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const call = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${stack.url}${path}`, { ...init, headers: { ...DEMO_AUTH_HEADERS, ...(init?.headers as Record<string, string> | undefined) } });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  describe('Given GET /v1/trace?…&explain=true on the demo message no group consumed', () => {
    it('returns findings with evidence for every group, and no skipped check', async () => {
      // Prepare
      stack.emulator?.handle.resetStats();
      const query = new URLSearchParams({ instanceId: INSTANCE, topic: 'orders', msgId: NOBODY_CONSUMED, explain: 'true' });

      // Act
      const { status, json } = await call(`/v1/trace?${query}`);

      // Assert
      expect(status).toBe(200);
      const report: TraceReport = TraceReportSchema.parse(json);
      expect(report.verdict).toBe('NOT_CONSUMED');
      expect(report.diagnosis?.skippedChecks).toEqual([]);
      expect(report.diagnosis?.message).toMatchObject({ tag: 'order-refunded', bornHost: expect.stringMatching(/^10\.0\.12\.35:\d+$/) });
      expect(report.diagnosis?.findings.map((f) => [f.code, f.group])).toEqual([
        ['SUBSCRIPTIONS_INCONSISTENT', 'GID_billing'],
        ['TAG_NOT_SUBSCRIBED', 'GID_billing'],
        ['GROUP_OFFLINE', 'GID_analytics'],
        ['BACKLOG', 'GID_shipping'],
      ]);
      for (const finding of report.diagnosis?.findings ?? []) {
        expect(Object.keys(finding.evidence).length).toBeGreaterThan(1);
        expect(finding.detail.length).toBeGreaterThan(40);
      }
      const stats = stack.emulator?.handle.stats();
      expect(stats?.requests).toBe(1 + 1 + 3 * 3 + 1);
      expect(JSON.stringify(stats?.byAction)).not.toContain('Throttling');
    });
  });

  describe('Given a POST with waitSeconds for a message the emulator flips to CONSUMED', () => {
    it('returns once the track flips, with the wait outcome and the polls made', async () => {
      // Act
      const { status, json } = await call('/v1/trace', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instanceId: INSTANCE, topic: 'orders', msgId: FLIPS, waitSeconds: 20 }),
      });

      // Assert
      expect(status).toBe(200);
      const report = TraceReportSchema.parse(json);
      expect(report.verdict).toBe('CONSUMED');
      expect(report.wait).toMatchObject({ outcome: 'CONSUMED', windowMs: 20_000 });
      expect(report.wait?.polls).toBeGreaterThanOrEqual(1);
    });
  });
});
