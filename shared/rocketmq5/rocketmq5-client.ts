import type { Credentials } from '../credentials';
import { createClientPool, type ClientPool } from '../upstream/client-pool';
import { ConfigError } from '../errors';
import type { RocketMq5Action } from './actions';

// Type-only: erased at build time. The SDK itself is loaded by `import()` in the default factory,
// so the lookup path's cold start never loads it.
import type RocketMq5Sdk from '@alicloud/rocketmq20220801';

/** The path and query parameters of each call mqtrace makes, in the SDK's names. */
export interface RocketMq5Params {
  GetTrace: { instanceId: string; topicName: string; messageId: string; startTime?: string; endTime?: string };
  GetMessageDetail: { instanceId: string; topicName: string; messageId: string };
  ListTopicSubscriptions: { instanceId: string; topicName: string };
  GetConsumerGroupLag: { instanceId: string; consumerGroupId: string; topicName?: string };
  ListConsumerConnections: { instanceId: string; consumerGroupId: string; topicName?: string };
  GetConsumerGroupSubscription: { instanceId: string; consumerGroupId: string; topicName: string };
  ListMessages: {
    instanceId: string;
    topicName: string;
    startTime?: string;
    endTime?: string;
    /** Only the messages with this key. */
    messageKey?: string;
    pageNumber?: number;
    pageSize?: number;
    scrollId?: string;
  };
}

/** Per-call transport options; the SDK's own retries are always off (the gateway retries). */
export interface RocketMq5CallOptions {
  /** Both the SDK's connect and read timeout. */
  timeoutMs: number;
}

/** A 2xx answer: the body as the SDK parsed it (model objects with the documented field names). */
export interface RocketMq5Response {
  statusCode: number | undefined;
  body: unknown;
}

/** The slice of `@alicloud/rocketmq20220801`'s client that mqtrace uses. */
export interface RocketMq5ClientLike {
  request<A extends RocketMq5Action>(action: A, params: RocketMq5Params[A], options: RocketMq5CallOptions): Promise<RocketMq5Response>;
  /** Releases what the client holds; the SDK keeps no per-client sockets, so this may do nothing. */
  close?(): void;
}

export interface RocketMq5ClientConfig extends Credentials {
  /** Host (and port) only, e.g. `rocketmq.cn-hangzhou.aliyuncs.com` or `127.0.0.1:8080`. */
  endpoint: string;
  protocol: 'https' | 'http';
}

export type RocketMq5ClientFactory = (config: RocketMq5ClientConfig) => RocketMq5ClientLike;

/**
 * The regional endpoint of the `rocketmq` 2022-08-01 API, as a host. The SDK has no endpoint map
 * and would fall back to the global `rocketmq.aliyuncs.com` (round2.md §4.1), so always pass one.
 */
export function rocketmq5EndpointFor(region: string): string {
  const trimmed = region.trim();
  if (!/^[a-z0-9-]{2,40}$/.test(trimmed)) {
    throw new ConfigError([{ path: 'region', message: 'must be an Alibaba Cloud region ID such as cn-hangzhou' }]);
  }
  return `rocketmq.${trimmed}.aliyuncs.com`;
}

/**
 * Splits an endpoint into the host the SDK wants and the protocol: a bare host (`rocketmq.cn-hangzhou.aliyuncs.com`,
 * `127.0.0.1:8080`) uses `protocol` (default https); a URL (`http://127.0.0.1:8080`, as
 * ROCKETMQ_ENDPOINT gives it) brings its own unless `protocol` is set.
 */
