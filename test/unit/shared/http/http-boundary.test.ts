import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode, NotFoundError } from '../../../../shared/errors';
import { httpBoundary } from '../../../../shared/http/http-boundary';
import { createLogger } from '../../../../shared/log';
import { buildFcContext, buildFcHttpEventBuffer, CONTEXT_CREDENTIALS } from '../../../builders/build-fc-http-event';
import { buildHttpHandler } from '../../../builders/build-http-handler';

const INSTANCE = 'MQ_INST_1234567890123456_BXhFHryi';
const MSG = '7F0000017B3575B84C926A6F7E7C03BA';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const accessLines = (logs: Array<Record<string, unknown>>) => logs.filter((l) => l.event === 'http.request');

function expectNoContextSecret(text: string): void {
  expect(text).not.toContain(CONTEXT_CREDENTIALS.accessKeySecret);
  expect(text).not.toContain(CONTEXT_CREDENTIALS.securityToken);
  expect(text).not.toContain(CONTEXT_CREDENTIALS.accessKeyId);
}

describe('Function: httpBoundary (through createHttpHandler)', () => {
  describe('Given a successful lookup', () => {
    it('writes exactly one access-log line with request id, route, status, verdict and upstream ids', async () => {
      // Arrange
      const harness = buildHttpHandler({
        respond: () => ({ requestId: 'UP-OK-1', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] }),
      });
      const event = buildFcHttpEventBuffer({ query: { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG } });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
      expect(accessLines(harness.logs())).toHaveLength(1);
      expect(harness.logs()[0]).toEqual({
        time: '2025-10-25T04:00:00.000Z',
        level: 'info',
        event: 'http.request',
        requestId: 'ctx-req-1',
        route: 'trace.get',
        status: 200,
        latencyMs: 0,
        caller: 'test-client',
        instanceId: INSTANCE,
        topic: 'TopicA',
        msgId: MSG,
        verdict: 'CONSUMED',
        upstreamRequestIds: ['UP-OK-1'],
        upstreamAttempts: 1,
      });
      expectNoContextSecret(harness.rawLogs.join('\n'));
      expectNoContextSecret(response.body);
    });
  });

  describe('Given a batch', () => {
    it('logs the batch size and failure count on one line', async () => {
      // Arrange
      const harness = buildHttpHandler();
      const event = buildFcHttpEventBuffer({
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ lookups: [{ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG }, { topic: '', msgId: '' }] }),
      });

      // Act
      await harness.invoke(event, buildFcContext());

      // Assert
      expect(accessLines(harness.logs())).toEqual([
        expect.objectContaining({ route: 'trace.post', status: 200, batchSize: 2, batchFailed: 1, upstreamRequestIds: ['UP-DEFAULT'] }),
      ]);
      expect(accessLines(harness.logs())).toHaveLength(1);
    });
  });

  describe('Given a failing request', () => {
    it.each([
      ['an upstream NotFoundError', { query: { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG } }, 'trace.get', 404, 'NOT_FOUND'],
      ['invalid input', { query: { topic: 'TopicA' } }, 'trace.get', 400, 'INVALID_INPUT'],
      ['an unknown path', { path: '/nope' }, 'unmatched', 404, 'ROUTE_NOT_FOUND'],
      ['a wrong method', { method: 'DELETE', path: '/v1/trace' }, 'unmatched', 405, 'METHOD_NOT_ALLOWED'],
      ['a body over 64 KiB', { method: 'POST', body: 'a'.repeat(65_537) }, 'unmatched', 413, 'PAYLOAD_TOO_LARGE'],
    ])('logs one line with the errorCode for %s', async (_label, overrides, route, status, errorCode) => {
      // Arrange
      const harness = buildHttpHandler({
        respond: () => {
          throw new NotFoundError('ONS has no such message in this topic', { upstream: { code: 'BIZ_NO_MESSAGE', requestId: 'UP-404' } });
        },
      });

      // Act
      const response = await harness.invoke(buildFcHttpEventBuffer(overrides), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(status);
      expect(response.headers['x-mqtrace-request-id']).toBe('ctx-req-1');
      expect(accessLines(harness.logs())).toEqual([expect.objectContaining({ event: 'http.request', requestId: 'ctx-req-1', route, status, errorCode })]);
      expect(harness.logs()[0]).not.toHaveProperty('verdict');
      expectNoContextSecret(harness.rawLogs.join('\n'));
    });

    it('answers 405 with an allow header', async () => {
      // Arrange
      const harness = buildHttpHandler();

      // Act
      const response = await harness.invoke(buildFcHttpEventBuffer({ method: 'PUT', path: '/v1/trace' }), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('GET, POST, HEAD');
    });

    it('answers 400 for an event that is not an HTTP trigger event', async () => {
      // Arrange
      const harness = buildHttpHandler();

      // Act
      const response = await harness.invoke(Buffer.from('{"version":"v1"}'), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'INVALID_INPUT', requestId: 'ctx-req-1' } });
      expect(harness.logs()).toEqual([expect.objectContaining({ route: 'unmatched', status: 400, errorCode: 'INVALID_INPUT' })]);
    });
  });

  describe('Given an unexpected error inside a handler', () => {
    it('answers 500 with a hidden message and logs the cause once, besides the access line', async () => {
      // Arrange
      const harness = buildHttpHandler({
        respond: () => {
          throw new TypeError('cannot read properties of undefined');
        },
      });
      const event = buildFcHttpEventBuffer({ query: { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG } });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(500);
      expect(JSON.parse(response.body)).toEqual({ error: { code: 'INTERNAL', message: 'internal error', requestId: 'ctx-req-1' } });
      const logs = harness.logs();
      expect(logs.map((l) => l.event)).toEqual(['http.unhandled_error', 'http.request', 'audit.lookup']);
      expect(logs[2]).toMatchObject({ outcome: 'failed', errorCode: 'INTERNAL', caller: { channel: 'http', id: 'test-client' } });
      expect(logs[0]).toMatchObject({ level: 'error', requestId: 'ctx-req-1', errorName: 'TypeError' });
      expect(logs[1]).toMatchObject({ status: 500, errorCode: 'INTERNAL', route: 'trace.get' });
    });
  });

  describe('Given the other routes', () => {
    it('serves /healthz with the version, also for HEAD and a trailing slash', async () => {
      // Arrange
      const harness = buildHttpHandler();

      // Act
      const get = await harness.invoke(buildFcHttpEventBuffer({ path: '/healthz' }), buildFcContext());
      const head = await harness.invoke(buildFcHttpEventBuffer({ method: 'HEAD', path: '/healthz/' }), buildFcContext());

      // Assert
      expect(get.statusCode).toBe(200);
      expect(JSON.parse(get.body)).toEqual({ status: 'ok', version: '9.9.9-test' });
      expect(head.statusCode).toBe(200);
      expect(accessLines(harness.logs()).map((l) => l.route)).toEqual(['healthz', 'healthz']);
    });

    it('serves /openapi.json with the version, the same document each time', async () => {
      // Arrange
      const harness = buildHttpHandler();

      // Act
      const first = await harness.invoke(buildFcHttpEventBuffer({ path: '/openapi.json' }), buildFcContext());
      const second = await harness.invoke(buildFcHttpEventBuffer({ path: '/openapi.json' }), buildFcContext({ requestId: 'ctx-req-2' }));

      // Assert
      expect(first.statusCode).toBe(200);
      expect(JSON.parse(first.body)).toMatchObject({ openapi: '3.1.0', info: { version: '9.9.9-test' } });
      expect(second.body).toBe(first.body);
      expect(second.headers['x-mqtrace-request-id']).toBe('ctx-req-2');
      expect(first.headers['x-mqtrace-request-id']).toBe('ctx-req-1');
    });
  });

  describe('Given a context without a request id', () => {
    it('makes one up and uses it in the reply and the log', async () => {
      // Arrange
      const harness = buildHttpHandler();

      // Act
      const response = await harness.invoke(buildFcHttpEventBuffer({ path: '/healthz' }), buildFcContext({ requestId: '' }));

      // Assert
      const requestId = response.headers['x-mqtrace-request-id'] ?? '';
      expect(requestId).toMatch(UUID);
      expect(harness.logs()[0]).toMatchObject({ requestId });
    });
  });
});

