import { createDeadline } from '../deadline';
import { InvalidInputError, UnsupportedMediaTypeError, toAppError } from '../errors';
import { invocationBudgetMs, resolveCredentials, type FcContext } from '../fc-context';
import type { OnsGateway } from '../ons/ons-gateway';
import type { Credentials } from '../ons/ons-port';
import { BatchInputSchema, TraceQueryInputSchema, type TraceQuery, type TraceQueryInput } from '../trace/query-schema';
import type { TraceReport } from '../trace/report-schema';
import { createTraceService } from '../trace/trace-service';
import { parseInput } from '../validation';
import { errorBody } from './error-table';
import type { HttpEvent } from './http-boundary';
import { jsonResponse, type FcHttpResponse } from './http-response';

export interface TraceApiDeps {
  gateway: OnsGateway;
  envCredentials: Credentials | undefined;
  defaultInstanceId: string | undefined;
  lookupDeadlineMs: number;
  producerUtcOffsetMinutes: number;
  now: () => number;
}

/** The JSON API: `GET /v1/trace` and `POST /v1/trace` (one lookup or a batch). */
export interface TraceApi {
  get(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
  post(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
}

export const StrictTraceQuerySchema = TraceQueryInputSchema.strict();

/** Creates the JSON trace API. */
export function createTraceApi(deps: TraceApiDeps): TraceApi {
  const lookupAll = async (event: HttpEvent, context: FcContext, inputs: TraceQueryInput[]) => {
    const ons = deps.gateway.forCredentials(resolveCredentials(context, deps.envCredentials));
    const service = createTraceService({ ons, now: deps.now, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes });
    const deadline = createDeadline(invocationBudgetMs(context, deps.lookupDeadlineMs), deps.now);
    const ctx = { deadline, trail: event.scope.trail, requestId: event.scope.requestId };
    // Each lookup starts in order (the limiter hands out slots in call order) and fails on its own.
    return inputs.map((input) => Promise.resolve().then(() => service.lookup(resolveQuery(input, deps.defaultInstanceId), ctx)));
  };

  const single = async (event: HttpEvent, context: FcContext, input: TraceQueryInput) => {
    const [pending] = await lookupAll(event, context, [input]);
    const report = (await pending) as TraceReport;
    Object.assign(event.scope.fields, {
      instanceId: report.instanceId,
      topic: report.topic,
      msgId: report.msgId,
      verdict: report.verdict,
    });
    return jsonResponse(200, report);
  };

  return {
    async get(event, context) {
      return single(event, context, parseInput(StrictTraceQuerySchema, event.http.query));
    },

    async post(event, context) {
      const body = parseJsonBody(event);
      if (typeof body === 'object' && body !== null && 'lookups' in body) {
        const { lookups } = parseInput(BatchInputSchema.strict(), body);
        // Items are validated one by one so that one bad item does not sink the batch.
        const parsed = lookups.map((item, index) => {
          try {
            return { ok: true as const, input: parseInput(StrictTraceQuerySchema, item, `lookups.${index}`) };
          } catch (error) {
            return { ok: false as const, error: toAppError(error) };
          }
        });
        const valid = parsed.flatMap((p) => (p.ok ? [p.input] : []));
        const pending = await lookupAll(event, context, valid).catch((error: unknown) => valid.map(() => Promise.reject(error)));
        let next = 0;
        const results = await Promise.all(
          parsed.map(async (p, index) => {
            if (!p.ok) return { index, ok: false, ...errorBody(p.error, event.scope.requestId) };
            try {
              return { index, ok: true, report: await (pending[next++] as Promise<TraceReport>) };
            } catch (error) {
              return { index, ok: false, ...errorBody(toAppError(error), event.scope.requestId) };
            }
          }),
        );
        Object.assign(event.scope.fields, { batchSize: results.length, batchFailed: results.filter((r) => !r.ok).length });
        return jsonResponse(200, { results });
      }
      return single(event, context, parseInput(StrictTraceQuerySchema, body));
    },
  };
}

function resolveQuery(input: TraceQueryInput, defaultInstanceId: string | undefined): TraceQuery {
  const instanceId = input.instanceId ?? defaultInstanceId;
  if (!instanceId) {
    throw new InvalidInputError([{ path: 'instanceId', message: 'is required (MQTRACE_DEFAULT_INSTANCE_ID is not set)' }]);
  }
  return { instanceId, topic: input.topic, msgId: input.msgId };
}

function parseJsonBody(event: HttpEvent): unknown {
  const contentType = event.http.headers['content-type'];
  if (contentType !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType.trim())) {
    throw new UnsupportedMediaTypeError('application/json');
  }
  if (event.http.rawBody.length === 0) throw new InvalidInputError([{ path: 'body', message: 'is empty; send a JSON object' }]);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(event.http.rawBody));
  } catch {
    throw new InvalidInputError([{ path: 'body', message: 'is not valid UTF-8 JSON' }]);
  }
}

