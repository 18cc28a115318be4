import { createHash } from 'node:crypto';
import type { TraceQueryRecord, TraceQueryStore } from '../trace-query-store';
import type { SharedRedis } from './shared-redis';

/**
 * A {@link TraceQueryStore} shared by every instance, backed by this instance's own (`local`), so a
 * second journey of a message that lands on another instance polls the same 4.x trace task instead
 * of spending one of the account's 30 task creations a minute. Reads ask Redis, and `local` only when
 * Redis cannot answer; writes and deletes go to both. Keys are hashes; when Redis cannot answer, `local` is the store.
 */
export function createRedisTraceQueryStore(redis: SharedRedis, local: TraceQueryStore): TraceQueryStore {
  const keyOf = (key: string) => `${redis.prefix}traceq:${createHash('sha256').update(key).digest('hex')}`;
  return {
    async get(key) {
      const found = await redis.attempt(async (r) => {
        const [value, ttl] = await Promise.all([r.get(keyOf(key)), r.pttl(keyOf(key))]);
        return { value, ttl };
      });
      if (!found.ok) return local.get(key);
      const record = found.value.value === null ? undefined : parseRecord(found.value.value);
      // Redis has the fleet's word (another instance may have dropped a removed task); this
      // instance's copy is what is left when Redis cannot answer.
      if (record && found.value.ttl > 0) await local.put(key, record, found.value.ttl);
      else await local.delete(key);
      return record;
    },
    async put(key, record, ttlMs) {
      await local.put(key, record, ttlMs);
      await redis.attempt((r) => r.set(keyOf(key), JSON.stringify(record), ttlMs));
    },
    async delete(key) {
      await Promise.all([local.delete(key), redis.attempt((r) => r.del(keyOf(key)))]);
    },
  };
}

function parseRecord(text: string): TraceQueryRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { queryId, createdAtMs } = value as Record<string, unknown>;
    if (typeof queryId !== 'string' || queryId.length === 0 || queryId.length > 256) return undefined;
    if (typeof createdAtMs !== 'number' || !Number.isFinite(createdAtMs)) return undefined;
    return { queryId, createdAtMs };
  } catch {
    return undefined;
  }
}
