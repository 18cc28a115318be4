import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  CredentialsError,
  ErrorCode,
  PermissionDeniedError,
  ThrottledError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../../../shared/errors';
import { classifyFc3Failure, createFc3Invoker, fc3InvokeEndpointFor, parseFc3Endpoint } from '../../../../shared/invoke/fc3-invoker';

const TARGET = { accountId: '1234567890123456', region: 'cn-hangzhou', functionName: 'mqtrace-http' };
const STS = { accessKeyId: 'STS.key', accessKeySecret: 'secret', securityToken: 'token' };

describe('Function: fc3InvokeEndpointFor', () => {
  it("is the account endpoint, not the SDK's control-plane default", () => {
    expect(fc3InvokeEndpointFor(TARGET)).toBe('1234567890123456.cn-hangzhou.fc.aliyuncs.com');
  });

  it.each([
    [{ accountId: 'not-an-account', region: 'cn-hangzhou' }, 'FC_ACCOUNT_ID'],
    [{ accountId: '1234567890123456', region: 'evil.example/x' }, 'FC_REGION'],
  ])('refuses %j', (target, key) => {
    expect(() => fc3InvokeEndpointFor(target)).toThrow(ConfigError);
    expect(() => fc3InvokeEndpointFor(target)).toThrow(expect.objectContaining({ keys: [key] }));
  });
});

describe('Function: parseFc3Endpoint', () => {
  it.each([
    ['http://127.0.0.1:9100', { host: '127.0.0.1:9100', protocol: 'http' }],
    ['https://1234567890123456.cn-hangzhou-internal.fc.aliyuncs.com/', { host: '1234567890123456.cn-hangzhou-internal.fc.aliyuncs.com', protocol: 'https' }],
  ])('splits %s into host and protocol', (endpoint, expected) => {
    expect(parseFc3Endpoint(endpoint)).toEqual(expected);
  });

  it.each(['ftp://x', 'http://x/path', 'http://x/?q=1', 'http://user:pw@x', 'not a url'])('refuses %s', (endpoint) => {
    expect(() => parseFc3Endpoint(endpoint)).toThrow(ConfigError);
  });
});

describe('Function: createFc3Invoker', () => {
  it('loads the SDK on the first invocation only, never when created', async () => {
    let loads = 0;
    const invoker = createFc3Invoker({
      endpoint: 'http://127.0.0.1:1',
      timeoutMs: 200,
      load: async () => {
        loads++;
        throw Object.assign(new Error('Cannot find module ./fc3.js'), { code: 'MODULE_NOT_FOUND' });
      },
    });
    expect(loads).toBe(0);
    await expect(invoker.invokeAsync(Buffer.from('{}'), TARGET, STS, { idempotencyKey: 'k' })).rejects.toThrow();
    // A failed load is retried by the next invocation rather than cached.
    await expect(invoker.invokeAsync(Buffer.from('{}'), TARGET, STS, { idempotencyKey: 'k' })).rejects.toThrow();
    expect(loads).toBe(2);
  });

  it('refuses a misconfigured endpoint before loading anything', async () => {
    let loads = 0;
    const invoker = createFc3Invoker({ endpoint: 'https://fc.example/some/path', timeoutMs: 200, load: async () => (loads++, Promise.reject(new Error('unused'))) });
    await expect(invoker.invokeAsync(Buffer.from('{}'), TARGET, STS, { idempotencyKey: 'k' })).rejects.toBeInstanceOf(ConfigError);
    expect(loads).toBe(0);
  });
});

describe('Function: classifyFc3Failure', () => {
  // openapi-core's ClientError puts FC's message (and the request id) into `message`; only code and status survive.
  const clientError = (statusCode: number, data: Record<string, unknown>, code = String(data.Code)) =>
    Object.assign(new Error(`${code}: code: ${statusCode}, secret-bearing upstream text request id: r`), { name: 'ClientError', statusCode, code, data, requestId: String(data.RequestId) });

  it.each([
    [clientError(403, { Code: 'SignatureNotMatch', Message: 'x', RequestId: '1-ab' }), CredentialsError, 'SignatureNotMatch'],
    [clientError(403, { Code: 'InvalidAccessKeyId.NotFound', Message: 'x', RequestId: '1-ab' }), CredentialsError, 'InvalidAccessKeyId.NotFound'],
    [clientError(403, { Code: 'AccessDenied', Message: 'x', RequestId: '1-ab' }), PermissionDeniedError, 'AccessDenied'],
    [clientError(403, { errorCode: 'AccessDenied', errorMessage: 'x' }, 'undefined'), PermissionDeniedError, 'AccessDenied'],
    [clientError(404, { Code: 'FunctionNotFound', Message: 'x', RequestId: '1-ab' }), UpstreamError, 'FunctionNotFound'],
    [clientError(429, { Code: 'ResourceThrottled', Message: 'x', RequestId: '1-ab' }), ThrottledError, 'ResourceThrottled'],
    [clientError(503, { Code: 'ServiceUnavailable', Message: 'x', RequestId: '1-ab' }), UpstreamUnavailableError, 'ServiceUnavailable'],
    [clientError(502, {}, 'undefined'), UpstreamUnavailableError, undefined],
  ])('classifies an FC answer %#', (failure, type, code) => {
    const error = classifyFc3Failure(failure);
    expect(error).toBeInstanceOf(type);
    expect(error.upstream).toMatchObject({ action: 'InvokeFunction', httpStatus: failure.statusCode, ...(code ? { code } : {}) });
    expect(error.message).not.toContain('secret-bearing');
  });

  it.each([
    [Object.assign(new Error('ReadTimeout: 800. POST /2023-03-30/functions/x/invocations failed.'), { name: 'RequestTimeoutError' }), UpstreamTimeoutError],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), UpstreamUnavailableError],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), UpstreamError],
    ['a string', UpstreamError],
  ])('classifies a transport failure %#', (failure, type) => {
    const error = classifyFc3Failure(failure);
    expect(error).toBeInstanceOf(type);
    expect(error.message).not.toContain('/2023-03-30/');
  });

  it('keeps an AppError as it is', () => {
    const error = new UpstreamError('x');
    expect(classifyFc3Failure(error)).toBe(error);
    expect(error.code).toBe(ErrorCode.UPSTREAM_FAILED);
  });
});
