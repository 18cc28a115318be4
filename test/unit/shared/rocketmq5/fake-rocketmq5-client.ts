import type { RocketMq5Action } from '../../../../shared/rocketmq5/actions';
import type { RocketMq5ClientConfig, RocketMq5ClientFactory, RocketMq5Params, RocketMq5Response } from '../../../../shared/rocketmq5/rocketmq5-client';
import type { RateLimit, RateLimiterFactory } from '../../../../shared/rate-limits';

/** One recorded request of the fake client. */
export interface RecordedCall {
  action: RocketMq5Action;
  params: Record<string, unknown>;
  timeoutMs: number;
  accessKeyId: string;
}

/** What the fake answers for an action: a body, a thrown failure, or a function of the params. */
export type Scripted = { body: unknown; statusCode?: number } | { throws: unknown } | ((params: Record<string, unknown>) => Promise<RocketMq5Response>);

/**
 * A {@link RocketMq5ClientFactory} whose clients answer from a script: per action, a queue of
 * answers (the last one repeats). Records every request.
 */
export function buildFakeRocketMq5Clients(script: Partial<Record<RocketMq5Action, Scripted | Scripted[]>>) {
  const calls: RecordedCall[] = [];
  const configs: RocketMq5ClientConfig[] = [];
  const queues = new Map<RocketMq5Action, Scripted[]>();
  for (const [action, answers] of Object.entries(script) as Array<[RocketMq5Action, Scripted | Scripted[]]>) {
    queues.set(action, Array.isArray(answers) ? [...answers] : [answers]);
  }
  const factory: RocketMq5ClientFactory = (config) => {
    configs.push(config);
    return {
      async request<A extends RocketMq5Action>(action: A, params: RocketMq5Params[A], options: { timeoutMs: number }): Promise<RocketMq5Response> {
        calls.push({ action, params: { ...params }, timeoutMs: options.timeoutMs, accessKeyId: config.accessKeyId });
        const queue = queues.get(action);
        if (!queue || queue.length === 0) throw new Error(`no scripted answer for ${action}`);
        const next = (queue.length > 1 ? queue.shift() : queue[0]) as Scripted;
        if (typeof next === 'function') return next({ ...params });
        if ('throws' in next) throw next.throws;
        return { statusCode: next.statusCode ?? 200, body: structuredClone(next.body) };
      },
    };
  };
  return { factory, calls, configs, actions: () => calls.map((c) => c.action) };
}

/** A limiter factory that always grants, recording the keys and limits it was asked for. */
export function buildOpenLimiters(): { limiters: RateLimiterFactory; keys: Array<{ key: string; limit: RateLimit }> } {
  const keys: Array<{ key: string; limit: RateLimit }> = [];
  return {
    keys,
    limiters: (key, limit) => {
      keys.push({ key, limit });
      return { acquire: async () => undefined };
    },
  };
}

/** openapi-core's error for a 4xx/5xx answer, as `ClientError`/`ServerError`/`ThrottlingError` build it. */
export function buildSdkApiError(input: {
  code?: string;
  statusCode: number;
  requestId?: string;
  message?: string;
  name?: 'ClientError' | 'ServerError' | 'ThrottlingError';
  retryAfter?: number;
  gatewayEnvelope?: boolean;
}): Error {
  const requestId = input.requestId ?? '3A5E8C1F-0000-4B2C-8D9E-AABBCCDDEEFF';
  const upstreamMessage = input.message ?? 'Specified signature is not matched with our calculation.';
  const data: Record<string, unknown> = input.gatewayEnvelope
    ? { RequestId: requestId, HostId: 'rocketmq.cn-hangzhou.aliyuncs.com', Code: input.code, Message: upstreamMessage, statusCode: input.statusCode }
    : { requestId, success: false, code: input.code, message: upstreamMessage, httpStatusCode: input.statusCode, data: null, statusCode: input.statusCode };
  const error = new Error(`code: ${input.statusCode}, ${upstreamMessage} request id: ${requestId}`) as Error & Record<string, unknown>;
  error.name = input.name ?? (input.statusCode >= 500 ? 'ServerError' : input.code?.startsWith('Throttling') ? 'ThrottlingError' : 'ClientError');
  error.code = `${input.code}`;
  error.statusCode = input.statusCode;
  error.requestId = requestId;
  error.data = data;
  if (input.retryAfter !== undefined) error.retryAfter = input.retryAfter;
  return error;
}

/** An `httpx` transport failure. */
export function buildTransportError(kind: 'read-timeout' | 'connect-timeout' | 'reset' | 'refused' | 'non-json' | 'cast', secret = ''): Error {
  switch (kind) {
    case 'read-timeout': {
      const e = new Error(`ReadTimeout(200). GET http://127.0.0.1:1/instances/x?token=${secret} failed.`);
      e.name = 'RequestTimeoutError';
      return e;
    }
    case 'connect-timeout': {
      const e = new Error(`ConnectTimeout: Connect http://127.0.0.1:1/instances/x?token=${secret} failed.`);
      e.name = 'RequestTimeoutError';
      return e;
    }
    case 'reset':
      return Object.assign(new Error(`socket hang up ${secret}`), { code: 'ECONNRESET' });
    case 'refused':
      return Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:1 ${secret}`), { code: 'ECONNREFUSED' });
    case 'non-json':
      return new SyntaxError(`Unexpected token '<', "<html>${secret}" is not valid JSON`);
    case 'cast':
      return new Error(`type of deadMessage is mismatch, expect boolean, but string ${secret}`);
  }
}
