import { afterEach, describe, expect, it } from 'vitest';
import {
  INSTANCE_B,
  MSG_A,
  MSG_B,
  MSG_OF_B,
  ONS_ONLY,
  PLAIN,
  STS,
  STS_EXPIRED,
  TRACE_ONLY,
  buildManualClock,
  buildRocketMq5TestSeed,
  closeEmulators5,
  getTraceRequest,
  handSign,
  sendHandSigned,
  sendHttp,
  startEmulator5,
  type HandResponse,
} from './rocketmq5-harness';

afterEach(closeEmulators5);

const ENVELOPE_KEYS = ['code', 'data', 'dynamicCode', 'dynamicMessage', 'httpStatusCode', 'message', 'requestId', 'success'];

function expectError(response: HandResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(Object.keys(response.json ?? {}).filter((key) => key !== 'accessDeniedDetail').sort()).toStrictEqual(ENVELOPE_KEYS);
  expect(response.json).toMatchObject({ success: false, code, httpStatusCode: status, data: null });
  expect(response.json?.requestId).toBe(response.headers['x-acs-request-id']);
}

describe('RocketMQ 5.x emulator: ACS3 requests from an independent client', () => {
  it('accepts a correctly signed GetTrace and answers the success envelope', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host));

    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ success: true, code: 'Success', httpStatusCode: 200, data: { messageInfo: { messageId: MSG_A } } });
    expect(Object.keys(response.json ?? {}).sort()).toStrictEqual(ENVELOPE_KEYS);
  });

  it('accepts an STS request with x-acs-security-token', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { credential: STS }));

    expect(response.status).toBe(200);
  });

  it('rejects a signature made with the wrong secret (SignatureDoesNotMatch, with the canonical request)', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { signingSecret: 'not-the-secret' }));

    expectError(response, 400, 'SignatureDoesNotMatch');
    expect(String(response.json?.message)).toContain('server canonical request is: "GET\\n/instances/');
  });

  it('rejects a signed header whose value changed after signing', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { afterSigning: (headers) => headers.set('x-acs-signature-nonce', 'changed') }));

    expectError(response, 400, 'SignatureDoesNotMatch');
  });

  it('rejects a query parameter added after signing', async () => {
    const { host } = await startEmulator5();
    const request = getTraceRequest(host);

    const response = await sendHttp(host, { method: 'GET', path: `${request.path}?startTime=2020-01-01%2000%3A00%3A00`, headers: handSign(request) });

    expectError(response, 400, 'SignatureDoesNotMatch');
  });

  it.each(['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'host'])('rejects %s left out of SignedHeaders (IncompleteSignature)', async (name) => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { unsigned: [name] }));

    expectError(response, 400, 'IncompleteSignature');
    expect(String(response.json?.message)).toContain(name);
  });

  it('rejects an extra x-acs header that is sent but not signed', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { extraHeaders: { 'x-acs-extra': '1' }, unsigned: ['x-acs-extra'] }));

    expectError(response, 400, 'IncompleteSignature');
  });

  it('rejects a body whose hash is not x-acs-content-sha256', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { body: '{"a":1}', sentBody: '{"a":2}' }));

    expectError(response, 400, 'SignatureDoesNotMatch');
    expect(String(response.json?.message)).toContain('x-acs-content-sha256');
  });

  it('rejects a missing Authorization header and a missing x-acs-date', async () => {
    const { host } = await startEmulator5();

    const noAuth = await sendHandSigned(getTraceRequest(host, { afterSigning: (headers) => headers.delete('authorization') }));
    const noDate = await sendHandSigned(getTraceRequest(host, { afterSigning: (headers) => headers.delete('x-acs-date') }));

    expectError(noAuth, 400, 'IncompleteSignature');
    expectError(noDate, 400, 'MissingParameter');
  });

  it.each([
    { name: '16 minutes old', skewMs: -16 * 60_000 },
    { name: '16 minutes ahead', skewMs: 16 * 60_000 },
  ])('rejects an x-acs-date $name (InvalidTimeStamp.Expired)', async ({ skewMs }) => {
    const clock = buildManualClock();
    const { host } = await startEmulator5({ now: clock.now });

    const response = await sendHandSigned(getTraceRequest(host, { dateMs: clock.now() + skewMs }));

    expectError(response, 400, 'InvalidTimeStamp.Expired');
  });

  it('accepts an x-acs-date 14 minutes old on the emulator clock', async () => {
    const clock = buildManualClock();
    const { host } = await startEmulator5({ now: clock.now });

    const response = await sendHandSigned(getTraceRequest(host, { dateMs: clock.now() - 14 * 60_000 }));

    expect(response.status).toBe(200);
  });

  it('rejects a malformed x-acs-date (InvalidTimeStamp.Format)', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { afterSigning: (headers) => headers.set('x-acs-date', '2025-01-01 00:00:00') }));

    expectError(response, 400, 'InvalidTimeStamp.Format');
  });

  it('rejects a reused nonce (SignatureNonceUsed), only once the first request was signed correctly', async () => {
    const { host } = await startEmulator5();

    const badFirst = await sendHandSigned(getTraceRequest(host, { nonce: 'nonce-1', signingSecret: 'wrong' }));
    const first = await sendHandSigned(getTraceRequest(host, { nonce: 'nonce-1' }));
    const second = await sendHandSigned(getTraceRequest(host, { nonce: 'nonce-1' }));

    expectError(badFirst, 400, 'SignatureDoesNotMatch');
    expect(first.status).toBe(200);
    expectError(second, 400, 'SignatureNonceUsed');
  });

  it('rejects an unknown AccessKey id (404 InvalidAccessKeyId.NotFound)', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { credential: { accessKeyId: 'nobody-key-id', accessKeySecret: 'x' } }));

    expectError(response, 404, 'InvalidAccessKeyId.NotFound');
  });

  it.each([
    { name: 'a missing token', credential: { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret }, code: 'MissingSecurityToken' },
    { name: 'a wrong token', credential: { ...STS, securityToken: 'other-token' }, code: 'InvalidSecurityToken.MismatchWithAccessKey' },
    { name: 'an expired token', credential: STS_EXPIRED, code: 'InvalidSecurityToken.Expired' },
    { name: 'a token with a permanent key', credential: { ...PLAIN, securityToken: 'stray-token' }, code: 'InvalidSecurityToken.MismatchWithAccessKey' },
  ])('rejects $name', async ({ credential, code }) => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { credential }));

    expectError(response, 400, code);
  });

  it('rejects an x-acs-accesskey-id that differs from the credential', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { credential: STS, extraHeaders: { 'x-acs-accesskey-id': 'STS.someone-else' } }));

    expectError(response, 400, 'InvalidSecurityToken.MismatchWithAccessKey');
  });

  it('rejects a key without the rocketmq:GetTrace RAM action (403 Forbidden.RAM with accessDeniedDetail)', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { credential: ONS_ONLY }));

    expectError(response, 403, 'Forbidden.RAM');
    expect(response.json?.accessDeniedDetail).toMatchObject({ AuthAction: 'rocketmq:GetTrace', AuthPrincipalDisplayName: 'ons-reader', NoPermissionType: 'ImplicitDeny' });
  });

  it('lets a key with only rocketmq:GetTrace call GetTrace but not GetMessageDetail', async () => {
    const { host } = await startEmulator5();

    const trace = await sendHandSigned(getTraceRequest(host, { credential: TRACE_ONLY }));
    const detail = await sendHandSigned(getTraceRequest(host, { credential: TRACE_ONLY, action: 'GetMessageDetail', path: `/instances/rmq-cn-test5a0001/topics/orders/messages/${MSG_A}` }));

    expect(trace.status).toBe(200);
    expectError(detail, 403, 'Forbidden.RAM');
  });

  it('rejects a wrong x-acs-version and an x-acs-action that does not match the path', async () => {
    const { host } = await startEmulator5();

    const version = await sendHandSigned(getTraceRequest(host, { version: '2019-02-14' }));
    const action = await sendHandSigned(getTraceRequest(host, { action: 'ListTraces' }));

    expectError(version, 400, 'InvalidVersion');
    expectError(action, 404, 'InvalidApi.NotFound');
  });

  it('answers 404 InvalidApi.NotFound for an unknown path and for a wrong method, counting them as (unknown)', async () => {
    const { host, emulator } = await startEmulator5();

    const unknown = await sendHandSigned(getTraceRequest(host, { path: '/instances/rmq-cn-test5a0001/topics/orders/nothing' }));
    const method = await sendHandSigned(getTraceRequest(host, { method: 'DELETE' }));

    expectError(unknown, 404, 'InvalidApi.NotFound');
    expectError(method, 404, 'InvalidApi.NotFound');
    expect(emulator.stats().byAction['(unknown)']).toStrictEqual({ requests: 2, byCode: { 'InvalidApi.NotFound': 2 } });
  });

  it('answers another account\'s instance with 403 NoPermission', async () => {
    const { host } = await startEmulator5();

    const response = await sendHandSigned(getTraceRequest(host, { path: `/instances/${INSTANCE_B}/topics/payments/traces/${MSG_OF_B}` }));

    expectError(response, 403, 'NoPermission');
  });
});

