import type { Deadline } from '../deadline';
import { ThrottledError } from '../errors';
import type { RateLimiter } from '../rate-limits';

/** A client-side limiter in front of one server-side budget of `count` calls per `windowMs`. */
export type { RateLimiter } from '../rate-limits';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Calls per window: the size of the server's bucket. A whole number ≥ 1. */
  count: number;
  /** The window; the server refills `count` tokens per `windowMs`, continuously. */
  windowMs: number;
  /**
   * @deprecated Ignored. It used to space every grant `windowMs / count` apart once an instance had
   * made `count` calls in its life, even after its budget had refilled (issue 11 §4). The limiter
   * now always releases a burst while the budget lasts and spaces grants only while it refills;
   * its protection against skew is {@link RateLimiterOptions.marginMs}.
   */
  pace?: boolean;
  /**
   * How much later than granted a call may reach the server, relative to the other calls
   * (connection setup, scheduling, jitter). Never less than {@link RATE_LIMIT_MARGIN_MS}, so an
   * explicit `0` from an older caller keeps the default.
   */
  marginMs?: number;
  /**
   * The same for the first `count` grants of the limiter's life. Never less than
   * {@link COLD_START_MARGIN_MS} or `marginMs`.
   */
  coldStartMarginMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The skew between grant and arrival that every limiter absorbs (see {@link createRateLimiter}).
 * Function Compute calls the ONS endpoint of its own region; a new connection's TCP and TLS
 * handshakes cost tens of ms. The margin costs no throughput, only this much more wait before a
 * drained limiter is full again.
 */
export const RATE_LIMIT_MARGIN_MS = 100;

/**
 * The skew absorbed for a new limiter's first `count` grants. A new instance's first burst runs
 * cold code and opens its first connections (DNS, TLS) while later calls ride warm ones: on the
 * bench's loaded 2-core machine, a new instance's batch of 20 met `Throttling.User` in 3 of 8 runs
 * with 100 ms and in none of 8 with 300 ms. It only delays grants beyond a new instance's first
 * `count`: a batch of 20 on a new instance takes this much longer than on a warm one.
 */
export const COLD_START_MARGIN_MS = 300;