export function parseRocketMq5Endpoint(endpoint: string, protocol?: 'https' | 'http'): { host: string; protocol: 'https' | 'http' } {
  const m = /^(https?):\/\/([^/?#]+)\/?$/i.exec(endpoint.trim());
  if (m) return { host: m[2] as string, protocol: protocol ?? ((m[1] as string).toLowerCase() === 'http' ? 'http' : 'https') };
  if (!/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(endpoint.trim())) {
    throw new ConfigError([{ path: 'endpoint', message: 'must be a host[:port] or an http(s) URL without a path' }]);
  }
  return { host: endpoint.trim(), protocol: protocol ?? 'https' };
}

type SdkClient = InstanceType<typeof RocketMq5Sdk>;
type SdkModule = typeof import('@alicloud/rocketmq20220801');
type SdkRuntime = Parameters<SdkClient['getTraceWithOptions']>[5];
type Models = Pick<SdkModule, 'GetTraceRequest' | 'GetConsumerGroupLagRequest' | 'ListConsumerConnectionsRequest' | 'ListMessagesRequest'>;
interface LoadedSdk {
  Client: typeof RocketMq5Sdk;
  models: Models;
}

/** Loads the SDK, whichever way the runtime hands a CommonJS module's exports to `import()`. */
async function loadSdk(): Promise<LoadedSdk> {
  const mod = (await import('@alicloud/rocketmq20220801')) as unknown as SdkModule & { default: unknown };
  // Bundlers and tsx give the class as `default`; Node's own ESM loader gives `module.exports`.
  const exportsObject = (typeof mod.default === 'function' ? mod : mod.default) as SdkModule & { default: typeof RocketMq5Sdk };
  return { Client: exportsObject.default, models: exportsObject };
}

/**
 * The real factory: one SDK client per credential set, created on its first call. The SDK's
 * transport (`httpx`) sends every request through one keep-alive agent per process, so warm
 * calls reuse connections whichever client makes them.
 */
export const createRocketMq5SdkClient: RocketMq5ClientFactory = (config) => {
  let client: Promise<{ sdk: SdkClient; models: Models }> | undefined;
  const ready = () => {
    client ??= loadSdk().then(({ Client, models }) => ({
      sdk: new Client({
        accessKeyId: config.accessKeyId,
        accessKeySecret: config.accessKeySecret,
        ...(config.securityToken ? { securityToken: config.securityToken } : {}),
        endpoint: config.endpoint,
        protocol: config.protocol,
        // No retryOptions: openapi-core then makes exactly one attempt.
      } as ConstructorParameters<typeof RocketMq5Sdk>[0]),
      models,
    }));
    // A failed load (e.g. a missing bundle file) may succeed on the next call.
    client.catch(() => {
      client = undefined;
    });
    return client;
  };
  return {
    async request(action, params, options) {
      const { sdk, models } = await ready();
      // openapi-core reads these fields off the runtime object and calls nothing on it.
      const runtime = { readTimeout: options.timeoutMs, connectTimeout: options.timeoutMs, autoretry: false, maxAttempts: 1 } as unknown as SdkRuntime;
      const response = await dispatch(sdk, models, action, params, runtime);
      return { statusCode: response.statusCode, body: response.body };
    },
  };
};

async function dispatch<A extends RocketMq5Action>(
  sdk: SdkClient,
  models: Models,
  action: A,
  input: RocketMq5Params[A],
  runtime: SdkRuntime,
): Promise<{ statusCode?: number; body?: unknown }> {
  const headers: Record<string, string> = {};
  // Narrowed per action by the switch; TypeScript cannot correlate `action` with `input` itself.
  const p = input as RocketMq5Params[RocketMq5Action] & Record<string, unknown>;
  switch (action as RocketMq5Action) {
    case 'GetTrace': {
      const q = p as RocketMq5Params['GetTrace'];
      const request = new models.GetTraceRequest(defined({ startTime: q.startTime, endTime: q.endTime }));
      return sdk.getTraceWithOptions(q.instanceId, q.topicName, q.messageId, request, headers, runtime);
    }
    case 'GetMessageDetail': {
      const q = p as RocketMq5Params['GetMessageDetail'];
      return sdk.getMessageDetailWithOptions(q.instanceId, q.topicName, q.messageId, headers, runtime);
    }
    case 'ListTopicSubscriptions': {
      const q = p as RocketMq5Params['ListTopicSubscriptions'];
      return sdk.listTopicSubscriptionsWithOptions(q.instanceId, q.topicName, headers, runtime);
    }
    case 'GetConsumerGroupLag': {
      const q = p as RocketMq5Params['GetConsumerGroupLag'];
      const request = new models.GetConsumerGroupLagRequest(defined({ topicName: q.topicName }));
      return sdk.getConsumerGroupLagWithOptions(q.instanceId, q.consumerGroupId, request, headers, runtime);
    }
    case 'ListConsumerConnections': {
      const q = p as RocketMq5Params['ListConsumerConnections'];
      const request = new models.ListConsumerConnectionsRequest(defined({ topicName: q.topicName }));
      return sdk.listConsumerConnectionsWithOptions(q.instanceId, q.consumerGroupId, request, headers, runtime);
    }
    case 'GetConsumerGroupSubscription': {
      const q = p as RocketMq5Params['GetConsumerGroupSubscription'];
      return sdk.getConsumerGroupSubscriptionWithOptions(q.instanceId, q.consumerGroupId, q.topicName, headers, runtime);
    }
    case 'ListMessages': {
      const q = p as RocketMq5Params['ListMessages'];
      const request = new models.ListMessagesRequest(
        defined({ startTime: q.startTime, endTime: q.endTime, messageKey: q.messageKey, pageNumber: q.pageNumber, pageSize: q.pageSize, scrollId: q.scrollId }),
      );
      return sdk.listMessagesWithOptions(q.instanceId, q.topicName, request, headers, runtime);
    }
  }
  throw new Error(`unregistered RocketMQ 5.x action ${String(action)}`);
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export type RocketMq5ClientPool = ClientPool<RocketMq5ClientLike>;

/** One 5.x SDK client per credential set (see {@link createClientPool}), all for one endpoint. */
export function createRocketMq5ClientPool(options: {
  factory: RocketMq5ClientFactory;
  endpoint: string;
  protocol: 'https' | 'http';
  maxClients?: number;
}): RocketMq5ClientPool {
  return createClientPool({
    build: (credentials) => options.factory({ ...credentials, endpoint: options.endpoint, protocol: options.protocol }),
    ...(options.maxClients !== undefined ? { maxClients: options.maxClients } : {}),
  });
}
