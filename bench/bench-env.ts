import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DEMO_SEED_PATH } from '../local/emulator/load-seed';
import type { Seed } from '../local/emulator/seed-schema';
import type { EmulatorStats } from '../local/emulator/server';
import { buildDemoConfig, DEMO_API_TOKEN } from '../local/runner/demo-access';

/** The emulator in its own process (as `npm run emulator` runs it), so it does not share the measured event loop. */
export interface BenchEmulator {
  stats(): Promise<EmulatorStats>;
  resetStats(): Promise<void>;
  setFault(action: string, fault: Record<string, unknown> | undefined): Promise<void>;
  close(): Promise<void>;
}

/** The demo world with the emulator's limits lifted, so that benchmarks measure latency, not throttling. */
export function benchSeed(): Seed {
  const seed = JSON.parse(readFileSync(DEMO_SEED_PATH, 'utf8')) as Seed;
  const lifted = { count: 1_000_000, windowMs: 1000 };
  // The bench reads message IDs from this object, so the emulator must not re-mint them at start.
  const { alignClientIds: _, ...fixedIds } = seed;
  return { ...fixedIds, limits: { OnsMessageTrace: lifted, GetTrace: lifted, ListTopicSubscriptions: lifted } };
}

/** The 5.x demo messages of a running emulator: their IDs embed the emulator's start time. */
export async function rocketMq5Messages(url: string): Promise<Array<{ instanceId: string; topicName: string; messageId: string; messageKeys: string[] }>> {
  const response = await fetch(`${url}/__emulator/rocketmq5/messages`);
  const body = (await response.json()) as { messages?: unknown } | unknown[];
  return (Array.isArray(body) ? body : ((body as { messages?: unknown }).messages ?? [])) as Array<{ instanceId: string; topicName: string; messageId: string; messageKeys: string[] }>;
}

export interface BenchWorld {
  emulator: BenchEmulator;
  url: string;
  credentials: Array<{ accessKeyId: string; accessKeySecret: string; securityToken?: string }>;
  query: { instanceId: string; topic: string; msgId: string };
  /** The environment a bundle under test gets. */
  functionEnv: Record<string, string>;
}

/** Starts an emulator on loopback and describes how to reach it. */
export async function startBenchWorld(seed: Seed = benchSeed()): Promise<BenchWorld> {
  const { emulator, url } = await spawnEmulator(seed);
  const account = seed.accounts[0] as Seed['accounts'][number];
  const instance = seed.instances.find((i) => i.accountId === account.accountId) as Seed['instances'][number];
  const topic = instance.topics[0] as Seed['instances'][number]['topics'][number];
  const msgId = (topic.messages[0] as { msgId: string }).msgId;
  return {
    emulator,
    url,
    credentials: account.credentials.map((c) => ({
      accessKeyId: c.accessKeyId,
      accessKeySecret: c.accessKeySecret,
      ...(c.securityToken ? { securityToken: c.securityToken } : {}),
    })),
    query: { instanceId: instance.instanceId, topic: topic.topic, msgId },
    functionEnv: {
      ONS_ENDPOINT: url,
      ROCKETMQ_ENDPOINT: url,
      MQTRACE_CONFIG: JSON.stringify(buildDemoConfig({ aliases: {}, defaultInstance: instance.instanceId })),
      MQTRACE_TRACE_RATE_LIMIT: '1000',
      MQTRACE_LOG_LEVEL: 'info',
      // These sections measure the lookup path itself: a repeated CONSUMED lookup must not be a cache hit.
      MQTRACE_VERDICT_CACHE_TTL_MS: '0',
    },
  };
}

/** An FC v1 HTTP event for GET /v1/trace. */
export function traceEvent(query: { instanceId: string; topic: string; msgId: string }): Buffer {
  return fcHttpEvent({ method: 'GET', headers: {}, queryParameters: query, body: '' });
}

/**
 * An FC v1 HTTP event for POST /v1/trace with `{"lookups": [...]}`: `size` lookups of `query`, or
 * of each of `query`'s messages when it is a list (identical lookups in one batch share one call).
 */
export function traceBatchEvent(query: { instanceId: string; topic: string; msgId: string } | Array<{ instanceId: string; topic: string; msgId: string }>, size: number): Buffer {
  const lookups = Array.isArray(query) ? query.slice(0, size) : Array.from({ length: size }, () => query);
  if (lookups.length < size) throw new Error(`traceBatchEvent: ${size} lookups asked for, ${lookups.length} messages given`);
  const body = JSON.stringify({ lookups });
  return fcHttpEvent({ method: 'POST', headers: { 'Content-Type': 'application/json' }, queryParameters: {}, body });
}

function fcHttpEvent(request: { method: string; headers: Record<string, string>; queryParameters: Record<string, string>; body: string }): Buffer {
  const now = Date.now();
  return Buffer.from(
    JSON.stringify({
      version: 'v1',
      rawPath: '/v1/trace',
      body: request.body,
      isBase64Encoded: false,
      headers: { Host: 'bench.local', 'User-Agent': 'mqtrace-bench', Authorization: `Bearer ${DEMO_API_TOKEN}`, ...request.headers },
      queryParameters: request.queryParameters,
      requestContext: {
        accountId: '1234567890123456',
        domainName: 'bench.local',
        http: { method: request.method, path: '/v1/trace', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'mqtrace-bench' },
        requestId: 'bench',
        time: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        timeEpoch: String(now),
      },
    }),
  );
}

/** Percentile of an unsorted sample, nearest-rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export const median = (values: number[]) => percentile(values, 50);

async function spawnEmulator(seed: Seed): Promise<{ emulator: BenchEmulator; url: string }> {
  const seedPath = join(mkdtempSync(join(tmpdir(), 'mqtrace-bench-')), 'seed.json');
  writeFileSync(seedPath, JSON.stringify(seed));
  const cli = join(import.meta.dirname, '..', 'local', 'emulator', 'cli.ts');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--seed', seedPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.includes('"emulator.ready"')) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited (${code})`)));
  });
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${url}/__emulator/${path}`, { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  return {
    url,
    emulator: {
      stats: async () => (await (await admin('GET', 'stats')).json()) as EmulatorStats,
      resetStats: async () => void (await admin('DELETE', 'stats')),
      setFault: async (action, fault) => void (await (fault ? admin('PUT', `faults/${action}`, fault) : admin('DELETE', `faults/${action}`))),
      close: () =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    },
  };
}