describe('RocketMQ 5.x emulator: rate limits', () => {
  it('throttles the 11th GetTrace within a second per account (400 Throttling.User), then refills on the clock', async () => {
    const clock = buildManualClock();
    const { host, emulator } = await startEmulator5({ now: clock.now });

    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      statuses.push((await sendHandSigned(getTraceRequest(host, { dateMs: clock.now() }))).status);
    }
    const throttled = await sendHandSigned(getTraceRequest(host, { credential: STS, dateMs: clock.now() }));
    const otherAction = await sendHandSigned(
      getTraceRequest(host, { action: 'GetMessageDetail', path: `/instances/rmq-cn-test5a0001/topics/orders/messages/${MSG_A}`, dateMs: clock.now() }),
    );
    clock.advance(100);
    const refilled = await sendHandSigned(getTraceRequest(host, { dateMs: clock.now() }));

    expect(statuses).toStrictEqual(Array.from({ length: 10 }, () => 200));
    expectError(throttled, 400, 'Throttling.User');
    expect(otherAction.status).toBe(200);
    expect(refilled.status).toBe(200);
    expect(emulator.stats().byAction.GetTrace).toStrictEqual({ requests: 12, byCode: { OK: 11, 'Throttling.User': 1 } });
  });

  it('uses 429 when the seed says so, and honours a per-action limit override', async () => {
    const base = buildRocketMq5TestSeed();
    const seed = { ...base, limits: { GetTrace: { count: 1, windowMs: 60_000 } }, rocketmq5: { ...base.rocketmq5!, throttlingStatus: 429 as const } };
    const { host } = await startEmulator5({ seed });

    const first = await sendHandSigned(getTraceRequest(host));
    const second = await sendHandSigned(getTraceRequest(host));

    expect(first.status).toBe(200);
    expectError(second, 429, 'Throttling.User');
  });
});

