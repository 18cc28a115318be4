import type { Deadline } from '../deadline';

export interface RetryPolicy {
  /** Total attempts, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };

export interface RetryOptions {
  policy: RetryPolicy;
  deadline: Deadline;
  isRetryable: (error: unknown) => boolean;
  random?: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Below this many ms left, another attempt is pointless. */
  minAttemptMs?: number;
}

/**
 * Runs `fn` until it succeeds, fails with a non-retryable error, runs out of attempts, or the next
 * backoff would not leave time for an attempt. Backoff is exponential with full jitter.
 */
export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const random = options.random ?? Math.random;
  const minAttemptMs = options.minAttemptMs ?? 50;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.policy.maxAttempts || !options.isRetryable(error)) throw error;
      const ceiling = Math.min(options.policy.maxDelayMs, options.policy.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.floor(random() * ceiling);
      if (options.deadline.remainingMs() - delay < minAttemptMs) throw error;
      await options.sleep(delay);
    }
  }
}
