import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { PermissionDeniedError, ThrottledError, UpstreamError } from '../../../../shared/errors';
import { createLogger } from '../../../../shared/log';
import type { SpotCheck } from '../../../../shared/spot-check/check-schema';
import { createSpotCheckRunner, type SpotCheckRunnerDeps } from '../../../../shared/spot-check/spot-check-runner';
import { createNoStatePort, type SpotCheckStatePort } from '../../../../shared/spot-check/state-port';
import {
  buildFakeOnsBackend,
  buildFoundMessages,
  buildMemoryStatePort,
  buildMsgId,
  buildRecordingDestination,
  buildSpotCheck,
  buildSpotCheckLookups,
  CHECK_INSTANCE,
  SPOT_CHECK_CREDENTIALS,
} from '../../../builders/build-spot-check';
import { buildFakeClock } from '../../../builders/fake-clock';

function setup(
  options: { traceLatencyMs?: number; state?: SpotCheckStatePort; delivered?: boolean; failFor?: Map<string, unknown>; pageFailure?: unknown; pageBudget?: number } = {},
) {
  const clock = buildFakeClock();
  const lines: Array<Record<string, any>> = [];
  // One fake ONS behind the real 4.x adapter and the real lookup use case: `ons.topics` is what the
  // checks sample, `ons.tracks` what their lookups answer.
  const ons = buildFakeOnsBackend({
    advance: clock.advance,
    traceLatencyMs: options.traceLatencyMs ?? 0,
    ...(options.failFor ? { failFor: options.failFor } : {}),
    ...(options.pageFailure ? { pageFailure: options.pageFailure } : {}),
  });
  const dingtalk = buildRecordingDestination('dingtalk', options.delivered ?? true);
  const slack = buildRecordingDestination('slack');
  const state = options.state ?? buildMemoryStatePort({ now: clock.now });
  const deps: SpotCheckRunnerDeps = {
    lookups: buildSpotCheckLookups(ons.brokers, clock.now),
    brokers: ons.brokers,
    credentials: SPOT_CHECK_CREDENTIALS,
    state,
    destinations: [dingtalk, slack],
    logger: createLogger({ write: (line) => lines.push(JSON.parse(line)), now: clock.now }),
    now: clock.now,
    quietPeriodMs: 3600_000,
    ...(options.pageBudget !== undefined ? { pageBudget: options.pageBudget } : {}),
  };
  const runner = createSpotCheckRunner(deps);
  const run = (checks: SpotCheck[], budgetMs = 60_000, reserveMs = 5000) =>
    runner.run({ runId: 'run-1', triggerName: 'spot-check', triggerTime: '2025-10-25T04:00:00Z', checks, deadline: createDeadline(budgetMs, clock.now), reserveMs });
  return { clock, lines, ons, dingtalk, slack, state, run };
}

