import { Readable } from 'node:stream';
import { createClientPool, type ClientPool } from '../upstream/client-pool';
// Type-only: erased at build time. The SDK itself is loaded by `import()` on the deferred path, so
// a cold start never parses it (scripts/build.ts ships it as dist/http/fc3.js).
import type Fc3Client from '@alicloud/fc20230330';
import { AppError, ConfigError } from '../errors';
import type { Credentials } from '../credentials';
import { DUPLICATE_TASK_STATUS, invokeErrorFrom, safeCode } from './invoke-failure';
import { asyncTaskIdFor, type InvokerPort, type InvokeTarget } from './invoker-port';

/** The parts of `@alicloud/fc20230330` this adapter uses. */
export type Fc3SdkModule = Pick<typeof import('@alicloud/fc20230330'), 'default' | 'InvokeFunctionRequest' | 'InvokeFunctionHeaders'>;

type SdkClient = InstanceType<typeof Fc3Client>;
type SdkConfig = ConstructorParameters<typeof Fc3Client>[0];
type SdkRuntime = Parameters<SdkClient['invokeFunctionWithOptions']>[3];

export interface Fc3InvokerOptions {
  /**
   * The FC endpoint as an http(s) URL without a path (`MQTRACE_FC_ENDPOINT`); unset:
   * {@link fc3InvokeEndpointFor} of the target. Locally, the runner's invoke API.
   */
  endpoint: string | undefined;
  /** Both the connect and the read timeout of the one attempt. */
  timeoutMs: number;
  /** Loads the SDK; the default is a dynamic `import()`. Called on the first invocation only. */
  load?: () => Promise<Fc3SdkModule>;
  /** How many credential sets keep a client; FC rotates the role's STS keys, older sets are dead. Default 2. */
  maxClients?: number;
}

/**
 * FC 3.0's invoke endpoint of an account: `{accountId}.{region}.fc.aliyuncs.com`. The SDK's own
 * default is the control plane (`fcv3.{region}.aliyuncs.com`); invocations go to the account
 * endpoint, as the fc3 component's invoke client does (round2.md §3.1).
 *
 * @param target - The function's account and region.
 * @returns The host.
 */
export function fc3InvokeEndpointFor(target: Pick<InvokeTarget, 'accountId' | 'region'>): string {
  if (!/^\d{6,20}$/.test(target.accountId)) throw new ConfigError([{ path: 'FC_ACCOUNT_ID', message: 'must be an Alibaba Cloud account ID' }]);
  if (!/^[a-z0-9-]{2,40}$/.test(target.region)) throw new ConfigError([{ path: 'FC_REGION', message: 'must be a region ID like cn-hangzhou' }]);
  return `${target.accountId}.${target.region}.fc.aliyuncs.com`;
}

/**
 * Splits `MQTRACE_FC_ENDPOINT` into what openapi-core wants: a `host[:port]` and a protocol.
 *
 * @param endpoint - An http(s) URL without path, query or credentials.
 * @returns Host and protocol.
 */
