import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialsError, PermissionDeniedError, UpstreamError } from '../../../shared/errors';
import { createFc2Invoker } from '../../../shared/invoke/fc2-invoker';
import { createInvokeApi, fcContentMd5, type InvokeApi } from '../../../local/runner/invoke-api';
import type { InvokeOutcome } from '../../../local/runner/fc-runner';

const ROLE = { accessKeyId: 'STS.role-key-id', accessKeySecret: 'role-key-secret-value', securityToken: 'role-security-token-value' };
const TARGET = { accountId: '1234567890123456', region: 'cn-hangzhou', functionName: 'mqtrace-http' };

describe('Local runner: the FC invoke API, called by the real @alicloud/fc2 client', () => {
  let api: InvokeApi;
  let endpoint: string;
  const received: Array<{ event: string; requestId: string }> = [];
  let release: () => void = () => undefined;

  beforeAll(async () => {
    api = createInvokeApi({
      accountId: TARGET.accountId,
      functionName: TARGET.functionName,
      credentials: [ROLE],
      invoke: async (event, { requestId }) => {
        // Held until the test lets it finish: proves the 202 comes before the run ends.
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        received.push({ event: event.toString('utf8'), requestId });
        return { ok: true, value: { kind: 'json', data: '{"status":"delivered"}' }, instanceId: 'i-1', coldStart: true } satisfies InvokeOutcome;
      },
    });
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => api.server.close(() => resolve()));
  });

  it('verifies the FC signature, answers 202 at once and runs the event in the background', async () => {
    // Arrange
    const invoker = createFc2Invoker({ endpoint, timeoutMs: 2000 });
    // Act
    const { requestId } = await invoker.invokeAsync(Buffer.from('{"kind":"x"}'), TARGET, ROLE, { idempotencyKey: 'runner:first' });
    // Assert: accepted, not yet run
    expect(requestId).toMatch(/^1-[0-9a-f]+-[0-9a-f]{24}$/);
    expect(received).toHaveLength(0);
    const recorded = api.invocations().at(-1);
    expect(recorded).toMatchObject({ requestId, type: 'Async', body: Buffer.from('{"kind":"x"}') });
    release();
    await api.settled();
    expect(received).toEqual([{ event: '{"kind":"x"}', requestId }]);
  });

  it.each([
    ['a wrong secret', { ...ROLE, accessKeySecret: 'wrong-secret' }, TARGET, CredentialsError, 'SignatureNotMatch'],
    ['a wrong security token', { ...ROLE, securityToken: 'stolen-token' }, TARGET, CredentialsError, 'InvalidSecurityToken'],
    ['an unknown key', { ...ROLE, accessKeyId: 'STS.unknown' }, TARGET, CredentialsError, 'InvalidAccessKeyID'],
    ['another account', ROLE, { ...TARGET, accountId: '6543210987654321' }, PermissionDeniedError, 'AccessDenied'],
    ['another function', ROLE, { ...TARGET, functionName: 'someone-else' }, UpstreamError, 'FunctionNotFound'],
  ])('refuses an invocation with %s and runs nothing', async (_name, credentials, target, type, code) => {
    const before = api.invocations().length;
    const error = await createFc2Invoker({ endpoint, timeoutMs: 2000 })
      .invokeAsync(Buffer.from('{}'), target, credentials, { idempotencyKey: `runner:refused:${_name}` })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ upstream: { code } });
    expect(api.invocations()).toHaveLength(before);
  });

  it('refuses an async payload over 128 KB with 413', async () => {
    const error = await createFc2Invoker({ endpoint, timeoutMs: 2000 })
      .invokeAsync(Buffer.alloc(128 * 1024 + 1, 0x61), TARGET, ROLE, { idempotencyKey: 'runner:too-large' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ upstream: { code: 'EntityTooLarge', httpStatus: 413 } });
  });

  it("computes fc2's Content-MD5 (base64 of the hex digest)", () => {
    expect(fcContentMd5(Buffer.from('hello'))).toBe(Buffer.from('5d41402abc4b2a76b9719d911017c592').toString('base64'));
  });
});
