import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { ThrottledError } from '../../../../shared/errors';
import { createRateLimiter, sleep } from '../../../../shared/ons/rate-limiter';
import { buildFakeClock } from '../../../builders/fake-clock';

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

  describe('Given concurrent callers', () => {
    it('reserves slots in call order (FIFO)', async () => {
      // Arrange: the clock stands still, so every caller asks at the same instant.
      const clock = buildFakeClock({ advanceOnSleep: false });
      const limiter = createRateLimiter({ count: 2, windowMs: 1000, now: clock.now, sleep: clock.sleep });
      const deadline = createDeadline(10_000, clock.now);

      // Act
      await Promise.all(Array.from({ length: 5 }, () => limiter.acquire(deadline)));

      // Assert
      expect(clock.sleeps).toEqual([0, 0, 1000, 1000, 2000]);
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
      // The rejected callers reserved nothing: the next slot is still 2500 ms away.
      await limiter.acquire(createDeadline(10_000, clock.now));
      expect(clock.sleeps).toEqual([0, 2500]);
    });

    it('accepts a slot exactly at the deadline', async () => {
      // Arrange
      const clock = buildFakeClock();
      const limiter = createRateLimiter({ count: 1, windowMs: 1000, now: clock.now, sleep: clock.sleep });
      await limiter.acquire(createDeadline(10_000, clock.now));

      // Act
      await limiter.acquire(createDeadline(1000, clock.now));

      // Assert
      expect(clock.sleeps).toEqual([0, 1000]);
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
