import { afterEach, describe, expect, it } from 'vitest';
import { VALID_TRACE_PARAMS, callAction, callFailing, closeAllEmulators, createClient, sendRaw, startEmulator } from './harness';

afterEach(closeAllEmulators);

function putFault(url: string, action: string, body: string): ReturnType<typeof sendRaw> {
  return sendRaw(url, { method: 'PUT', path: `/__emulator/faults/${action}`, body, headers: { 'content-type': 'application/json' } });
}

describe('Emulator: admin HTTP surface', () => {
  it('sets a fault with PUT and clears it with DELETE', async () => {
    // Prepare
    const { url } = await startEmulator();
    const client = createClient(url);

    // Act
    const put = await putFault(url, 'OnsMessageTrace', JSON.stringify({ errorCode: 'ServiceUnavailable' }));
    const listed = await sendRaw(url, { path: '/__emulator/faults' });
    const faulted = await callFailing(client, VALID_TRACE_PARAMS);
    const deleted = await sendRaw(url, { method: 'DELETE', path: '/__emulator/faults/OnsMessageTrace' });
    const recovered = await callAction(client, VALID_TRACE_PARAMS);

    // Assess
    expect(put.status).toBe(200);
    expect(put.json).toStrictEqual({ action: 'OnsMessageTrace', fault: { errorCode: 'ServiceUnavailable' } });
    expect(listed.json).toStrictEqual({ OnsMessageTrace: { errorCode: 'ServiceUnavailable' } });
    expect(faulted).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
    expect(deleted.status).toBe(204);
    expect(recovered).toHaveProperty('Data');
  });

  it.each([
    { name: 'a rate above 1', body: '{"errorRate":2}', path: 'errorRate' },
    { name: 'an unknown error code', body: '{"errorCode":"Nope"}', path: 'errorCode' },
    { name: 'an unknown key', body: '{"latencyMs":5,"explode":true}', path: '' },
    { name: 'a fault without effects', body: '{"times":3}', path: '' },
  ])('answers 400 with issues for $name', async ({ body, path }) => {
    const { url } = await startEmulator();

    const response = await putFault(url, 'OnsMessageTrace', body);

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: 'InvalidFault', issues: [expect.objectContaining({ path })] } });
  });

  it('answers 400 for a body that is not JSON', async () => {
    const { url } = await startEmulator();

    const response = await putFault(url, 'OnsMessageTrace', '{errorCode:');

    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: { code: 'InvalidJson' } });
  });

  it('answers 404 for an undocumented action', async () => {
    const { url } = await startEmulator();

    const response = await putFault(url, 'OnsInstanceDelete', '{"errorCode":"InternalError"}');

    expect(response.status).toBe(404);
  });

  it('reports and resets stats over HTTP without counting admin calls', async () => {
    const { url, emulator } = await startEmulator();
    await callAction(createClient(url), VALID_TRACE_PARAMS);

    const stats = await sendRaw(url, { path: '/__emulator/stats' });
    const reset = await sendRaw(url, { method: 'DELETE', path: '/__emulator/stats' });

    expect(stats.json).toMatchObject({ requests: 1, byAction: { OnsMessageTrace: { requests: 1, byCode: { OK: 1 } } } });
    expect(reset.status).toBe(204);
    expect(emulator.stats()).toMatchObject({ requests: 0, byAction: {} });
  });

  it('answers 404 for an unknown admin path and 405 for a wrong method', async () => {
    const { url } = await startEmulator();

    const unknown = await sendRaw(url, { path: '/__emulator/nope' });
    const wrongMethod = await sendRaw(url, { method: 'POST', path: '/__emulator/stats' });

    expect(unknown.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
  });
});
