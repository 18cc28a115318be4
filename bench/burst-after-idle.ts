import { createRequire } from 'node:module';
import RPCClient from '@alicloud/pop-core';
import type { Seed } from '../local/emulator/seed-schema';
import { bulkMsgId } from '../test/builders/build-bulk-seed';
import { benchSeed, median, startBenchWorld, traceBatchEvent, type BenchWorld } from './bench-env';

/** OnsMessageTrace's documented 10/s, enforced by the emulator and assumed by the function alike. */
export const BURST_LIMIT = 10;
const WINDOW_MS = 1000;
/** How long the warm instance rests before each measured batch (issue 11 §4). */
export const IDLE_MS = 2000;

type Handler = (event: Buffer, context: unknown) => Promise<{ statusCode: number; body: string }>;

export interface BurstSample {
  /** 5 concurrent pop-core calls from a new client: the floor under a new instance's batch. */
  bare5Ms: number;
  /** A batch of 5 on an instance that has just been loaded. */
  fresh5Ms: number;
  /** A batch of 20 on an instance that has just been loaded; it becomes the round's warm instance. */
  fresh20Ms: number;
  /** A batch of 5 on that instance, after {@link IDLE_MS} of rest. */
  warm5Ms: number;
  /** A batch of 20 on that instance, after another {@link IDLE_MS} of rest. */
  warm20Ms: number;
}

export interface BurstResult {
  samples: BurstSample[];
  /** `Throttling.User` answers of the emulator by kind of batch; the gateway retries them. */
  throttled: Record<keyof BurstSample, number>;
  /** Batch items that did not answer `ok`, and non-200 answers, by kind of batch. */
  failed: Record<keyof BurstSample, number>;
  /** OnsMessageTrace calls per looked-up item (1 unless the lookup path changes). */
  callsPerLookup: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const zeros = (): Record<keyof BurstSample, number> => ({ bare5Ms: 0, fresh5Ms: 0, fresh20Ms: 0, warm5Ms: 0, warm20Ms: 0 });

/**
 * Batches of 5 and 20 lookups (POST /v1/trace with `lookups`) through the BUILT http function,
 * in-process as the warm-lookup section runs it, against an emulator that enforces
 * {@link BURST_LIMIT} per second, with the function configured for the same. Each round loads a
 * new instance (a new module instance: new gateway, limiter and connections) for a batch of 20,
 * which leaves it warm (more calls in its life than the limit), then gives it a batch of 5 and a
 * batch of 20, each after exactly {@link IDLE_MS} of rest; another new instance's batch of 5 and
 * 5 bare pop-core calls fill the rests. Every batch starts with the account's bucket full: the
 * emulator refills it a window after the last batch of 20, and a batch of 5 takes back only half.
 */
export async function measureBurstsAfterIdle(bundle: string, rounds: number): Promise<BurstResult> {
  const world = await startBenchWorld({ ...withDistinctMessages(benchSeed(), 20), limits: { OnsMessageTrace: { count: BURST_LIMIT, windowMs: WINDOW_MS } } });
  const env = { ...world.functionEnv, MQTRACE_TRACE_RATE_LIMIT: String(BURST_LIMIT) };
  // Distinct messages: identical lookups in one batch would share one upstream call.
  const queries = Array.from({ length: 20 }, (_, i) => ({ ...world.query, msgId: bulkMsgId(9, i + 1) }));
  const [credentials] = world.credentials;
  const context = { requestId: 'bench-burst', credentials, function: { name: 'bench', handler: 'index.handler', memory: 512, timeout: 30 } };
  const events = { 5: traceBatchEvent(queries, 5), 20: traceBatchEvent(queries, 20) };
  const throttled = zeros();
  const failed = zeros();
  let lookups = 0;
  let throttledSoFar = 0;

  /** Runs one batch of `kind`, timed, and books its throttles and failures. */
  const measure = async (kind: keyof BurstSample, run: () => Promise<{ size: number; failures: number }>) => {
    const started = performance.now();
    const { size, failures } = await run();
    const ms = performance.now() - started;
    lookups += size;
    failed[kind] += failures;
    const total = (await world.emulator.stats()).byAction.OnsMessageTrace?.byCode['Throttling.User'] ?? 0;
    throttled[kind] += total - throttledSoFar;
    throttledSoFar = total;
    return ms;
  };
  const batch = (handler: Handler, size: 5 | 20) => async () => {
    const response = await handler(events[size], context);
    if (response.statusCode !== 200) return { size, failures: size };
    return { size, failures: (JSON.parse(response.body) as { results: Array<{ ok: boolean }> }).results.filter((r) => !r.ok).length };
  };
  const bare5 = async () => {
    const client = new RPCClient({ endpoint: world.url, apiVersion: '2019-02-14', ...(credentials as { accessKeyId: string; accessKeySecret: string }) });
    const params = { InstanceId: world.query.instanceId, Topic: world.query.topic, MsgId: world.query.msgId };
    await Promise.all(Array.from({ length: 5 }, () => client.request('OnsMessageTrace', params, { method: 'POST', timeout: 3000 })));
    return { size: 5, failures: 0 };
  };

  const write = process.stdout.write;
  // Access-log lines are produced (their cost is measured) but not printed.
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    await world.emulator.resetStats();
    const refill = WINDOW_MS + 200;
    const samples: BurstSample[] = [];
    for (let round = 0; round < rounds; round++) {
      await pause(refill);
      const warm = loadInstance(bundle, env);
      const fresh20Ms = await measure('fresh20Ms', batch(warm, 20));
      await pause(refill);
      const fresh5Ms = await measure('fresh5Ms', batch(loadInstance(bundle, env), 5));
      await pause(IDLE_MS - refill);
      const warm5Ms = await measure('warm5Ms', batch(warm, 5));
      await pause(refill);
      const bare5Ms = await measure('bare5Ms', bare5);
      await pause(IDLE_MS - refill);
      const warm20Ms = await measure('warm20Ms', batch(warm, 20));
      samples.push({ bare5Ms, fresh5Ms, fresh20Ms, warm5Ms, warm20Ms });
    }
    const requests = (await world.emulator.stats()).byAction.OnsMessageTrace?.requests ?? 0;
    return { samples, throttled, failed, callsPerLookup: (requests - throttledSoFar) / lookups };
  } finally {
    process.stdout.write = write;
    await world.emulator.close();
  }
}

