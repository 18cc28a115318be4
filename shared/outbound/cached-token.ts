import { HttpPostError } from './http-client';

/** A platform API token as its token endpoint answered it. */
export interface IssuedToken {
  token: string;
  /** Its lifetime as the endpoint said, in seconds. */
  expiresInSeconds: number;
}

/** A cached API token. */
export interface CachedToken {
  /** The cached token, fetched when there is none or it is about to expire; undefined when the platform refused. */
  get(): Promise<string | undefined>;
  /** Forgets the cached token, after the API called it invalid. */
  invalidate(): void;
}

/**
 * Caches what `issue` fetches until `refreshMarginMs` before it expires; concurrent callers share
 * one fetch. `issue` answers undefined for a refusal; a transport failure (`HttpPostError`) counts
 * as one too. Per instance; the token is never logged.
 */
export function createCachedToken(issue: () => Promise<IssuedToken | undefined>, options: { refreshMarginMs: number; now: () => number }): CachedToken {
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string | undefined> | undefined;
  const fetchToken = async (): Promise<string | undefined> => {
    try {
      const issued = await issue();
      if (!issued) return undefined;
      cached = { token: issued.token, refreshAt: options.now() + issued.expiresInSeconds * 1000 - options.refreshMarginMs };
      return cached.token;
    } catch (error) {
      if (error instanceof HttpPostError) return undefined;
      throw error;
    }
  };
  return {
    async get() {
      if (cached && options.now() < cached.refreshAt) return cached.token;
      inflight ??= fetchToken().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
