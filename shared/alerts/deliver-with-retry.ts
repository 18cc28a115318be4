import type { Deadline } from '../deadline';
import type { DeliveryReport } from './alert-content';

/** The outcome of one delivery attempt, as the destination judged the webhook's answer. */
export type AttemptResult =
  | { ok: true }
  | {
      ok: false;
      /** Safe label: an errcode, an HTTP status and code, `TIMEOUT` or `NETWORK`. */
      outcome: string;
      /** `never`: retrying cannot help; `backoff`: retry after a jittered backoff; a number: retry after exactly that many ms. */
      retry: 'never' | 'backoff' | number;
    };

export interface RetryOptions {
  deadline: Deadline;
  maxAttempts: number;
  callTimeoutMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

// Below this many ms a POST cannot complete; do not start one.
const MIN_ATTEMPT_MS = 250;

/**
 * Runs `attempt` until it succeeds, says retrying cannot help, runs out of attempts, or the next
 * wait would not leave time for another attempt before the deadline. A wait the webhook asked for
 * (Retry-After) is honoured exactly or not at all.
 */
export async function deliverWithRetry(
  destination: string,
  attempt: (timeoutMs: number) => Promise<AttemptResult>,
  options: RetryOptions,
): Promise<DeliveryReport> {
  let outcome = 'NO_TIME';
  for (let n = 1; n <= options.maxAttempts; n++) {
    const timeoutMs = Math.min(options.callTimeoutMs, options.deadline.remainingMs());
    if (timeoutMs < MIN_ATTEMPT_MS) return { destination, delivered: false, attempts: n - 1, outcome };
    const result = await attempt(timeoutMs);
    if (result.ok) return { destination, delivered: true, attempts: n, outcome: 'OK' };
    outcome = result.outcome;
    if (result.retry === 'never' || n === options.maxAttempts) return { destination, delivered: false, attempts: n, outcome };
    const delay =
      typeof result.retry === 'number'
        ? result.retry
        : Math.floor(options.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (n - 1)));
    if (options.deadline.remainingMs() - delay < MIN_ATTEMPT_MS) return { destination, delivered: false, attempts: n, outcome };
    await options.sleep(delay);
  }
  return { destination, delivered: false, attempts: options.maxAttempts, outcome };
}
