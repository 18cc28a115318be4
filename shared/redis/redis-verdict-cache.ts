import { createHash } from 'node:crypto';
import { z } from 'zod';
import { verdictKeyText, type CachedVerdict, type VerdictCache } from '../trace/verdict-cache';
import type { SharedRedis } from './shared-redis';

// The report schema (with the findings' and the message-ID schemas) is built on the first Redis hit,
// not at cold start: like the OpenAPI document, no lookup without Redis needs it.
let entrySchema: Promise<z.ZodType<CachedVerdict>> | undefined;
const loadEntrySchema = () =>
  (entrySchema ??= import('../trace/report-schema').then(({ TraceReportSchema }) =>
    z.object({ cachedAt: z.number(), expiresAt: z.number(), report: TraceReportSchema }),
  ));

/**
 * A {@link VerdictCache} shared by every instance, in front of this instance's own (`local`): a
 * read tries `local` first, then Redis (and keeps what it found in `local` for the rest of its
 * TTL); a write goes to both. Keys are hashes of the question; an entry that does not parse as a
 * report (another version's, or damaged) is a miss. When Redis cannot answer, `local` is the cache.
 */
export function createRedisVerdictCache(redis: SharedRedis, local: VerdictCache, now: () => number): VerdictCache {
  const keyOf = (text: string) => `${redis.prefix}verdict:${createHash('sha256').update(text).digest('hex')}`;
  return {
    async get(key) {
      const mine = await local.get(key);
      if (mine) return mine;
      const found = await redis.attempt((r) => r.get(keyOf(verdictKeyText(key))));
      if (!found.ok || found.value === null) return undefined;
      const entry = parseEntry(found.value, await loadEntrySchema());
      if (!entry || entry.expiresAt <= now()) return undefined;
      await local.set(key, entry);
      return entry;
    },
    async set(key, entry) {
      await local.set(key, entry);
      const ttlMs = Math.ceil(entry.expiresAt - now());
      if (ttlMs <= 0) return;
      await redis.attempt((r) => r.set(keyOf(verdictKeyText(key)), JSON.stringify(entry), ttlMs));
    },
  };
}

function parseEntry(text: string, schema: z.ZodType<CachedVerdict>): CachedVerdict | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
