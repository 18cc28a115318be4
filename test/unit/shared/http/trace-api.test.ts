import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../shared/errors';
import { TraceReportSchema } from '../../../../shared/trace/report-schema';
import { buildFcContext, buildFcHttpEventBuffer, CONTEXT_CREDENTIALS } from '../../../builders/build-fc-http-event';
import { buildHttpHandler, HANDLER_NOW_MS } from '../../../builders/build-http-handler';

const INSTANCE = 'MQ_INST_1234567890123456_BXhFHryi';
const DEFAULT_INSTANCE = 'MQ_INST_6543210987654321_Default1';
const MSG_CONSUMED = '7F0000017B3575B84C926A6F7E7C03BA';
const MSG_MISSING = '1E05791C117818B4AAC23B1BB0CE0001';
const JSON_HEADERS = { 'Content-Type': 'application/json' };

const respond = (query: { msgId: string }) => {
  if (query.msgId === MSG_MISSING) {
    throw new NotFoundError('ONS has no such message in this topic', {
      upstream: { action: 'OnsMessageTrace', code: 'BIZ_NO_MESSAGE', requestId: 'UP-404' },
    });
  }
  return {
    requestId: 'UP-200',
    tracks: [
      { consumerGroup: 'GID_a', trackType: 'CONSUMED' },
      { consumerGroup: 'GID_b', trackType: 'NOT_ONLINE' },
    ],
  };
};

