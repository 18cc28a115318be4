import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadHttpConfig } from '../../shared/config/config-schema';
import { ConfigError } from '../../shared/errors';
import { decodeMessageId } from '../../shared/trace/message-id';
import { MessageIdSchema } from '../../shared/trace/query-schema';
import { buildHttpHandler } from '../builders/build-http-handler';

// At least 10,000 generated cases per parser (issue: reliability suite).
const RUNS = 10_000;
const ALLOWED_STATUSES = new Set([200, 400, 401, 403, 404, 405, 413, 415, 429, 502, 503, 504]);
const context = { requestId: 'fuzz', credentials: { accessKeyId: 'fuzz-key', accessKeySecret: 'fuzz-secret-value' }, function: { timeout: 30 } };

const headerName = fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/);
const anyText = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('', ',', '%zz', '__proto__', 'constructor'));
const validish = {
  instanceId: fc.oneof(fc.constant('MQ_INST_1234567890123456_BXdemo01'), anyText),
  topic: fc.oneof(fc.constant('orders'), anyText),
  msgId: fc.oneof(fc.constant('0A000C22303918B4AAC244F9ABC301A3'), fc.stringMatching(/^[0-9A-Fa-f]{30,58}$/), anyText),
};

const fcEvent = fc.record({
  version: fc.oneof(fc.constant('v1'), anyText),
  rawPath: fc.oneof(fc.constantFrom('/v1/trace', '/healthz', '/openapi.json'), anyText),
  body: fc.option(fc.oneof(anyText, fc.json(), fc.base64String({ maxLength: 200 })), { nil: undefined }),
  isBase64Encoded: fc.option(fc.boolean(), { nil: undefined }),
  headers: fc.option(fc.dictionary(headerName, anyText, { maxKeys: 6 }), { nil: undefined }),
  queryParameters: fc.option(fc.oneof(fc.record(validish, { requiredKeys: [] }), fc.dictionary(anyText, anyText, { maxKeys: 5 })), { nil: undefined }),
  requestContext: fc.oneof(
    fc.record({
      http: fc.record({
        method: fc.oneof(fc.constantFrom('GET', 'POST', 'HEAD', 'DELETE', 'get'), anyText),
        path: fc.oneof(fc.constantFrom('/v1/trace', '/healthz', '/v1/trace/', '/'), anyText),
      }),
      requestId: fc.option(anyText, { nil: undefined }),
      timeEpoch: fc.option(anyText, { nil: undefined }),
    }),
    fc.anything(),
  ),
});

function expectWellFormed(response: { statusCode: number; headers: Record<string, string>; body: string }) {
  expect(ALLOWED_STATUSES.has(response.statusCode)).toBe(true);
  for (const value of Object.values(response.headers)) expect(typeof value).toBe('string');
  if (response.body !== '') expect(() => JSON.parse(response.body)).not.toThrow();
  expect(response.body).not.toContain('fuzz-secret-value');
}

describe('Fuzzing: no parser answers 500 or throws', () => {
  it('FC HTTP events: headers, query, base64 and plain bodies, hostile envelopes', async () => {
    const harness = buildHttpHandler({ defaultInstanceId: 'MQ_INST_1234567890123456_BXdemo01' });
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 8, arbitrary: fcEvent }, { weight: 1, arbitrary: fc.anything() }), async (event) => {
        const asBuffer = Buffer.from(JSON.stringify(event) ?? 'undefined');
        expectWellFormed(await harness.invoke(asBuffer, context));
      }),
      { numRuns: RUNS },
    );
    // 10,000 full handler runs: seconds on an idle machine, more beside the integration suites.
  }, 120_000);

  it('raw event bytes that are not JSON at all', async () => {
    const harness = buildHttpHandler();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        expectWellFormed(await harness.invoke(Buffer.from(bytes), context));
      }),
      { numRuns: RUNS },
    );
  });

  it('JSON bodies of POST /v1/trace, single and batch', async () => {
    const harness = buildHttpHandler({ defaultInstanceId: 'MQ_INST_1234567890123456_BXdemo01' });
    const body = fc.oneof(
      fc.json(),
      fc.record(validish, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
      fc.array(fc.oneof(fc.record(validish, { requiredKeys: [] }), fc.anything()), { maxLength: 25 }).map((lookups) => JSON.stringify({ lookups })),
      anyText,
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', undefined), async (text, contentType) => {
        const event = {
          version: 'v1',
          rawPath: '/v1/trace',
          body: text,
          isBase64Encoded: false,
          headers: contentType ? { 'Content-Type': contentType } : {},
          queryParameters: {},
          requestContext: { http: { method: 'POST', path: '/v1/trace' }, requestId: 'r' },
        };
        expectWellFormed(await harness.invoke(Buffer.from(JSON.stringify(event)), context));
      }),
      { numRuns: RUNS },
    );
  });

  it('message IDs: the schema and the decoder never throw, and decoded times are real dates', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 120 }), fc.stringMatching(/^(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{56}|01[0-9A-Fa-f]{32})$/)),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.integer({ min: -720, max: 840 }),
        (id, nowMs, offset) => {
          const parsed = MessageIdSchema.safeParse(id);
          const facts = decodeMessageId(id, { nowMs, producerUtcOffsetMinutes: offset });
          if (parsed.success) expect(facts).toBeDefined();
          if (facts && 'approxSentAt' in facts) expect(Number.isNaN(Date.parse(facts.approxSentAt))).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the environment config: a ConfigError that never repeats a value, or a config', () => {
    const marker = 'VAL§';
    const keys = fc.constantFrom(
      'ONS_ENDPOINT',
      'MQTRACE_REGION',
      'MQTRACE_CALL_TIMEOUT_MS',
      'MQTRACE_LOOKUP_DEADLINE_MS',
      'MQTRACE_MAX_ATTEMPTS',
      'MQTRACE_TRACE_RATE_LIMIT',
      'MQTRACE_PRODUCER_UTC_OFFSET_MINUTES',
      'MQTRACE_LOG_LEVEL',
      'ALIBABA_CLOUD_ACCESS_KEY_ID',
      'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    );
    fc.assert(
      fc.property(fc.dictionary(keys, fc.oneof(fc.string({ maxLength: 30 }).map((s) => `${marker}${s}`), fc.constantFrom('', '5', '-1', 'https://x', 'info'))), (env) => {
        try {
          loadHttpConfig(env);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as Error).message).not.toContain(marker);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
