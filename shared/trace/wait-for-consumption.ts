import { AppError, ErrorCode } from '../errors';
import type { TraceReport, Wait } from './report-schema';

export interface WaitBackoff {
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
}

/** 0.5 s, then ×1.5 up to 5 s: quick for a message that is moments from done, gentle on the shared limit after. */
export const DEFAULT_WAIT_BACKOFF: WaitBackoff = { initialDelayMs: 500, factor: 1.5, maxDelayMs: 5000 };

export interface WaitOptions {
  /** How long to keep polling, already capped by the caller's budget. */
  windowMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1); jitters each delay by ±20 % so concurrent waits do not poll in step. */
  random?: () => number;
  backoff?: WaitBackoff;
}

export interface WaitResult {
  /** The last report a poll produced. */
  report: TraceReport;
  wait: Wait;
}

// A later poll failing this way is a blip; the wait goes on with the last good report.
const TRANSIENT: ReadonlySet<string> = new Set([
  ErrorCode.THROTTLED,
  ErrorCode.UPSTREAM_FAILED,
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_TIMEOUT,
]);

/**
 * Polls `lookup` with backoff until its verdict is CONSUMED or `windowMs` has passed; the last
 * poll falls at the end of the window. The first poll's failure is the caller's failure; a later
 * transient one is skipped.
 *
 * @param lookup - One lookup; concurrent waits share its rate limiter, which paces them.
 * @example
 * const { report, wait } = await waitForConsumption(() => service.lookup(query, ctx), { windowMs: 10_000, now: Date.now, sleep });
 */
export async function waitForConsumption(lookup: () => Promise<TraceReport>, options: WaitOptions): Promise<WaitResult> {
  const backoff = options.backoff ?? DEFAULT_WAIT_BACKOFF;
  const random = options.random ?? Math.random;
  const windowMs = Math.max(0, Math.floor(options.windowMs));
  const started = options.now();
  const end = started + windowMs;
  let polls = 0;
  let last: TraceReport | undefined;

  for (let round = 0; ; round++) {
    try {
      polls++;
      last = await lookup();
    } catch (error) {
      if (last === undefined || !(error instanceof AppError) || !TRANSIENT.has(error.code)) throw error;
    }
    const done = last.verdict === 'CONSUMED';
    const remaining = end - options.now();
    if (done || remaining <= 0) {
      return { report: last, wait: { outcome: done ? 'CONSUMED' : 'TIMED_OUT', waitedMs: options.now() - started, polls, windowMs } };
    }
    const ceiling = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.factor ** round);
    await options.sleep(Math.min(remaining, Math.round(ceiling * (0.8 + 0.4 * random()))));
  }
}
