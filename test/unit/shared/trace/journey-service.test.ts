import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { ForbiddenError, NotFoundError, PermissionDeniedError, UpstreamTimeoutError } from '../../../../shared/errors';
import { createRequestLog } from '../../../../shared/request-log';
import { SENT_AT_SLACK_MS, UNVERIFIED_TRACE_RETENTION_MS, type BrokerJourney, type JourneyAttempt } from '../../../../shared/trace/journey';
import { JourneyReportSchema } from '../../../../shared/trace/journey-schema';
import { createJourneyService } from '../../../../shared/trace/journey-service';
import { buildScriptedLookups, consumedBy, httpCaller, tracked, type BrokerScript } from '../../../builders/build-scripted-broker';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
// A 4.x client ID; its embedded time is decoded against NOW (UTC+8).
const MSG = '0A000C2435F118B4AAC2452C3D770103';
const SENT = NOW - 3_600_000;

const attempt = (atMs: number, outcome: JourneyAttempt['outcome'], reconsumeTimes = 0, durationMs = 20): JourneyAttempt => ({
  clientHost: '10.0.3.21',
  atMs,
  durationMs,
  status: outcome === 'SUCCEEDED' ? 'CONSUME_SUCCESS' : outcome === 'FAILED' ? 'CONSUME_FAILED' : 'CONSUME_NOT_RETURN',
  statusText: 'text',
  outcome,
  reconsumeTimes,
});

const journeyOf = (over: Partial<BrokerJourney> = {}): BrokerJourney => ({
  status: 'complete',
  send: { producerHost: '10.0.12.36', producerGroup: 'GID_orders', atMs: SENT, durationMs: 6, status: 'SEND_SUCCESS', statusText: 'Sent.', accepted: true },
  store: { atMs: SENT + 3, broker: '10.0.8.15:10911' },
  groups: [],
  missingPermissions: [],
  skipped: [],
  ...over,
});

function harness(script: BrokerScript, options: { scope?: { instances: string[]; topics: string[] }; kind?: 'ons-4x' | 'rocketmq-5x' } = {}) {
  const built = buildScriptedLookups(script, { now: () => NOW, ...(options.kind ? { kind: options.kind } : {}) });
  const service = createJourneyService({ lookups: built.lookups, now: () => NOW, producerUtcOffsetMinutes: 480 });
  const log = createRequestLog('req-1');
  const instance = options.kind === 'rocketmq-5x' ? 'rmq-cn-demo5x0001' : INSTANCE;
  const run = (msgId = MSG) =>
    service.journey(httpCaller(options.scope), { instance, topic: 'orders', msgId }, { credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, log, deadline: createDeadline(8000, () => NOW) });
  return { ...built, run, log };
}

