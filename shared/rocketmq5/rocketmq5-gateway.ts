import { setTimeout as delay } from 'node:timers/promises';
import type { Credentials } from '../credentials';
import { UpstreamError, UpstreamTimeoutError } from '../errors';
import { DEFAULT_RETRY_POLICY, retryWithBackoff, type RetryPolicy } from '../upstream/retry';
import type { RateLimiterFactory } from '../rate-limits';
import type { CallContext } from '../trace/broker-port';
import { ROCKETMQ5_ACTIONS, rocketMq5LimiterKey, type RocketMq5Action } from './actions';
import {
  createRocketMq5ClientPool,
  createRocketMq5SdkClient,
  parseRocketMq5Endpoint,
  type RocketMq5ClientFactory,
  type RocketMq5Params,
} from './rocketmq5-client';
import { rocketMq5Schemas, type RocketMq5Body } from './schemas';
import { classifyApiFailure, classifyRocketMq5Failure, type ClassifiedFailure } from './upstream-errors';

export interface RocketMq5GatewayOptions {
  /** A host (`rocketmq5EndpointFor('cn-hangzhou')`, `127.0.0.1:port`) or an http(s) URL (ROCKETMQ_ENDPOINT). */
  endpoint: string;
  /** Overrides the endpoint's scheme; default the URL's, else `https`. */
  protocol?: 'https' | 'http';
  /** Per-call timeout; shrinks to what the deadline leaves. */
  callTimeoutMs: number;
  retry?: RetryPolicy;
  /** Gives each action's limiter, keyed `rocketmq-5x:<Action>`; shared with every caller of the action. */
  limiters: RateLimiterFactory;
  /** Default: the real SDK, loaded on first use. */
  clientFactory?: RocketMq5ClientFactory;
  /** Credential sets whose clients are kept; default 2. */
  maxClients?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** One signed, rate-limited, retried, validated and typed call of a registered 5.x action. */
export interface RocketMq5Caller {
  call<A extends RocketMq5Action>(action: A, params: RocketMq5Params[A], ctx: CallContext): Promise<RocketMq5Body<A>>;
}

/** Access to the 5.x OpenAPI: one client per credential set, one limiter per action. */
export interface RocketMq5Gateway {
  /** The caller that signs with `credentials`. Cheap: call it per invocation. */
  callerFor(credentials: Credentials): RocketMq5Caller;
}

// Below this, a call cannot finish on loopback, let alone over the internet.
const MIN_CALL_MS = 50;
const SAFE_ID = /^[A-Za-z0-9._-]{1,80}$/;

/** Creates the gateway. Build it once per instance, in the composition root. */
export function createRocketMq5Gateway(options: RocketMq5GatewayOptions): RocketMq5Gateway {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => (ms <= 0 ? Promise.resolve() : delay(ms).then(() => undefined)));
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const { host, protocol } = parseRocketMq5Endpoint(options.endpoint, options.protocol);
  const pool = createRocketMq5ClientPool({
    factory: options.clientFactory ?? createRocketMq5SdkClient,
    endpoint: host,
    protocol,
    ...(options.maxClients !== undefined ? { maxClients: options.maxClients } : {}),
  });

  async function call<A extends RocketMq5Action>(credentials: Credentials, action: A, params: RocketMq5Params[A], ctx: CallContext): Promise<RocketMq5Body<A>> {
    const client = pool.get(credentials);
    const limiter = options.limiters(rocketMq5LimiterKey(action), ROCKETMQ5_ACTIONS[action].rateLimit, { accessKeyId: credentials.accessKeyId });
    // Which thrown errors may be retried, decided once where the failure is classified.
    const retryable = new WeakSet<object>();
    return retryWithBackoff(
      async (attempt) => {
        await limiter.acquire(ctx.deadline);
        const timeoutMs = Math.min(ctx.callTimeoutMs ?? options.callTimeoutMs, ctx.deadline.remainingMs());
        if (timeoutMs < MIN_CALL_MS) {
          throw new UpstreamTimeoutError(`${action}: the lookup deadline passed before the call`, { upstream: { action } });
        }
        const started = now();
        const record = (outcome: string, requestId: string | undefined, throttled: boolean) =>
          ctx.trail?.push({
            action,
            attempt,
            outcome,
            ...(throttled ? { throttled: true } : {}),
            ...(requestId !== undefined ? { requestId } : {}),
            latencyMs: now() - started,
          });
        const fail = (classified: ClassifiedFailure): never => {
          record(classified.outcome, classified.error.upstream?.requestId, classified.throttled);
          if (classified.retryable) retryable.add(classified.error);
          throw classified.error;
        };

        let response: Awaited<ReturnType<typeof client.request>>;
        try {
          response = await client.request(action, params, { timeoutMs });
        } catch (failure) {
          return fail(classifyRocketMq5Failure(action, failure));
        }
        const body = response.body as { success?: unknown; code?: unknown; requestId?: unknown } | null | undefined;
        const requestId = typeof body?.requestId === 'string' && SAFE_ID.test(body.requestId) ? body.requestId : undefined;
        // Some ROA products answer a failure with HTTP 200 and `success: false`.
        if (body?.success === false || body?.success === 'false') {
          return fail(
            classifyApiFailure(action, {
              code: typeof body.code === 'string' && body.code !== '' ? body.code : undefined,
              requestId,
              httpStatus: response.statusCode,
            }),
          );
        }
        const parsed = rocketMq5Schemas()[action].safeParse(body);
        record(parsed.success ? 'OK' : 'MALFORMED_RESPONSE', requestId, false);
        if (!parsed.success) throw new UpstreamError(`${action}: the response did not have the documented shape`, { upstream: { action } });
        return parsed.data as RocketMq5Body<A>;
      },
      {
        policy,
        deadline: ctx.deadline,
        isRetryable: (e) => typeof e === 'object' && e !== null && retryable.has(e),
        sleep,
        ...(options.random ? { random: options.random } : {}),
        minAttemptMs: MIN_CALL_MS,
      },
    );
  }

  return {
    callerFor: (credentials) => ({ call: (action, params, ctx) => call(credentials, action, params, ctx) }),
  };
}