/** Resolves after `ms` milliseconds; at once, without a timer, for zero or less. */
export const sleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates a limiter that a server-side token bucket of the same `count` per `windowMs` never
 * throttles, as long as each call reaches the server at most its margin later than its grant,
 * relative to the other calls. The margin is `max(marginMs, RATE_LIMIT_MARGIN_MS)`, and
 * `max(coldStartMarginMs, COLD_START_MARGIN_MS, marginMs)` for the limiter's first `count` grants,
 * plus 1 ms, so that no grant lands exactly on the instant the server has a token again, where its
 * float rounding decides.
 *
 * The server (ONS, and `local/emulator/rate-limiter.ts`) starts with `count` tokens per account
 * and action and refills one every `T = windowMs / count`; it accepts a set of calls iff every
 * closed interval of length `L` holds at most `count + L / T` arrivals. A call granted at `g`
 * arrives in `[g + d, g + d + margin]`, where `d`, a constant offset or latency, cancels out. So
 * each grant goes to the earliest slot that keeps, among any grants `i` and the new one `j`:
 *
 * - at most `count` grants from `i` to `j` while `g_j − g_i < windowMs`: a sliding window over the
 *   last `count` grants, which is also the documented limit taken literally;
 * - at most `count + (g_j − g_i − margin_i) / T` once `g_j − g_i ≥ windowMs`: the server's bucket,
 *   with each token taken as spent its margin late. Grants that have left the window are folded
 *   into a GCRA theoretical arrival time `tat = max(tat, g_i + margin_i) + T`; a new grant with
 *   `q` grants still in the window needs a slot `s ≥ tat − (count − 1 − q) · T`.
 *
 * Then arrivals within `L` come from grants `i..j` that arrived at least `g_j − g_i − margin_i`
 * apart, and the server accepts them all. A bare GCRA would hand out a token `T` after a full
 * burst: `count + 1` in one window; a wider window or a longer emission interval would absorb
 * skew too, but cost throughput in every window. This way a full limiter releases a burst of
 * `count` at once; a drained one releases grants as the server refills, at the full long-run rate
 * of `count` per `windowMs` while the margin is below `windowMs − T` (with `count` 1, grants are
 * `windowMs + margin` apart); and after `windowMs + margin` of idleness it is full again. Not after
 * `windowMs`: a burst that reached the server its margin late leaves it short of tokens until
 * then, so no limiter could promise both.
 *
 * Slots are reserved in call order (FIFO), so concurrent callers on one instance queue fairly; a
 * caller that is refused reserves nothing. The budget is per instance: instances that share an
 * account must split it through `count`, or share it through Redis, where the same algorithm runs as
 * one Lua script (`shared/redis/gcra-script.ts`, checked against this one by a property test).
 *
 * @param options - The server's limit, the margins, and the clock.
 * @returns The limiter.
 * @throws RangeError when `count` is not a whole number ≥ 1, `windowMs` is not finite and > 0, or
 *   a margin is not finite and ≥ 0.
 * @example
 * const limiter = createRateLimiter({ count: 10, windowMs: 1000 });
 * await limiter.acquire(createDeadline(8000));
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { count, windowMs } = options;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a whole number ≥ 1, got ${count}`);
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a finite number > 0, got ${windowMs}`);
  const marginMs = Math.max(RATE_LIMIT_MARGIN_MS, checkedMargin('marginMs', options.marginMs));
  const coldMarginMs = Math.max(COLD_START_MARGIN_MS, marginMs, checkedMargin('coldStartMarginMs', options.coldStartMarginMs));
  const interval = windowMs / count;
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? sleep;
  // Times are kept relative to this origin: near epoch milliseconds a double resolves only 0.2 µs,
  // and the sums below would drift by that much per grant.
  const origin = now();
  // Reserved slots within one window of the latest, ascending; never more than `count`. `late` is
  // the grant's margin, plus the 1 ms to spare.
  const recent: Array<{ at: number; late: number }> = [];
  let granted = 0;
  let tat = Number.NEGATIVE_INFINITY;

  /** The earliest slot at or after `from`, and the state that reserving it would leave. */
  const earliest = (from: number) => {
    let slot = from;
    let folded = 0;
    let nextTat = tat;
    for (;;) {
      for (let grant = recent[folded]; grant && grant.at + windowMs <= slot; grant = recent[++folded]) {
        nextTat = Math.max(nextTat, grant.at + grant.late) + interval;
      }
      const inWindow = recent.length - folded;
      const windowAt = inWindow >= count ? (recent[recent.length - count] as { at: number }).at + windowMs : Number.NEGATIVE_INFINITY;
      const bucketAt = nextTat - (count - 1 - inWindow) * interval;
      // Sums of fractional intervals carry float error; a nanosecond is far inside the 1 ms that
      // `late` keeps to spare.
      if (windowAt <= slot && bucketAt <= slot + 1e-6) return { slot, folded, tat: nextTat };
      slot = Math.max(slot, windowAt, bucketAt);
    }
  };

  return {
    // Not async: a grant that needs no wait (the usual one) resolves without another promise.
    acquire(deadline) {
      const t = now() - origin;
      const reserved = earliest(Math.max(t, recent.at(-1)?.at ?? t));
      if (reserved.slot - t > deadline.remainingMs()) {
        return Promise.reject(new ThrottledError('local rate limit: no slot before the deadline', (reserved.slot - t) / 1000));
      }
      if (reserved.folded > 0) recent.splice(0, reserved.folded);
      recent.push({ at: reserved.slot, late: (granted < count ? coldMarginMs : marginMs) + 1 });
      granted = Math.min(count, granted + 1);
      tat = reserved.tat;
      return wait(reserved.slot - t);
    },
  };
}

function checkedMargin(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${value}`);
  return value;
}
