/**
 * Remembers the asynchronous trace query task (4.x OnsTraceQueryByMsgId's `QueryId`) made for a
 * message, so that a second look at its journey polls the same task instead of creating another
 * (they are limited to 30 per minute per account). Async, so a shared store (Redis) can stand
 * behind it; composition roots build it and inject it.
 */
export interface TraceQueryRecord {
  queryId: string;
  /** When the task was created, epoch ms: its answer holds what the trace had by then. */
  createdAtMs: number;
}

export interface TraceQueryStore {
  /** The task kept for `key`, unless it expired. */
  get(key: string): Promise<TraceQueryRecord | undefined>;
  /** Keeps `record` for `ttlMs`, replacing an earlier one. */
  put(key: string, record: TraceQueryRecord, ttlMs: number): Promise<void>;
  /** Forgets `key`, e.g. when ONS says the task was removed. */
  delete(key: string): Promise<void>;
}

export interface MemoryTraceQueryStoreOptions {
  maxEntries: number;
  now: () => number;
}

/**
 * A {@link TraceQueryStore} in this instance's memory, bounded: when full, the oldest entry is
 * forgotten first. FC instances share no memory, so a second look that lands on another instance
 * creates a new task; a shared adapter would catch that.
 */
export function createMemoryTraceQueryStore(options: MemoryTraceQueryStoreOptions): TraceQueryStore & { size(): number } {
  const kept = new Map<string, { record: TraceQueryRecord; expiresAt: number }>();
  return {
    async get(key) {
      const entry = kept.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= options.now()) {
        kept.delete(key);
        return undefined;
      }
      return { ...entry.record };
    },
    async put(key, record, ttlMs) {
      kept.delete(key);
      kept.set(key, { record: { ...record }, expiresAt: options.now() + ttlMs });
      while (kept.size > options.maxEntries) kept.delete(kept.keys().next().value as string);
    },
    async delete(key) {
      kept.delete(key);
    },
    size: () => kept.size,
  };
}