describe('Function: createSpotCheckRunner', () => {
  describe('Given a run with nothing wrong', () => {
    it('sends no alert and logs one summary line with the verdict counts', async () => {
      // Arrange
      const { clock, lines, ons, dingtalk, slack, run } = setup();
      ons.topics.set('orders', buildFoundMessages(30, clock.now()));

      // Act
      const summary = await run([buildSpotCheck({ sample: 20 })]);

      // Assert
      expect(dingtalk.received).toEqual([]);
      expect(slack.received).toEqual([]);
      expect(summary.alerts).toEqual([]);
      expect(summary.checks[0]).toMatchObject({ status: 'OK', failing: [], coverage: { planned: 20, judged: 20, notChecked: 0, complete: true } });
      expect(summary.checks[0]?.verdicts).toEqual({ CONSUMED: 20, PARTIALLY_CONSUMED: 0, NOT_CONSUMED: 0, NO_SUBSCRIBERS: 0, UNKNOWN: 0, ERROR: 0, NOT_CHECKED: 0 });
      expect(summary.apiCalls).toEqual({ OnsMessagePageQueryByTopic: 1, OnsMessageTrace: 20 });
      expect(lines.filter((l) => l.event !== 'audit.lookup').map((l) => l.event)).toEqual(['spot_check.run']);
      const runLine = lines.find((l) => l.event === 'spot_check.run');
      expect(runLine).toMatchObject({ level: 'info', runId: 'run-1', complete: true, throttles: { upstream: 0, local: 0 } });
      expect(typeof runLine?.durationMs).toBe('number');
      // One audit line per lookup, with the timer as the caller.
      expect(lines.filter((l) => l.event === 'audit.lookup')).toHaveLength(20);
    });
  });

  describe('Given a failing group', () => {
    it('alerts each destination once, with the counts and at most 5 examples', async () => {
      // Arrange
      const { clock, ons, dingtalk, slack, run } = setup();
      const messages = buildFoundMessages(10, clock.now());
      ons.topics.set('orders', messages);
      for (const m of messages.slice(0, 7)) {
        ons.tracks.set(m.msgId, [
          { consumerGroup: 'GID_billing', trackType: 'CONSUMED' },
          { consumerGroup: 'GID_shipping', trackType: 'NOT_CONSUME_YET' },
        ]);
      }

      // Act
      const summary = await run([buildSpotCheck({ expectGroups: ['GID_billing', 'GID_shipping'] })]);

      // Assert
      expect(summary.checks[0]?.status).toBe('FAILING');
      expect(summary.checks[0]?.failing.map((f) => f.msgId).sort()).toEqual(messages.slice(0, 7).map((m) => m.msgId).sort());
      expect(dingtalk.received).toHaveLength(1);
      expect(slack.received).toHaveLength(1);
      const [check] = dingtalk.received[0]!.failing;
      expect(check).toMatchObject({ name: 'orders', status: 'FAILING', checked: 10, failed: 7, verdicts: { CONSUMED: 3, PARTIALLY_CONSUMED: 7 }, repeat: false });
      expect(check?.examples).toHaveLength(5);
      expect(check?.examples[0]?.reasons).toBe('GID_shipping NOT_CONSUME_YET');
      expect(summary.alerts).toEqual([
        { destination: 'dingtalk', delivered: true, attempts: 1, outcome: 'OK' },
        { destination: 'slack', delivered: true, attempts: 1, outcome: 'OK' },
      ]);
    });

    it('alerts once more only after the quiet period, or at once when the failures grew', async () => {
      // Arrange
      const { clock, ons, dingtalk, run } = setup();
      const messages = buildFoundMessages(4, clock.now());
      ons.topics.set('orders', messages);
      ons.tracks.set(messages[0]!.msgId, [{ consumerGroup: 'GID_billing', trackType: 'NOT_ONLINE' }]);
      const check = buildSpotCheck();

      // Act
      await run([check]);
      clock.advance(600_000);
      const quiet = await run([check]);
      ons.tracks.set(messages[1]!.msgId, [{ consumerGroup: 'GID_billing', trackType: 'NOT_ONLINE' }]);
      clock.advance(600_000);
      await run([check]);
      clock.advance(3600_000);
      ons.topics.set('orders', buildFoundMessages(4, clock.now()).map((m, i) => ({ ...m, msgId: messages[i]!.msgId })));
      await run([check]);

      // Assert
      expect(quiet.alerts).toEqual([]);
      expect(dingtalk.received.map((c) => [c.failing[0]?.failed, c.failing[0]?.repeat])).toEqual([
        [1, false],
        [2, true],
        [2, true],
      ]);
    });
  });

  describe('Given a check that was failing', () => {
    it('sends a recovery notice when it passes again, and nothing the run after', async () => {
      // Arrange
      const { clock, ons, dingtalk, slack, run } = setup();
      const messages = buildFoundMessages(3, clock.now());
      ons.topics.set('orders', messages);
      ons.tracks.set(messages[0]!.msgId, [{ consumerGroup: 'GID_billing', trackType: 'NOT_CONSUME_YET' }]);
      await run([buildSpotCheck()]);
      ons.tracks.clear();

      // Act
      clock.advance(600_000);
      ons.topics.set('orders', buildFoundMessages(3, clock.now()));
      const recovered = await run([buildSpotCheck()]);
      clock.advance(600_000);
      await run([buildSpotCheck()]);

      // Assert
      expect(recovered.checks[0]?.status).toBe('OK');
      expect(dingtalk.received).toHaveLength(2);
      expect(dingtalk.received[1]).toMatchObject({ failing: [], recovered: [{ name: 'orders', checked: 3 }] });
      expect(slack.received[1]?.recovered.map((r) => r.name)).toEqual(['orders']);
    });

    it('without state alerts on every failing run and never sends a recovery', async () => {
      const { clock, ons, dingtalk, run } = setup({ state: createNoStatePort() });
      const messages = buildFoundMessages(3, clock.now());
      ons.topics.set('orders', messages);
      ons.tracks.set(messages[0]!.msgId, [{ consumerGroup: 'GID_billing', trackType: 'NOT_CONSUME_YET' }]);

      await run([buildSpotCheck()]);
      const second = await run([buildSpotCheck()]);
      ons.tracks.clear();
      await run([buildSpotCheck()]);

      expect(dingtalk.received.map((c) => c.failing.length)).toEqual([1, 1]);
      expect(second.state).toEqual({ kind: 'none', loaded: false, saved: false });
    });
  });

  describe('Given a run that hits its deadline', () => {
    it('stops looking up, reports the partial coverage, and spreads it over the checks', async () => {
      // Arrange: each lookup takes 1 s; 12 s budget, 5 s reserve: about 7 lookups fit.
      const { clock, lines, ons, dingtalk, run } = setup({ traceLatencyMs: 1000 });
      ons.topics.set('orders', buildFoundMessages(20, clock.now()));
      ons.topics.set('billing', buildFoundMessages(20, clock.now(), undefined, '0B000C22'));
      const checks = [buildSpotCheck({ sample: 10 }), buildSpotCheck({ name: 'billing', topic: 'billing', sample: 10 })];

      // Act
      const summary = await run(checks, 12_000, 5000);

      // Assert
      expect(summary.complete).toBe(false);
      for (const check of summary.checks) {
        expect(check.status).toBe('INCOMPLETE');
        expect(check.coverage.complete).toBe(false);
        expect(check.coverage.stoppedBy).toBe('DEADLINE');
        expect(check.coverage.judged).toBeGreaterThan(0);
        expect(check.coverage.judged + check.coverage.notChecked).toBe(10);
        expect(check.verdicts.NOT_CHECKED).toBe(check.coverage.notChecked);
      }
      expect(summary.checks.reduce((n, c) => n + c.coverage.judged, 0)).toBeLessThan(20);
      expect(dingtalk.received).toEqual([]);
      expect(lines.filter((l) => l.event === 'spot_check.run')).toHaveLength(1);
    });

    it('still alerts on the failures it found, marked partial', async () => {
      const { clock, ons, dingtalk, run } = setup({ traceLatencyMs: 1000 });
      const messages = buildFoundMessages(20, clock.now());
      ons.topics.set('orders', messages);
      ons.setAll('NOT_ONLINE');

      const summary = await run([buildSpotCheck({ sample: 20 })], 10_000, 5000);

      expect(summary.checks[0]?.status).toBe('FAILING');
      expect(dingtalk.received[0]?.failing[0]).toMatchObject({ partial: true });
    });
  });

  describe('Given failures outside the messages', () => {
    it('reports a check whose sampling is refused as ERROR and alerts that it could not run', async () => {
      const { dingtalk, run } = setup({ pageFailure: new PermissionDeniedError('no', { upstream: { action: 'OnsMessagePageQueryByTopic', code: 'Forbidden.RAM' } }) });

      const summary = await run([buildSpotCheck()]);

      expect(summary.checks[0]).toMatchObject({ status: 'ERROR', error: 'Forbidden.RAM', sampling: { stop: { reason: 'ERROR', code: 'Forbidden.RAM' } } });
      expect(dingtalk.received[0]?.failing[0]).toMatchObject({ status: 'ERROR', errorCode: 'Forbidden.RAM' });
    });

    it('counts lookups that failed and those the local limiter refused', async () => {
      const { clock, ons, run } = setup({
        failFor: new Map<string, unknown>([
          [buildMsgId(1), new UpstreamError('x', { upstream: { code: 'InternalError' } })],
          [buildMsgId(2), new ThrottledError('no slot', 1)],
        ]),
      });
      ons.topics.set('orders', buildFoundMessages(3, clock.now()));

      const summary = await run([buildSpotCheck()]);

      expect(summary.checks[0]).toMatchObject({ status: 'INCOMPLETE', errors: { InternalError: 1 }, coverage: { judged: 1, notChecked: 1, stoppedBy: 'DEADLINE' } });
      expect(summary.throttles).toEqual({ upstream: 0, local: 1 });
    });

    it("counts the attempts the broker flagged as throttled, and stops that check's lookups as RATE_LIMITED", async () => {
      const { clock, ons, run } = setup({
        failFor: new Map<string, unknown>([
          [buildMsgId(1), new ThrottledError('throttled', 1, { upstream: { action: 'OnsMessageTrace', code: 'Throttling.User' } })],
        ]),
      });
      ons.topics.set('orders', buildFoundMessages(3, clock.now()));

      const summary = await run([buildSpotCheck()]);

      expect(summary.throttles).toEqual({ upstream: 1, local: 0 });
      expect(summary.checks[0]).toMatchObject({ status: 'INCOMPLETE', errors: {}, coverage: { judged: 2, notChecked: 1, stoppedBy: 'RATE_LIMITED' } });
    });

    it('reports a check whose instance no configured broker serves as ERROR, without calling upstream', async () => {
      const { clock, ons, dingtalk, run } = setup();
      ons.topics.set('orders', buildFoundMessages(3, clock.now()));

      const summary = await run([buildSpotCheck({ name: 'five', instanceId: 'rmq-cn-7mz2ahxse0a' }), buildSpotCheck()]);

      expect(summary.checks[0]).toMatchObject({ name: 'five', status: 'ERROR', error: 'NOT_FOUND', sampling: { pagesRead: 0, stop: { reason: 'ERROR', code: 'NOT_FOUND' } } });
      expect(summary.checks[1]).toMatchObject({ name: 'orders', status: 'OK', coverage: { judged: 3 } });
      expect(ons.pageQueries.map((q) => q.instanceId)).toEqual([CHECK_INSTANCE]);
      expect(dingtalk.received[0]?.failing).toEqual([expect.objectContaining({ name: 'five', status: 'ERROR', errorCode: 'NOT_FOUND' })]);
    });

    it('logs an undelivered alert as an error, never dropping it silently, and retries it next run', async () => {
      const { clock, lines, ons, dingtalk, state, run } = setup({ delivered: false });
      const messages = buildFoundMessages(2, clock.now());
      ons.topics.set('orders', messages);
      ons.tracks.set(messages[0]!.msgId, [{ consumerGroup: 'GID_billing', trackType: 'NOT_CONSUME_YET' }]);

      await run([buildSpotCheck()]);
      clock.advance(60_000);
      await run([buildSpotCheck()]);

      expect(lines.filter((l) => l.event === 'spot_check.alert_failed')).toEqual([
        expect.objectContaining({ level: 'error', destination: 'dingtalk', attempts: 3, outcome: 'HTTP_500', failingChecks: ['orders'] }),
        expect.objectContaining({ level: 'error', destination: 'dingtalk' }),
      ]);
      expect(dingtalk.received).toHaveLength(2);
      expect((state as ReturnType<typeof buildMemoryStatePort>).current?.checks.orders?.alerts).toEqual({ slack: expect.any(Object) });
    });

    it('counts a destination that throws as an undelivered alert and still logs the summary', async () => {
      const { clock, lines, ons, dingtalk, run } = setup();
      dingtalk.deliver = async () => {
        throw new Error('sender bug');
      };
      const messages = buildFoundMessages(1, clock.now());
      ons.topics.set('orders', messages);
      ons.tracks.set(messages[0]!.msgId, [{ consumerGroup: 'GID_billing', trackType: 'NOT_ONLINE' }]);

      const summary = await run([buildSpotCheck()]);

      expect(summary.alerts).toContainEqual({ destination: 'dingtalk', delivered: false, attempts: 1, outcome: 'INTERNAL' });
      expect(lines.filter((l) => l.event !== 'audit.lookup').map((l) => l.event)).toEqual(['spot_check.alert_failed', 'spot_check.run']);
    });

    it('behaves statelessly when the state cannot be read, and does not overwrite it', async () => {
      const state = buildMemoryStatePort({ failLoad: new UpstreamError('down', { upstream: { action: 'oss:GetObject', code: 'AccessDenied' } }) });
      const { clock, lines, ons, dingtalk, run } = setup({ state });
      const messages = buildFoundMessages(2, clock.now());
      ons.topics.set('orders', messages);
      ons.tracks.set(messages[0]!.msgId, [{ consumerGroup: 'GID_billing', trackType: 'NOT_CONSUME_YET' }]);

      const summary = await run([buildSpotCheck()]);

      expect(dingtalk.received).toHaveLength(1);
      expect(state.saved).toEqual([]);
      expect(summary.state).toEqual({ kind: 'file', loaded: false, saved: false, error: 'AccessDenied' });
      expect(lines.find((l) => l.event === 'spot_check.state_unavailable')).toMatchObject({ level: 'warn', errorCode: 'AccessDenied' });
    });
  });

  describe('Given several checks sampling one broker', () => {
    it("shares the broker's page budget (10 calls per run for 4.x) among them, at most 4 pages each", async () => {
      // Arrange: 3 topics of 200 messages, 4 pages of 50 each.
      const { clock, ons, run } = setup();
      for (const topic of ['orders', 'billing', 'refunds']) ons.topics.set(topic, buildFoundMessages(200, clock.now(), (i) => 400_000 + i * 10_000));
      const checks = ['orders', 'billing', 'refunds'].map((topic) => buildSpotCheck({ name: topic, topic, sample: 5 }));

      // Act
      const summary = await run(checks);

      // Assert: floor(10 / 3) = 3 pages each.
      expect(summary.checks.map((c) => [c.name, c.sampling.pagesPlanned, c.sampling.pagesRead, c.sampling.maxPageCount])).toEqual([
        ['orders', 3, 3, 4],
        ['billing', 3, 3, 4],
        ['refunds', 3, 3, 4],
      ]);
      expect(summary.apiCalls.OnsMessagePageQueryByTopic).toBe(9);
    });

    it('plans within an explicit page budget instead', async () => {
      const { clock, ons, run } = setup({ pageBudget: 2 });
      for (const topic of ['orders', 'billing']) ons.topics.set(topic, buildFoundMessages(200, clock.now(), (i) => 400_000 + i * 10_000));

      const summary = await run(['orders', 'billing'].map((topic) => buildSpotCheck({ name: topic, topic, sample: 5 })));

      expect(summary.checks.map((c) => c.sampling.pagesRead)).toEqual([1, 1]);
      expect(summary.apiCalls.OnsMessagePageQueryByTopic).toBe(2);
    });
  });

  it('looks up listed msgIds too, once each, even when the sample also found them', async () => {
    const { clock, ons, run } = setup();
    const messages = buildFoundMessages(2, clock.now());
    ons.topics.set('orders', messages);

    const summary = await run([buildSpotCheck({ msgIds: [messages[0]!.msgId, buildMsgId(99)] })]);

    expect(ons.lookedUp.sort()).toEqual([messages[0]!.msgId, messages[1]!.msgId, buildMsgId(99)].sort());
    expect(summary.checks[0]?.coverage).toMatchObject({ sampled: 2, listed: 2, planned: 3, judged: 3 });
  });
});
