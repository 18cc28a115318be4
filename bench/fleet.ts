import { buildSlashCommandBody, DEMO_CHAT, signSlackRequest } from '../local/fakes/chat-signing';
import { startRedisServer, type RedisServer } from '../local/redis/redis-server';
import { DEMO_AUTH_HEADERS } from '../local/runner/demo-access';
import { startLocalStack, type LocalStack } from '../local/runner/local-stack';
import { percentile } from './bench-env';

/** OnsMessageTrace's documented limit per account, which the demo seed's emulator enforces. */
export const FLEET_LIMIT_PER_S = 10;
/** The burst: this many lookups at once, each of which must reach the broker (fresh=true). */
export const FLEET_BURST = 50;
/** The function's lookup deadline (the default of MQTRACE_LOOKUP_DEADLINE_MS). */
export const FLEET_DEADLINE_MS = 8000;
const CONSUMED_MSG = '0A000C22303918B4AAC244F9ABC301A3';
const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';

export interface BurstRun {
  instances: number;
  redis: boolean;
  answered: number;
  throttled429: number;
  /** Answers that were neither 200 nor 429: what a Redis failure must never cause. */
  otherFailures: number;
  upstreamCalls: number;
  upstreamThrottles: number;
  /** Answered lookups per second, from the burst's start to its last answer. */
  goodputPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Redis was stopped this long after the burst started. */
  redisStoppedAtMs?: number;
}

interface Stack {
  stack: LocalStack;
  close(): Promise<void>;
}

