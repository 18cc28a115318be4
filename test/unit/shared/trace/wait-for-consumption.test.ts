import { describe, expect, it } from 'vitest';
import { NotFoundError, PermissionDeniedError, ThrottledError, UpstreamUnavailableError } from '../../../../shared/errors';
import type { TraceReport } from '../../../../shared/trace/report-schema';
import { DEFAULT_WAIT_BACKOFF, waitForConsumption } from '../../../../shared/trace/wait-for-consumption';
import { buildFakeClock } from '../../../builders/fake-clock';

function report(verdict: TraceReport['verdict'], checkedAt = 0): TraceReport {
  return {
    requestId: 'req',
    checkedAt: new Date(checkedAt).toISOString(),
    instanceId: 'MQ_INST_1234567890123456_BXhFHryi',
    broker: 'ons-4x',
    topic: 'orders',
    msgId: '0A000C22303918B4AAC244F9ABC301A3',
    verdict,
    summary: verdict,
    groups: [],
    messageId: null,
    caveats: [],
    upstreamRequestId: 'UP',
  };
}

/** A lookup that answers NOT_CONSUMED until `flipAtMs` on the clock, then CONSUMED. */
function flippingLookup(clock: { now: () => number }, startMs: number, flipAtMs: number) {
  const calledAt: number[] = [];
  const lookup = async () => {
    calledAt.push(clock.now() - startMs);
    return report(clock.now() - startMs >= flipAtMs ? 'CONSUMED' : 'NOT_CONSUMED', clock.now());
  };
  return { lookup, calledAt };
}

describe('Function: waitForConsumption', () => {
  describe('Given a message that becomes CONSUMED during the window', () => {
    it('polls with growing delays and returns the CONSUMED report with the time waited and the polls made', async () => {
      // Arrange
      const clock = buildFakeClock();
      const start = clock.now();
      const { lookup, calledAt } = flippingLookup(clock, start, 1500);

      // Act
      const result = await waitForConsumption(lookup, { windowMs: 10_000, now: clock.now, sleep: clock.sleep, random: () => 0.5 });

      // Assert
      expect(calledAt).toEqual([0, 500, 1250, 2375]);
      expect(clock.sleeps).toEqual([500, 750, 1125]);
      expect(result.report.verdict).toBe('CONSUMED');
      expect(result.wait).toEqual({ outcome: 'CONSUMED', waitedMs: 2375, polls: 4, windowMs: 10_000 });
    });

    it('returns after one poll when the message is already consumed', async () => {
      const clock = buildFakeClock();
      const result = await waitForConsumption(async () => report('CONSUMED'), { windowMs: 5000, now: clock.now, sleep: clock.sleep });
      expect(result.wait).toEqual({ outcome: 'CONSUMED', waitedMs: 0, polls: 1, windowMs: 5000 });
      expect(clock.sleeps).toEqual([]);
    });
  });

  describe('Given a message that never becomes CONSUMED', () => {
    it('stops at the end of the window with one last poll there, and returns the last report as TIMED_OUT', async () => {
      // Arrange
      const clock = buildFakeClock();
      const start = clock.now();
      const { lookup, calledAt } = flippingLookup(clock, start, Number.POSITIVE_INFINITY);

      // Act
      const result = await waitForConsumption(lookup, { windowMs: 4000, now: clock.now, sleep: clock.sleep, random: () => 0.5 });

      // Assert
      expect(calledAt).toEqual([0, 500, 1250, 2375, 4000]);
      expect(result.wait).toEqual({ outcome: 'TIMED_OUT', waitedMs: 4000, polls: 5, windowMs: 4000 });
      expect(result.report.checkedAt).toBe(new Date(start + 4000).toISOString());
    });

    it('caps the delay and jitters it within ±20 %', async () => {
      // Arrange
      const clock = buildFakeClock();
      const randoms = [0, 0.999];
      let i = 0;

      // Act
      await waitForConsumption(async () => report('NOT_CONSUMED'), {
        windowMs: 60_000,
        now: clock.now,
        sleep: clock.sleep,
        random: () => randoms[i++ % 2] as number,
      });

      // Assert
      for (const delay of clock.sleeps.slice(0, -1)) {
        expect(delay).toBeGreaterThanOrEqual(DEFAULT_WAIT_BACKOFF.initialDelayMs * 0.8);
        expect(delay).toBeLessThanOrEqual(DEFAULT_WAIT_BACKOFF.maxDelayMs * 1.2);
      }
      expect(clock.sleeps[0]).toBe(400);
      expect(clock.sleeps[1]).toBe(900);
      expect(Math.max(...clock.sleeps)).toBeGreaterThan(DEFAULT_WAIT_BACKOFF.maxDelayMs);
    });

    it('makes a single poll when the window is zero', async () => {
      const clock = buildFakeClock();
      const result = await waitForConsumption(async () => report('NOT_CONSUMED'), { windowMs: 0, now: clock.now, sleep: clock.sleep });
      expect(result.wait).toEqual({ outcome: 'TIMED_OUT', waitedMs: 0, polls: 1, windowMs: 0 });
    });
  });

  describe('Given polls that fail', () => {
    it('rejects with the first poll’s error', async () => {
      const clock = buildFakeClock();
      const missing = new NotFoundError('ONS has no such message in this topic');
      await expect(waitForConsumption(() => Promise.reject(missing), { windowMs: 5000, now: clock.now, sleep: clock.sleep })).rejects.toBe(missing);
    });

    it('rides out a throttled or unavailable later poll and keeps the last good report', async () => {
      // Arrange
      const clock = buildFakeClock();
      const answers: Array<() => Promise<TraceReport>> = [
        async () => report('NOT_CONSUMED'),
        () => Promise.reject(new ThrottledError('local rate limit: no slot before the deadline', 1)),
        () => Promise.reject(new UpstreamUnavailableError('ONS is unavailable: ServiceUnavailable')),
        async () => report('CONSUMED'),
      ];
      let n = 0;

      // Act
      const result = await waitForConsumption(() => (answers[n++] as () => Promise<TraceReport>)(), { windowMs: 10_000, now: clock.now, sleep: clock.sleep, random: () => 0.5 });

      // Assert
      expect(result.wait).toMatchObject({ outcome: 'CONSUMED', polls: 4 });
    });

    it('rejects when a later poll fails for good (permission withdrawn)', async () => {
      const clock = buildFakeClock();
      const denied = new PermissionDeniedError('no');
      let n = 0;
      const lookup = () => (n++ === 0 ? Promise.resolve(report('NOT_CONSUMED')) : Promise.reject(denied));
      await expect(waitForConsumption(lookup, { windowMs: 10_000, now: clock.now, sleep: clock.sleep })).rejects.toBe(denied);
    });
  });
});
