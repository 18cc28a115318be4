import { createRequire } from 'node:module';
import { rocketMq5Messages } from './bench-env';
import type { BenchWorld } from './bench-env';

export interface Warm5xResult {
  ours: number[];
  bare: number[];
}

/**
 * Warm 5.x lookups through the built handler against the emulator's rocketmq routes, each beside
 * the bare official SDK making the same two calls (ListTopicSubscriptions and GetTrace, in
 * parallel, as the adapter does) over one warm client. Spaced so that neither side waits on a limit.
 */
export async function measureWarm5x(world: BenchWorld, bundlePath: string, options: { lookups: number; spacingMs: number }): Promise<Warm5xResult> {
  Object.assign(process.env, world.functionEnv);
  const [target] = (await rocketMq5Messages(world.url)).filter((m) => m.instanceId === 'rmq-cn-demo5x0001' && m.messageKeys.includes('order-5x-1001'));
  if (!target) throw new Error('bench: the demo seed has no 5.x message order-5x-1001');
  const { handler } = createRequire(import.meta.url)(bundlePath) as { handler: (e: Buffer, c: unknown) => Promise<{ statusCode: number; body: string }> };
  const [credentials] = world.credentials;
  const context = { requestId: 'bench', credentials, function: { name: 'bench', handler: 'index.handler', memory: 512, timeout: 30 } };
  const { traceEvent } = await import('./bench-env');
  const event = traceEvent({ instanceId: target.instanceId, topic: target.topicName, msgId: target.messageId });

  const sdk = (await import('@alicloud/rocketmq20220801')) as unknown as { default: unknown };
  const { $OpenApiUtil } = (await import('@alicloud/openapi-core')) as unknown as { $OpenApiUtil: { Config: new (c: Record<string, unknown>) => unknown } };
  const Client = (typeof sdk.default === 'function' ? sdk.default : (sdk.default as { default: unknown }).default) as new (config: unknown) => {
    listTopicSubscriptions(instanceId: string, topicName: string): Promise<unknown>;
    getTrace(instanceId: string, topicName: string, messageId: string, request: unknown): Promise<unknown>;
  };
  const { GetTraceRequest } = sdk as unknown as { GetTraceRequest: new (r: Record<string, unknown>) => unknown };
  const endpoint = new URL(world.url);
  const client = new Client(new $OpenApiUtil.Config({ ...credentials, endpoint: endpoint.host, protocol: 'http' }));

  const ours: number[] = [];
  const bare: number[] = [];
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    for (let i = 0; i < options.lookups + 5; i++) {
      let t = performance.now();
      const response = await handler(event, context);
      if (response.statusCode !== 200) throw new Error(`5.x lookup answered ${response.statusCode}: ${response.body}`);
      if (i >= 5) ours.push(performance.now() - t);
      t = performance.now();
      await Promise.all([
        client.listTopicSubscriptions(target.instanceId, target.topicName),
        client.getTrace(target.instanceId, target.topicName, target.messageId, new GetTraceRequest({})),
      ]);
      if (i >= 5) bare.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, options.spacingMs));
    }
  } finally {
    process.stdout.write = write;
  }
  return { ours, bare };
}
