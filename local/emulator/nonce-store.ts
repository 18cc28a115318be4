/** Remembers `SignatureNonce` values for a time window to detect replays. */
export interface NonceStore {
  /** Records the nonce; returns `false` when it was already used within the window. */
  use(key: string): boolean;
  /** Number of remembered nonces (after pruning). */
  size(): number;
}

/** Options of {@link createNonceStore}. */
export interface NonceStoreOptions {
  ttlMs: number;
  maxEntries: number;
  now: () => number;
}

/**
 * Creates a bounded nonce store: entries older than `ttlMs` are pruned on every call, and when
 * `maxEntries` is reached the oldest entries are evicted first.
 *
 * @param options - Window length, size bound and clock.
 * @returns The store.
 * @example
 * const nonces = createNonceStore({ ttlMs: 900_000, maxEntries: 100_000, now: Date.now });
 * nonces.use('AK:abc'); // true, then false on reuse
 */
export function createNonceStore(options: NonceStoreOptions): NonceStore {
  // Map iteration follows insertion order, which is time order for a monotonic clock.
  const seenAt = new Map<string, number>();

  const prune = (nowMs: number, keep: number): void => {
    for (const [key, at] of seenAt) {
      if (nowMs - at < options.ttlMs && seenAt.size <= keep) {
        return;
      }
      seenAt.delete(key);
    }
  };

  return {
    use(key) {
      const nowMs = options.now();
      const previous = seenAt.get(key);
      if (previous !== undefined && Math.abs(nowMs - previous) < options.ttlMs) {
        return false;
      }
      seenAt.delete(key);
      prune(nowMs, options.maxEntries - 1);
      seenAt.set(key, nowMs);
      return true;
    },
    size() {
      prune(options.now(), options.maxEntries);
      return seenAt.size;
    },
  };
}
