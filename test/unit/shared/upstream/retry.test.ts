import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { DEFAULT_RETRY_POLICY, retryWithBackoff } from '../../../../shared/upstream/retry';
import { buildFakeClock } from '../../../builders/fake-clock';

class Retryable extends Error {}
class Fatal extends Error {}

function buildFailingFn(failures: Error[], value = 'ok') {
  const attempts: number[] = [];
  const fn = async (attempt: number) => {
    attempts.push(attempt);
    const failure = failures.shift();
    if (failure) throw failure;
    return value;
  };
  return { fn, attempts };
}

describe('Function: retryWithBackoff', () => {
  describe('Given a call that succeeds at once', () => {
    it('calls it once and never sleeps', async () => {
      // Arrange
      const clock = buildFakeClock();
      const { fn, attempts } = buildFailingFn([]);

      // Act
      const result = await retryWithBackoff(fn, {
        policy: DEFAULT_RETRY_POLICY,
        deadline: createDeadline(5000, clock.now),
        isRetryable: () => true,
        sleep: clock.sleep,
      });

      // Assert
      expect(result).toBe('ok');
      expect(attempts).toEqual([1]);
      expect(clock.sleeps).toEqual([]);
    });
  });

  describe('Given retryable failures followed by success', () => {
    it('retries with exponential full-jitter delays and returns the value', async () => {
      // Arrange
      const clock = buildFakeClock();
      const { fn, attempts } = buildFailingFn([new Retryable('1'), new Retryable('2')], 'third time');

      // Act
      const result = await retryWithBackoff(fn, {
        policy: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 },
        deadline: createDeadline(5000, clock.now),
        isRetryable: (e) => e instanceof Retryable,
        sleep: clock.sleep,
        random: () => 0.5,
      });

      // Assert
      expect(result).toBe('third time');
      expect(attempts).toEqual([1, 2, 3]);
      expect(clock.sleeps).toEqual([50, 100]);
    });
  });

  describe('Given the injected random at its bounds', () => {
    it.each([
      [0, [0, 0, 0, 0, 0, 0]],
      [0.5, [50, 100, 200, 400, 500, 500]],
      [0.999999, [99, 199, 399, 799, 999, 999]],
    ])('random %d gives delays %j under ceilings 100·2^n capped at 1000', async (r, expected) => {
      // Arrange
      const clock = buildFakeClock();
      const failures = Array.from({ length: 7 }, () => new Retryable('x'));
      const { fn } = buildFailingFn(failures);

      // Act
      const run = retryWithBackoff(fn, {
        policy: { maxAttempts: 7, baseDelayMs: 100, maxDelayMs: 1000 },
        deadline: createDeadline(60_000, clock.now),
        isRetryable: () => true,
        sleep: clock.sleep,
        random: () => r,
      });

      // Assert
      await expect(run).rejects.toThrow(Retryable);
      expect(clock.sleeps).toEqual(expected);
    });
  });

  describe('Given a call that keeps failing', () => {
    it('stops at maxAttempts and rethrows the last error', async () => {
      // Arrange
      const clock = buildFakeClock();
      const last = new Retryable('third');
      const { fn, attempts } = buildFailingFn([new Retryable('first'), new Retryable('second'), last, new Retryable('never')]);

      // Act
      const run = retryWithBackoff(fn, {
        policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
        deadline: createDeadline(5000, clock.now),
        isRetryable: () => true,
        sleep: clock.sleep,
        random: () => 0.5,
      });

      // Assert
      await expect(run).rejects.toBe(last);
      expect(attempts).toEqual([1, 2, 3]);
      expect(clock.sleeps).toEqual([50, 100]);
    });
  });

  describe('Given a non-retryable error', () => {
    it('rethrows it after one attempt', async () => {
      // Arrange
      const clock = buildFakeClock();
      const fatal = new Fatal('no');
      const { fn, attempts } = buildFailingFn([fatal]);

      // Act
      const run = retryWithBackoff(fn, {
        policy: DEFAULT_RETRY_POLICY,
        deadline: createDeadline(5000, clock.now),
        isRetryable: (e) => e instanceof Retryable,
        sleep: clock.sleep,
      });

      // Assert
      await expect(run).rejects.toBe(fatal);
      expect(attempts).toEqual([1]);
      expect(clock.sleeps).toEqual([]);
    });
  });

  describe('Given a deadline that cannot fit the backoff plus a minimal attempt', () => {
    it('gives up without sleeping', async () => {
      // Arrange: 120 ms left, delay 90 ms → 30 ms for the attempt, below the 50 ms minimum.
      const clock = buildFakeClock();
      const first = new Retryable('first');
      const { fn, attempts } = buildFailingFn([first]);

      // Act
      const run = retryWithBackoff(fn, {
        policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
        deadline: createDeadline(120, clock.now),
        isRetryable: () => true,
        sleep: clock.sleep,
        random: () => 0.9,
        minAttemptMs: 50,
      });

      // Assert
      await expect(run).rejects.toBe(first);
      expect(attempts).toEqual([1]);
      expect(clock.sleeps).toEqual([]);
    });

    it('still retries when exactly the minimum is left after the delay', async () => {
      // Arrange: 140 ms left, delay 90 ms → 50 ms left.
      const clock = buildFakeClock();
      const { fn, attempts } = buildFailingFn([new Retryable('first')]);

      // Act
      const result = await retryWithBackoff(fn, {
        policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
        deadline: createDeadline(140, clock.now),
        isRetryable: () => true,
        sleep: clock.sleep,
        random: () => 0.9,
        minAttemptMs: 50,
      });

      // Assert
      expect(result).toBe('ok');
      expect(attempts).toEqual([1, 2]);
      expect(clock.sleeps).toEqual([90]);
    });
  });

  describe('Given the default policy', () => {
    it('is three attempts, 100 ms base, 1 s cap', () => {
      // Assert
      expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 });
    });
  });
});
