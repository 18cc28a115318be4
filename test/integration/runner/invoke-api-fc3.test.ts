import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInvokeApi, DUPLICATE_TASK_CODE, type InvokeApi } from '../../../local/runner/invoke-api';
import type { InvokeOutcome } from '../../../local/runner/fc-runner';
import { parseAcs3Date } from '../../../local/signing/acs3-signature';
import type { CapturedFc3Request } from '../../../local/signing/capture-fc3-invoke';
import { CredentialsError, UpstreamError } from '../../../shared/errors';
import { createFc2Invoker } from '../../../shared/invoke/fc2-invoker';
import { createFc3Invoker, type Fc3SdkModule } from '../../../shared/invoke/fc3-invoker';
import { asyncTaskIdFor, type InvokerPort } from '../../../shared/invoke/invoker-port';

const ROLE = { accessKeyId: 'STS.role-key-id', accessKeySecret: 'role-key-secret-value', securityToken: 'role-security-token-value' };
const TARGET = { accountId: '1234567890123456', region: 'cn-hangzhou', functionName: 'mqtrace-http' };
const DELIVERED: InvokeOutcome = { ok: true, value: { kind: 'json', data: '{"status":"delivered"}' }, instanceId: 'i-1', coldStart: true };

async function startApi(options: Partial<Parameters<typeof createInvokeApi>[0]> = {}): Promise<{ api: InvokeApi; endpoint: string; received: string[] }> {
  const received: string[] = [];
  const api = createInvokeApi({
    accountId: TARGET.accountId,
    functionName: TARGET.functionName,
    credentials: [ROLE],
    invoke: async (event) => {
      received.push(event.toString('utf8'));
      return DELIVERED;
    },
    ...options,
  });
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  return { api, endpoint: `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`, received };
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('Local runner: the FC invoke API, called by the official FC 3.0 SDK (the default invoker)', () => {
  let api: InvokeApi;
  let endpoint: string;
  let received: string[];
  let loads = 0;
  let clientsBuilt = 0;
  let invoker: InvokerPort;

  beforeAll(async () => {
    ({ api, endpoint, received } = await startApi());
    invoker = createFc3Invoker({
      endpoint,
      timeoutMs: 2000,
      load: async () => {
        loads++;
        const sdk = (await import('@alicloud/fc20230330')) as unknown as Fc3SdkModule & { default: unknown };
        const real = (typeof sdk.default === 'function' ? sdk : sdk.default) as Fc3SdkModule;
        // Counts clients: one per credential set is the contract.
        class CountingClient extends real.default {
          constructor(...args: ConstructorParameters<Fc3SdkModule['default']>) {
            super(...args);
            clientsBuilt++;
          }
        }
        return { ...real, default: CountingClient };
      },
    });
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => api.server.close(() => resolve()));
  });

  it('verifies the ACS3 signature, answers 202 with the task ID and runs the event; the SDK loads on the first call only', async () => {
    // Arrange
    expect(loads).toBe(0);
    // Act
    const result = await invoker.invokeAsync(Buffer.from('{"kind":"first"}'), TARGET, ROLE, { idempotencyKey: 'slack:1.2.3' });
    await api.settled();
    // Assert
    expect(result).toEqual({ status: 'accepted', requestId: expect.stringMatching(/^1-[0-9a-f]+-[0-9a-f]{24}$/), taskId: asyncTaskIdFor('slack:1.2.3') });
    expect(api.invocations().at(-1)).toMatchObject({ requestId: result.requestId, type: 'Async', scheme: 'acs3', taskId: asyncTaskIdFor('slack:1.2.3') });
    expect(received).toEqual(['{"kind":"first"}']);
    expect(loads).toBe(1);
  });

  it('reports a second hand-off of the same delivery as a duplicate: FC answers 409 and nothing runs twice', async () => {
    // Arrange
    const key = { idempotencyKey: 'dingtalk:msg-0001' };
    await invoker.invokeAsync(Buffer.from('{"kind":"once"}'), TARGET, ROLE, key);
    const runs = received.length;
    // Act
    const again = await invoker.invokeAsync(Buffer.from('{"kind":"once"}'), TARGET, ROLE, key);
    await api.settled();
    // Assert
    expect(again).toMatchObject({ status: 'duplicate', taskId: asyncTaskIdFor(key.idempotencyKey) });
    expect(received).toHaveLength(runs);
    expect(api.refusals().at(-1)).toMatchObject({ status: 409, code: DUPLICATE_TASK_CODE, scheme: 'acs3', taskId: asyncTaskIdFor(key.idempotencyKey) });
  });

  it('refuses the same task ID from fc2 too: de-duplication does not depend on the signature', async () => {
    const key = { idempotencyKey: 'slack:cross-sdk' };
    await invoker.invokeAsync(Buffer.from('{}'), TARGET, ROLE, key);
    const again = await createFc2Invoker({ endpoint, timeoutMs: 2000 }).invokeAsync(Buffer.from('{}'), TARGET, ROLE, key);
    expect(again).toEqual({ status: 'duplicate', requestId: undefined, taskId: asyncTaskIdFor(key.idempotencyKey) });
  });

  it('keeps one client per credential set', async () => {
    const before = clientsBuilt;
    await invoker.invokeAsync(Buffer.from('{}'), TARGET, ROLE, { idempotencyKey: 'k:client-1' });
    await invoker.invokeAsync(Buffer.from('{}'), TARGET, ROLE, { idempotencyKey: 'k:client-2' });
    expect(clientsBuilt - before).toBe(0);
    await failureOf(invoker.invokeAsync(Buffer.from('{}'), TARGET, { ...ROLE, securityToken: 'rotated' }, { idempotencyKey: 'k:client-3' }));
    expect(clientsBuilt - before).toBe(1);
  });

  it.each([
    ['a wrong secret', { ...ROLE, accessKeySecret: 'wrong-secret' }, TARGET, CredentialsError, 'SignatureNotMatch', 403],
    ['a wrong security token', { ...ROLE, securityToken: 'stolen-token' }, TARGET, CredentialsError, 'InvalidSecurityToken', 403],
    ['an unknown key', { ...ROLE, accessKeyId: 'STS.unknown' }, TARGET, CredentialsError, 'InvalidAccessKeyID', 403],
    ['another function', ROLE, { ...TARGET, functionName: 'someone-else' }, UpstreamError, 'FunctionNotFound', 404],
  ])('refuses an invocation with %s, runs nothing and keeps no FC message', async (name, credentials, target, type, code, httpStatus) => {
    const before = api.invocations().length;
    const error = await failureOf(invoker.invokeAsync(Buffer.from('{}'), target, credentials, { idempotencyKey: `refused:${name}` }));
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ upstream: { action: 'InvokeFunction', code, httpStatus, requestId: expect.stringMatching(/^1-/) } });
    expect((error as Error).message).not.toMatch(/does not|calculated|exist/);
    expect(api.invocations()).toHaveLength(before);
  });

  it('refuses an async payload over 128 KB with 413', async () => {
    const error = await failureOf(invoker.invokeAsync(Buffer.alloc(128 * 1024 + 1, 0x61), TARGET, ROLE, { idempotencyKey: 'too-large' }));
    expect(error).toMatchObject({ upstream: { code: 'EntityTooLarge', httpStatus: 413 } });
  });
});

