import type { RpcClientConfig, RpcClientFactory } from '../../shared/ons/rpc-client';

/** One scripted answer of a fake pop-core client: a resolved body, or a rejection. */
export type ScriptedReply = { body: unknown; advanceMs?: number } | { error: unknown; advanceMs?: number };

export interface RecordedRequest {
  clientIndex: number;
  action: string;
  params: Record<string, string>;
  options: { method: 'POST'; timeout: number };
}

export interface FakeRpcClientFactory {
  factory: RpcClientFactory;
  configs: RpcClientConfig[];
  requests: RecordedRequest[];
  closed: number[];
}

/**
 * A {@link RpcClientFactory} whose clients answer from one shared script, in order. `advanceMs`
 * moves the injected clock to simulate latency.
 */
export function buildFakeRpcClientFactory(script: ScriptedReply[] = [], advance?: (ms: number) => void): FakeRpcClientFactory {
  const configs: RpcClientConfig[] = [];
  const requests: RecordedRequest[] = [];
  const closed: number[] = [];
  const factory: RpcClientFactory = (config) => {
    const clientIndex = configs.length;
    configs.push(config);
    return {
      async request<T>(action: string, params: Record<string, string>, options: { method: 'POST'; timeout: number }): Promise<T> {
        requests.push({ clientIndex, action, params, options });
        const next = script.shift();
        if (!next) throw new Error('fake rpc client: script exhausted');
        if (next.advanceMs && advance) advance(next.advanceMs);
        if ('error' in next) throw next.error;
        return next.body as T;
      },
      close: () => {
        closed.push(clientIndex);
      },
    };
  };
  return { factory, configs, requests, closed };
}
