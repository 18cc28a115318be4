import { afterEach, describe, expect, it } from 'vitest';
import {
  MSG_CONSUMED,
  NO_TRACE,
  PLAIN,
  STS,
  STS_EXPIRED,
  VALID_TRACE_PARAMS,
  buildSignedParams,
  callAction,
  callFailing,
  closeAllEmulators,
  createClient,
  encodeParams,
  popTimestamp,
  postForm,
  sendRaw,
  startEmulator,
} from './harness';

afterEach(closeAllEmulators);

const FIFTEEN_MINUTES = 15 * 60 * 1000;

describe('Emulator: signature verification', () => {
  it('accepts a raw form POST signed with computeRpcSignature', async () => {
    // Prepare
    const { url } = await startEmulator();
    const body = encodeParams(buildSignedParams({ method: 'POST', credential: PLAIN, params: VALID_TRACE_PARAMS }));

    // Act
    const response = await postForm(url, body);

    // Assess
    expect(response.status).toBe(200);
    expect(response.json?.Data).toStrictEqual({
      MessageTrack: [{ ConsumerGroup: 'GID_billing', TrackType: 'CONSUMED', InstanceId: VALID_TRACE_PARAMS.InstanceId }],
    });
  });

  it('rejects the same POST with one byte of the form body changed', async () => {
    const { url } = await startEmulator();
    const body = encodeParams(buildSignedParams({ method: 'POST', credential: PLAIN, params: VALID_TRACE_PARAMS }));
    const at = body.indexOf(MSG_CONSUMED) + MSG_CONSUMED.length - 1;
    const tampered = `${body.slice(0, at)}B${body.slice(at + 1)}`;

    const response = await postForm(url, tampered);

    expect(tampered).not.toBe(body);
    expect(response.status).toBe(400);
    expect(response.json?.Code).toBe('SignatureDoesNotMatch');
    expect(String(response.json?.Message)).toContain('server string to sign is:POST&%2F&');
  });

  it('rejects a GET signed as POST (the method is part of the string to sign)', async () => {
    const { url } = await startEmulator();
    const query = encodeParams(buildSignedParams({ method: 'POST', credential: PLAIN, params: VALID_TRACE_PARAMS }));

    const response = await sendRaw(url, { path: `/?${query}` });

    expect(response.json?.Code).toBe('SignatureDoesNotMatch');
  });

  it('rejects a wrong AccessKey secret', async () => {
    const { url } = await startEmulator();

    const failure = await callFailing(createClient(url, { ...PLAIN, accessKeySecret: 'wrong-secret' }), VALID_TRACE_PARAMS);

    expect(failure).toMatchObject({ code: 'SignatureDoesNotMatch', status: 400 });
  });

  it('answers 404 InvalidAccessKeyId.NotFound for an unknown AccessKeyId', async () => {
    const { url } = await startEmulator();

    const failure = await callFailing(createClient(url, { accessKeyId: 'nobody-key-id', accessKeySecret: 'whatever' }), VALID_TRACE_PARAMS);

    expect(failure).toMatchObject({ code: 'InvalidAccessKeyId.NotFound', status: 404 });
  });

  it.each([
    { name: 'space, plus, tilde, star and quotes', value: "a b+c~d*e!f'g(h)" },
    { name: 'unicode and emoji', value: 'zh-订单 ✓ 🚚' },
    { name: 'reserved URL characters', value: '/?&=#%' },
  ])('verifies signatures over values with $name (GET and POST)', async ({ value }) => {
    const { url } = await startEmulator();
    const client = createClient(url);

    const viaGet = await callAction(client, { ...VALID_TRACE_PARAMS, ClientNote: value });
    const viaPost = await callAction(client, { ...VALID_TRACE_PARAMS, ClientNote: value }, { method: 'POST' });

    expect(viaGet.Data).toStrictEqual(viaPost.Data);
  });
});

describe('Emulator: STS credentials', () => {
  it('accepts the right SecurityToken', async () => {
    const { url } = await startEmulator();

    const body = await callAction(createClient(url, STS), VALID_TRACE_PARAMS, { method: 'POST' });

    expect(body).toHaveProperty('Data');
  });

  it.each([
    { name: 'missing token', credential: { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret }, code: 'MissingSecurityToken' },
    { name: 'wrong token', credential: { ...STS, securityToken: 'someone-elses-token' }, code: 'InvalidSecurityToken.MismatchWithAccessKey' },
    { name: 'expired token', credential: STS_EXPIRED, code: 'InvalidSecurityToken.Expired' },
    { name: 'token sent with a permanent key', credential: { ...PLAIN, securityToken: 'stray-token' }, code: 'InvalidSecurityToken.MismatchWithAccessKey' },
  ])('answers 400 $code for a $name', async ({ credential, code }) => {
    const { url } = await startEmulator();

    const failure = await callFailing(createClient(url, credential), VALID_TRACE_PARAMS);

    expect(failure).toMatchObject({ code, status: 400 });
  });
});

