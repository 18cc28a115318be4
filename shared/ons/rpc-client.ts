import RPCClient from '@alicloud/pop-core';
import type { Credentials } from '../credentials';

/** The slice of pop-core's `RPCClient` mqtrace uses (its `lib/rpc.d.ts` signature). */
export interface RpcClientLike {
  request<T>(action: string, params: Record<string, string>, options: { method: 'POST'; timeout: number }): Promise<T>;
  /** Releases pooled connections. */
  close?(): void;
}

export interface RpcClientConfig extends Credentials {
  endpoint: string;
  apiVersion: string;
}

export type RpcClientFactory = (config: RpcClientConfig) => RpcClientLike;

/** The real factory: one pop-core client, with its own keep-alive agent. */
export const createPopCoreClient: RpcClientFactory = (config) => {
  const client = new RPCClient({
    endpoint: config.endpoint,
    apiVersion: config.apiVersion,
    accessKeyId: config.accessKeyId,
    accessKeySecret: config.accessKeySecret,
    ...(config.securityToken ? { securityToken: config.securityToken } : {}),
  });
  return {
    request: (action, params, options) => client.request(action, params, options),
    // pop-core keeps its agent on the instance without typing it.
    close: () => (client as unknown as { keepAliveAgent?: { destroy(): void } }).keepAliveAgent?.destroy(),
  };
};

export interface RpcClientPool {
  /** The client for these credentials, built on first use and reused while they are unchanged. */
  get(credentials: Credentials): RpcClientLike;
  size(): number;
}

/**
 * Keeps one client per distinct credential set. FC rotates STS credentials; pop-core binds one
 * keep-alive agent to each client, so reusing the client keeps a warm instance's connections.
 * Only the newest `maxClients` sets are kept: older ones belong to expired credentials.
 */
export function createRpcClientPool(options: {
  factory: RpcClientFactory;
  endpoint: string;
  apiVersion: string;
  maxClients?: number;
}): RpcClientPool {
  const max = options.maxClients ?? 2;
  const clients = new Map<string, RpcClientLike>();
  return {
    get(credentials) {
      const key = `${credentials.accessKeyId}\u0000${credentials.accessKeySecret}\u0000${credentials.securityToken ?? ''}`;
      const existing = clients.get(key);
      if (existing) return existing;
      const client = options.factory({ ...credentials, endpoint: options.endpoint, apiVersion: options.apiVersion });
      clients.set(key, client);
      while (clients.size > max) {
        const oldest = clients.keys().next().value as string;
        clients.get(oldest)?.close?.();
        clients.delete(oldest);
      }
      return client;
    },
    size: () => clients.size,
  };
}