/** A new instance of the bundle, as a new FC instance would load it: module state, config from `env`. */
function loadInstance(bundle: string, env: BenchWorld['functionEnv']): Handler {
  const require = createRequire(import.meta.url);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    delete require.cache[require.resolve(bundle)];
    return (require(bundle) as { handler: Handler }).handler;
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** `seed` with `count` more consumed messages in its first topic, the one the bench world looks up. */
function withDistinctMessages(seed: Seed, count: number): Seed {
  const [instance, ...instances] = seed.instances;
  const [topic, ...topics] = instance?.topics ?? [];
  if (!instance || !topic) throw new Error('the bench seed has no topic');
  const extra = Array.from({ length: count }, (_, i) => ({
    msgId: bulkMsgId(9, i + 1),
    bornAgoMs: 600_000,
    tag: 'bench',
    tracks: [{ consumerGroup: 'GID_billing', trackType: 'CONSUMED' }],
  }));
  return { ...seed, instances: [{ ...instance, topics: [{ ...topic, messages: [...topic.messages, ...extra] }, ...topics] }, ...instances] };
}

/** Median of one field over the samples. */
export const medianOf = (samples: BurstSample[], key: keyof BurstSample) => median(samples.map((s) => s[key]));

/** Fastest–slowest of one field, for the row label. */
export const rangeOf = (samples: BurstSample[], key: keyof BurstSample) => {
  const values = samples.map((s) => s[key]);
  return `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} ms`;
};

/** The time a batch of `size` needs at `limit` per second beyond its first burst. */
export const idealBatchMs = (size: number, limit = BURST_LIMIT) => (Math.max(0, size - limit) / limit) * WINDOW_MS;
