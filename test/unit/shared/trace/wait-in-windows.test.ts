import { describe, expect, it } from 'vitest';
import type { TraceReport } from '../../../../shared/trace/report-schema';
import { waitInWindows } from '../../../../shared/trace/wait-in-windows';
import { buildFakeClock } from '../../../builders/fake-clock';
import { buildTraceReport, TRACKS_BY_VERDICT } from '../../../builders/build-trace-report';

const consumed = await buildTraceReport(TRACKS_BY_VERDICT.CONSUMED);
const pending = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);

/** A lookup that waits the window its report says it had (on the fake clock) and answers the next of `answers`. */
function windowedLookup(clock: ReturnType<typeof buildFakeClock>, answers: Array<(asked: number) => TraceReport>) {
  const asked: number[] = [];
  const lookup = async (waitSeconds: number) => {
    asked.push(waitSeconds);
    const answer = answers[Math.min(asked.length - 1, answers.length - 1)] as (asked: number) => TraceReport;
    const report = answer(waitSeconds);
    clock.advance(report.verdict === 'CONSUMED' ? 1000 : (report.wait?.windowMs ?? waitSeconds * 1000));
    return report;
  };
  return { lookup, asked };
}

const waited = (report: TraceReport, polls: number, windowMs: number, cappedFrom?: number): TraceReport => ({
  ...report,
  wait: { outcome: report.verdict === 'CONSUMED' ? 'CONSUMED' : 'TIMED_OUT', waitedMs: windowMs, polls, windowMs, ...(cappedFrom ? { cappedFrom } : {}) },
});

describe('Function: waitInWindows', () => {
  it('asks for windows of at most the window size until the total is spent, and counts every poll', async () => {
    // Arrange
    const clock = buildFakeClock();
    const { lookup, asked } = windowedLookup(clock, [(s) => waited(pending, 4, s * 1000)]);
    const seen: number[] = [];

    // Act
    const result = await waitInWindows({ lookup, totalSeconds: 50, windowSeconds: 20, now: clock.now, onReport: (p) => seen.push(p.elapsedMs) });

    // Assert
    expect(asked).toEqual([20, 20, 10]);
    expect(result).toMatchObject({ outcome: 'TIMED_OUT', waitedMs: 50_000, polls: 12 });
    expect(seen).toEqual([20_000, 40_000, 50_000]);
  });

  it('stops at the first window whose report is CONSUMED', async () => {
    const clock = buildFakeClock();
    const { lookup, asked } = windowedLookup(clock, [(s) => waited(pending, 3, s * 1000), (s) => waited(consumed, 2, s * 1000)]);
    const result = await waitInWindows({ lookup, totalSeconds: 120, windowSeconds: 20, now: clock.now });
    expect(asked).toEqual([20, 20]);
    expect(result).toMatchObject({ outcome: 'CONSUMED', polls: 5, report: { verdict: 'CONSUMED' } });
  });

  it('shrinks the window to what a capped report says was allowed', async () => {
    const clock = buildFakeClock();
    const { lookup, asked } = windowedLookup(clock, [(s) => waited(pending, 5, Math.min(s, 12) * 1000, s > 12 ? s : undefined)]);
    await waitInWindows({ lookup, totalSeconds: 40, windowSeconds: 20, now: clock.now });
    expect(asked).toEqual([20, 12, 12, 4]);
  });

  it('looks once and stops when no wait is allowed at all, instead of spinning', async () => {
    const clock = buildFakeClock();
    const { lookup, asked } = windowedLookup(clock, [() => waited(pending, 1, 0, 30)]);
    const result = await waitInWindows({ lookup, totalSeconds: 30, windowSeconds: 20, now: clock.now });
    expect(asked).toEqual([20]);
    expect(result.outcome).toBe('TIMED_OUT');
  });

  it('ends early when cancelled, with the last report', async () => {
    const clock = buildFakeClock();
    let cancel = false;
    const { lookup, asked } = windowedLookup(clock, [(s) => waited(pending, 2, s * 1000)]);
    const result = await waitInWindows({ lookup, totalSeconds: 100, windowSeconds: 10, now: clock.now, cancelled: () => cancel, onReport: () => (cancel = true) });
    expect(asked).toEqual([10]);
    expect(result).toMatchObject({ outcome: 'CANCELLED', report: { verdict: 'NOT_CONSUMED' } });
  });

  it('rejects with the first lookup’s failure', async () => {
    const clock = buildFakeClock();
    await expect(waitInWindows({ lookup: () => Promise.reject(new Error('refused')), totalSeconds: 10, windowSeconds: 5, now: clock.now })).rejects.toThrow('refused');
  });
});
