/**
 * Remembers which deliveries were already acted on (Slack `trigger_id`, DingTalk `msgId`, the
 * deferred job's key), so a duplicate is answered once. Async, so a shared store can stand behind
 * it; composition roots build it and inject it.
 */
export interface IdempotencyStore {
  /** True the first time `key` is claimed within `ttlMs`; false for a duplicate. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Forgets `key`, e.g. when the work it guarded failed and a retry should be allowed. */
  release(key: string): Promise<void>;
}

export interface MemoryIdempotencyOptions {
  maxEntries: number;
  now: () => number;
}

/**
 * An {@link IdempotencyStore} in this instance's memory, bounded: when full, the oldest key is
 * forgotten first. FC instances share no memory, so it catches duplicates that reach the same
 * instance (the common case: a duplicate arrives once the first delivery finished) but not two
 * instances racing; the README says so.
 */
export function createMemoryIdempotencyStore(options: MemoryIdempotencyOptions): IdempotencyStore & { size(): number } {
  // Map iteration order is insertion order; expired keys are purged lazily, all of them on each claim.
  const seen = new Map<string, number>();
  const purge = (now: number) => {
    for (const [key, expiresAt] of seen) if (expiresAt <= now) seen.delete(key);
  };
  return {
    async claim(key, ttlMs) {
      const now = options.now();
      purge(now);
      if (seen.has(key)) return false;
      seen.set(key, now + ttlMs);
      while (seen.size > options.maxEntries) seen.delete(seen.keys().next().value as string);
      return true;
    },
    async release(key) {
      seen.delete(key);
    },
    size: () => seen.size,
  };
}