describe('Function: httpBoundary', () => {
  describe('Given onError for a request whose before step never ran', () => {
    it('still answers with the mapped error and writes no access line', async () => {
      // Arrange
      const lines: string[] = [];
      const boundary = httpBoundary({ logger: createLogger({ write: (l) => lines.push(l) }), now: () => 0 });
      const request = {
        event: {},
        context: { requestId: 'ctx-x' },
        response: undefined as unknown,
        error: new AppError(ErrorCode.UPSTREAM_TIMEOUT, 'too slow'),
        internal: {},
      };

      // Act
      await boundary.onError(request);

      // Assert
      expect(request.response).toMatchObject({ statusCode: 504, headers: { 'x-mqtrace-request-id': 'ctx-x' } });
      expect(lines).toEqual([]);
    });
  });

  describe('Given the elapsed time between before and after', () => {
    it('logs latencyMs from the injected clock', async () => {
      // Arrange
      const lines: string[] = [];
      let t = 1_000;
      const boundary = httpBoundary({ logger: createLogger({ write: (l) => lines.push(l) }), now: () => t });
      const request = {
        event: buildFcHttpEventBuffer({ path: '/healthz' }) as unknown,
        context: { requestId: 'ctx-y' },
        response: undefined as unknown,
        error: undefined as unknown,
        internal: {},
      };

      // Act
      await boundary.before(request);
      t += 37;
      request.response = { statusCode: 200, headers: {}, isBase64Encoded: false, body: '' };
      await boundary.after(request);

      // Assert
      expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
        expect.objectContaining({ requestId: 'ctx-y', route: 'unmatched', status: 200, latencyMs: 37, upstreamAttempts: 0 }),
      ]);
      expect(request.response).toMatchObject({ headers: { 'x-mqtrace-request-id': 'ctx-y' } });
    });
  });
});
