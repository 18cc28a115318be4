import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerMapFromPairs, verifyInvokeRequest, type InvokeApiRequest } from '../../../local/runner/invoke-api';
import { buildAcs3SignedHeaders, parseAcs3Date } from '../../../local/signing/acs3-signature';
import type { CapturedFc3Request } from '../../../local/signing/capture-fc3-invoke';
import { asyncTaskIdFor } from '../../../shared/invoke/invoker-port';

/** A real async InvokeFunction of the official FC 3.0 SDK, recorded by local/signing/capture-fc3-invoke.ts. */
const FIXTURE = JSON.parse(readFileSync(new URL('../../fixtures/fc3/invoke-async-sts.json', import.meta.url), 'utf8')) as CapturedFc3Request;
const ACCOUNT = FIXTURE.input.target.accountId;
const NOW = parseAcs3Date(FIXTURE.rawHeaders.find(([name]) => name === 'x-acs-date')?.[1] ?? '') ?? Number.NaN;

function captured(): InvokeApiRequest {
  return { method: FIXTURE.method, url: FIXTURE.url, headers: headerMapFromPairs(FIXTURE.rawHeaders), body: Buffer.from(FIXTURE.bodyBase64, 'base64') };
}

function withHeader(request: InvokeApiRequest, name: string, value: string | undefined): InvokeApiRequest {
  const headers = new Map(request.headers);
  if (value === undefined) headers.delete(name);
  else headers.set(name, [value]);
  return { ...request, headers };
}

function header(request: InvokeApiRequest, name: string): string {
  return request.headers.get(name)?.[0] ?? '';
}

/** Swaps one character for another of the same alphabet, so only the value changes, not the shape. */
function flipLast(value: string): string {
  const last = value.at(-1) ?? '0';
  return `${value.slice(0, -1)}${last === '0' ? '1' : '0'}`;
}

function withAuthorizationField(request: InvokeApiRequest, field: 'Credential' | 'SignedHeaders' | 'Signature', change: (value: string) => string): InvokeApiRequest {
  const rewritten = header(request, 'authorization').replace(new RegExp(`${field}=([^,]*)`), (_m, value: string) => `${field}=${change(value)}`);
  return withHeader(request, 'authorization', rewritten);
}

function verify(request: InvokeApiRequest, options: { secret?: string; token?: string; nowMs?: number } = {}) {
  const credential = { ...FIXTURE.credential, accessKeySecret: options.secret ?? FIXTURE.credential.accessKeySecret, securityToken: options.token ?? FIXTURE.credential.securityToken };
  return verifyInvokeRequest(request, { accountId: ACCOUNT, credentials: [credential], nowMs: options.nowMs ?? NOW });
}

