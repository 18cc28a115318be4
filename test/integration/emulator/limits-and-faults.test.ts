import { afterEach, describe, expect, it } from 'vitest';
import {
  INSTANCE_B,
  MSG_OF_B,
  OTHER_ACCOUNT,
  PLAIN,
  SECOND_PLAIN,
  VALID_TRACE_PARAMS,
  buildManualClock,
  buildTestSeed,
  callAction,
  callFailing,
  closeAllEmulators,
  createClient,
  startEmulator,
} from './harness';

afterEach(closeAllEmulators);

async function callTimes(client: ReturnType<typeof createClient>, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) {
    await callAction(client, VALID_TRACE_PARAMS);
  }
}

describe('Emulator: rate limit (token bucket per account and action)', () => {
  it('allows 10 calls per second, then answers Throttling.User, and refills with the clock', async () => {
    // Prepare
    const clock = buildManualClock();
    const { url } = await startEmulator({ now: clock.now });
    const client = createClient(url);

    // Act
    await callTimes(client, 10);
    const throttled = await callFailing(client, VALID_TRACE_PARAMS);
    clock.advance(100);
    const refilled = await callAction(client, VALID_TRACE_PARAMS);
    const throttledAgain = await callFailing(client, VALID_TRACE_PARAMS);

    // Assess
    expect(throttled).toMatchObject({ code: 'Throttling.User', status: 400 });
    expect(throttled.data?.Message).toBe('Request was denied due to user flow control.');
    expect(refilled).toHaveProperty('Data');
    expect(throttledAgain.code).toBe('Throttling.User');
  });

  it('shares one budget between the keys of an account but not across accounts', async () => {
    const clock = buildManualClock();
    const { url } = await startEmulator({ now: clock.now });

    await callTimes(createClient(url, PLAIN), 5);
    await callTimes(createClient(url, SECOND_PLAIN), 5);
    const sameAccount = await callFailing(createClient(url, PLAIN), VALID_TRACE_PARAMS);
    const otherAccount = await callAction(createClient(url, OTHER_ACCOUNT), { InstanceId: INSTANCE_B, Topic: 'payments', MsgId: MSG_OF_B });

    expect(sameAccount.code).toBe('Throttling.User');
    expect(otherAccount).toHaveProperty('Data');
  });

  it('applies a per-action limit override from the seed', async () => {
    const clock = buildManualClock();
    const seed = buildTestSeed({ limits: { OnsMessageTrace: { count: 2, windowMs: 60_000 } } });
    const { url } = await startEmulator({ seed, now: clock.now });
    const client = createClient(url);

    await callTimes(client, 2);
    const third = await callFailing(client, VALID_TRACE_PARAMS);
    clock.advance(30_000);
    const afterHalfWindow = await callAction(client, VALID_TRACE_PARAMS);

    expect(third.code).toBe('Throttling.User');
    expect(afterHalfWindow).toHaveProperty('Data');
  });

  it('does not let throttled requests consume a fault', async () => {
    const clock = buildManualClock();
    const seed = buildTestSeed({ limits: { OnsMessageTrace: { count: 1, windowMs: 1000 } } });
    const { url, emulator } = await startEmulator({ seed, now: clock.now });
    const client = createClient(url);

    await callAction(client, VALID_TRACE_PARAMS);
    emulator.setFault('OnsMessageTrace', { errorCode: 'ServiceUnavailable', times: 1 });
    const throttled = await callFailing(client, VALID_TRACE_PARAMS);
    clock.advance(1000);
    const faulted = await callFailing(client, VALID_TRACE_PARAMS);
    clock.advance(1000);
    const recovered = await callAction(client, VALID_TRACE_PARAMS);

    expect(throttled.code).toBe('Throttling.User');
    expect(faulted).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
    expect(recovered).toHaveProperty('Data');
  });

  it('does not charge requests that fail authentication', async () => {
    const clock = buildManualClock();
    const { url } = await startEmulator({ now: clock.now });

    for (let i = 0; i < 12; i += 1) {
      await callFailing(createClient(url, { ...PLAIN, accessKeySecret: 'wrong-secret' }), VALID_TRACE_PARAMS);
    }
    const genuine = await callAction(createClient(url), VALID_TRACE_PARAMS);

    expect(genuine).toHaveProperty('Data');
  });
});

