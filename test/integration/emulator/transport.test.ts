import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PLAIN,
  VALID_TRACE_PARAMS,
  buildSignedParams,
  callAction,
  closeAllEmulators,
  createClient,
  encodeParams,
  postForm,
  sendRaw,
  startEmulator,
} from './harness';

afterEach(closeAllEmulators);

function expectErrorBody(json: Record<string, unknown> | undefined, code: string): void {
  expect(Object.keys(json ?? {}).sort()).toStrictEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
  expect(json?.Code).toBe(code);
}

describe('Emulator: HTTP transport', () => {
  it('reuses one keep-alive connection for sequential pop-core calls', async () => {
    // Prepare
    const { url, emulator } = await startEmulator();
    const client = createClient(url);

    // Act
    for (let i = 0; i < 5; i += 1) {
      await callAction(client, VALID_TRACE_PARAMS, i % 2 === 0 ? { method: 'POST' } : {});
    }

    // Assess
    expect(emulator.stats()).toMatchObject({ connections: 1, requests: 5, byAction: { OnsMessageTrace: { requests: 5, byCode: { OK: 5 } } } });
  });

  it('answers JSON with charset and a request id header', async () => {
    const { url } = await startEmulator();

    const ok = await postForm(url, encodeParams(buildSignedParams({ method: 'POST', credential: PLAIN, params: VALID_TRACE_PARAMS })));
    const failed = await sendRaw(url, { path: '/?Action=OnsMessageTrace' });

    for (const response of [ok, failed]) {
      expect(response.headers.get('content-type')).toBe('application/json;charset=utf-8');
      expect(response.headers.get('x-acs-request-id')).toBe(response.json?.RequestId);
    }
  });

  it.each([
    { name: 'a malformed percent sequence', query: 'Action=%ZZ' },
    { name: 'percent-encoded invalid UTF-8', query: 'Action=OnsMessageTrace&Topic=%FF%FE' },
    { name: 'a repeated parameter', query: 'Action=OnsMessageTrace&Action=OnsMessageTrace' },
    { name: 'a parameter without a name', query: 'Action=OnsMessageTrace&=x' },
    { name: 'too many parameters', query: Array.from({ length: 300 }, (_, i) => `P${i}=x`).join('&') },
  ])('answers 400 InvalidParameter for $name', async ({ query }) => {
    const { url } = await startEmulator();

    const response = await sendRaw(url, { path: `/?${query}` });

    expect(response.status).toBe(400);
    expectErrorBody(response.json, 'InvalidParameter');
  });

  it('answers 400 InvalidParameter for a form body that is not UTF-8', async () => {
    const { url } = await startEmulator();

    const response = await sendRaw(url, {
      method: 'POST',
      body: Uint8Array.from([0x41, 0x3d, 0xc3, 0x28]),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    expect(response.status).toBe(400);
    expectErrorBody(response.json, 'InvalidParameter');
  });

  it('answers 400 InvalidParameter for a JSON body', async () => {
    const { url } = await startEmulator();

    const response = await sendRaw(url, { method: 'POST', body: '{"Action":"OnsMessageTrace"}', headers: { 'content-type': 'application/json' } });

    expect(response.status).toBe(400);
    expectErrorBody(response.json, 'InvalidParameter');
  });

  it('answers 413 RequestEntityTooLarge for a body over 64 KiB and keeps serving', async () => {
    const { url } = await startEmulator();
    const huge = `Action=OnsMessageTrace&Pad=${'x'.repeat(70 * 1024)}`;

    const response = await postForm(url, huge);
    const next = await callAction(createClient(url), VALID_TRACE_PARAMS);

    expect(response.status).toBe(413);
    expectErrorBody(response.json, 'RequestEntityTooLarge');
    expect(next).toHaveProperty('Data');
  });

  it('answers 413 for an oversized chunked body without Content-Length', async () => {
    const { url } = await startEmulator();
    const { port } = new URL(url);

    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i += 1) {
        req.write('x'.repeat(8 * 1024));
      }
      req.end();
    });

    expect(status).toBe(413);
  });

  it('answers 400 UnsupportedHTTPMethod for PUT /', async () => {
    const { url } = await startEmulator();

    const response = await sendRaw(url, { method: 'PUT', body: 'Action=OnsMessageTrace' });

    expect(response.status).toBe(400);
    expectErrorBody(response.json, 'UnsupportedHTTPMethod');
  });

  it('answers 404 InvalidApi.NotFound for another path', async () => {
    const { url } = await startEmulator();

    const response = await sendRaw(url, { path: '/v1/trace?Action=OnsMessageTrace' });

    expect(response.status).toBe(404);
    expectErrorBody(response.json, 'InvalidApi.NotFound');
  });

  it('answers 400 to raw non-ASCII bytes in the request line and keeps serving', async () => {
    const { url } = await startEmulator();
    const { port } = new URL(url);

    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(Buffer.concat([Buffer.from('GET /?Action=On'), Buffer.from([0xe9, 0xff]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]));
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => {
        data += chunk.toString('latin1');
      });
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    const next = await callAction(createClient(url), VALID_TRACE_PARAMS);

    expect(reply.startsWith('HTTP/1.1 400')).toBe(true);
    expect(next).toHaveProperty('Data');
  });

  it('survives a client that disconnects in the middle of a body', async () => {
    const { url, emulator } = await startEmulator();
    const { port } = new URL(url);

    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nAction=Ons', () => {
          socket.destroy();
          resolve();
        });
      });
      socket.on('error', reject);
    });
    const next = await callAction(createClient(url), VALID_TRACE_PARAMS);

    expect(next).toHaveProperty('Data');
    expect(emulator.stats().byAction).toStrictEqual({ OnsMessageTrace: { requests: 1, byCode: { OK: 1 } } });
  });
});
