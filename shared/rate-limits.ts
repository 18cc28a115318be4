import type { AccountRef } from './account-scope';
import type { Deadline } from './deadline';

/** At most `count` calls per `windowMs`, per Alibaba Cloud account: a documented per-action limit. */
export interface RateLimit {
  count: number;
  windowMs: number;
}

/** A client-side limiter in front of one upstream action. */
export interface RateLimiter {
  /**
   * Waits for a slot. Rejects with `ThrottledError` at once, without waiting, when the slot would
   * come after the deadline.
   */
  acquire(deadline: Deadline): Promise<void>;
}

/**
 * Gives the limiter of one upstream action: `key` names the broker API and the action (for example
 * `ons-4x:OnsMessageTrace`), `account` the keys that sign the call (the documented limits are per
 * account). Composition roots build it: per instance (one budget per action, whatever the account)
 * or shared by the fleet through Redis (one budget per account and action), so every caller of one
 * action shares one budget.
 */
export type RateLimiterFactory = (key: string, limit: RateLimit, account?: AccountRef) => RateLimiter;

/** A {@link RateLimiterFactory} that builds each key's limiter once with `create` and reuses it. */
export function createLimiterRegistry(create: (limit: RateLimit) => RateLimiter): RateLimiterFactory {
  const limiters = new Map<string, RateLimiter>();
  return (key, limit) => {
    let limiter = limiters.get(key);
    if (!limiter) {
      limiter = create(limit);
      limiters.set(key, limiter);
    }
    return limiter;
  };
}
