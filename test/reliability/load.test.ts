import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/runner/local-stack';
import { DEMO_AUTH_HEADERS } from '../../local/runner/demo-access';
import { buildSeedFile } from '../builders/seed';

const REQUESTS = 2000;
const CONCURRENCY = 20;
// mqtrace's documented 5xx statuses; anything else (500 above all) is a defect.
const DOCUMENTED = new Set([200, 429, 502, 503, 504]);

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

describe('Reliability: load against the local runner with injected throttling and 5xx', () => {
  let stack: LocalStack;
  let urls: string[];

  beforeAll(async () => {
    // Arrange: limits lifted so only the injected faults throttle; 5 % Throttling.User and 1 % HTML 502.
    const { seed, path } = buildSeedFile((s) => {
      s.limits = { OnsMessageTrace: { count: 1_000_000, windowMs: 1000 } };
      s.faults = { OnsMessageTrace: { errorRate: 0.05, errorCode: 'Throttling.User', html502Rate: 0.01 } };
    });
    stack = await startLocalStack({
      port: 0,
      env: { PATH: process.env.PATH },
      seedPath: path,
      functionEnv: { MQTRACE_TRACE_RATE_LIMIT: '1000', MQTRACE_LOG_LEVEL: 'warn' },
      maxInstances: 4,
    });
    const own = seed.accounts[0]?.accountId;
    urls = seed.instances
      .filter((i) => i.accountId === own)
      .flatMap((i) => i.topics.flatMap((t) => t.messages.map((m) => `${stack.url}/v1/trace?${new URLSearchParams({ instanceId: i.instanceId, topic: t.topic, msgId: m.msgId })}`)));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it(`answers all ${REQUESTS} requests at concurrency ${CONCURRENCY} with documented statuses only`, async () => {
    // Warm the instances so the RSS baseline is not a cold process.
    await Promise.all(Array.from({ length: 40 }, (_, i) => fetch(urls[i % urls.length] as string, { headers: DEMO_AUTH_HEADERS }).then((r) => r.text())));
    const before = new Map(stack.runner.stats().pids.map((pid) => [pid, rssKb(pid)]));

    // Act
    const statuses = new Map<number, number>();
    let next = 0;
    let answered = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const url = urls[next++ % urls.length] as string;
        const response = await fetch(url, { headers: DEMO_AUTH_HEADERS });
        const body = await response.text();
        answered++;
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status !== 200) expect(JSON.parse(body).error.code).toMatch(/^[A-Z_]+$/);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    // Assert
    expect(answered).toBe(REQUESTS);
    for (const status of statuses.keys()) expect(DOCUMENTED.has(status), `status ${status}`).toBe(true);
    // Retries absorb most injected faults.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS * 0.95);
    const stats = stack.runner.stats();
    expect(stats.unhandledRejections).toBe(0);
    for (const [pid, baseline] of before) {
      if (!stats.pids.includes(pid)) continue;
      // Bounded: a leak of even 30 KiB per request would exceed this over 2,000 requests.
      expect(rssKb(pid) - baseline).toBeLessThan(48 * 1024);
    }
  });
});