describe('Known answer: the local invoke API verifies a captured FC 3.0 SDK invocation', () => {
  it('accepts the capture as an ACS3-signed InvokeFunction of the captured function', () => {
    expect(verify(captured())).toEqual({ ok: true, scheme: 'acs3', accessKeyId: FIXTURE.credential.accessKeyId, functionName: 'mqtrace-http', nonce: header(captured(), 'x-acs-signature-nonce') });
  });

  it('is the request mqtrace means to send: async, the derived task ID, the body, the STS headers signed', () => {
    const request = captured();
    expect(header(request, 'x-fc-invocation-type')).toBe('Async');
    expect(header(request, 'x-fc-async-task-id')).toBe(asyncTaskIdFor(FIXTURE.input.idempotencyKey));
    expect(request.body.toString('utf8')).toBe(FIXTURE.input.payload);
    expect(header(request, 'content-type')).toBe('application/octet-stream');
    expect(header(request, 'authorization')).toMatch(
      /^ACS3-HMAC-SHA256 Credential=STS\.mqtrace-fixture-key-id,SignedHeaders=content-type;host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$/,
    );
    expect(FIXTURE.url).toBe('/2023-03-30/functions/mqtrace-http/invocations');
  });

  const value = (name: string) => header(captured(), name);
  it.each<[string, () => InvokeApiRequest, { code: string; status: number }]>([
    ['the method', () => ({ ...captured(), method: 'PUT' }), { status: 404, code: 'PathNotSupported' }],
    ['the function in the path', () => ({ ...captured(), url: '/2023-03-30/functions/mqtrace-httq/invocations' }), { status: 403, code: 'SignatureNotMatch' }],
    ['the query (a qualifier added)', () => ({ ...captured(), url: `${FIXTURE.url}?qualifier=LATEST` }), { status: 403, code: 'SignatureNotMatch' }],
    ['one body byte', () => ({ ...captured(), body: Buffer.from(FIXTURE.input.payload.replace('chat.reply', 'chat.replz'), 'utf8') }), { status: 400, code: 'InvalidArgument' }],
    ['the host', () => withHeader(captured(), 'host', '127.0.0.2:9000'), { status: 403, code: 'SignatureNotMatch' }],
    ['the content type', () => withHeader(captured(), 'content-type', 'application/json'), { status: 403, code: 'SignatureNotMatch' }],
    ['x-acs-action', () => withHeader(captured(), 'x-acs-action', 'InvokeFunctions'), { status: 403, code: 'SignatureNotMatch' }],
    ['x-acs-version', () => withHeader(captured(), 'x-acs-version', '2023-03-31'), { status: 403, code: 'SignatureNotMatch' }],
    ['x-acs-date (one second later)', () => withHeader(captured(), 'x-acs-date', new Date(NOW + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')), { status: 403, code: 'SignatureNotMatch' }],
    ['x-acs-signature-nonce', () => withHeader(captured(), 'x-acs-signature-nonce', flipLast(value('x-acs-signature-nonce'))), { status: 403, code: 'SignatureNotMatch' }],
    ['x-acs-content-sha256', () => withHeader(captured(), 'x-acs-content-sha256', flipLast(value('x-acs-content-sha256'))), { status: 400, code: 'InvalidArgument' }],
    ['x-acs-security-token', () => withHeader(captured(), 'x-acs-security-token', `${value('x-acs-security-token')}x`), { status: 403, code: 'SignatureNotMatch' }],
    ['x-acs-accesskey-id', () => withHeader(captured(), 'x-acs-accesskey-id', 'STS.another-key'), { status: 403, code: 'SignatureNotMatch' }],
    ['x-acs-credentials-provider', () => withHeader(captured(), 'x-acs-credentials-provider', 'static_ak'), { status: 403, code: 'SignatureNotMatch' }],
    ['a header added under x-acs-', () => withHeader(captured(), 'x-acs-extra', '1'), { status: 403, code: 'SignatureNotMatch' }],
    ['the Signature', () => withAuthorizationField(captured(), 'Signature', flipLast), { status: 403, code: 'SignatureNotMatch' }],
    ['the Credential', () => withAuthorizationField(captured(), 'Credential', (ak) => `${ak}x`), { status: 403, code: 'InvalidAccessKeyID' }],
    ['the SignedHeaders (host dropped)', () => withAuthorizationField(captured(), 'SignedHeaders', (names) => names.replace('host;', '')), { status: 403, code: 'SignatureNotMatch' }],
    ['the algorithm', () => withHeader(captured(), 'authorization', value('authorization').replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3')), { status: 403, code: 'InvalidAuthorization' }],
    ['x-acs-date removed', () => withHeader(captured(), 'x-acs-date', undefined), { status: 400, code: 'MissingRequiredHeader' }],
    ['Authorization removed', () => withHeader(captured(), 'authorization', undefined), { status: 400, code: 'MissingRequiredHeader' }],
  ])('rejects the capture with %s changed', (_field, mutate, expected) => {
    expect(verify(mutate())).toMatchObject({ ok: false, ...expected });
  });

  it.each<[string, Parameters<typeof verify>[1], string]>([
    ['another secret', { secret: 'another-secret-of-the-same-key' }, 'SignatureNotMatch'],
    ['another STS token for the key', { token: 'another-token' }, 'InvalidSecurityToken'],
    ['a clock 16 minutes later', { nowMs: NOW + 16 * 60 * 1000 }, 'RequestTimeTooSkewed'],
    ['a clock 16 minutes earlier', { nowMs: NOW - 16 * 60 * 1000 }, 'RequestTimeTooSkewed'],
  ])('rejects the unchanged capture given %s', (_name, options, code) => {
    expect(verify(captured(), options)).toMatchObject({ ok: false, status: 403, code });
  });

  it('rejects a request signed for the account endpoint of another account', () => {
    // The capture went to 127.0.0.1, so this one is signed here with the same key for an account host.
    const body = Buffer.from(FIXTURE.input.payload, 'utf8');
    const { headers } = buildAcs3SignedHeaders({
      method: 'POST',
      host: '6543210987654321.cn-hangzhou.fc.aliyuncs.com',
      path: FIXTURE.url,
      body,
      contentType: 'application/octet-stream',
      action: 'InvokeFunction',
      version: '2023-03-30',
      ...FIXTURE.credential,
      nowMs: NOW,
      nonce: 'a'.repeat(64),
      extraHeaders: new Map([['x-fc-invocation-type', 'Async']]),
    });
    const request = { method: 'POST', url: FIXTURE.url, headers: headerMapFromPairs(headers), body };
    expect(verify(request)).toMatchObject({ ok: false, status: 403, code: 'AccessDenied' });
    expect(verifyInvokeRequest(request, { accountId: '6543210987654321', credentials: [FIXTURE.credential], nowMs: NOW })).toMatchObject({ ok: true });
  });

  it.each([
    ['x-fc-async-task-id', 'mqtrace-another-task'],
    ['x-fc-invocation-type', 'Sync'],
    ['user-agent', 'curl/8'],
  ])('accepts the capture with %s changed: openapi-core signs host, content-type and x-acs-* only', (name, changed) => {
    expect(verify(withHeader(captured(), name, changed))).toMatchObject({ ok: true });
  });

  it('rejects every single-byte change of the body', () => {
    const body = Buffer.from(FIXTURE.bodyBase64, 'base64');
    fc.assert(
      fc.property(fc.nat({ max: body.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, delta) => {
        const changed = Buffer.from(body);
        changed[index] = ((changed[index] ?? 0) + delta) % 256;
        expect(verify({ ...captured(), body: changed })).toMatchObject({ ok: false, code: 'InvalidArgument' });
      }),
      { numRuns: 100 },
    );
  });

  it('rejects every single-character change of the signature', () => {
    const signature = /Signature=([0-9a-f]{64})$/.exec(value('authorization'))?.[1] ?? '';
    fc.assert(
      fc.property(fc.nat({ max: 63 }), fc.constantFrom(...'0123456789abcdef'), (index, digit) => {
        fc.pre(signature[index] !== digit);
        const changed = `${signature.slice(0, index)}${digit}${signature.slice(index + 1)}`;
        expect(verify(withAuthorizationField(captured(), 'Signature', () => changed))).toMatchObject({ ok: false, code: 'SignatureNotMatch' });
      }),
      { numRuns: 100 },
    );
  });
});
