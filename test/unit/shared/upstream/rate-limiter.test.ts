import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter as createServerBucket } from '../../../../local/emulator/rate-limiter';
import { createDeadline } from '../../../../shared/deadline';
import { ThrottledError } from '../../../../shared/errors';
import { COLD_START_MARGIN_MS, createRateLimiter, RATE_LIMIT_MARGIN_MS, sleep } from '../../../../shared/upstream/rate-limiter';
import { buildFakeClock } from '../../../builders/fake-clock';

// A drained limiter is full again this much after a full window: the skew margin, +1 ms to spare.
const LATE_MS = RATE_LIMIT_MARGIN_MS + 1;
// The same for a new limiter's first `count` grants (a new instance's cold first burst).
const COLD_LATE_MS = COLD_START_MARGIN_MS + 1;

describe('Function: createRateLimiter', () => {
  describe('Given a limit of 2 per second and sequential callers', () => {
    it('lets two through at once and makes the third wait for the window', async () => {
      // Arrange
      const clock = buildFakeClock();
      const limiter = createRateLimiter({ count: 2, windowMs: 1000, now: clock.now, sleep: clock.sleep });
      const deadline = createDeadline(10_000, clock.now);

      // Act
      await limiter.acquire(deadline);
      await limiter.acquire(deadline);
      await limiter.acquire(deadline);

      // Assert
      expect(clock.sleeps).toEqual([0, 0, 1000]);
    });

    it('measures the window from each earlier grant (sliding window)', async () => {
      // Arrange
      const clock = buildFakeClock();
      const limiter = createRateLimiter({ count: 2, windowMs: 1000, now: clock.now, sleep: clock.sleep });
      const deadline = createDeadline(10_000, clock.now);

      // Act
      await limiter.acquire(deadline); // t=0
      clock.advance(400);
      await limiter.acquire(deadline); // t=400
      clock.advance(100);
      await limiter.acquire(deadline); // t=500 → slot at 1000
      await limiter.acquire(deadline); // t=1000 → slot at 1400

      // Assert
      expect(clock.sleeps).toEqual([0, 0, 500, 400]);
    });

    it('does not wait once the window has passed', async () => {
      // Arrange
      const clock = buildFakeClock();
      const limiter = createRateLimiter({ count: 2, windowMs: 1000, now: clock.now, sleep: clock.sleep });
      const deadline = createDeadline(10_000, clock.now);
      await limiter.acquire(deadline);
      await limiter.acquire(deadline);

      // Act
      clock.advance(1000);
      await limiter.acquire(deadline);

      // Assert
      expect(clock.sleeps).toEqual([0, 0, 0]);
    });
  });

  describe('Given a warm limiter (more than count calls in its life) that was idle for 2 s', () => {
    const warm = async () => {
      const clock = buildFakeClock({ advanceOnSleep: false });
      const limiter = createRateLimiter({ count: 10, windowMs: 1000, now: clock.now, sleep: clock.sleep });
      await Promise.all(Array.from({ length: 25 }, () => limiter.acquire(createDeadline(60_000, clock.now))));
      clock.advance(Math.max(...clock.sleeps) + 2000);
      clock.sleeps.length = 0;
      return { clock, limiter };
    };

    it('grants a batch of 5 at once: the budget has refilled (issue 11 §4)', async () => {
      // Arrange
      const { clock, limiter } = await warm();

      // Act
      await Promise.all(Array.from({ length: 5 }, () => limiter.acquire(createDeadline(8000, clock.now))));

      // Assert
      expect(clock.sleeps).toEqual([0, 0, 0, 0, 0]);
    });

    it('grants a batch of 20 as a burst of 10 and the rest as the server refills, one margin late', async () => {
      // Arrange
      const { clock, limiter } = await warm();

      // Act
      await Promise.all(Array.from({ length: 20 }, () => limiter.acquire(createDeadline(8000, clock.now))));

      // Assert: the burst may have reached the server up to the margin late, so its k-th token is
      // back only at LATE_MS + k × 100 ms: 8 by 1000, the 9th at 1001, the 10th at 1101.
      expect(clock.sleeps).toEqual([...Array(10).fill(0), ...Array(8).fill(1000), LATE_MS + 900, LATE_MS + 1000]);
    });
  });

  describe('Given the deprecated pace option', () => {
    it('ignores it: paced and unpaced limiters grant alike', async () => {
      // Arrange
      const grants = async (pace: boolean) => {
        const clock = buildFakeClock({ advanceOnSleep: false });
        const limiter = createRateLimiter({ count: 10, windowMs: 1000, pace, now: clock.now, sleep: clock.sleep });
        await Promise.all(Array.from({ length: 23 }, () => limiter.acquire(createDeadline(60_000, clock.now))));
        return clock.sleeps;
      };

      // Act
      const [paced, unpaced] = [await grants(true), await grants(false)];

      // Assert
      expect(paced).toEqual(unpaced);
    });
  });

  describe('Given calls that reach the server late', () => {
    const LIMIT = { count: 10, windowMs: 1000 };
    /** Grant times (ms after the batch) of a batch of 20, on a new limiter or after a warm-up and a rest. */
    const batchOf20 = async (options: { warm: boolean; marginMs?: number }) => {
      const clock = buildFakeClock({ advanceOnSleep: false });
      const { warm, ...margins } = options;
      const limiter = createRateLimiter({ ...LIMIT, ...margins, now: clock.now, sleep: clock.sleep });
      if (warm) {
        await Promise.all(Array.from({ length: 10 }, () => limiter.acquire(createDeadline(60_000, clock.now))));
        clock.advance(10_000);
        clock.sleeps.length = 0;
      }
      await Promise.all(Array.from({ length: 20 }, () => limiter.acquire(createDeadline(60_000, clock.now))));
      return clock.sleeps;
    };
    /** How many the emulator's bucket refuses when the first 10 arrive `lateMs` late. */
    const throttled = (grants: number[], lateMs: number) => {
      let at = 0;
      const server = createServerBucket({ now: () => at });
      return grants
        .map((g, i) => g + (i < 10 ? lateMs : 0))
        .sort((a, b) => a - b)
        .filter((arrival) => {
          at = arrival;
          return !server.tryTake('account/OnsMessageTrace', LIMIT);
        }).length;
    };

    it('absorbs a new instance’s first burst arriving COLD_START_MARGIN_MS late', async () => {
      // Act
      const grants = await batchOf20({ warm: false });

      // Assert
      expect(throttled(grants, COLD_START_MARGIN_MS)).toBe(0);
      expect(grants.at(-1)).toBe(1000 + COLD_LATE_MS);
    });

    it('absorbs RATE_LIMIT_MARGIN_MS on a warm limiter, and more when given a larger marginMs', async () => {
      // Act
      const [byDefault, wider] = [await batchOf20({ warm: true }), await batchOf20({ warm: true, marginMs: 250 })];

      // Assert
      expect(throttled(byDefault, RATE_LIMIT_MARGIN_MS)).toBe(0);
      expect(throttled(byDefault, 250)).toBeGreaterThan(0);
      expect(throttled(wider, 250)).toBe(0);
    });

    it('keeps RATE_LIMIT_MARGIN_MS when given less, as from the gateway’s explicit 0', async () => {
      // Act
      const [zero, unset] = [await batchOf20({ warm: true, marginMs: 0 }), await batchOf20({ warm: true })];

      // Assert
      expect(zero).toEqual(unset);
    });
  });

  describe('Given options that describe no limit', () => {
    it.each([
      ['count 0', { count: 0, windowMs: 1000 }],
      ['a fractional count', { count: 1.5, windowMs: 1000 }],
      ['windowMs 0', { count: 1, windowMs: 0 }],
      ['an infinite window', { count: 1, windowMs: Number.POSITIVE_INFINITY }],
      ['a negative margin', { count: 1, windowMs: 1000, marginMs: -1 }],
      ['a NaN margin', { count: 1, windowMs: 1000, marginMs: Number.NaN }],
      ['a negative cold-start margin', { count: 1, windowMs: 1000, coldStartMarginMs: -1 }],
    ])('throws RangeError for %s', (_name, options) => {
      expect(() => createRateLimiter(options)).toThrow(RangeError);
    });
  });

  describe('Given concurrent callers', () => {
    it('reserves slots in call order (FIFO)', async () => {
      // Arrange: the clock stands still, so every caller asks at the same instant.
      const clock = buildFakeClock({ advanceOnSleep: false });
      const limiter = createRateLimiter({ count: 2, windowMs: 1000, now: clock.now, sleep: clock.sleep });
      const deadline = createDeadline(10_000, clock.now);

      // Act
      await Promise.all(Array.from({ length: 5 }, () => limiter.acquire(deadline)));

      // Assert: this pinned [0, 0, 1000, 1000, 2000] (a bare sliding window). A new limiter's first
      // burst may reach the server up to the cold-start margin late, so its second token is back
      // only that much after 1000.
      expect(clock.sleeps).toEqual([0, 0, 1000, 1000 + COLD_LATE_MS, 2000]);
    });
  });

  describe('Given a slot that would come after the deadline', () => {
    it('rejects with ThrottledError at once, without waiting or reserving the slot', async () => {
      // Arrange
      const clock = buildFakeClock();
      const limiter = createRateLimiter({ count: 1, windowMs: 2500, now: clock.now, sleep: clock.sleep });
      await limiter.acquire(createDeadline(10_000, clock.now));

      // Act
      const rejected = limiter.acquire(createDeadline(2000, clock.now));

      // Assert
      await expect(rejected).rejects.toThrow(ThrottledError);
      await expect(limiter.acquire(createDeadline(2000, clock.now))).rejects.toMatchObject({
        code: 'THROTTLED',
        retryAfterSeconds: 3,
      });
      expect(clock.sleeps).toEqual([0]);
      // The rejected callers reserved nothing: the next slot is still one window (this pinned 2500)
      // plus the cold-start margin of the limiter's first grant away.
      await limiter.acquire(createDeadline(10_000, clock.now));
      expect(clock.sleeps).toEqual([0, 2500 + COLD_LATE_MS]);
    });

    it('accepts a slot exactly at the deadline', async () => {
      // Arrange
      const clock = buildFakeClock();
      const limiter = createRateLimiter({ count: 1, windowMs: 1000, now: clock.now, sleep: clock.sleep });
      await limiter.acquire(createDeadline(10_000, clock.now));

      // Act: the slot is a window plus the first grant's cold-start margin away (this pinned 1000,
      // a bare window).
      await limiter.acquire(createDeadline(1000 + COLD_LATE_MS, clock.now));

      // Assert
      expect(clock.sleeps).toEqual([0, 1000 + COLD_LATE_MS]);
    });
  });
});

describe('Function: sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('Given a positive duration', () => {
    it('resolves only after the timer fires', async () => {
      // Arrange
      vi.useFakeTimers();
      let resolved = false;

      // Act
      const pending = sleep(100).then(() => {
        resolved = true;
      });
      await vi.advanceTimersByTimeAsync(99);
      const before = resolved;
      await vi.advanceTimersByTimeAsync(1);
      await pending;

      // Assert
      expect(before).toBe(false);
      expect(resolved).toBe(true);
    });
  });

  describe('Given zero or a negative duration', () => {
    it.each([0, -5])('resolves without a timer (%i)', async (ms) => {
      // Arrange
      vi.useFakeTimers();

      // Act
      const pending = sleep(ms);

      // Assert
      expect(vi.getTimerCount()).toBe(0);
      await expect(pending).resolves.toBeUndefined();
    });
  });
});
