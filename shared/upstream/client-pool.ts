import type { Credentials } from '../credentials';

/** A bounded set of SDK clients, one per credential set (and, for a pool with a context, per context). */
export interface ClientPool<C, X = undefined> {
  /** The client for these credentials (and context), built on first use and reused while they are unchanged. */
  get(credentials: Credentials, ...context: X extends undefined ? [] : [X]): C;
  size(): number;
}

/**
 * Keeps one client per distinct credential set. FC rotates STS credentials, and each SDK client
 * binds its own keep-alive connections, so reusing the client keeps a warm instance's connections.
 * Only the newest `maxClients` are kept (older ones belong to expired credentials); an evicted
 * client's `close`, if it has one, releases its connections.
 * @param options.keyOf names what besides the credentials tells clients apart (e.g. an endpoint).
 */
export function createClientPool<C extends object, X = undefined>(options: {
  build: (credentials: Credentials, context: X) => C;
  keyOf?: (context: X) => string;
  maxClients?: number;
}): ClientPool<C, X> {
  const max = options.maxClients ?? 2;
  const clients = new Map<string, C>();
  // Most calls sign with the same credentials as the last one: found without building a key.
  let last: { credentials: Credentials; context: string; key: string } | undefined;
  return {
    get(credentials, ...rest) {
      const context = rest[0] as X;
      const named = options.keyOf?.(context) ?? '';
      if (
        last &&
        last.context === named &&
        last.credentials.accessKeyId === credentials.accessKeyId &&
        last.credentials.accessKeySecret === credentials.accessKeySecret &&
        last.credentials.securityToken === credentials.securityToken
      ) {
        const client = clients.get(last.key);
        if (client) return client;
      }
      const key = [named, credentials.accessKeyId, credentials.accessKeySecret, credentials.securityToken ?? ''].join('\u0000');
      last = { credentials: { ...credentials }, context: named, key };
      const existing = clients.get(key);
      if (existing) return existing;
      const client = options.build(credentials, context);
      clients.set(key, client);
      while (clients.size > max) {
        const oldest = clients.keys().next().value as string;
        (clients.get(oldest) as { close?: () => void } | undefined)?.close?.();
        clients.delete(oldest);
      }
      return client;
    },
    size: () => clients.size,
  };
}
