import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEMO_SEED_PATH } from '../../../local/emulator/load-seed';
import type { Seed } from '../../../local/emulator/seed-schema';
import { createEmulator, type EmulatorHandle } from '../../../local/emulator/server';
import { createDeadline } from '../../../shared/deadline';
import { ThrottledError } from '../../../shared/errors';
import { fetchMessageTrace } from '../../../shared/ons/message-trace';
import { createOnsGateway } from '../../../shared/ons/ons-gateway';
import { createRateLimiter } from '../../../shared/upstream/rate-limiter';
import { createLimiterRegistry } from '../../../shared/rate-limits';
import type { UpstreamAttempt } from '../../../shared/trace/broker-port';
import { createPopCoreClient } from '../../../shared/ons/rpc-client';

const seed = JSON.parse(readFileSync(DEMO_SEED_PATH, 'utf8')) as Seed;
// These tests address demo messages by their fixed ids.
delete seed.alignClientIds;
const account = seed.accounts[0] as Seed['accounts'][number];
const instance = seed.instances.find((i) => i.accountId === account.accountId) as Seed['instances'][number];
const topic = instance.topics[0] as Seed['instances'][number]['topics'][number];
const query = { instanceId: instance.instanceId, topic: topic.topic, msgId: (topic.messages[0] as { msgId: string }).msgId };

/** Two credential sets of the same account, as FC hands out before and after an STS rotation. */
function credentialSets(): Array<{ accessKeyId: string; accessKeySecret: string; securityToken?: string }> {
  return account.credentials.map((c) => ({
    accessKeyId: c.accessKeyId,
    accessKeySecret: c.accessKeySecret,
    ...(c.securityToken ? { securityToken: c.securityToken } : {}),
  }));
}

describe('Function: createOnsGateway over the real pop-core client and the emulator', () => {
  let emulator: EmulatorHandle;
  let url: string;

  beforeEach(async () => {
    emulator = createEmulator({ seed });
    ({ url } = await emulator.start());
  });

  afterEach(async () => {
    await emulator.close();
  });

  // Each gateway with its own limiters, as one instance builds them (functions/*/index.ts).
  const gateway = (overrides: Partial<Parameters<typeof createOnsGateway>[0]> = {}) =>
    createOnsGateway({
      endpoint: url,
      clientFactory: createPopCoreClient,
      callTimeoutMs: 2000,
      limiters: createLimiterRegistry((limit) => createRateLimiter(limit)),
      ...overrides,
    });

  describe('Given one warm instance', () => {
    it('reuses one TCP connection for sequential lookups with unchanged credentials', async () => {
      // Prepare
      const [sts] = credentialSets().filter((c) => c.securityToken);
      const ons = gateway();
      // Act
      for (let i = 0; i < 30; i++) {
        await fetchMessageTrace(ons.callerFor(sts as never), query, { deadline: createDeadline(5000) });
      }
      // Assert
      expect(emulator.stats().connections).toBe(1);
      expect(emulator.stats().byAction.OnsMessageTrace?.byCode.OK).toBe(30);
    });

    it('opens exactly one more connection across a credential rotation', async () => {
      const [first, second] = credentialSets();
      const g = gateway();
      for (const credentials of [first, first, second, second, second]) {
        await fetchMessageTrace(g.callerFor(credentials as never), query, { deadline: createDeadline(5000) });
      }
      expect(emulator.stats().connections).toBe(2);
    });

    it('opens one connection per call when a client is built per request, for contrast', async () => {
      const [first] = credentialSets();
      for (let i = 0; i < 5; i++) {
        await fetchMessageTrace(gateway().callerFor(first as never), query, { deadline: createDeadline(5000) });
      }
      expect(emulator.stats().connections).toBe(5);
    });
  });

  describe('Given more concurrent lookups than the 10/s limit', () => {
    it('paces them client-side so the emulator never throttles', async () => {
      // Prepare
      const [first] = credentialSets();
      // As the functions run it: once a window is full, grants are released as the server refills.
      const ons = gateway().callerFor(first as never);
      const trail: UpstreamAttempt[] = [];
      // Act
      const results = await Promise.all(
        Array.from({ length: 25 }, () => fetchMessageTrace(ons, query, { deadline: createDeadline(10_000), trail })),
      );
      // Assert
      expect(results).toHaveLength(25);
      expect(emulator.stats().byAction.OnsMessageTrace?.byCode['Throttling.User'] ?? 0).toBe(0);
      expect(trail.every((a) => a.outcome === 'OK')).toBe(true);
    });

    it('refuses at once, without calling upstream, when no slot fits the deadline', async () => {
      const [first] = credentialSets();
      const ons = gateway({ rateLimits: { OnsMessageTrace: { count: 1, windowMs: 60_000 } } }).callerFor(first as never);
      await fetchMessageTrace(ons, query, { deadline: createDeadline(5000) });
      await expect(fetchMessageTrace(ons, query, { deadline: createDeadline(1000) })).rejects.toThrow(ThrottledError);
      expect(emulator.stats().requests).toBe(1);
    });
  });

  describe('Given a limit the emulator enforces below what the client assumes', () => {
    it('retries Throttling.User with backoff and reports each attempt', async () => {
      // Prepare: the emulator allows 2/s; the client believes 10/s.
      await emulator.close();
      emulator = createEmulator({ seed: { ...seed, limits: { OnsMessageTrace: { count: 2, windowMs: 1000 } } } });
      ({ url } = await emulator.start());
      const [first] = credentialSets();
      const ons = gateway({ retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 100 } }).callerFor(first as never);
      const trail: UpstreamAttempt[] = [];
      // Act
      const settled = await Promise.allSettled(
        Array.from({ length: 4 }, () => fetchMessageTrace(ons, query, { deadline: createDeadline(3000), trail })),
      );
      // Assert
      expect(trail.some((a) => a.outcome === 'Throttling.User' && a.requestId)).toBe(true);
      expect(trail.filter((a) => a.outcome === 'Throttling.User').every((a) => a.throttled === true)).toBe(true);
      expect(trail.filter((a) => a.outcome === 'OK').some((a) => a.throttled !== undefined)).toBe(false);
      expect(trail.length).toBeLessThanOrEqual(8);
      const rejected = settled.filter((s) => s.status === 'rejected') as PromiseRejectedResult[];
      for (const r of rejected) expect(r.reason).toBeInstanceOf(ThrottledError);
    });
  });
});