/** The local stack (demo seed: OnsMessageTrace at 10/s per account) with up to `instances` instances, all started. */
async function startFleet(instances: number, redis: RedisServer | undefined, extraEnv: Record<string, string> = {}): Promise<Stack> {
  const stack = await startLocalStack({
    port: 0,
    env: { PATH: process.env.PATH, ...(redis ? { MQTRACE_REDIS_URL: redis.url } : {}) },
    functionEnv: { MQTRACE_TRACE_RATE_LIMIT: String(FLEET_LIMIT_PER_S), MQTRACE_LOOKUP_DEADLINE_MS: String(FLEET_DEADLINE_MS), ...extraEnv },
    maxInstances: instances,
  });
  // One request per instance at once starts them all; then the account's bucket refills.
  await Promise.all(Array.from({ length: instances }, () => fetch(`${stack.url}/healthz`).then((r) => r.text())));
  await pause(1500);
  return { stack, close: () => stack.close() };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function lookup(stack: LocalStack, fresh: boolean): Promise<{ status: number; ms: number; cached: boolean }> {
  const query = new URLSearchParams({ instanceId: INSTANCE, topic: 'orders', msgId: CONSUMED_MSG, ...(fresh ? { fresh: 'true' } : {}) });
  const started = performance.now();
  const response = await fetch(`${stack.url}/v1/trace?${query}`, { headers: DEMO_AUTH_HEADERS });
  const body = (await response.json()) as { cached?: unknown };
  return { status: response.status, ms: performance.now() - started, cached: body.cached !== undefined };
}

/** The burst through `stack`; `midway`, if given, runs that long after the start (e.g. stops Redis). */
async function burst(stack: LocalStack, instances: number, redis: boolean, midway?: { atMs: number; run: () => Promise<void> }): Promise<BurstRun> {
  stack.emulator?.handle.resetStats();
  const during = midway ? pause(midway.atMs).then(midway.run) : Promise.resolve();
  const results = await Promise.all(Array.from({ length: FLEET_BURST }, () => lookup(stack, true)));
  await during;
  const trace = stack.emulator?.handle.stats().byAction.OnsMessageTrace;
  const latencies = results.map((r) => r.ms);
  const answered = results.filter((r) => r.status === 200).length;
  // Every request is sent at once, so the slowest one's latency is the burst's duration.
  const durationS = Math.max(...latencies) / 1000;
  return {
    instances,
    redis,
    answered,
    throttled429: results.filter((r) => r.status === 429).length,
    otherFailures: results.filter((r) => r.status !== 200 && r.status !== 429).length,
    upstreamCalls: trace?.requests ?? 0,
    upstreamThrottles: trace?.byCode['Throttling.User'] ?? 0,
    goodputPerS: answered / durationS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    ...(midway ? { redisStoppedAtMs: midway.atMs } : {}),
  };
}

export interface FleetResult {
  bursts: BurstRun[];
  fault: BurstRun;
  cache: {
    /** Upstream calls for 1 lookup and then 19 at once across 4 instances, with and without Redis. */
    callsWithRedis: number;
    callsWithoutRedis: number;
    hitP50Ms: number;
    uncachedP50Ms: number;
    samples: number;
  };
  idempotency: { repliesWithRedis: number; repliesWithoutRedis: number };
}

/**
 * The fleet section of `npm run bench`: {@link FLEET_BURST} concurrent lookups through the local
 * FC runner at 1, 2, 4 and 8 instances, each instance with its own limiter (no Redis) or all
 * sharing one budget through a real redis-server; the verdict cache across 4 instances; one Slack
 * command delivered to two instances at once; and Redis stopped halfway through a burst.
 */
export async function measureFleet(counts: readonly number[] = [1, 2, 4, 8]): Promise<FleetResult> {
  const redis = await startRedisServer();
  // 50 lookups × 8 runs of JSON log lines from the instances would bury the table.
  const functionLogs = process.env.MQTRACE_FUNCTION_LOGS;
  process.env.MQTRACE_FUNCTION_LOGS = 'ignore';
  const bursts: BurstRun[] = [];
  try {
    for (const instances of counts) {
      for (const withRedis of [false, true]) {
        const fleet = await startFleet(instances, withRedis ? redis : undefined);
        try {
          bursts.push(await burst(fleet.stack, instances, withRedis));
        } finally {
          await fleet.close();
        }
      }
    }

    // Redis stopped (SIGKILL, as a crash) 1.5 s into the burst at the largest fleet; started again after.
    const largest = Math.max(...counts);
    const faulty = await startFleet(largest, redis);
    let fault: BurstRun;
    try {
      fault = await burst(faulty.stack, largest, true, { atMs: 1500, run: () => redis.stop({ hard: true }) });
    } finally {
      await faulty.close();
      await redis.start();
    }

    // The cache: one lookup, then 19 at once, across 4 instances.
    const cacheCalls = async (withRedis: boolean) => {
      const fleet = await startFleet(4, withRedis ? redis : undefined);
      try {
        fleet.stack.emulator?.handle.resetStats();
        await lookup(fleet.stack, false);
        await Promise.all(Array.from({ length: 19 }, () => lookup(fleet.stack, false)));
        return fleet.stack.emulator?.handle.stats().byAction.OnsMessageTrace?.requests ?? 0;
      } finally {
        await fleet.close();
      }
    };
    const callsWithRedis = await cacheCalls(true);
    const callsWithoutRedis = await cacheCalls(false);

    // A hit against a warm uncached lookup, interleaved, 150 ms apart so the limiter never waits.
    const warm = await startFleet(1, redis);
    const hits: number[] = [];
    const uncached: number[] = [];
    try {
      for (let i = 0; i < 5; i++) await lookup(warm.stack, true);
      for (let i = 0; i < 40; i++) {
        uncached.push((await lookup(warm.stack, true)).ms);
        const hit = await lookup(warm.stack, false);
        if (hit.cached) hits.push(hit.ms);
        await pause(150);
      }
    } finally {
      await warm.close();
    }

    // One signed Slack command, delivered to two instances at once.
    const replies = async (withRedis: boolean) => {
      const fleet = await startFleet(2, withRedis ? redis : undefined);
      try {
        const responseUrl = fleet.stack.chat.fakes.slack.mint({ teamId: DEMO_CHAT.slackTeamId });
        const body = buildSlashCommandBody({ text: `trace orders ${CONSUMED_MSG}`, responseUrl, triggerId: `${Date.now()}.738474920.8088930838d88f008e0` });
        const headers = signSlackRequest(body);
        const acks = await Promise.all(
          [0, 1].map(async () => {
            const response = await fetch(`${fleet.stack.url}/chat/slack`, { method: 'POST', headers, body });
            const text = await response.text();
            // A deferred delivery acks with "Looking up…" and answers by a post; only answers count.
            return response.status === 200 && !text.includes('Looking up');
          }),
        );
        // An answer is either the 200 itself (inline) or a post to response_url (deferred).
        await pause(1000);
        const posted = fleet.stack.chat.fakes.slack.posts(responseUrl).filter((p) => p.accepted).length;
        return acks.filter(Boolean).length + posted;
      } finally {
        await fleet.close();
      }
    };
    const repliesWithRedis = await replies(true);
    const repliesWithoutRedis = await replies(false);

    return {
      bursts,
      fault,
      cache: { callsWithRedis, callsWithoutRedis, hitP50Ms: percentile(hits, 50), uncachedP50Ms: percentile(uncached, 50), samples: hits.length },
      idempotency: { repliesWithRedis, repliesWithoutRedis },
    };
  } finally {
    if (functionLogs === undefined) delete process.env.MQTRACE_FUNCTION_LOGS;
    else process.env.MQTRACE_FUNCTION_LOGS = functionLogs;
    await redis.stop();
  }
}
