import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter as createServerBucket } from '../../../local/emulator/rate-limiter';
import { startRedisServer, type RedisServer } from '../../../local/redis/redis-server';
import { createDeadline } from '../../../shared/deadline';
import { ThrottledError } from '../../../shared/errors';
import { connectIoRedis } from '../../../shared/redis/ioredis-client';
import type { RedisCommands } from '../../../shared/redis/redis-commands';
import { GCRA_SCRIPT_GIVEN_CLOCK, gcraArgs, parseGcraReply } from '../../../shared/redis/gcra-script';
import { COLD_START_MARGIN_MS, createRateLimiter, RATE_LIMIT_MARGIN_MS } from '../../../shared/upstream/rate-limiter';
import { buildFakeClock, FAKE_CLOCK_START_MS } from '../../builders/fake-clock';

// Limits whose emission interval is exact both as whole microseconds (Lua) and as a double (TS),
// so that the two must agree to the microsecond, not merely within a rounding error.
const LIMITS = [
  { count: 1, windowMs: 1000 },
  { count: 2, windowMs: 1000 },
  { count: 4, windowMs: 100 },
  { count: 5, windowMs: 2000 },
  { count: 8, windowMs: 100 },
  { count: 10, windowMs: 1000 },
  { count: 25, windowMs: 1000 },
  { count: 40, windowMs: 200 },
];

/** One caller: arrives `advanceMs` after the previous one, with `remainingMs` left of its deadline. */
const opsArbitrary = (windowMs: number) =>
  fc.array(
    fc.record({
      advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: Math.ceil(windowMs / 4) }), fc.integer({ min: 0, max: 3 * windowMs })),
      remainingMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4 * windowMs }), fc.constant(60_000)),
    }),
    { minLength: 1, maxLength: 60 },
  );

/** A grant's margin as both limiters take it: cold for a limiter's first `count` grants, +1 ms to spare. */
const lateMsFor = (grantsSoFar: number, count: number) => (grantsSoFar < count ? COLD_START_MARGIN_MS : RATE_LIMIT_MARGIN_MS) + 1;

describe('Lua GCRA (shared/redis/gcra-script.ts) on a real redis-server', () => {
  let server: RedisServer;
  let redis: RedisCommands;
  let run = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = await connectIoRedis({ url: server.url, reconnectMs: 200, connectTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });

  /** The script on a clock the test drives: each caller's reply, `now` in ms since the fake epoch. */
  const luaReplies = async (limit: { count: number; windowMs: number }, ops: Array<{ advanceMs: number; remainingMs: number }>) => {
    const key = `model:${++run}`;
    let t = FAKE_CLOCK_START_MS;
    let granted = 0;
    const replies: Array<{ granted: boolean; waitMs: number; atMs: number; lateMs: number }> = [];
    for (const op of ops) {
      t += op.advanceMs;
      const lateMs = lateMsFor(granted, limit.count);
      const args = gcraArgs({ ...limit, lateMs, maxWaitMs: op.remainingMs });
      const reply = parseGcraReply(await redis.evalScript(GCRA_SCRIPT_GIVEN_CLOCK, [key], [...args, t * 1000]));
      if (reply.granted) granted++;
      replies.push({ ...reply, atMs: t, lateMs });
    }
    return replies;
  };

  describe('Given any sequence of callers with any deadlines', () => {
    it('grants and refuses exactly as the per-instance TypeScript limiter does, with the same waits', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...LIMITS).chain((limit) => fc.tuple(fc.constant(limit), opsArbitrary(limit.windowMs))), async ([limit, ops]) => {
          // Arrange: the TS limiter on a fake clock that only the sequence moves
          const clock = buildFakeClock({ advanceOnSleep: false });
          const model = createRateLimiter({ ...limit, now: clock.now, sleep: clock.sleep });
          const expected: Array<{ granted: boolean; waitMs?: number }> = [];
          for (const op of ops) {
            clock.advance(op.advanceMs);
            const before = clock.sleeps.length;
            try {
              await model.acquire(createDeadline(op.remainingMs, clock.now));
              expected.push({ granted: true, waitMs: clock.sleeps[before] as number });
            } catch (error) {
              if (!(error instanceof ThrottledError)) throw error;
              expected.push({ granted: false });
            }
          }

          // Act
          const actual = await luaReplies(limit, ops);

          // Assert
          expect(actual.map((r) => (r.granted ? { granted: true, waitMs: r.waitMs } : { granted: false }))).toEqual(expected);
        }),
        { numRuns: 150 },
      );
    });
  });

  describe('Given grants that reach the broker up to their margin late', () => {
    it('never has the broker’s own token bucket of the same limit refuse one', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...LIMITS),
          opsArbitrary(1000).map((ops) => ops.map((op) => ({ ...op, remainingMs: 60_000 }))),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 60, maxLength: 60 }),
          async (limit, ops, skews) => {
            // Arrange: every caller waits as long as it takes
            const replies = await luaReplies(limit, ops);

            // Act: each call arrives at its slot plus a skew within its margin
            const arrivals = replies
              .map((r, i) => r.atMs + r.waitMs + (skews[i] ?? 0) * (r.lateMs - 1))
              .sort((a, b) => a - b);
            let now = 0;
            const bucket = createServerBucket({ now: () => now });
            const refused = arrivals.filter((at) => {
              now = at;
              return !bucket.tryTake('account/action', limit);
            });

            // Assert
            expect(replies.every((r) => r.granted)).toBe(true);
            expect(refused).toEqual([]);
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