export function parseFc3Endpoint(endpoint: string): { host: string; protocol: 'http' | 'https' } {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  const plain = url !== undefined && (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash && !url.username && !url.password;
  if (!url || !plain || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError([{ path: 'MQTRACE_FC_ENDPOINT', message: 'must be an http(s) URL without a path, e.g. https://123456.cn-hangzhou.fc.aliyuncs.com' }]);
  }
  return { host: url.host, protocol: url.protocol === 'http:' ? 'http' : 'https' };
}

/** Loads the SDK, whichever way the runtime hands a CommonJS module's exports to `import()`. */
async function loadFc3(): Promise<Fc3SdkModule> {
  const mod = (await import('@alicloud/fc20230330')) as unknown as Fc3SdkModule & { default: unknown };
  // The bundle and tsx give the class as `default`; Node's own ESM loader gives `module.exports`.
  return (typeof mod.default === 'function' ? mod : mod.default) as Fc3SdkModule;
}

type Endpoint = { host: string; protocol: 'http' | 'https' };

/**
 * The default {@link InvokerPort}: `InvokeFunction` of the official `@alicloud/fc20230330` with
 * `x-fc-invocation-type: Async` and `x-fc-async-task-id`, signed ACS3-HMAC-SHA256 by openapi-core
 * with the function role's STS keys. One SDK client per credential set and endpoint; openapi-core
 * makes exactly one attempt (no retry options), bounded by `timeoutMs`. A 409 is FC refusing a
 * task ID it already holds: `duplicate`. Every other failure becomes an AppError without FC's message.
 */
export function createFc3Invoker(options: Fc3InvokerOptions): InvokerPort {
  const load = options.load ?? loadFc3;
  const maxClients = options.maxClients ?? 2;
  let sdk: Promise<Fc3SdkModule> | undefined;
  let clients: ClientPool<SdkClient, Endpoint> | undefined;

  const loadOnce = () => {
    sdk ??= load();
    // A failed load (e.g. a missing bundle file) may succeed on the next call.
    sdk.catch(() => {
      sdk = undefined;
    });
    return sdk;
  };

  const clientFor = (module: Fc3SdkModule, credentials: Credentials, endpoint: Endpoint): SdkClient => {
    clients ??= createClientPool<SdkClient, Endpoint>({
      build: (c, at) => {
        const Client = module.default;
        return new Client({
          accessKeyId: c.accessKeyId,
          accessKeySecret: c.accessKeySecret,
          ...(c.securityToken ? { securityToken: c.securityToken } : {}),
          endpoint: at.host,
          protocol: at.protocol,
          readTimeout: options.timeoutMs,
          connectTimeout: options.timeoutMs,
          // No retryOptions: openapi-core then makes exactly one attempt.
        } as SdkConfig);
      },
      keyOf: (at) => `${at.protocol}\u0000${at.host}`,
      maxClients,
    });
    return clients.get(credentials, endpoint);
  };

  return {
    async invokeAsync(payload, target, credentials, { idempotencyKey }) {
      const taskId = asyncTaskIdFor(idempotencyKey);
      const endpoint = options.endpoint ? parseFc3Endpoint(options.endpoint) : { host: fc3InvokeEndpointFor(target), protocol: 'https' as const };
      const module = await loadOnce();
      const client = clientFor(module, credentials, endpoint);
      // openapi-core reads these fields off the runtime object and calls nothing on it.
      const runtime = { readTimeout: options.timeoutMs, connectTimeout: options.timeoutMs, autoretry: false, maxAttempts: 1 } as unknown as SdkRuntime;
      try {
        const response = await client.invokeFunctionWithOptions(
          target.functionName,
          // No qualifier: FC then runs LATEST, and the query stays empty.
          new module.InvokeFunctionRequest({ body: Readable.from([payload]) }),
          new module.InvokeFunctionHeaders({ xFcInvocationType: 'Async', xFcAsyncTaskId: taskId }),
          runtime,
        );
        // An async answer has no body; reading it to the end frees the keep-alive socket.
        response.body?.resume();
        return { status: 'accepted', requestId: safeCode(response.headers?.['x-fc-request-id']), taskId };
      } catch (failure) {
        if (statusOf(failure) === DUPLICATE_TASK_STATUS) return { status: 'duplicate', requestId: requestIdOf(failure), taskId };
        throw classifyFc3Failure(failure);
      }
    },
  };
}

/**
 * Maps what openapi-core (under `@alicloud/fc20230330`) rejects with into the taxonomy: its
 * `ClientError`/`ServerError`/`ThrottlingError` carry `statusCode`, `code`, `requestId` and `data`
 * (the parsed body); transport failures come from `httpx` with a Node `code` or the name
 * `RequestTimeoutError`. Their `message` quotes FC's message and is never kept.
 */
export function classifyFc3Failure(failure: unknown): AppError {
  if (failure instanceof AppError) return failure;
  const record = asRecord(failure);
  return invokeErrorFrom({
    code: safeCode(record.code) ?? bodyCode(record.data),
    httpStatus: statusOf(failure),
    requestId: requestIdOf(failure),
    name: typeof record.name === 'string' ? record.name : undefined,
  });
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function statusOf(failure: unknown): number | undefined {
  const status = asRecord(failure).statusCode;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

// openapi-core reads `Code`/`code` only; FC's error table documents `errorCode`, fc2 reads `ErrorCode`.
function bodyCode(data: unknown): string | undefined {
  const body = asRecord(data);
  return safeCode(body.Code) ?? safeCode(body.code) ?? safeCode(body.ErrorCode) ?? safeCode(body.errorCode);
}

function requestIdOf(failure: unknown): string | undefined {
  const record = asRecord(failure);
  const body = asRecord(record.data);
  return safeCode(record.requestId) ?? safeCode(body.RequestId) ?? safeCode(body.requestId);
}
