import { createAccountScope, type AccountScope } from '../account-scope';
import type { RedisConfig } from '../config/redis-config-schema';
import { createMemoryIdempotencyStore, type IdempotencyStore } from '../idempotency';
import type { Logger } from '../log';
import { createLimiterRegistry, type RateLimiterFactory } from '../rate-limits';
import { createMemoryTraceQueryStore, type TraceQueryStore } from '../trace-query-store';
import { createMemoryVerdictCache, type VerdictCache } from '../trace/verdict-cache';
import { createRateLimiter } from '../upstream/rate-limiter';
import { createRedisIdempotencyStore } from './redis-idempotency';
import { createRedisLimiterFactory } from './redis-rate-limiter';
import type { RedisCommands } from './redis-commands';
import { createRedisTraceQueryStore } from './redis-trace-query-store';
import { createRedisVerdictCache } from './redis-verdict-cache';
import { createSharedRedis, type SharedRedis } from './shared-redis';

/** The state an instance shares with the fleet, or keeps alone: limiters, idempotency, verdict cache, trace tasks. */
export interface FleetState {
  limiters: RateLimiterFactory;
  idempotency: IdempotencyStore;
  verdictCache: VerdictCache;
  /** The 4.x trace tasks kept for a second look at a journey. */
  traceQueries: TraceQueryStore;
  verdictCacheTtlMs: number;
  accountScope: AccountScope;
  /** Present when Redis is configured. */
  redis: SharedRedis | undefined;
}

/**
 * Builds an instance's state: per instance when `config.redis` is unset (the state kept in this
 * instance's memory), else shared through Redis, each piece with the per-instance one as its
 * fallback. Composition roots call it once, with `connect` building the real client.
 */
export function createFleetState(config: RedisConfig, deps: { logger: Logger; now: () => number; connect?: () => Promise<RedisCommands> }): FleetState {
  const local = {
    // One budget per action for this instance, shared by every channel and both brokers.
    limiters: createLimiterRegistry((limit) => createRateLimiter(limit)),
    idempotency: createMemoryIdempotencyStore({ maxEntries: 10_000, now: deps.now }),
    verdictCache: createMemoryVerdictCache({ maxEntries: 1000, now: deps.now }),
    traceQueries: createMemoryTraceQueryStore({ maxEntries: 1000, now: deps.now }),
  };
  const accountScope = createAccountScope(config.accountId);
  if (!config.redis || !deps.connect) return { ...local, verdictCacheTtlMs: config.verdictCacheTtlMs, accountScope, redis: undefined };
  const redis = createSharedRedis({
    connect: deps.connect,
    prefix: config.redis.prefix,
    timeoutMs: config.redis.timeoutMs,
    connectTimeoutMs: config.redis.connectTimeoutMs,
    reconnectMs: config.redis.reconnectMs,
    logger: deps.logger,
    target: config.redis.target,
    now: deps.now,
  });
  return {
    limiters: createRedisLimiterFactory({ redis, accountScope, fallback: local.limiters }),
    idempotency: createRedisIdempotencyStore(redis, local.idempotency),
    verdictCache: createRedisVerdictCache(redis, local.verdictCache, deps.now),
    traceQueries: createRedisTraceQueryStore(redis, local.traceQueries),
    verdictCacheTtlMs: config.verdictCacheTtlMs,
    accountScope,
    redis,
  };
}
