import { createHash } from 'node:crypto';
import type { IdempotencyStore } from '../idempotency';
import type { SharedRedis } from './shared-redis';

/**
 * An {@link IdempotencyStore} shared by every instance: a claim is `SET NX PX` of the key's hash
 * (the keys hold Slack trigger_ids and DingTalk msgIds, which stay out of Redis), so a delivery
 * that reaches two instances at once is acted on by one. Every claim is also made in `local`, this
 * instance's memory: while Redis cannot answer, that is the whole store (duplicates reaching the
 * same instance are still caught) and a duplicate of a claim made before the outage still is.
 */
export function createRedisIdempotencyStore(redis: SharedRedis, local: IdempotencyStore): IdempotencyStore {
  const keyOf = (key: string) => `${redis.prefix}idem:${createHash('sha256').update(key).digest('hex')}`;
  return {
    async claim(key, ttlMs) {
      const shared = await redis.attempt((r) => r.set(keyOf(key), '1', ttlMs, true));
      const mine = await local.claim(key, ttlMs);
      // A duplicate by either count: the local claim also covers what was claimed during an outage.
      return shared.ok ? shared.value && mine : mine;
    },
    async release(key) {
      await Promise.all([redis.attempt((r) => r.del(keyOf(key))), local.release(key)]);
    },
  };
}