const post = (body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
  buildFcHttpEventBuffer({ method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });

describe('Function: createHttpHandler (trace API)', () => {
  describe('Given GET /v1/trace with a valid query', () => {
    it('answers 200 with a report that satisfies the report schema', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = buildFcHttpEventBuffer({ query: { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED.toLowerCase() } });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
      expect(response.headers['x-mqtrace-request-id']).toBe('ctx-req-1');
      const report = TraceReportSchema.parse(JSON.parse(response.body));
      expect(report).toMatchObject({
        requestId: 'ctx-req-1',
        checkedAt: new Date(HANDLER_NOW_MS).toISOString(),
        instanceId: INSTANCE,
        topic: 'TopicA',
        msgId: MSG_CONSUMED,
        verdict: 'PARTIALLY_CONSUMED',
        upstreamRequestId: 'UP-200',
        messageId: { kind: 'CLIENT_ID_4X', producerIp: '127.0.0.1', approxSentAt: new Date(1761033691772).toISOString() },
      });
      expect(harness.fake.queries).toEqual([{ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED }]);
    });

    it('signs with the context’s STS credentials rather than the environment’s', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond, envCredentials: { accessKeyId: 'ENV_AK', accessKeySecret: 'env-secret' } });
      const event = buildFcHttpEventBuffer({ query: { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED } });

      // Act
      await harness.invoke(event, buildFcContext());

      // Assert
      expect(harness.fake.credentialsSeen).toEqual([{ ...CONTEXT_CREDENTIALS }]);
    });

    it('answers 400 naming each missing field', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });

      // Act
      const response = await harness.invoke(buildFcHttpEventBuffer({ query: {} }), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(400);
      const body = JSON.parse(response.body) as { error: { code: string; issues: Array<{ path: string }> } };
      expect(body.error.code).toBe('INVALID_INPUT');
      expect(body.error.issues.map((i) => i.path).sort()).toEqual(['msgId', 'topic']);
      expect(harness.fake.queries).toEqual([]);
    });

    it('rejects unknown query parameters', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = buildFcHttpEventBuffer({ query: { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED, group: 'GID_a' } });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('group');
      expect(harness.fake.queries).toEqual([]);
    });

    it('maps an upstream NotFoundError to 404 with the upstream code and request id', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = buildFcHttpEventBuffer({ query: { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_MISSING } });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(404);
      expect(JSON.parse(response.body)).toEqual({
        error: {
          code: 'NOT_FOUND',
          message: 'ONS has no such message in this topic',
          requestId: 'ctx-req-1',
          upstream: { code: 'BIZ_NO_MESSAGE', requestId: 'UP-404' },
        },
      });
    });
  });

  describe('Given a lookup without instanceId', () => {
    it('uses the configured default instance when none is given', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond, defaultInstanceId: DEFAULT_INSTANCE });
      const event = buildFcHttpEventBuffer({ query: { topic: 'TopicA', msgId: MSG_CONSUMED } });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ instanceId: DEFAULT_INSTANCE });
      expect(harness.fake.queries).toEqual([{ instanceId: DEFAULT_INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED }]);
    });

    it('answers 400 on instanceId when no default is configured, without calling ONS', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = buildFcHttpEventBuffer({ query: { topic: 'TopicA', msgId: MSG_CONSUMED } });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({
        error: { code: 'INVALID_INPUT', issues: [{ path: 'instanceId', message: 'is required: no default instance is configured for this caller' }] },
      });
      expect(harness.fake.queries).toEqual([]);
    });

    it('prefers an explicit instanceId over the default', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond, defaultInstanceId: DEFAULT_INSTANCE });
      const event = post({ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED });

      // Act
      await harness.invoke(event, buildFcContext());

      // Assert
      expect(harness.fake.queries.map((q) => q.instanceId)).toEqual([INSTANCE]);
    });
  });

  describe('Given POST /v1/trace with one lookup', () => {
    it('answers 200 with the report', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = post({ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ verdict: 'PARTIALLY_CONSUMED', msgId: MSG_CONSUMED, upstreamRequestId: 'UP-200' });
    });

    it.each([
      ['application/json; charset=utf-8'],
      ['Application/JSON'],
      ['application/problem+json'],
    ])('accepts content-type %s', async (contentType) => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = post({ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED }, { 'Content-Type': contentType });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
    });

    it('refuses a body without a content-type with 415, as the README says, without calling ONS', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = post({ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED }, {});

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(415);
      expect(harness.fake.queries).toEqual([]);
    });

    it('accepts a base64-encoded body', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const json = JSON.stringify({ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED });
      const event = buildFcHttpEventBuffer({ method: 'POST', body: Buffer.from(json).toString('base64'), isBase64Encoded: true, headers: JSON_HEADERS });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
    });
  });

  describe('Given a POST body the API cannot read', () => {
    it.each([
      ['a form content-type', 'instanceId=x&topic=y', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['text/plain', '{}', { 'Content-Type': 'text/plain' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['application/jsonp', '{}', { 'Content-Type': 'application/jsonp' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['an empty body', '', JSON_HEADERS, 400, 'INVALID_INPUT'],
      ['invalid JSON', '{"topic": ', JSON_HEADERS, 400, 'INVALID_INPUT'],
      ['a JSON array', '[]', JSON_HEADERS, 400, 'INVALID_INPUT'],
      ['JSON null', 'null', JSON_HEADERS, 400, 'INVALID_INPUT'],
    ])('rejects %s', async (_label, body, headers, status, code) => {
      // Arrange
      const harness = buildHttpHandler({ respond });

      // Act
      const response = await harness.invoke(post(body, headers), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(status);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code } });
      expect(harness.fake.queries).toEqual([]);
    });

    it('names the body for invalid JSON', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });

      // Act
      const response = await harness.invoke(post('{"topic": '), buildFcContext());

      // Assert
      expect(JSON.parse(response.body)).toMatchObject({ error: { issues: [{ path: 'body', message: 'is not valid UTF-8 JSON' }] } });
    });

    it('rejects bytes that are not UTF-8', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = buildFcHttpEventBuffer({
        method: 'POST',
        body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('base64'),
        isBase64Encoded: true,
        headers: JSON_HEADERS,
      });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(400);
    });

    it('rejects unknown keys in a single lookup', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });

      // Act
      const response = await harness.invoke(post({ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED, consumerGroup: 'GID_a' }), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('consumerGroup');
    });

    it('rejects unknown keys next to lookups', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });

      // Act
      const response = await harness.invoke(post({ lookups: [{ topic: 'TopicA', msgId: MSG_CONSUMED }], dryRun: true }), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('dryRun');
      expect(harness.fake.queries).toEqual([]);
    });
  });

  describe('Given a batch item with a single lookup\'s option', () => {
    it('says batch items take no options, per item, and still answers the others', async () => {
      const harness = buildHttpHandler({ respond });
      const event = post({ lookups: [{ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED, explain: true }, { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED }] });
      const response = await harness.invoke(event, buildFcContext());
      const { results } = JSON.parse(response.body) as { results: Array<Record<string, any>> };
      expect(results[0]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', issues: [{ path: 'lookups.0.explain', message: expect.stringContaining('batch items take no options') }] } });
      expect(JSON.stringify(results[0])).not.toContain('Unrecognized key');
      expect(results[1]).toMatchObject({ ok: true });
    });
  });

  describe('Given a batch with a valid item, an invalid item and an item ONS rejects', () => {
    it('answers 200 with one result per item, in order, each failing on its own', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = post({
        lookups: [
          { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED },
          { instanceId: INSTANCE, topic: 'bad topic', msgId: MSG_CONSUMED },
          { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_MISSING },
          { instanceId: INSTANCE, topic: 'TopicB', msgId: MSG_CONSUMED.toLowerCase() },
        ],
      });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
      const { results } = JSON.parse(response.body) as { results: Array<Record<string, unknown>> };
      expect(results.map((r) => [r.index, r.ok])).toEqual([
        [0, true],
        [1, false],
        [2, false],
        [3, true],
      ]);
      expect(results[0]).toMatchObject({ report: { topic: 'TopicA', msgId: MSG_CONSUMED, verdict: 'PARTIALLY_CONSUMED' } });
      expect(results[1]).toMatchObject({
        error: { code: 'INVALID_INPUT', requestId: 'ctx-req-1', issues: [{ path: 'lookups.1.topic' }] },
      });
      expect(results[2]).toEqual({
        index: 2,
        ok: false,
        error: {
          code: 'NOT_FOUND',
          message: 'ONS has no such message in this topic',
          requestId: 'ctx-req-1',
          upstream: { code: 'BIZ_NO_MESSAGE', requestId: 'UP-404' },
        },
      });
      expect(results[3]).toMatchObject({ report: { topic: 'TopicB', msgId: MSG_CONSUMED } });
      expect(harness.fake.queries.map((q) => [q.topic, q.msgId])).toEqual([
        ['TopicA', MSG_CONSUMED],
        ['TopicA', MSG_MISSING],
        ['TopicB', MSG_CONSUMED],
      ]);
    });

    it('reports per-item missing instanceId when there is no default', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = post({ lookups: [{ topic: 'TopicA', msgId: MSG_CONSUMED }, { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED }] });

      // Act
      const response = await harness.invoke(event, buildFcContext());

      // Assert
      const { results } = JSON.parse(response.body) as { results: Array<Record<string, unknown>> };
      expect(results[0]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', issues: [{ path: 'lookups.0.instanceId' }] } });
      expect(results[1]).toMatchObject({ ok: true });
    });
  });

  describe('Given batches at the size limits', () => {
    it.each([
      [0, 'must hold at least one lookup'],
      [21, 'must hold at most 20 lookups'],
    ])('rejects %i lookups with 400', async (count, message) => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const lookups = Array.from({ length: count }, () => ({ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED }));

      // Act
      const response = await harness.invoke(post({ lookups }), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(response.body)).toMatchObject({ error: { issues: [{ path: 'lookups', message }] } });
      expect(harness.fake.queries).toEqual([]);
    });

    it('accepts 20 lookups', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const lookups = Array.from({ length: 20 }, () => ({ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED }));

      // Act
      const response = await harness.invoke(post({ lookups }), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
      expect((JSON.parse(response.body) as { results: unknown[] }).results).toHaveLength(20);
    });
  });

  describe('Given no credentials in the context or the environment', () => {
    it('answers 502 CREDENTIALS_INVALID for a single lookup', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = buildFcHttpEventBuffer({ query: { instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED } });

      // Act
      const response = await harness.invoke(event, buildFcContext({ credentials: null }));

      // Assert
      expect(response.statusCode).toBe(502);
      expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'CREDENTIALS_INVALID' } });
    });

    it('fails every valid batch item with CREDENTIALS_INVALID', async () => {
      // Arrange
      const harness = buildHttpHandler({ respond });
      const event = post({ lookups: [{ instanceId: INSTANCE, topic: 'TopicA', msgId: MSG_CONSUMED }, { topic: 'x y', msgId: 'x' }] });

      // Act
      const response = await harness.invoke(event, buildFcContext({ credentials: null }));

      // Assert
      const { results } = JSON.parse(response.body) as { results: Array<{ error?: { code: string } }> };
      expect(results.map((r) => r.error?.code)).toEqual(['CREDENTIALS_INVALID', 'INVALID_INPUT']);
    });
  });
});