describe('Local runner: the invoke API replaying a captured FC 3.0 SDK request', () => {
  const FIXTURE = JSON.parse(readFileSync(new URL('../../fixtures/fc3/invoke-async-sts.json', import.meta.url), 'utf8')) as CapturedFc3Request;
  const nowMs = parseAcs3Date(FIXTURE.rawHeaders.find(([name]) => name === 'x-acs-date')?.[1] ?? '') ?? Number.NaN;

  const replay = (endpoint: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(endpoint);
      // The captured headers as sent, Host included: the signature covers it.
      const headers = FIXTURE.rawHeaders.filter(([name]) => !/^(connection|transfer-encoding)$/i.test(name));
      const req = httpRequest({ host: url.hostname, port: url.port, method: FIXTURE.method, path: FIXTURE.url, headers: headers.flat(), setHost: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(Buffer.from(FIXTURE.bodyBase64, 'base64'));
    });

  it('accepts the capture once, then refuses its nonce with 400 SignatureNonceUsed', async () => {
    const { api, endpoint, received } = await startApi({ accountId: FIXTURE.input.target.accountId, credentials: [FIXTURE.credential], now: () => nowMs });
    try {
      expect((await replay(endpoint)).status).toBe(202);
      const second = await replay(endpoint);
      expect(second.status).toBe(400);
      expect(JSON.parse(second.body)).toMatchObject({ Code: 'SignatureNonceUsed', RequestId: expect.stringMatching(/^1-/) });
      await api.settled();
      expect(received).toEqual([FIXTURE.input.payload]);
    } finally {
      await new Promise<void>((resolve) => api.server.close(() => resolve()));
    }
  });
});
