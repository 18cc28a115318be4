const KEY = 'mqtrace.token';

/** Where the page keeps the API token: this tab's session storage, nowhere else. */
export interface TokenStore {
  get(): string | undefined;
  set(token: string): void;
  clear(): void;
}

/** A {@link TokenStore} over `storage` (the page passes `sessionStorage`). */
export function createTokenStore(storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>): TokenStore {
  return {
    get: () => storage.getItem(KEY) ?? undefined,
    set: (token) => storage.setItem(KEY, token),
    clear: () => storage.removeItem(KEY),
  };
}