describe('Emulator: fault injection', () => {
  it.each([
    { code: 'ServiceUnavailable' as const, status: 503 },
    { code: 'InternalError' as const, status: 500 },
    { code: 'Throttling' as const, status: 400 },
    { code: 'Throttling.User' as const, status: 400 },
  ])('injects $code with HTTP $status', async ({ code, status }) => {
    const { url, emulator } = await startEmulator();
    emulator.setFault('OnsMessageTrace', { errorCode: code });

    const failure = await callFailing(createClient(url), VALID_TRACE_PARAMS, { method: 'POST' });

    expect(failure).toMatchObject({ code, status });
    expect(Object.keys(failure.data ?? {}).sort()).toStrictEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  });

  it('answers an HTML 502 that pop-core cannot parse', async () => {
    const { url, emulator } = await startEmulator();
    emulator.setFault('OnsMessageTrace', { html502Rate: 1 });

    const outcome = createClient(url).request('OnsMessageTrace', VALID_TRACE_PARAMS, { timeout: 2000 });

    await expect(outcome).rejects.toMatchObject({ name: 'SyntaxError' });
    expect(emulator.stats().byAction.OnsMessageTrace?.byCode).toStrictEqual({ HTML502: 1 });
  });

  it('drops the connection without a response', async () => {
    const { url, emulator } = await startEmulator();
    emulator.setFault('OnsMessageTrace', { dropRate: 1 });

    const outcome = createClient(url).request('OnsMessageTrace', VALID_TRACE_PARAMS, { timeout: 2000 });

    await expect(outcome).rejects.toMatchObject({ code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/) });
    expect(emulator.stats().byAction.OnsMessageTrace?.byCode).toStrictEqual({ DROPPED: 1 });
  });

  it('delays the response past the client timeout', async () => {
    const { url, emulator } = await startEmulator();
    emulator.setFault('OnsMessageTrace', { latencyMs: 10_000 });

    const outcome = createClient(url).request('OnsMessageTrace', VALID_TRACE_PARAMS, { timeout: 200 });

    await expect(outcome).rejects.toMatchObject({ name: 'RequestTimeoutError' });
  });

  it('still answers normally after a short latency', async () => {
    const { url, emulator } = await startEmulator();
    emulator.setFault('OnsMessageTrace', { latencyMs: 20 });

    const body = await callAction(createClient(url), VALID_TRACE_PARAMS);

    expect(body).toHaveProperty('Data');
  });

  it('clears a fault after `times` requests', async () => {
    const { url, emulator } = await startEmulator();
    const client = createClient(url);
    emulator.setFault('OnsMessageTrace', { errorCode: 'InternalError', times: 2 });

    const first = await callFailing(client, VALID_TRACE_PARAMS);
    const second = await callFailing(client, VALID_TRACE_PARAMS);
    const third = await callAction(client, VALID_TRACE_PARAMS);

    expect([first.code, second.code]).toStrictEqual(['InternalError', 'InternalError']);
    expect(third).toHaveProperty('Data');
    expect(emulator.stats().byAction.OnsMessageTrace?.byCode).toStrictEqual({ InternalError: 2, OK: 1 });
  });

  it('rolls errorRate with the injected random source', async () => {
    const rolls = [0.9, 0.1, 0.7];
    const { url, emulator } = await startEmulator({ random: () => rolls.shift() ?? 0 });
    const client = createClient(url);
    emulator.setFault('OnsMessageTrace', { errorRate: 0.5, errorCode: 'ServiceUnavailable' });

    const first = await callAction(client, VALID_TRACE_PARAMS);
    const second = await callFailing(client, VALID_TRACE_PARAMS);
    const third = await callAction(client, VALID_TRACE_PARAMS);

    expect(first).toHaveProperty('Data');
    expect(second.code).toBe('ServiceUnavailable');
    expect(third).toHaveProperty('Data');
  });

  it('applies seed faults from start', async () => {
    const seed = buildTestSeed({ faults: { OnsMessageTrace: { errorCode: 'ServiceUnavailable', times: 1 } } });
    const { url } = await startEmulator({ seed });
    const client = createClient(url);

    const first = await callFailing(client, VALID_TRACE_PARAMS);
    const second = await callAction(client, VALID_TRACE_PARAMS);

    expect(first.code).toBe('ServiceUnavailable');
    expect(second).toHaveProperty('Data');
  });

  it('applies faults only after authentication', async () => {
    const { url, emulator } = await startEmulator();
    emulator.setFault('OnsMessageTrace', { errorCode: 'InternalError' });

    const failure = await callFailing(createClient(url, { ...PLAIN, accessKeySecret: 'wrong-secret' }), VALID_TRACE_PARAMS);

    expect(failure.code).toBe('SignatureDoesNotMatch');
  });

  it('clears a fault with setFault(action, undefined)', async () => {
    const { url, emulator } = await startEmulator();
    emulator.setFault('OnsMessageTrace', { errorCode: 'InternalError' });
    emulator.setFault('OnsMessageTrace', undefined);

    const body = await callAction(createClient(url), VALID_TRACE_PARAMS);

    expect(body).toHaveProperty('Data');
  });

  it('rejects faults for unknown actions and invalid faults', async () => {
    const { emulator } = await startEmulator();

    expect(() => emulator.setFault('OnsInstanceDelete', { errorCode: 'InternalError' })).toThrow(/Unknown action/);
    expect(() => emulator.setFault('OnsMessageTrace', { errorRate: 2 })).toThrow();
  });
});
