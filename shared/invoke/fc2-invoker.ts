import type Fc2Client from '@alicloud/fc2';
import {
  AppError,
  CredentialsError,
  PermissionDeniedError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type UpstreamInfo,
} from '../errors';
import type { InvokerPort } from './invoker-port';

export type Fc2Constructor = typeof Fc2Client;

export interface Fc2InvokerOptions {
  /** The FC endpoint; default `https://{accountId}.{region}.fc.aliyuncs.com`. Locally, the runner's invoke API. */
  endpoint: string | undefined;
  timeoutMs: number;
  /**
   * Loads the fc2 SDK. The default is a dynamic import, so fc2 (and ali-oss, urllib, ws under it;
   * about 90 ms of load time) is paid for only by invocations that defer.
   */
  load?: () => Promise<Fc2Constructor>;
}

/** The API version of FC 3.0's invoke path (fc.md §3.4). */
export const FC3_API_VERSION = '2023-03-30';

const ACTION = 'InvokeFunction';
const CREDENTIAL_CODES = /^(InvalidAccessKeyID|InvalidAccessKeyId|SignatureNotMatch|InvalidSecurityToken|SecurityTokenExpired|RequestTimeTooSkewed)/;
const PERMISSION_CODES = /^(AccessDenied|Forbidden)/;
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const SAFE_CODE = /^[A-Za-z0-9._-]{1,80}$/;

const loadFc2 = async (): Promise<Fc2Constructor> => {
  const mod = (await import('@alicloud/fc2')) as unknown as { default?: Fc2Constructor } & Fc2Constructor;
  return mod.default ?? mod;
};

/**
 * The {@link InvokerPort} over `@alicloud/fc2`.
 *
 * UNVERIFIED against the real cloud: fc2 speaks the FC 2.0 API (2016-08-15). Like the fc3
 * component itself, this sets `client.version = '2023-03-30'` and posts to
 * `/2023-03-30/functions/{name}/invocations` with fc2's `FC` signature. If FC 3.0 turns out to
 * refuse that, replace this one file with an adapter over `@alicloud/fc20230330`
 * (`invokeFunctionWithOptions` with `xFcInvocationType: 'Async'`); nothing else changes.
 */
export function createFc2Invoker(options: Fc2InvokerOptions): InvokerPort {
  const load = options.load ?? loadFc2;
  return {
    async invokeAsync(payload, target, credentials) {
      const FC = await load();
      const client = new FC(target.accountId, {
        accessKeyID: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        ...(credentials.securityToken ? { securityToken: credentials.securityToken } : {}),
        region: target.region,
        secure: true,
        timeout: options.timeoutMs,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      });
      client.version = FC3_API_VERSION;
      try {
        const response = await client.post(`/functions/${encodeURIComponent(target.functionName)}/invocations`, payload, {
          'x-fc-invocation-type': 'Async',
        });
        const requestId = response.headers['x-fc-request-id'];
        return { requestId: typeof requestId === 'string' && SAFE_CODE.test(requestId) ? requestId : undefined };
      } catch (failure) {
        throw classifyInvokeFailure(failure);
      }
    },
  };
}

/** fc2's errors name the path and FC's message; only the code and status are kept. */
export function classifyInvokeFailure(failure: unknown): AppError {
  if (failure instanceof AppError) return failure;
  const record = (typeof failure === 'object' && failure !== null ? failure : {}) as Record<string, unknown>;
  const code = typeof record.code === 'string' && SAFE_CODE.test(record.code) ? record.code : undefined;
  const status = /failed with (\d{3})\b/.exec(String(record.message ?? ''))?.[1];
  const upstream: UpstreamInfo = { action: ACTION, ...(code ? { code } : {}), ...(status ? { httpStatus: Number(status) } : {}) };
  if (record.name === 'RequestTimeoutError') return new UpstreamTimeoutError('the async invocation was not accepted in time', { upstream });
  if (code && UNAVAILABLE_CODES.has(code)) return new UpstreamUnavailableError(`the FC endpoint cannot be reached (${code})`, { upstream });
  if (code && CREDENTIAL_CODES.test(code)) return new CredentialsError(`FC rejected the function's credentials: ${code}`, { upstream });
  if (code && PERMISSION_CODES.test(code)) return new PermissionDeniedError(`the function's role may not invoke itself: ${code}`, { upstream });
  return new UpstreamError(`the async invocation failed${code ? `: ${code}` : ''}`, { upstream });
}
