import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRateLimiter as createServerBucket } from '../../../../local/emulator/rate-limiter';
import { createDeadline } from '../../../../shared/deadline';
import { ThrottledError } from '../../../../shared/errors';
import { COLD_START_MARGIN_MS, createRateLimiter, RATE_LIMIT_MARGIN_MS } from '../../../../shared/upstream/rate-limiter';
import { FAKE_CLOCK_START_MS } from '../../../builders/fake-clock';

interface Limit {
  count: number;
  windowMs: number;
  marginMs: number | undefined;
  coldStartMarginMs: number | undefined;
}

/** `size` callers arriving together `gapMs` after the previous group, each with `budgetMs` to its deadline. */
interface ArrivalGroup {
  gapMs: number;
  size: number;
  budgetMs: number;
}

interface Outcome {
  arrivedAt: number;
  budgetMs: number;
  deadlineAt: number;
  grantedAt?: number;
  rejectedAt?: number;
  error?: unknown;
  /** Position among all settlements, to check the order in which grants resolve. */
  settledAs?: number;
}

/**
 * A discrete-event run: callers arrive as `groups` say, time moves only from event to event, and
 * a limiter's sleep resolves when the simulated clock reaches its end. A grant is the instant its
 * `acquire` resolves.
 */
async function simulate(limit: Limit, groups: ArrivalGroup[]): Promise<Outcome[]> {
  let t = FAKE_CLOCK_START_MS;
  let seq = 0;
  const timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  const limiter = createRateLimiter({
    count: limit.count,
    windowMs: limit.windowMs,
    ...(limit.marginMs === undefined ? {} : { marginMs: limit.marginMs }),
    ...(limit.coldStartMarginMs === undefined ? {} : { coldStartMarginMs: limit.coldStartMarginMs }),
    now: () => t,
    sleep: (ms) => new Promise<void>((resolve) => timers.push({ at: t + Math.max(0, ms), seq: seq++, resolve })),
  });
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
  const runTimersUntil = async (until: number) => {
    for (;;) {
      const next = timers.reduce<(typeof timers)[number] | undefined>((min, x) => (!min || x.at < min.at || (x.at === min.at && x.seq < min.seq) ? x : min), undefined);
      if (!next || next.at > until) return;
      timers.splice(timers.indexOf(next), 1);
      t = next.at;
      next.resolve();
      await flush();
    }
  };

  const outcomes: Outcome[] = [];
  let settled = 0;
  let at = t;
  for (const group of groups) {
    at += group.gapMs;
    await runTimersUntil(at);
    t = at;
    for (let i = 0; i < group.size; i++) {
      const deadline = createDeadline(group.budgetMs, () => t);
      const outcome: Outcome = { arrivedAt: t, budgetMs: group.budgetMs, deadlineAt: deadline.at };
      outcomes.push(outcome);
      limiter.acquire(deadline).then(
        () => Object.assign(outcome, { grantedAt: t, settledAs: settled++ }),
        (error: unknown) => Object.assign(outcome, { rejectedAt: t, error, settledAs: settled++ }),
      );
    }
    await flush();
  }
  await runTimersUntil(Number.POSITIVE_INFINITY);
  return outcomes;
}

const grantsOf = (outcomes: Outcome[]) => outcomes.flatMap((o) => (o.grantedAt === undefined ? [] : [o.grantedAt])).sort((a, b) => a - b);
// The skew each grant may have, as createRateLimiter documents it, and the 1 ms it keeps to spare.
const effectiveMargin = (limit: Limit) => Math.max(RATE_LIMIT_MARGIN_MS, limit.marginMs ?? 0);
const effectiveColdMargin = (limit: Limit) => Math.max(COLD_START_MARGIN_MS, effectiveMargin(limit), limit.coldStartMarginMs ?? 0);
const SPARE_MS = 1;
/** The margin of the `n`-th grant (0-based) of a limiter's life. */
const marginOf = (limit: Limit, n: number) => (n < limit.count ? effectiveColdMargin(limit) : effectiveMargin(limit));

const limitArb: fc.Arbitrary<Limit> = fc.record({
  count: fc.integer({ min: 1, max: 12 }),
  windowMs: fc.oneof(fc.constant(1000), fc.constant(60_000), fc.integer({ min: 10, max: 5000 })),
  marginMs: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
  coldStartMarginMs: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
});

