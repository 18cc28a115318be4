import type { AccountRef, AccountScope } from '../account-scope';
import { ThrottledError } from '../errors';
import type { RateLimit, RateLimiter, RateLimiterFactory } from '../rate-limits';
import { COLD_START_MARGIN_MS, RATE_LIMIT_MARGIN_MS, sleep as realSleep } from '../upstream/rate-limiter';
import { GCRA_SCRIPT, gcraArgs, parseGcraReply } from './gcra-script';
import type { SharedRedis } from './shared-redis';

export interface RedisLimiterOptions {
  redis: SharedRedis;
  /** Names the account of a call's keys: the budget is per account and action. */
  accountScope: AccountScope;
  /** The per-instance limiters, used whenever Redis is not (the circuit is open or a call failed). */
  fallback: RateLimiterFactory;
  marginMs?: number;
  coldStartMarginMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A {@link RateLimiterFactory} whose limiters share one budget per account and action across every
 * instance (and both functions) through Redis: each `acquire` reserves its slot with one atomic
 * script on Redis' clock (`gcra-script.ts`), then waits for it here. Same contract as the
 * per-instance limiter: refused at once with ThrottledError when the slot would come after the
 * deadline, else granted at the slot. The margin of a grant is this instance's: the cold-start
 * margin for its first `count` grants (its first connections), the skew margin after.
 *
 * When Redis cannot answer, the call goes through `fallback` instead: per-instance limits, so
 * N instances may then spend N times the budget (the documented bound without Redis).
 */
export function createRedisLimiterFactory(options: RedisLimiterOptions): RateLimiterFactory {
  const marginMs = Math.max(RATE_LIMIT_MARGIN_MS, options.marginMs ?? 0);
  const coldMarginMs = Math.max(COLD_START_MARGIN_MS, marginMs, options.coldStartMarginMs ?? 0);
  const wait = options.sleep ?? realSleep;
  const limiters = new Map<string, RateLimiter>();

  const create = (key: string, limit: RateLimit, account: AccountRef | undefined, scope: string): RateLimiter => {
    // A hash tag: the one key of the script stays in one slot of a cluster.
    const stateKey = `${options.redis.prefix}rl:{${scope}:${key}}`;
    let granted = 0;
    return {
      async acquire(deadline) {
        const args = gcraArgs({ ...limit, lateMs: (granted < limit.count ? coldMarginMs : marginMs) + 1, maxWaitMs: deadline.remainingMs() });
        const reply = await options.redis.attempt(async (redis) => parseGcraReply(await redis.evalScript(GCRA_SCRIPT, [stateKey], args)));
        if (!reply.ok) return options.fallback(key, limit, account).acquire(deadline);
        if (!reply.value.granted) throw new ThrottledError('shared rate limit: no slot before the deadline', reply.value.waitMs / 1000);
        granted = Math.min(limit.count, granted + 1);
        await wait(reply.value.waitMs);
      },
    };
  };

  return (key, limit, account) => {
    const scope = options.accountScope(account ?? { accessKeyId: '' });
    const id = `${scope}\u0000${key}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      limiter = create(key, limit, account, scope);
      limiters.set(id, limiter);
    }
    return limiter;
  };
}