describe('RocketMQ 5.x emulator: faults', () => {
  it.each([
    { errorCode: 'ServiceUnavailable' as const, status: 503 },
    { errorCode: 'InternalError' as const, status: 500 },
    { errorCode: 'Throttling.Api' as const, status: 400 },
  ])('injects $errorCode with its status', async ({ errorCode, status }) => {
    const { host, emulator } = await startEmulator5();
    emulator.setFault('GetTrace', { errorCode, times: 1 });

    const faulted = await sendHandSigned(getTraceRequest(host));
    const next = await sendHandSigned(getTraceRequest(host));

    expectError(faulted, status, errorCode);
    expect(next.status).toBe(200);
    expect(emulator.stats().byAction.GetTrace?.byCode).toStrictEqual({ [errorCode]: 1, OK: 1 });
  });

  it('answers an nginx-style 502 text/html body', async () => {
    const { host, emulator } = await startEmulator5();
    emulator.setFault('GetTrace', { html502Rate: 1 });

    const response = await sendHandSigned(getTraceRequest(host));

    expect(response.status).toBe(502);
    expect(response.headers['content-type']).toBe('text/html');
    expect(response.text).toContain('502 Bad Gateway');
    expect(emulator.stats().byAction.GetTrace?.byCode).toStrictEqual({ HTML502: 1 });
  });

  it('drops the connection without an answer', async () => {
    const { host, emulator } = await startEmulator5();
    emulator.setFault('GetTrace', { dropRate: 1 });

    await expect(sendHandSigned(getTraceRequest(host))).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(emulator.stats().byAction.GetTrace?.byCode).toStrictEqual({ DROPPED: 1 });
  });

  it('holds the answer for latencyMs (a client with a shorter timeout gives up), and answers after a short one', async () => {
    const { host, emulator } = await startEmulator5();
    emulator.setFault('GetTrace', { latencyMs: 10_000, times: 1 });
    const request = getTraceRequest(host);

    const slow = sendHttp(host, { method: 'GET', path: request.path, headers: handSign(request), timeoutMs: 200 });
    await expect(slow).rejects.toThrow('timeout');
    emulator.setFault('GetTrace', { latencyMs: 20 });
    const fast = await sendHandSigned(getTraceRequest(host));

    expect(fast.status).toBe(200);
  });

  it('applies a fault only after authentication: a rejected request does not use up times', async () => {
    const { host, emulator } = await startEmulator5();
    emulator.setFault('GetTrace', { errorCode: 'InternalError', times: 1 });

    const rejected = await sendHandSigned(getTraceRequest(host, { signingSecret: 'wrong' }));
    const faulted = await sendHandSigned(getTraceRequest(host));

    expectError(rejected, 400, 'SignatureDoesNotMatch');
    expectError(faulted, 500, 'InternalError');
  });

  it('sets, lists and clears a 5.x fault over the admin HTTP surface', async () => {
    const { host, url } = await startEmulator5();

    const put = await fetch(`${url}/__emulator/faults/ListTraces`, { method: 'PUT', body: JSON.stringify({ errorCode: 'ServiceUnavailable' }) });
    const listed = (await (await fetch(`${url}/__emulator/faults`)).json()) as Record<string, unknown>;
    const faulted = await sendHandSigned({
      host,
      action: 'ListTraces',
      path: '/instances/rmq-cn-test5a0001/topics/orders/traces',
      query: { queryType: 'TOPIC', startTime: '2000-01-01 00:00:00', endTime: '2099-01-01 00:00:00', pageNumber: '1', pageSize: '10' },
    });
    const deleted = await fetch(`${url}/__emulator/faults/ListTraces`, { method: 'DELETE' });
    const after = (await (await fetch(`${url}/__emulator/faults`)).json()) as Record<string, unknown>;

    expect(put.status).toBe(200);
    expect(listed).toStrictEqual({ ListTraces: { errorCode: 'ServiceUnavailable' } });
    expectError(faulted, 503, 'ServiceUnavailable');
    expect(deleted.status).toBe(204);
    expect(after).toStrictEqual({});
  });

  it('lists the 5.x messages with their ids on the admin surface', async () => {
    const { url } = await startEmulator5();

    const rows = (await (await fetch(`${url}/__emulator/rocketmq5/messages`)).json()) as { messageId: string }[];

    expect(rows.map((row) => row.messageId)).toStrictEqual([MSG_A, MSG_B, MSG_OF_B]);
  });
});
