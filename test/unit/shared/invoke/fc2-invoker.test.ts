import { describe, expect, it } from 'vitest';
import {
  CredentialsError,
  ErrorCode,
  PermissionDeniedError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../../../shared/errors';
import { classifyInvokeFailure, createFc2Invoker, FC3_API_VERSION, type Fc2Constructor } from '../../../../shared/invoke/fc2-invoker';
import { asyncTaskIdFor } from '../../../../shared/invoke/invoker-port';

interface Recorded {
  accountId: string;
  config: Record<string, unknown>;
  version?: string;
  posts: Array<{ path: string; body: Buffer | string; headers: Record<string, string> | undefined }>;
}

function fakeFc2(answer: () => Promise<{ headers: Record<string, string | undefined>; data: unknown }>) {
  const clients: Recorded[] = [];
  let loads = 0;
  class FakeClient {
    version = '2016-08-15';
    readonly record: Recorded;
    constructor(accountId: string, config: Record<string, unknown>) {
      this.record = { accountId, config, posts: [] };
      clients.push(this.record);
    }
    async post(path: string, body: Buffer | string, headers?: Record<string, string>) {
      this.record.version = this.version;
      this.record.posts.push({ path, body, headers });
      return answer();
    }
  }
  return { clients, loads: () => loads, load: async () => (loads++, FakeClient as unknown as Fc2Constructor) };
}

const TARGET = { accountId: '1234567890123456', region: 'cn-hangzhou', functionName: 'mqtrace-http' };
const STS = { accessKeyId: 'STS.key', accessKeySecret: 'secret', securityToken: 'token' };
const KEY = { idempotencyKey: 'slack:13345224609.738474920.8088930838d88f008e0' };

describe('Function: createFc2Invoker', () => {
  it("posts the payload to FC 3.0's invoke path as an async invocation, signed with the role's STS credentials", async () => {
    // Arrange
    const fake = fakeFc2(async () => ({ headers: { 'x-fc-request-id': '1-abc-def' }, data: '' }));
    const invoker = createFc2Invoker({ endpoint: undefined, timeoutMs: 800, load: fake.load });
    // Act
    const result = await invoker.invokeAsync(Buffer.from('{"a":1}'), TARGET, STS, KEY);
    // Assert
    expect(result).toEqual({ status: 'accepted', requestId: '1-abc-def', taskId: asyncTaskIdFor(KEY.idempotencyKey) });
    expect(fake.clients).toHaveLength(1);
    expect(fake.clients[0]).toMatchObject({
      accountId: '1234567890123456',
      config: { accessKeyID: 'STS.key', accessKeySecret: 'secret', securityToken: 'token', region: 'cn-hangzhou', secure: true, timeout: 800 },
      version: FC3_API_VERSION,
      posts: [
        {
          path: '/functions/mqtrace-http/invocations',
          body: Buffer.from('{"a":1}'),
          headers: { 'x-fc-invocation-type': 'Async', 'x-fc-async-task-id': asyncTaskIdFor(KEY.idempotencyKey) },
        },
      ],
    });
    expect(fake.clients[0]?.config).not.toHaveProperty('endpoint');
  });

  it('uses a configured endpoint (the local invoke API) and omits a missing token', async () => {
    const fake = fakeFc2(async () => ({ headers: {}, data: '' }));
    const invoker = createFc2Invoker({ endpoint: 'http://127.0.0.1:9100', timeoutMs: 500, load: fake.load });
    await expect(invoker.invokeAsync(Buffer.from('x'), TARGET, { accessKeyId: 'LTAI', accessKeySecret: 's' }, KEY)).resolves.toMatchObject({ requestId: undefined });
    expect(fake.clients[0]?.config).toMatchObject({ endpoint: 'http://127.0.0.1:9100' });
    expect(fake.clients[0]?.config).not.toHaveProperty('securityToken');
  });

  it('loads fc2 only when an invocation is made', async () => {
    const fake = fakeFc2(async () => ({ headers: {}, data: '' }));
    const invoker = createFc2Invoker({ endpoint: undefined, timeoutMs: 500, load: fake.load });
    expect(fake.loads()).toBe(0);
    await invoker.invokeAsync(Buffer.from('x'), TARGET, STS, KEY);
    expect(fake.loads()).toBe(1);
  });

  it("reports FC's 409 for a task ID it already holds as a duplicate, not as a failure", async () => {
    // Arrange: fc2 puts the status into its message only; a 2023-03-30 body may carry no ErrorCode
    const failure = Object.assign(new Error('POST /functions/x/invocations failed with 409. requestid: r, message: exists.'), { name: 'FCundefinedError' });
    const fake = fakeFc2(async () => Promise.reject(failure));
    // Act
    const result = await createFc2Invoker({ endpoint: undefined, timeoutMs: 500, load: fake.load }).invokeAsync(Buffer.from('x'), TARGET, STS, KEY);
    // Assert
    expect(result).toEqual({ status: 'duplicate', requestId: undefined, taskId: asyncTaskIdFor(KEY.idempotencyKey) });
  });

  it('turns an fc2 error into a typed error without its message', async () => {
    const failure = Object.assign(new Error('POST /functions/x/invocations failed with 403. requestid: r, message: secret-bearing text.'), {
      name: 'FCSignatureNotMatchError',
      code: 'SignatureNotMatch',
    });
    const fake = fakeFc2(async () => Promise.reject(failure));
    const error = await createFc2Invoker({ endpoint: undefined, timeoutMs: 500, load: fake.load })
      .invokeAsync(Buffer.from('x'), TARGET, STS, KEY)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({ upstream: { action: 'InvokeFunction', code: 'SignatureNotMatch', httpStatus: 403 } });
    expect((error as Error).message).not.toContain('secret-bearing');
  });
});

describe('Function: classifyInvokeFailure', () => {
  it.each([
    [{ name: 'RequestTimeoutError', message: 'ReadTimeout(800)' }, UpstreamTimeoutError],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, UpstreamUnavailableError],
    [{ code: 'InvalidSecurityToken', message: 'failed with 403' }, CredentialsError],
    [{ code: 'AccessDenied', message: 'failed with 403' }, PermissionDeniedError],
    [{ code: 'FunctionNotFound', message: 'failed with 404' }, UpstreamError],
    ['a string', UpstreamError],
  ])('classifies %j', (failure, type) => {
    const error = classifyInvokeFailure(failure);
    expect(error).toBeInstanceOf(type);
    expect(error.upstream?.action).toBe('InvokeFunction');
  });

  it('keeps an AppError as it is', () => {
    const error = new UpstreamError('x');
    expect(classifyInvokeFailure(error)).toBe(error);
    expect(error.code).toBe(ErrorCode.UPSTREAM_FAILED);
  });
});
