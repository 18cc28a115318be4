import { z } from 'zod';
import { ErrorCode } from '../errors';
import { MAX_BATCH, MAX_WAIT_SECONDS, TraceQueryInputSchema, TraceRequestInputSchema } from '../trace/query-schema';
import {
  CachedSchema,
  CaveatSchema,
  DiagnosisSchema,
  FindingSchema,
  GroupReportSchema,
  MessageFactsSchema,
  MessageIdFactsSchema,
  SkippedCheckSchema,
  TraceReportSchema,
  WaitSchema,
} from '../trace/report-schema';
import { DEFAULT_FIND_LIMIT, FindReportSchema, FoundMessageReportSchema, MAX_FIND_LIMIT } from '../trace/find-schema';
import { MAX_WINDOW_MS } from '../trace/find-query';
import { JourneyAttemptSchema, JourneyGroupSchema, JourneyReportSchema } from '../trace/journey-schema';
import { HTTP_STATUS_BY_CODE } from './error-table';
import { ScopeViewSchema } from './scope-schema';

const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      requestId: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      upstream: z.object({ code: z.string().optional(), requestId: z.string().optional() }).optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });

const BatchRequestSchema = z
  .object({ lookups: z.array(TraceQueryInputSchema).min(1).max(MAX_BATCH) })
  .meta({ id: 'BatchTraceRequest' });

const BatchResponseSchema = z
  .object({
    results: z.array(
      z.union([
        z.object({ index: z.number().int(), ok: z.literal(true), report: TraceReportSchema }),
        z.object({ index: z.number().int(), ok: z.literal(false), error: ErrorBodySchema.shape.error }),
      ]),
    ),
  })
  .meta({ id: 'BatchTraceResponse' });

