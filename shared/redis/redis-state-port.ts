import type { Deadline } from '../deadline';
import { UpstreamError, UpstreamTimeoutError } from '../errors';
import { emptyState, parseStateText, type SpotCheckStatePort } from '../spot-check/state-port';
import type { SharedRedis } from './shared-redis';

/**
 * The spot checks' state as one Redis string under the deployment's prefix, instead of an OSS
 * object. Unlike the limiter and the caches this has no per-instance fallback: a Redis that cannot
 * answer is a state that cannot be read or saved, which the run reports as it does for OSS.
 */
export function createRedisStatePort(options: { redis: SharedRedis; now: () => number }): SpotCheckStatePort {
  const key = `${options.redis.prefix}spot-check:state`;
  const failure = (action: string, reason: string, deadline: Deadline) =>
    reason === 'timeout' || deadline.expired()
      ? new UpstreamTimeoutError(`${action}: Redis did not answer in time`, { upstream: { action } })
      : new UpstreamError(`${action}: Redis is unavailable (${reason})`, { upstream: { action } });
  return {
    kind: 'redis',
    async load(deadline) {
      const got = await options.redis.attempt((r) => r.get(key));
      if (!got.ok) throw failure('redis:GET', got.reason, deadline);
      return got.value === null ? emptyState(options.now()) : parseStateText(got.value, options.now());
    },
    async save(state, deadline) {
      // Kept a week past the last run: long enough for any quiet period, short enough to clean up after itself.
      const saved = await options.redis.attempt((r) => r.set(key, JSON.stringify(state), 7 * 24 * 3600 * 1000));
      if (!saved.ok) throw failure('redis:SET', saved.reason, deadline);
    },
  };
}
