import type Fc2Client from '@alicloud/fc2';
import { AppError } from '../errors';
import { DUPLICATE_TASK_STATUS, invokeErrorFrom, safeCode } from './invoke-failure';
import { asyncTaskIdFor, type InvokerPort } from './invoker-port';

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

const loadFc2 = async (): Promise<Fc2Constructor> => {
  const mod = (await import('@alicloud/fc2')) as unknown as { default?: Fc2Constructor } & Fc2Constructor;
  return mod.default ?? mod;
};

/**
 * The {@link InvokerPort} over `@alicloud/fc2`, selectable with `MQTRACE_INVOKER=fc2`; the default
 * is `fc3-invoker.ts` over the official FC 3.0 SDK.
 *
 * UNVERIFIED against the real cloud: fc2 speaks the FC 2.0 API (2016-08-15). Like the fc3
 * component itself, this sets `client.version = '2023-03-30'` and posts to
 * `/2023-03-30/functions/{name}/invocations` with fc2's `FC` signature (which covers every
 * `x-fc-*` header, the task ID included); whether FC 3.0 accepts that signature there is not
 * known (round2.md §3.2).
 */
export function createFc2Invoker(options: Fc2InvokerOptions): InvokerPort {
  const load = options.load ?? loadFc2;
  return {
    async invokeAsync(payload, target, credentials, { idempotencyKey }) {
      const taskId = asyncTaskIdFor(idempotencyKey);
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
          'x-fc-async-task-id': taskId,
        });
        return { status: 'accepted', requestId: safeCode(response.headers['x-fc-request-id']), taskId };
      } catch (failure) {
        if (statusOf(failure) === DUPLICATE_TASK_STATUS) return { status: 'duplicate', requestId: undefined, taskId };
        throw classifyInvokeFailure(failure);
      }
    },
  };
}

/** fc2's errors name the path and FC's message; only the code and status are kept. */
export function classifyInvokeFailure(failure: unknown): AppError {
  if (failure instanceof AppError) return failure;
  const record = (typeof failure === 'object' && failure !== null ? failure : {}) as Record<string, unknown>;
  return invokeErrorFrom({
    code: safeCode(record.code),
    httpStatus: statusOf(failure),
    requestId: undefined,
    name: typeof record.name === 'string' ? record.name : undefined,
  });
}

// fc2 puts the status only into its message ("POST … failed with 409. requestid: …"); its `code`
// is FC's ErrorCode, which a 2023-03-30 error body may not carry at all.
function statusOf(failure: unknown): number | undefined {
  const message = typeof failure === 'object' && failure !== null ? (failure as { message?: unknown }).message : undefined;
  const status = /failed with (\d{3})\b/.exec(typeof message === 'string' ? message : '')?.[1];
  return status === undefined ? undefined : Number(status);
}
