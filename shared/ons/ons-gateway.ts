import { z } from 'zod';
import { UpstreamError, UpstreamTimeoutError } from '../errors';
import type { Credentials } from '../credentials';
import type { RateLimiterFactory } from '../rate-limits';
import type { CallContext, UpstreamAttempt } from '../trace/broker-port';
import { ONS_ACTIONS, ONS_API_VERSION, type OnsAction } from './actions';
import { sleep as realSleep } from '../upstream/rate-limiter';
import { DEFAULT_RETRY_POLICY, retryWithBackoff, type RetryPolicy } from '../upstream/retry';
import { createRpcClientPool, type RpcClientFactory } from './rpc-client';
import { classifyUpstreamFailure, isThrottleCode } from './upstream-errors';

export interface OnsGatewayOptions {
  endpoint: string;
  clientFactory: RpcClientFactory;
  /** Per-call timeout; shrinks to what the deadline leaves. */
  callTimeoutMs: number;
  retry?: RetryPolicy;
  /** The limiter of each action, keyed `ons-4x:<Action>`; the composition root decides where the budget lives. */
  limiters: RateLimiterFactory;
  /** Overrides of the documented per-action limits, e.g. a stricter share for one instance. */
  rateLimits?: Partial<Record<OnsAction, { count: number; windowMs: number }>>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * One signed, rate-limited, retried and typed OpenAPI call. Ports for each family of actions are
 * built on it (see `createMessageTracePort`), so adding an action never touches the transport.
 */
export interface OnsCaller {
  call<S extends z.ZodType>(action: OnsAction, params: Record<string, string | undefined>, schema: S, ctx: CallContext): Promise<z.output<S>>;
}

/** Shared, per-instance access to ONS: the injected limiter per action, one client per credential set. */
export interface OnsGateway {
  /** The caller that signs with `credentials`. Cheap: call it per invocation. */
  callerFor(credentials: Credentials): OnsCaller;
}

// Below this, a call cannot finish on loopback, let alone over the internet.
const MIN_CALL_MS = 50;

/** Creates the gateway. Build it once per instance, in the composition root. */
export function createOnsGateway(options: OnsGatewayOptions): OnsGateway {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const pool = createRpcClientPool({ factory: options.clientFactory, endpoint: options.endpoint, apiVersion: ONS_API_VERSION });
  // The factory hands out one limiter per key and account for good; looked up once per action
  // here, for the last account (an instance mostly runs with one set of STS keys at a time).
  let limiters: { accessKeyId: string; byAction: Map<OnsAction, ReturnType<RateLimiterFactory>> } | undefined;
  const limiterFor = (action: OnsAction, credentials: Credentials) => {
    if (limiters?.accessKeyId !== credentials.accessKeyId) limiters = { accessKeyId: credentials.accessKeyId, byAction: new Map() };
    let limiter = limiters.byAction.get(action);
    if (!limiter) {
      limiter = options.limiters(`ons-4x:${action}`, options.rateLimits?.[action] ?? ONS_ACTIONS[action].rateLimit, { accessKeyId: credentials.accessKeyId });
      limiters.byAction.set(action, limiter);
    }
    return limiter;
  };

  async function call<S extends z.ZodType>(
    credentials: Credentials,
    action: OnsAction,
    params: Record<string, string | undefined>,
    schema: S,
    ctx: CallContext,
  ): Promise<z.output<S>> {
    const client = pool.get(credentials);
    // pop-core would send an undefined value as the string "undefined".
    const defined: Record<string, string> = {};
    for (const key of Object.keys(params)) {
      const value = params[key];
      if (value !== undefined) defined[key] = value;
    }
    // Which thrown errors may be retried, decided once where the failure is classified.
    let retryable: WeakSet<object> | undefined;
    return retryWithBackoff(
      async (attempt) => {
        await limiterFor(action, credentials).acquire(ctx.deadline);
        const timeout = Math.min(ctx.callTimeoutMs ?? options.callTimeoutMs, ctx.deadline.remainingMs());
        if (timeout < MIN_CALL_MS) {
          throw new UpstreamTimeoutError(`${action}: the lookup deadline passed before the call`, { upstream: { action } });
        }
        const started = now();
        const record = (outcome: string, requestId: unknown) => {
          if (!ctx.trail) return;
          // Built field by field, in the order the spread version had: no temporary objects.
          const entry = { action, attempt, outcome } as UpstreamAttempt;
          if (isThrottleCode(outcome)) entry.throttled = true;
          if (typeof requestId === 'string') entry.requestId = requestId;
          entry.latencyMs = now() - started;
          ctx.trail.push(entry);
        };
        let body: unknown;
        try {
          body = await client.request(action, defined, { method: 'POST', timeout });
        } catch (failure) {
          const classified = classifyUpstreamFailure(action, failure);
          record(classified.outcome, classified.error.upstream?.requestId);
          if (classified.retryable) (retryable ??= new WeakSet()).add(classified.error);
          throw classified.error;
        }
        const parsed = schema.safeParse(replaceBigNumbers(body));
        record(parsed.success ? 'OK' : 'MALFORMED_RESPONSE', (body as { RequestId?: unknown } | null)?.RequestId);
        if (!parsed.success) throw new UpstreamError(`${action}: the response did not have the documented shape`, { upstream: { action } });
        return parsed.data;
      },
      {
        policy,
        deadline: ctx.deadline,
        isRetryable: (e) => typeof e === 'object' && e !== null && retryable !== undefined && retryable.has(e),
        sleep,
        ...(options.random ? { random: options.random } : {}),
        minAttemptMs: MIN_CALL_MS,
      },
    );
  }

  const callerFor = (credentials: Credentials): OnsCaller => ({
    call: (action, params, schema, ctx) => call(credentials, action, params, schema, ctx),
  });
  return { callerFor };
}

/**
 * pop-core parses with json-bigint, which turns integers of more than 15 digits into bignumber.js
 * objects. Replaces them in place (the body is a fresh parse) with a number when it is exact,
 * otherwise with the decimal string; a stringify/parse round trip would cost more per call.
 */
export function replaceBigNumbers(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if ((value as { _isBigNumber?: unknown })._isBigNumber === true) {
    const text = String(value);
    const asNumber = Number(text);
    return Number.isSafeInteger(asNumber) ? asNumber : text;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = replaceBigNumbers(record[key]);
  return value;
}