describe('Emulator: replay protection', () => {
  it('answers SignatureNonceUsed when a signed request is replayed', async () => {
    const { url } = await startEmulator();
    const body = encodeParams(buildSignedParams({ method: 'POST', credential: PLAIN, params: VALID_TRACE_PARAMS }));

    const first = await postForm(url, body);
    const replay = await postForm(url, body);

    expect(first.status).toBe(200);
    expect(replay.status).toBe(400);
    expect(replay.json?.Code).toBe('SignatureNonceUsed');
  });

  it('does not burn a nonce on a request with a bad signature', async () => {
    const { url } = await startEmulator();
    const params = buildSignedParams({ method: 'POST', credential: PLAIN, params: VALID_TRACE_PARAMS });

    const forged = await postForm(url, encodeParams({ ...params, Signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }));
    const genuine = await postForm(url, encodeParams(params));

    expect(forged.json?.Code).toBe('SignatureDoesNotMatch');
    expect(genuine.status).toBe(200);
  });

  it.each([
    { name: 'ahead of', offset: FIFTEEN_MINUTES + 60_000 },
    { name: 'behind', offset: -(FIFTEEN_MINUTES + 60_000) },
  ])('answers InvalidTimeStamp.Expired when the emulator clock is 16 minutes $name the request', async ({ offset }) => {
    const { url } = await startEmulator({ now: () => Date.now() + offset });

    const failure = await callFailing(createClient(url), VALID_TRACE_PARAMS);

    expect(failure).toMatchObject({ code: 'InvalidTimeStamp.Expired', status: 400 });
  });

  it('accepts a timestamp 14 minutes old', async () => {
    const { url } = await startEmulator();
    const timestamp = popTimestamp(Date.now() - 14 * 60 * 1000);
    const body = encodeParams(buildSignedParams({ method: 'POST', credential: PLAIN, params: VALID_TRACE_PARAMS, common: { Timestamp: timestamp } }));

    const response = await postForm(url, body);

    expect(response.status).toBe(200);
  });
});

describe('Emulator: common parameters', () => {
  it.each<{ name: string; common: Record<string, string>; code: string }>([
    { name: 'Timestamp with milliseconds', common: { Timestamp: new Date().toISOString() }, code: 'InvalidTimeStamp.Format' },
    { name: 'impossible Timestamp date', common: { Timestamp: '2025-02-30T10:00:00Z' }, code: 'InvalidTimeStamp.Format' },
    { name: 'Format XML', common: { Format: 'XML' }, code: 'InvalidParameter' },
    { name: 'SignatureMethod HMAC-SHA256', common: { SignatureMethod: 'HMAC-SHA256' }, code: 'IncompleteSignature' },
    { name: 'SignatureVersion 2.0', common: { SignatureVersion: '2.0' }, code: 'IncompleteSignature' },
    { name: 'empty SignatureNonce', common: { SignatureNonce: '' }, code: 'IncompleteSignature' },
    { name: 'Version 2017-09-18', common: { Version: '2017-09-18' }, code: 'InvalidVersion' },
  ])('answers 400 $code for $name', async ({ common, code }) => {
    const { url } = await startEmulator();
    const body = encodeParams(buildSignedParams({ method: 'POST', credential: PLAIN, params: VALID_TRACE_PARAMS, common }));

    const response = await postForm(url, body);

    expect(response.status).toBe(400);
    expect(response.json?.Code).toBe(code);
  });

  it('accepts Format in lower case', async () => {
    const { url } = await startEmulator();
    const body = encodeParams(buildSignedParams({ method: 'POST', credential: PLAIN, params: VALID_TRACE_PARAMS, common: { Format: 'json' } }));

    const response = await postForm(url, body);

    expect(response.status).toBe(200);
  });

  it('answers InvalidVersion through pop-core configured with another apiVersion', async () => {
    const { url } = await startEmulator();

    const failure = await callFailing(createClient(url, PLAIN, '2017-09-18'), VALID_TRACE_PARAMS);

    expect(failure).toMatchObject({ code: 'InvalidVersion', status: 400 });
  });

  it('answers 404 InvalidApi.NotFound for an undocumented action', async () => {
    const { url } = await startEmulator();

    const failure = await callFailing(createClient(url), {}, { action: 'OnsInstanceDelete' });

    expect(failure).toMatchObject({ code: 'InvalidApi.NotFound', status: 404 });
  });

  it('answers MissingParameter when Action is absent', async () => {
    const { url } = await startEmulator();

    const response = await sendRaw(url, { path: '/?Version=2019-02-14' });

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ Code: 'MissingParameter', Message: expect.stringContaining('"Action"') });
  });
});

describe('Emulator: RAM', () => {
  it('answers 403 Forbidden.RAM with AccessDeniedDetail for a key without mq:QueryMessageTrace', async () => {
    const { url } = await startEmulator();

    const failure = await callFailing(createClient(url, NO_TRACE), VALID_TRACE_PARAMS, { method: 'POST' });

    expect(failure).toMatchObject({ code: 'Forbidden.RAM', status: 403 });
    expect(failure.data?.AccessDeniedDetail).toMatchObject({
      AuthAction: 'mq:QueryMessageTrace',
      AuthPrincipalOwnerId: '1111222233334444',
      AuthPrincipalDisplayName: 'reader',
      NoPermissionType: 'ImplicitDeny',
    });
  });
});
