import type { TraceReport } from './report-schema';

/**
 * What makes two lookups the same question: the account whose keys ask (`AccountScope`), the
 * message, and the options that change the answer's content (`variant`: explained or not, waited
 * or not).
 */
export interface VerdictCacheKey {
  account: string;
  instanceId: string;
  topic: string;
  msgId: string;
  variant: string;
}

/** A cached answer: the report as the lookup that made it returned it, and when that was. */
export interface CachedVerdict {
  report: TraceReport;
  /** Epoch ms when the report was made. */
  cachedAt: number;
  /** Epoch ms after which it is not used any more. */
  expiresAt: number;
}

/**
 * Where final answers are kept. Only CONSUMED is final: once every group consumed a message it
 * stays consumed until someone resets an offset, which the TTL bounds. The lookup use case reads
 * before it asks the broker and writes after; adapters: this instance's memory, or Redis for the
 * fleet (`shared/redis/redis-verdict-cache.ts`). Neither method rejects: a store that cannot
 * answer is a miss.
 */
export interface VerdictCache {
  get(key: VerdictCacheKey): Promise<CachedVerdict | undefined>;
  set(key: VerdictCacheKey, entry: CachedVerdict): Promise<void>;
}

/** The key as one string, the same for equal keys and distinct for distinct ones. */
export function verdictKeyText(key: VerdictCacheKey): string {
  return JSON.stringify([key.account, key.instanceId, key.topic, key.msgId, key.variant]);
}

export interface MemoryVerdictCacheOptions {
  maxEntries: number;
  now: () => number;
}

/** A {@link VerdictCache} in this instance's memory, bounded: when full, the oldest entry goes first. */
export function createMemoryVerdictCache(options: MemoryVerdictCacheOptions): VerdictCache & { size(): number } {
  const entries = new Map<string, CachedVerdict>();
  return {
    async get(key) {
      const text = verdictKeyText(key);
      const entry = entries.get(text);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= options.now()) {
        entries.delete(text);
        return undefined;
      }
      return entry;
    },
    async set(key, entry) {
      const text = verdictKeyText(key);
      // Re-inserted, so that the Map's order stays the order of writes.
      entries.delete(text);
      entries.set(text, entry);
      while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string);
    },
    size: () => entries.size,
  };
}
