import RPCClient from '@alicloud/pop-core';
import type { Credentials } from '../credentials';
import { createClientPool, type ClientPool } from '../upstream/client-pool';

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

export type RpcClientPool = ClientPool<RpcClientLike>;

/** One pop-core client per credential set (see {@link createClientPool}), all for one endpoint and version. */
export function createRpcClientPool(options: {
  factory: RpcClientFactory;
  endpoint: string;
  apiVersion: string;
  maxClients?: number;
}): RpcClientPool {
  return createClientPool({
    build: (credentials) => options.factory({ ...credentials, endpoint: options.endpoint, apiVersion: options.apiVersion }),
    ...(options.maxClients !== undefined ? { maxClients: options.maxClients } : {}),
  });
}