/**
 * `groups` on a limiter that has made its first `count` grants (which carry the cold-start
 * margin) and then rested until they no longer matter.
 */
const afterWarmUp = (limit: Limit, groups: ArrivalGroup[]): ArrivalGroup[] => {
  const [first, ...rest] = groups;
  const rested = { ...(first as ArrivalGroup), gapMs: (first?.gapMs ?? 0) + limit.windowMs + effectiveColdMargin(limit) + SPARE_MS };
  return [{ gapMs: 0, size: limit.count, budgetMs: 1_000_000_000 }, rested, ...rest];
};

/** Random inter-arrival gaps, bursts and idle periods, scaled to the limit's window. */
const groupsArb = (limit: Limit, maxLength = 12): fc.Arbitrary<ArrivalGroup[]> => {
  const w = limit.windowMs;
  const gap = fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: Math.max(1, Math.ceil(w / limit.count)) }),
    fc.integer({ min: 0, max: 2 * w }),
    // Idle periods, up to beyond the largest generated cold-start margin.
    fc.integer({ min: w, max: 4 * w + 1500 }),
  );
  const budget = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * w }), fc.constant(1_000_000_000));
  const group = fc.record({ gapMs: gap, size: fc.integer({ min: 1, max: 2 * limit.count + 2 }), budgetMs: budget });
  return fc.array(group, { minLength: 1, maxLength });
};

const scenarioArb = limitArb.chain((limit) => fc.tuple(fc.constant(limit), groupsArb(limit)));

describe('Function: createRateLimiter (properties, fake clock and sleep)', () => {
  it('(a) never grants more than count in any window of windowMs', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ([limit, groups]) => {
        const grants = grantsOf(await simulate(limit, groups));
        for (let i = 0; i + limit.count < grants.length; i++) {
          expect((grants[i + limit.count] as number) - (grants[i] as number)).toBeGreaterThanOrEqual(limit.windowMs);
        }
      }),
    );
  });

  it('(b) never lets a caller wait past its deadline: it is granted in time or refused at once', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ([limit, groups]) => {
        for (const o of await simulate(limit, groups)) {
          if (o.grantedAt !== undefined) {
            expect(o.grantedAt).toBeLessThanOrEqual(o.deadlineAt);
          } else {
            expect(o.error).toBeInstanceOf(ThrottledError);
            expect(o.rejectedAt).toBe(o.arrivedAt);
            // The refusal names a wait longer than the budget the caller had.
            expect((o.error as ThrottledError).retryAfterSeconds * 1000).toBeGreaterThan(o.budgetMs);
          }
        }
      }),
    );
  });

  it('(c) after an idle period of windowMs + the margin (+1 ms) grants a burst of count without waiting', async () => {
    const arb = limitArb.chain((limit) =>
      fc.tuple(fc.constant(limit), groupsArb(limit), fc.boolean(), fc.integer({ min: 0, max: 3 * limit.windowMs })),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ([limit, groups, warm, extraIdleMs]) => {
        // A new limiter's first grants may be followed by a burst only after the cold-start margin.
        const history = warm ? afterWarmUp(limit, groups) : groups;
        const before = await simulate(limit, history);
        const lastGrant = Math.max(...before.map((o) => o.grantedAt ?? Number.NEGATIVE_INFINITY));
        const lastArrival = before.at(-1)?.arrivedAt as number;
        // Idle counts from the last grant; a history that granted nothing idles from its last arrival.
        const idleFrom = Number.isFinite(lastGrant) ? Math.max(lastGrant, lastArrival) : lastArrival;
        const margin = warm ? effectiveMargin(limit) : effectiveColdMargin(limit);
        const gapMs = idleFrom - lastArrival + limit.windowMs + margin + SPARE_MS + extraIdleMs;
        // A budget of 0: any wait at all would be a refusal.
        const after = (await simulate(limit, [...history, { gapMs, size: limit.count, budgetMs: 0 }])).slice(before.length);
        expect(after.map((o) => o.grantedAt)).toEqual(after.map((o) => o.arrivedAt));
      }),
    );
  });

  it('drains a backlog at the full rate: k windows of callers at once are all granted within k − 1 windows + the margin (+1 ms)', async () => {
    const arb = limitArb
      // Margins beyond a window less one emission interval cost throughput (see createRateLimiter).
      .filter((limit) => effectiveColdMargin(limit) + SPARE_MS <= limit.windowMs - limit.windowMs / limit.count)
      .chain((limit) => fc.tuple(fc.constant(limit), fc.integer({ min: 1, max: 4 }), fc.boolean()));
    await fc.assert(
      fc.asyncProperty(arb, async ([limit, k, warm]) => {
        const backlog = { gapMs: 0, size: k * limit.count, budgetMs: 1_000_000_000 };
        const outcomes = await simulate(limit, warm ? afterWarmUp(limit, [backlog]) : [backlog]);
        const drained = outcomes.slice(warm ? limit.count : 0);
        const start = (drained[0] as Outcome).arrivedAt;
        const margin = warm ? effectiveMargin(limit) : effectiveColdMargin(limit);
        expect(drained.every((o) => o.grantedAt !== undefined)).toBe(true);
        // Up to a nanosecond of float error in sums of fractional emission intervals.
        expect(Math.max(...drained.map((o) => o.grantedAt as number)) - start).toBeLessThanOrEqual(
          (k === 1 ? 0 : (k - 1) * limit.windowMs + margin + SPARE_MS) + 1e-6,
        );
      }),
    );
  });

  it('(d) grants in call order (FIFO)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ([limit, groups]) => {
        const granted = (await simulate(limit, groups)).filter((o) => o.grantedAt !== undefined);
        for (let i = 1; i < granted.length; i++) {
          const [prev, cur] = [granted[i - 1] as Outcome, granted[i] as Outcome];
          expect(cur.grantedAt).toBeGreaterThanOrEqual(prev.grantedAt as number);
          expect(cur.settledAs).toBeGreaterThan(prev.settledAs as number);
        }
      }),
    );
  });
});

