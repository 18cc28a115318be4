import type { TraceReport } from './report-schema';

/** How far a client-side wait has got, for a progress bar or a spinner line. */
export interface WaitProgress {
  elapsedMs: number;
  totalMs: number;
  /** Polls of the trace so far, over every window. */
  polls: number;
  /** The last report, once there is one. */
  report?: TraceReport;
}

export interface WaitInWindowsOptions {
  /**
   * One lookup that waits up to `waitSeconds` (the use case's own wait: `waitSeconds` on
   * `/v1/trace`, `waitWindowMs` in process) and returns its last report.
   */
  lookup: (waitSeconds: number) => Promise<TraceReport>;
  totalSeconds: number;
  /** The longest window to ask for at once; a report that says it was capped shrinks it. */
  windowSeconds: number;
  now: () => number;
  /** Checked before each window; true ends the wait early with the last report. */
  cancelled?: () => boolean;
  onReport?: (progress: WaitProgress) => void;
}

export interface WaitInWindowsResult {
  report: TraceReport;
  outcome: 'CONSUMED' | 'TIMED_OUT' | 'CANCELLED';
  waitedMs: number;
  polls: number;
}

/**
 * Waits for a message to be consumed as a series of shorter waits of the one lookup use case,
 * so that a client can show progress between them and wait longer than one HTTP request or one
 * function invocation may last. The polling itself (backoff, jitter, the shared rate limit) stays
 * in the use case. Rejects with the first lookup's error; a later failure ends the wait with it too.
 */
export async function waitInWindows(options: WaitInWindowsOptions): Promise<WaitInWindowsResult> {
  const started = options.now();
  const totalMs = options.totalSeconds * 1000;
  let windowSeconds = Math.max(1, Math.floor(options.windowSeconds));
  let polls = 0;
  let report: TraceReport | undefined;
  for (;;) {
    const remainingSeconds = Math.floor((totalMs - (options.now() - started)) / 1000);
    if (report && (remainingSeconds < 1 || options.cancelled?.())) break;
    const ask = Math.max(1, Math.min(windowSeconds, remainingSeconds));
    report = await options.lookup(ask);
    polls += report.wait?.polls ?? 1;
    options.onReport?.({ elapsedMs: options.now() - started, totalMs, polls, report });
    if (report.verdict === 'CONSUMED') break;
    const allowedMs = report.wait?.windowMs;
    // Nothing may be waited here at all (a tiny function timeout): more windows would only spin.
    if (allowedMs === 0) break;
    if (report.wait?.cappedFrom !== undefined && allowedMs !== undefined) windowSeconds = Math.max(1, Math.floor(allowedMs / 1000));
  }
  const waitedMs = options.now() - started;
  const outcome = report.verdict === 'CONSUMED' ? 'CONSUMED' : options.cancelled?.() ? 'CANCELLED' : 'TIMED_OUT';
  return { report, outcome, waitedMs, polls };
}