/** Builds the OpenAPI 3.1 document of the HTTP API from the same zod schemas that validate it. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  const documented: z.ZodType[] = [TraceQueryInputSchema, TraceReportSchema, GroupReportSchema, MessageIdFactsSchema, CaveatSchema, ErrorBodySchema, BatchRequestSchema, BatchResponseSchema,
    TraceRequestInputSchema, DiagnosisSchema, FindingSchema, SkippedCheckSchema, MessageFactsSchema, WaitSchema,
    FindReportSchema, FoundMessageReportSchema, JourneyReportSchema, JourneyGroupSchema, JourneyAttemptSchema, ScopeViewSchema, CachedSchema];
  for (const schema of documented) {
    const id = schema.meta()?.id;
    if (typeof id === 'string') registry.add(schema, { id });
  }
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'input', unrepresentable: 'any' });
  const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
  const errorStatuses = [...new Set(Object.values(HTTP_STATUS_BY_CODE))].sort();
  const errors = Object.fromEntries(
    errorStatuses.map((status) => [
      String(status),
      {
        description: Object.entries(HTTP_STATUS_BY_CODE)
          .filter(([, s]) => s === status)
          .map(([code]) => code)
          .join(', '),
        content: { 'application/json': { schema: ref('ErrorBody') } },
      },
    ]),
  );
  const report = { description: 'The trace report', content: { 'application/json': { schema: ref('TraceReport') } } };
  const queryParam = (name: string, required: boolean, description: string) => ({
    name,
    in: 'query',
    required,
    description,
    schema: { type: 'string' },
  });

  return {
    openapi: '3.1.0',
    info: {
      title: 'mqtrace',
      version,
      description: 'Was this ApsaraMQ for RocketMQ message consumed, and if not, why?',
    },
    paths: {
      '/v1/trace': {
        get: {
          summary: 'Look up one message',
          parameters: [
            queryParam('instanceId', false, "MQ_INST_… or an alias (defaults to the caller's default instance)"),
            queryParam('topic', true, 'The topic the message was sent to'),
            queryParam('msgId', true, 'The message ID (4.x client or offset ID, or 5.x ID)'),
            { ...queryParam('explain', false, 'true: also diagnose why groups have not consumed it (report.diagnosis)'), schema: { type: 'string', enum: ['true', 'false'] } },
            {
              ...queryParam('waitSeconds', false, 'Poll until CONSUMED or this many seconds pass, capped by the function timeout minus the lookup deadline (report.wait)'),
              schema: { type: 'string', pattern: '^[0-9]+$', description: `1 to ${MAX_WAIT_SECONDS}` },
            },
            { ...queryParam('fresh', false, 'true: ask the broker even when a cached CONSUMED answer is at hand (see report.cached)'), schema: { type: 'string', enum: ['true', 'false'] } },
          ],
          responses: { '200': report, ...errors },
        },
        post: {
          summary: 'Look up one message, or up to 20 with "lookups"',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { oneOf: [ref('TraceRequest'), ref('BatchTraceRequest')] } } },
          },
          responses: {
            '200': {
              description: 'A report, or one result per lookup in order',
              content: { 'application/json': { schema: { oneOf: [ref('TraceReport'), ref('BatchTraceResponse')] } } },
            },
            ...errors,
          },
        },
      },
      '/v1/messages': {
        get: {
          summary: 'Find messages by key, or sample a time window, each with its verdict',
          description: `By key: every message with the key, newest first, up to limit. By window: counts per verdict of a sample of the window (at most ${MAX_WINDOW_MS / 3_600_000} h wide, not in the future), then the sampled messages that are not CONSUMED. "more" and "truncated" say what was left out and how to narrow the search.`,
          parameters: [
            queryParam('instanceId', false, "MQ_INST_…, rmq-… or an alias (defaults to the caller's default instance)"),
            queryParam('topic', true, 'The topic'),
            queryParam('key', false, 'A message key (not with from/to)'),
            queryParam('from', false, 'Window start, ISO 8601 (no zone means UTC); with to'),
            queryParam('to', false, 'Window end, ISO 8601; with from'),
            queryParam('tag', false, 'Window only: just the messages with this tag'),
            { ...queryParam('limit', false, `How many messages to examine: 1 to ${MAX_FIND_LIMIT}, default ${DEFAULT_FIND_LIMIT}`), schema: { type: 'string', pattern: '^[0-9]+$' } },
          ],
          responses: { '200': { description: 'What was found', content: { 'application/json': { schema: ref('FindReport') } } }, ...errors },
        },
      },
      '/v1/journey': {
        get: {
          summary: "One message's whole journey: the send, the store, every delivery attempt per group, the dead-lettering, with its verdict",
          parameters: [
            queryParam('instanceId', false, "MQ_INST_…, rmq-… or an alias (defaults to the caller's default instance)"),
            queryParam('topic', true, 'The topic the message was sent to'),
            queryParam('msgId', true, 'The message ID'),
          ],
          responses: { '200': { description: 'The journey', content: { 'application/json': { schema: ref('JourneyReport') } } }, ...errors },
          },
        },
      '/v1/scope': {
        get: {
          summary: "What this token may look up: its default instance, its aliases and its scope's patterns",
          responses: {
            '200': { description: 'The caller and its instance choices', content: { 'application/json': { schema: ref('ScopeView') } } },
            '401': errors['401'],
          },
        },
      },
      '/': {
        get: {
          summary: 'The web lookup page (HTML; its script and style are under /assets/). It asks for a token and calls this API with it.',
          security: [],
          responses: { '200': { description: 'The page', content: { 'text/html': {} } } },
        },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': { description: 'ok' } } } },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    },
    // Every route but /healthz and the page's files needs a token from MQTRACE_CONFIG (shared/http/bearer-guard.ts).
    security: [{ bearer: [] }],
    components: { schemas: rewriteRefs(schemas), securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}

// zod emits `$schema`, `$id` and `id` per definition; inside an OpenAPI document they are noise,
// and a `$id` with a fragment is invalid JSON Schema 2020-12.
function rewriteRefs(schemas: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _dollarId, id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
}