/** How many arrivals the emulator's token bucket of `limit` refuses, given each arrival's server time. */
function throttledByServer(limit: { count: number; windowMs: number }, arrivals: number[]): number {
  let at = 0;
  const bucket = createServerBucket({ now: () => at });
  let throttled = 0;
  for (const arrival of [...arrivals].sort((a, b) => a - b)) {
    at = arrival;
    if (!bucket.tryTake('account\u0000OnsMessageTrace', limit)) throttled++;
  }
  return throttled;
}

describe('Function: createRateLimiter against the emulator’s server-side token bucket', () => {
  it('is never throttled by a bucket of the same count/window when each call reaches the server up to its margin late', async () => {
    const arb = limitArb.chain((limit) =>
      fc.tuple(
        fc.constant(limit),
        groupsArb(limit, 15),
        // The server clock's offset from the client's: any, it cancels out.
        fc.integer({ min: -86_400_000, max: 86_400_000 }),
        // Each grant's extra delay on its way to the server, as a share of its margin.
        fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ([limit, groups, offsetMs, shares]) => {
        const grants = grantsOf(await simulate(limit, groups));
        const server = { count: limit.count, windowMs: limit.windowMs };
        const delay = (i: number, share: number) => share * marginOf(limit, i);
        expect(throttledByServer(server, grants.map((g, i) => g + offsetMs + delay(i, shares[i % shares.length] as number)))).toBe(0);
        // The worst case: every grant before some instant arrives its whole margin late, every later one on time.
        for (const cut of grants) {
          expect(throttledByServer(server, grants.map((g, i) => g + offsetMs + (g < cut ? delay(i, 1) : 0)))).toBe(0);
        }
      }),
    );
  });

  it('can be throttled when calls reach the server later than their margin (the margin is what protects it)', async () => {
    // Arrange: 20 callers at once on a warm limiter; the first 10 reach the server 2 margins late.
    const limit = { count: 10, windowMs: 1000, marginMs: undefined, coldStartMarginMs: undefined };
    const backlog = { gapMs: 0, size: 20, budgetMs: 10_000 };
    const grants = grantsOf((await simulate(limit, afterWarmUp(limit, [backlog]))).slice(limit.count));

    // Act
    const throttled = throttledByServer(limit, grants.map((g, i) => g + (i < limit.count ? 2 * RATE_LIMIT_MARGIN_MS : 0)));

    // Assert
    expect(throttled).toBeGreaterThan(0);
  });
});
