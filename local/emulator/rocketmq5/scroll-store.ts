/** A ListMessages result snapshot that later pages read through its `scrollId`. */
export interface ScrollSnapshot {
  accountId: string;
  instanceId: string;
  topicName: string;
  /** Matching message ids, in result order. */
  messageIds: readonly string[];
}

/** Bounded, expiring store of {@link ScrollSnapshot}s. */
export interface ScrollStore {
  /** Stores a snapshot and returns its new scroll id. */
  create(snapshot: ScrollSnapshot): string;
  /** The snapshot, or `undefined` when unknown or expired. */
  get(scrollId: string): ScrollSnapshot | undefined;
}

/** Options of {@link createScrollStore}. */
export interface ScrollStoreOptions {
  now: () => number;
  /** New ids; default `crypto.randomUUID()` upper-cased (the SDK example is a UUID). */
  newId: () => string;
  /** Default 10 minutes (UNVERIFIED: the real lifetime is undocumented). */
  ttlMs?: number;
  /** Default 1000; the oldest snapshot is evicted first. */
  maxEntries?: number;
}

/**
 * Creates the scroll store. Map insertion order is creation order, which pruning relies on.
 *
 * @param options - Clock, id source, lifetime and bound.
 * @returns The store.
 */
export function createScrollStore(options: ScrollStoreOptions): ScrollStore {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const maxEntries = options.maxEntries ?? 1000;
  const entries = new Map<string, { snapshot: ScrollSnapshot; createdAt: number }>();

  const prune = (nowMs: number): void => {
    for (const [id, entry] of entries) {
      if (nowMs - entry.createdAt < ttlMs && entries.size < maxEntries) {
        return;
      }
      entries.delete(id);
    }
  };

  return {
    create(snapshot) {
      const nowMs = options.now();
      prune(nowMs);
      const id = options.newId();
      entries.set(id, { snapshot, createdAt: nowMs });
      return id;
    },
    get(scrollId) {
      const entry = entries.get(scrollId);
      if (entry === undefined || options.now() - entry.createdAt >= ttlMs) {
        return undefined;
      }
      return entry.snapshot;
    },
  };
}
