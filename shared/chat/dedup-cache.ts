/**
 * A bounded map of recently seen keys with a time-to-live, per FC instance. FC instances share no
 * memory, so this catches duplicates that reach the same instance (the common case: a duplicate
 * arrives once the first delivery finished) but not two instances racing; the README says so.
 */
export interface DedupCache {
  /** True the first time `key` is seen within the TTL; false for a duplicate. */
  claim(key: string): boolean;
  /** Forgets `key`, e.g. when the work it guarded failed and a retry should be allowed. */
  release(key: string): void;
  size(): number;
}

export interface DedupCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now: () => number;
}

/** Creates a {@link DedupCache}; when full, the oldest key is forgotten first. */
export function createDedupCache(options: DedupCacheOptions): DedupCache {
  // Map iteration order is insertion order, so the first entries are the oldest.
  const seen = new Map<string, number>();
  const purge = (now: number) => {
    for (const [key, expiresAt] of seen) {
      if (expiresAt > now) break;
      seen.delete(key);
    }
  };
  return {
    claim(key) {
      const now = options.now();
      purge(now);
      const expiresAt = seen.get(key);
      if (expiresAt !== undefined && expiresAt > now) return false;
      seen.delete(key);
      seen.set(key, now + options.ttlMs);
      while (seen.size > options.maxEntries) {
        const oldest = seen.keys().next().value as string;
        seen.delete(oldest);
      }
      return true;
    },
    release(key) {
      seen.delete(key);
    },
    size: () => seen.size,
  };
}
