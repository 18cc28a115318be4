import type { Deadline } from '../deadline';
import { ThrottledError } from '../errors';

/** A client-side limiter: at most `count` grants in any window of `windowMs`. */
export interface RateLimiter {
  /**
   * Waits for a slot. Rejects with {@link ThrottledError} at once, without waiting, when the
   * slot would come after the deadline.
   */
  acquire(deadline: Deadline): Promise<void>;
}

export interface RateLimiterOptions {
  count: number;
  windowMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates a sliding-window limiter. Slots are reserved in call order, so concurrent callers on one
 * instance queue fairly instead of racing when the window opens.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  // The last `count` granted slot times, ascending.
  const granted: number[] = [];

  return {
    async acquire(deadline) {
      const t = now();
      const oldest = granted.length >= options.count ? (granted[granted.length - options.count] as number) : undefined;
      const slot = oldest === undefined ? t : Math.max(t, oldest + options.windowMs);
      if (slot - t > deadline.remainingMs()) {
        throw new ThrottledError('local rate limit: no slot before the deadline', (slot - t) / 1000);
      }
      granted.push(slot);
      if (granted.length > options.count) granted.splice(0, granted.length - options.count);
      await wait(slot - t);
    },
  };
}
