import { describe, expect, it } from 'vitest';
import { nextState, planAlerts, STATE_RETENTION_MS, type JudgedCheck } from '../../../../shared/spot-check/alert-policy';
import { emptyState, type CheckState, type SpotCheckState } from '../../../../shared/spot-check/state-port';

const NOW = Date.parse('2025-10-25T04:00:00.000Z');
const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function stateWith(entries: SpotCheckState['checks']): SpotCheckState {
  return { version: 1, updatedAt: iso(NOW - 600_000), checks: entries };
}

function failingEntry(alertedAgoMs: number | undefined, failed = 2, status: 'FAILING' | 'ERROR' = 'FAILING'): CheckState {
  return {
    status,
    since: iso(NOW - 2 * HOUR),
    failed,
    alerts: alertedAgoMs === undefined ? {} : { dingtalk: { at: iso(NOW - alertedAgoMs), failed } },
    updatedAt: iso(NOW - 600_000),
  };
}

const plan = (checks: JudgedCheck[], previous: SpotCheckState | undefined) =>
  planAlerts({ checks, previous, destinations: ['dingtalk'], nowMs: NOW, quietPeriodMs: HOUR }).dingtalk;

describe('Function: planAlerts()', () => {
  it('sends nothing for checks that pass', () => {
    expect(plan([{ name: 'a', status: 'OK', failed: 0 }], emptyState(NOW))).toEqual({ alert: [], recovered: [], quiet: [] });
  });

  it('alerts on every failing run without state, and never announces a recovery', () => {
    const checks: JudgedCheck[] = [
      { name: 'a', status: 'FAILING', failed: 1 },
      { name: 'b', status: 'OK', failed: 0 },
    ];

    expect(plan(checks, undefined)).toEqual({ alert: [{ name: 'a', repeat: false }], recovered: [], quiet: [] });
  });

  it('alerts when a check turns bad, FAILING or ERROR', () => {
    const checks: JudgedCheck[] = [
      { name: 'a', status: 'FAILING', failed: 1 },
      { name: 'b', status: 'ERROR', failed: 0 },
    ];

    expect(plan(checks, stateWith({ a: { ...failingEntry(undefined), status: 'OK', failed: 0 } }))?.alert).toEqual([
      { name: 'a', repeat: false },
      { name: 'b', repeat: false },
    ]);
  });

  it('stays quiet for a check still failing inside the quiet period with no growth', () => {
    expect(plan([{ name: 'a', status: 'FAILING', failed: 2 }], stateWith({ a: failingEntry(30 * 60_000) }))).toEqual({ alert: [], recovered: [], quiet: ['a'] });
  });

  it('alerts again once the quiet period has passed', () => {
    expect(plan([{ name: 'a', status: 'FAILING', failed: 2 }], stateWith({ a: failingEntry(HOUR) }))?.alert).toEqual([{ name: 'a', repeat: true }]);
  });

  it('alerts again inside the quiet period when the failure count grew', () => {
    expect(plan([{ name: 'a', status: 'FAILING', failed: 3 }], stateWith({ a: failingEntry(60_000, 2) }))?.alert).toEqual([{ name: 'a', repeat: true }]);
  });

  it('alerts when a failing check starts erroring instead', () => {
    expect(plan([{ name: 'a', status: 'ERROR', failed: 0 }], stateWith({ a: failingEntry(60_000) }))?.alert).toEqual([{ name: 'a', repeat: false }]);
  });

  it('alerts a destination that never got this episode’s alert', () => {
    expect(plan([{ name: 'a', status: 'FAILING', failed: 2 }], stateWith({ a: failingEntry(undefined) }))?.alert).toEqual([{ name: 'a', repeat: false }]);
  });

  it('sends a recovery notice for a check that was failing and passes now', () => {
    expect(plan([{ name: 'a', status: 'OK', failed: 0 }], stateWith({ a: failingEntry(60_000) }))).toEqual({ alert: [], recovered: ['a'], quiet: [] });
  });

  it('neither alerts nor recovers an INCOMPLETE check', () => {
    expect(plan([{ name: 'a', status: 'INCOMPLETE', failed: 0 }], stateWith({ a: failingEntry(60_000) }))).toEqual({ alert: [], recovered: [], quiet: [] });
  });
});

describe('Function: nextState()', () => {
  it('records a delivered alert per destination with its failure count', () => {
    const state = nextState({ checks: [{ name: 'a', status: 'FAILING', failed: 2 }], previous: emptyState(NOW), delivered: { dingtalk: ['a'] }, nowMs: NOW });

    expect(state.checks.a).toEqual({ status: 'FAILING', since: iso(NOW), failed: 2, alerts: { dingtalk: { at: iso(NOW), failed: 2 } }, updatedAt: iso(NOW) });
  });

  it('keeps the last alert of a destination whose delivery failed, so the next run retries it', () => {
    const previous = stateWith({ a: failingEntry(2 * HOUR) });

    const state = nextState({ checks: [{ name: 'a', status: 'FAILING', failed: 2 }], previous, delivered: {}, nowMs: NOW });

    expect(state.checks.a?.alerts).toEqual(previous.checks.a?.alerts);
    expect(state.checks.a?.since).toBe(previous.checks.a?.since);
  });

  it('clears the alerts of a check that recovered', () => {
    const state = nextState({ checks: [{ name: 'a', status: 'OK', failed: 0 }], previous: stateWith({ a: failingEntry(60_000) }), delivered: {}, nowMs: NOW });

    expect(state.checks.a).toMatchObject({ status: 'OK', alerts: {}, failed: 0, since: iso(NOW) });
  });

  it('leaves an INCOMPLETE check as it was', () => {
    const previous = stateWith({ a: failingEntry(60_000) });

    expect(nextState({ checks: [{ name: 'a', status: 'INCOMPLETE', failed: 0 }], previous, delivered: {}, nowMs: NOW }).checks.a).toEqual(previous.checks.a);
  });

  it('keeps other runs’ checks, but drops entries nobody updated for a week', () => {
    const previous = stateWith({
      other: failingEntry(60_000),
      stale: { ...failingEntry(60_000), updatedAt: iso(NOW - STATE_RETENTION_MS) },
    });

    expect(Object.keys(nextState({ checks: [], previous, delivered: {}, nowMs: NOW }).checks)).toEqual(['other']);
  });
});
