import type { CheckState, SpotCheckState } from './state-port';

/**
 * How a check ended this run. INCOMPLETE: nothing failed among the messages judged, but the
 * deadline or a rate limit left some unjudged, so it neither alerts nor counts as recovered.
 */
export type CheckStatus = 'OK' | 'FAILING' | 'ERROR' | 'INCOMPLETE';

export interface JudgedCheck {
  name: string;
  status: CheckStatus;
  /** Failing messages this run. */
  failed: number;
}

/** What one destination hears about this run, by check name. */
export interface DestinationPlan {
  /** Failing (or erroring) checks to alert about. */
  alert: Array<{ name: string; repeat: boolean }>;
  recovered: string[];
  /** Still failing, but inside the quiet period with no growth: mentioned only. */
  quiet: string[];
}

/** Entries of checks that no run has updated for this long are dropped, keeping the state small. */
export const STATE_RETENTION_MS = 7 * 24 * 3600 * 1000;

const isBad = (status: string | undefined) => status === 'FAILING' || status === 'ERROR';

/**
 * Decides, per destination, which checks alert, which recover and which stay quiet.
 *
 * - No state (`previous` undefined): every failing check alerts; nothing can be known to recover.
 * - A check that turns bad, or changes between FAILING and ERROR, alerts.
 * - A check still bad alerts again after `quietPeriodMs` since that destination's last alert for
 *   it, or at once when its failure count grew beyond the count that alert reported.
 * - A check that was bad and is OK now sends a recovery notice.
 */
export function planAlerts(input: {
  checks: readonly JudgedCheck[];
  previous: SpotCheckState | undefined;
  destinations: readonly string[];
  nowMs: number;
  quietPeriodMs: number;
}): Record<string, DestinationPlan> {
  const plans: Record<string, DestinationPlan> = {};
  for (const destination of input.destinations) {
    const plan: DestinationPlan = { alert: [], recovered: [], quiet: [] };
    for (const check of input.checks) {
      const before = input.previous?.checks[check.name];
      if (check.status === 'OK') {
        if (isBad(before?.status)) plan.recovered.push(check.name);
        continue;
      }
      if (!isBad(check.status)) continue;
      if (!input.previous || !before || before.status !== check.status) {
        plan.alert.push({ name: check.name, repeat: false });
        continue;
      }
      const last = before.alerts[destination];
      const due = !last || input.nowMs - Date.parse(last.at) >= input.quietPeriodMs || check.failed > last.failed;
      if (due) plan.alert.push({ name: check.name, repeat: last !== undefined });
      else plan.quiet.push(check.name);
    }
    plans[destination] = plan;
  }
  return plans;
}

/**
 * The state after this run. `delivered` lists, per destination, the checks whose failure alert it
 * received; a failed delivery leaves that destination's last alert as it was, so the next run
 * tries again. INCOMPLETE checks keep their previous entry.
 */
export function nextState(input: {
  checks: readonly JudgedCheck[];
  previous: SpotCheckState;
  delivered: Readonly<Record<string, readonly string[]>>;
  nowMs: number;
}): SpotCheckState {
  const now = new Date(input.nowMs).toISOString();
  const checks: Record<string, CheckState> = {};
  for (const [name, entry] of Object.entries(input.previous.checks)) {
    if (input.nowMs - Date.parse(entry.updatedAt) < STATE_RETENTION_MS) checks[name] = entry;
  }
  for (const check of input.checks) {
    if (check.status === 'INCOMPLETE') continue;
    const before = input.previous.checks[check.name];
    const sameEpisode = before?.status === check.status;
    const alerts = check.status === 'OK' ? {} : { ...(sameEpisode ? before.alerts : {}) };
    if (check.status !== 'OK') {
      for (const [destination, names] of Object.entries(input.delivered)) {
        if (names.includes(check.name)) alerts[destination] = { at: now, failed: check.failed };
      }
    }
    checks[check.name] = {
      status: check.status,
      since: sameEpisode ? before.since : now,
      failed: check.failed,
      alerts,
      updatedAt: now,
    };
  }
  return { version: 1, updatedAt: now, checks };
}