describe('Function: createJourneyService', () => {
  describe('Given a retried, dead-lettered message that every group CONSUMED by offset', () => {
    const billing = Array.from({ length: 17 }, (_, r) => attempt(SENT + 100 + r * 60_000, 'FAILED', r));
    const h = () =>
      harness({
        consumption: () => consumedBy('GID_billing', 'GID_shipping'),
        journey: () =>
          journeyOf({
            groups: [
              { consumerGroup: 'GID_billing', attempts: billing, deadLettered: { atMs: SENT + 2 * 3_600_000, topic: '%DLQ%GID_billing' } },
              { consumerGroup: 'GID_shipping', attempts: [attempt(SENT + 120, 'SUCCEEDED', 0, 30)] },
            ],
          }),
      });

    it('shows every attempt with its time since the send, the dead-lettering and the durations between steps', async () => {
      // Act
      const report = await h().run();

      // Assert
      expect(JourneyReportSchema.parse(report)).toEqual(report);
      expect(report).toMatchObject({ status: 'complete', verdict: 'CONSUMED', broker: 'ons-4x', msgId: MSG, instanceId: INSTANCE });
      expect(report.send).toMatchObject({ at: new Date(SENT).toISOString(), sinceSendMs: 0, durationMs: 6, status: 'SEND_SUCCESS' });
      expect(report.store).toEqual({ at: new Date(SENT + 3).toISOString(), sinceSendMs: 3, broker: '10.0.8.15:10911' });
      const [b, s] = report.groups;
      expect(b?.attempts).toHaveLength(17);
      expect(b?.attempts.map((a) => a.sinceSendMs)).toEqual(billing.map((a) => a.atMs - SENT));
      expect(b?.attempts.at(-1)).toMatchObject({ reconsumeTimes: 16, outcome: 'FAILED', status: 'CONSUME_FAILED' });
      expect(b).toMatchObject({ trackType: 'CONSUMED', firstDeliveryMs: 100, deadLettered: { sinceSendMs: 2 * 3_600_000, topic: '%DLQ%GID_billing' } });
      expect(b?.consumedAfterMs).toBeUndefined();
      expect(s).toMatchObject({ consumerGroup: 'GID_shipping', firstDeliveryMs: 120, consumedAfterMs: 150 });
    });

    it('finds that the verdict says CONSUMED while the last attempt failed, and audits the request once', async () => {
      const run = h();
      const report = await run.run();
      expect(report.findings.map((f) => [f.code, f.severity, f.group])).toEqual([['CONSUMED_BUT_LAST_ATTEMPT_FAILED', 'CRITICAL', 'GID_billing']]);
      expect(run.log.audits).toEqual([
        { caller: { channel: 'http', id: 'tester' }, command: 'journey', instanceId: INSTANCE, topic: 'orders', msgId: MSG, outcome: 'answered', verdict: 'CONSUMED', upstreamRequestIds: ['REQ-consumption-1', 'REQ-journey-2'] },
      ]);
      expect(report.upstreamRequestIds).toEqual(['REQ-consumption-1', 'REQ-journey-2']);
    });

    it('asks the broker for the trace from a day before the send time the message ID holds, up to now', async () => {
      const run = h();
      await run.run();
      const { window } = run.calls.find((c) => c.method === 'journey')?.arg as { window: { beginMs: number; endMs: number } };
      expect(window.endMs).toBe(NOW);
      expect(window.beginMs).toBeGreaterThanOrEqual(NOW - UNVERIFIED_TRACE_RETENTION_MS);
      expect(window.beginMs).toBeLessThan(NOW - SENT_AT_SLACK_MS + 31 * 86_400_000);
    });
  });

  describe('Given a group with attempts whose offset has not passed the message, and one with none', () => {
    it('reports both disagreements on an offset-based (4.x) verdict', async () => {
      const report = await harness({
        consumption: () => tracked({ GID_shipping: 'NOT_CONSUME_YET', GID_analytics: 'NOT_CONSUME_YET' }),
        journey: () => journeyOf({ groups: [{ consumerGroup: 'GID_shipping', attempts: [attempt(SENT + 100, 'SUCCEEDED')] }] }),
      }).run();
      expect(report.findings.map((f) => [f.code, f.severity, f.group])).toEqual([
        ['ATTEMPTED_BUT_OFFSET_BEHIND', 'WARNING', 'GID_shipping'],
        ['NO_ATTEMPTS', 'WARNING', 'GID_analytics'],
      ]);
      expect(report.caveats.map((c) => c.code)).toContain('TRACE_WRITTEN_ASYNC');
      expect(report.groups.map((g) => g.consumerGroup)).toEqual(['GID_shipping', 'GID_analytics']);
    });

    it('does not call a trace-based (5.x) verdict behind its own trace', async () => {
      const report = await harness(
        {
          consumption: () => tracked({ GID_a: 'NOT_CONSUME_YET' }, ['TRACE_BASED']),
          journey: () => journeyOf({ groups: [{ consumerGroup: 'GID_a', attempts: [attempt(SENT + 100, 'FAILED')] }] }),
        },
        { kind: 'rocketmq-5x' },
      ).run('0100163E5D0A0317710B21B37600000BBA');
      expect(report.findings).toEqual([]);
      expect(report.broker).toBe('rocketmq-5x');
    });
  });

  describe('Given a message without trace data', () => {
    it('answers no_trace_data with the verdict and the caveat that says why, not a failure', async () => {
      const report = await harness({
        consumption: () => consumedBy('GID_billing'),
        journey: () => journeyOf({ status: 'no_trace_data', send: undefined, groups: [] }),
      }).run();
      expect(report.status).toBe('no_trace_data');
      expect(report.verdict).toBe('CONSUMED');
      expect(report.caveats.find((c) => c.code === 'NO_TRACE_DATA')?.text).toMatch(/may not record traces/);
      expect(report.findings).toEqual([]);
      expect(report.groups).toEqual([{ consumerGroup: 'GID_billing', trackType: 'CONSUMED', attempts: [] }]);
    });
  });

  describe('Given a trace query that fails', () => {
    it('answers partial with the verdict and names the missing RAM action when it is refused', async () => {
      const report = await harness({
        consumption: () => consumedBy('GID_billing'),
        journey: () => new PermissionDeniedError('grant mq:QueryTrace', { upstream: { action: 'OnsTraceQueryByMsgId', code: 'Forbidden.RAM', ramAction: 'mq:QueryTrace' } }),
      }).run();
      expect(report).toMatchObject({ status: 'partial', partial: { reason: 'TRACE_PERMISSION_DENIED' }, verdict: 'CONSUMED', missingPermissions: ['mq:QueryTrace'] });
      expect(report.partial?.text).toMatch(/verdict above still stands/);
    });

    it('answers partial TRACE_QUERY_FAILED for an upstream failure, distinct from no trace data', async () => {
      const report = await harness({ consumption: () => consumedBy('GID_billing'), journey: () => new UpstreamTimeoutError('the endpoint did not answer in time') }).run();
      expect(report).toMatchObject({ status: 'partial', partial: { reason: 'TRACE_QUERY_FAILED' } });
      expect(report.partial?.text).toContain('UPSTREAM_TIMEOUT');
      expect(report.caveats.map((c) => c.code)).not.toContain('NO_TRACE_DATA');
      expect(report.missingPermissions).toBeUndefined();
    });
  });

  describe('Given a verdict the role may not look up', () => {
    it('still gives the journey, with verdict UNKNOWN and the missing permission', async () => {
      const report = await harness({
        consumption: () => new PermissionDeniedError('may not call OnsMessageTrace', { upstream: { code: 'Forbidden.RAM', ramAction: 'mq:QueryMessageTrace' } }),
        journey: () => journeyOf({ groups: [{ consumerGroup: 'GID_billing', attempts: [attempt(SENT + 100, 'SUCCEEDED')] }] }),
      }).run();
      expect(report).toMatchObject({ verdict: 'UNKNOWN', status: 'complete', missingPermissions: ['mq:QueryMessageTrace'] });
      expect(report.groups[0]).toMatchObject({ consumerGroup: 'GID_billing', attempts: [{ outcome: 'SUCCEEDED' }] });
      expect(report.groups[0]?.trackType).toBeUndefined();
    });
  });

  describe('Given an unknown message or a caller out of scope', () => {
    it('fails as a lookup does: 404 for an unknown message, audited once as failed', async () => {
      const h = harness({ consumption: () => new NotFoundError('ONS has no such message in this topic'), journey: () => journeyOf() });
      await expect(h.run()).rejects.toThrow(NotFoundError);
      expect(h.log.audits).toEqual([expect.objectContaining({ command: 'journey', outcome: 'failed', errorCode: 'NOT_FOUND' })]);
    });

    it('refuses before any upstream call', async () => {
      const h = harness({ consumption: () => consumedBy('GID_a'), journey: () => journeyOf() }, { scope: { instances: ['*'], topics: ['payments'] } });
      await expect(h.run()).rejects.toThrow(ForbiddenError);
      expect(h.calls).toEqual([]);
      expect(h.log.audits).toEqual([expect.objectContaining({ command: 'journey', outcome: 'refused', reason: 'out_of_scope', msgId: MSG })]);
    });
  });

  describe('Given a reused trace task and skipped parts', () => {
    it('says when the task was made and what could not be read', async () => {
      const report = await harness({
        consumption: () => consumedBy('GID_billing'),
        journey: () =>
          journeyOf({
            store: undefined,
            groups: [{ consumerGroup: 'GID_billing', attempts: [attempt(SENT + 100, 'SUCCEEDED')] }],
            traceTask: { createdAtMs: NOW - 90_000, reused: true },
            skipped: [{ part: 'store', code: 'UPSTREAM_TIMEOUT' }],
          }),
      }).run();
      expect(report.traceTask).toEqual({ createdAt: new Date(NOW - 90_000).toISOString(), reused: true });
      expect(report.caveats.find((c) => c.code === 'TRACE_TASK_REUSED')?.text).toContain('1 min 30 s ago');
      expect(report.caveats.find((c) => c.code === 'PART_SKIPPED')?.text).toContain('store time and host: UPSTREAM_TIMEOUT');
    });
  });
});
