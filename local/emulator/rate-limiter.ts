import type { RateLimit } from './seed-schema';

/** Token buckets keyed by an arbitrary string (the emulator uses account + action). */
export interface RateLimiter {
  /** Takes one token from the bucket `key`; returns `false` (and takes nothing) when it is empty. */
  tryTake(key: string, limit: RateLimit): boolean;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Creates a token-bucket rate limiter driven by an injectable clock. Each bucket holds at most
 * `limit.count` tokens and refills `limit.count` tokens per `limit.windowMs`, continuously.
 *
 * @param options - The clock.
 * @returns The limiter.
 * @example
 * const limiter = createRateLimiter({ now: Date.now });
 * limiter.tryTake('acct/OnsMessageTrace', { count: 10, windowMs: 1000 });
 */
export function createRateLimiter(options: { now: () => number }): RateLimiter {
  const buckets = new Map<string, Bucket>();

  return {
    tryTake(key, limit) {
      const nowMs = options.now();
      const bucket = buckets.get(key) ?? { tokens: limit.count, updatedAt: nowMs };
      // A clock that moves backwards must not mint tokens.
      const elapsed = Math.max(0, nowMs - bucket.updatedAt);
      bucket.tokens = Math.min(limit.count, bucket.tokens + (elapsed * limit.count) / limit.windowMs);
      bucket.updatedAt = Math.max(bucket.updatedAt, nowMs);
      buckets.set(key, bucket);
      if (bucket.tokens < 1) {
        return false;
      }
      bucket.tokens -= 1;
      return true;
    },
  };
}
