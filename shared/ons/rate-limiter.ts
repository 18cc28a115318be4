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
  /**
   * Once `count` grants fill a window, space the next ones `windowMs / count` apart instead of
   * releasing them as one burst a window later. Default false (pure sliding window).
   *
   * A server-side token bucket refills one token per `windowMs / count`. A burst granted exactly a
   * window after the last one leaves it no slack: if the first burst reached the server late (it
   * paid for connection setup) and the next one early (warm sockets), its tail is throttled.
   * Paced grants only ever need the refill, so that skew may be almost a whole window.
   */
  pace?: boolean;
  /** Extra spacing after each full window; see {@link RATE_LIMIT_MARGIN_MS}. Default 0. */
  marginMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A margin for limiters in front of a server-side token bucket: a window that opens this much
 * later absorbs that much network jitter between bursts. 100 ms costs at most 10 % of a 1 s window.
 */
export const RATE_LIMIT_MARGIN_MS = 100;

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
      let slot = oldest === undefined ? t : Math.max(t, oldest + options.windowMs + (options.marginMs ?? 0));
      if (options.pace && oldest !== undefined) {
        slot = Math.max(slot, (granted[granted.length - 1] as number) + options.windowMs / options.count);
      }
      if (slot - t > deadline.remainingMs()) {
        throw new ThrottledError('local rate limit: no slot before the deadline', (slot - t) / 1000);
      }
      granted.push(slot);
      if (granted.length > options.count) granted.splice(0, granted.length - options.count);
      await wait(slot - t);
    },
  };
}
