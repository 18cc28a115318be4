/**
 * A point in time by which work must be done. Passed down every call chain so that retries,
 * rate-limit waits and per-call timeouts all shrink to fit what is left.
 */
export interface Deadline {
  /** Milliseconds left; never negative. */
  remainingMs(): number;
  expired(): boolean;
  /** Absolute epoch ms. */
  readonly at: number;
}

/** Creates a {@link Deadline} `budgetMs` from now. */
export function createDeadline(budgetMs: number, now: () => number = Date.now): Deadline {
  const at = now() + Math.max(0, budgetMs);
  return {
    at,
    remainingMs: () => Math.max(0, at - now()),
    expired: () => now() >= at,
  };
}

/** The earlier of two deadlines. */
export function earliest(a: Deadline, b: Deadline): Deadline {
  return a.at <= b.at ? a : b;
}
