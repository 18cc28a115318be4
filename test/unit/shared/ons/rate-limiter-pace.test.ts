import { describe, expect, it } from 'vitest';
import { createRateLimiter as createServerBucket } from '../../../../local/emulator/rate-limiter';
import { createDeadline } from '../../../../shared/deadline';
import { createRateLimiter } from '../../../../shared/ons/rate-limiter';
import { buildFakeClock } from '../../../builders/fake-clock';

const LIMIT = { count: 10, windowMs: 1000 };

/** Grant times (ms after start) for `callers` that all ask at the same instant. */
async function grantTimes(callers: number, pace: boolean): Promise<number[]> {
  const clock = buildFakeClock({ advanceOnSleep: false });
  const limiter = createRateLimiter({ ...LIMIT, pace, now: clock.now, sleep: clock.sleep });
  const deadline = createDeadline(60_000, clock.now);
  await Promise.all(Array.from({ length: callers }, () => limiter.acquire(deadline)));
  return clock.sleeps;
}

/** How many calls a token-bucket server (the emulator's) throttles, given when each arrives. */
function throttledByServer(arrivals: number[]): number {
  let at = 0;
  const bucket = createServerBucket({ now: () => at });
  let throttled = 0;
  for (const arrival of [...arrivals].sort((a, b) => a - b)) {
    at = arrival;
    if (!bucket.tryTake('account/action', LIMIT)) throttled++;
  }
  return throttled;
}

describe('Function: createRateLimiter with pace', () => {
  describe('Given more concurrent callers than a window holds', () => {
    it('lets the first window go as a burst, then spaces grants windowMs / count apart', async () => {
      expect(await grantTimes(23, true)).toEqual([...Array(10).fill(0), 1000, 1100, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900, 2000, 2100, 2200]);
    });

    it('releases the next window as one burst without pace, for contrast', async () => {
      expect(await grantTimes(20, false)).toEqual([...Array(10).fill(0), ...Array(10).fill(1000)]);
    });
  });

  describe('Given the first burst reaches the server 300 ms late (cold connections) and later calls on time', () => {
    const arrivals = (grants: number[]) => grants.map((g, i) => g + (i < LIMIT.count ? 300 : 0));

    it('is never throttled by a token bucket of the same limit when paced', async () => {
      expect(throttledByServer(arrivals(await grantTimes(40, true)))).toBe(0);
    });

    it('has the tail of the second burst throttled without pace', async () => {
      expect(throttledByServer(arrivals(await grantTimes(20, false)))).toBe(3);
    });
  });

  describe('Given a window that is not full', () => {
    it('does not pace: calls below the limit go at once', async () => {
      // Arrange
      const clock = buildFakeClock();
      const limiter = createRateLimiter({ ...LIMIT, pace: true, now: clock.now, sleep: clock.sleep });
      const deadline = createDeadline(60_000, clock.now);

      // Act
      for (let i = 0; i < 5; i++) {
        await limiter.acquire(deadline);
        clock.advance(10);
      }

      // Assert
      expect(clock.sleeps).toEqual([0, 0, 0, 0, 0]);
    });
  });
});
