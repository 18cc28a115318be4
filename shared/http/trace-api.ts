import type { CredentialsProvider } from '../credentials';
import { createDeadline } from '../deadline';
import { InvalidInputError, UnsupportedMediaTypeError, toAppError, type AppError } from '../errors';
import { invocationBudgetMs, type FcContext } from '../fc-context';
import { answeredReport, type LookupService } from '../trace/lookup-service';
import {
  BatchInputSchema,
  fastStrictTraceInput,
  TraceQueryInputSchema,
  TraceRequestInputSchema,
  TraceRequestQuerySchema,
  type TraceRequestInput,
} from '../trace/query-schema';
import { lazySchema, parseInput } from '../validation';
import { authenticatedCaller } from './bearer-guard';
import { errorBody } from './error-table';
import type { HttpEvent } from './http-boundary';
import { jsonResponse, type FcHttpResponse } from './http-response';

export interface TraceApiDeps {
  /** The one lookup use case. */
  lookups: LookupService;
  credentials: CredentialsProvider;
  lookupDeadlineMs: number;
  now: () => number;
}

/** The JSON API: `GET /v1/trace` and `POST /v1/trace` (one lookup or a batch). */
export interface TraceApi {
  get(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
  post(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
}

// The hot shapes: a hand-written check first, zod only to name what is wrong (fastStrictTraceInput).
export const StrictTraceQuerySchema = lazySchema(() => TraceQueryInputSchema.strict(), (input) => fastStrictTraceInput(input, 'none'));
/** A single lookup with `explain`/`waitSeconds`: strings in the query, JSON types in a body. */
export const StrictTraceRequestQuerySchema = lazySchema(() => TraceRequestQuerySchema.strict(), (input) => fastStrictTraceInput(input, 'query'));
export const StrictTraceRequestBodySchema = lazySchema(() => TraceRequestInputSchema.strict(), (input) => fastStrictTraceInput(input, 'body'));
const StrictBatchInputSchema = lazySchema(() => BatchInputSchema.strict());

/** Creates the JSON trace API: parse, call the lookup use case, render. */
export function createTraceApi(deps: TraceApiDeps): TraceApi {
  const single = async (event: HttpEvent, context: FcContext, input: TraceRequestInput) => {
    const caller = authenticatedCaller(event);
    const waitMs = (input.waitSeconds ?? 0) * 1000;
    // A wait gets its seconds on top of the lookup deadline, which stays reserved for the last
    // poll and the explain; the function timeout caps the whole.
    const budgetMs = invocationBudgetMs(context, deps.lookupDeadlineMs + waitMs);
    const windowMs = Math.max(0, Math.min(waitMs, budgetMs - deps.lookupDeadlineMs));
    const outcome = await deps.lookups.lookup(
      caller,
      { instance: input.instanceId, topic: input.topic, msgId: input.msgId },
      {
        credentials: deps.credentials(context),
        log: event.scope,
        deadline: createDeadline(budgetMs, deps.now),
        ...(waitMs > 0 ? { waitWindowMs: windowMs } : {}),
        explain: input.explain ?? false,
        ...(input.fresh ? { fresh: true } : {}),
      },
    );
    let report = answeredReport(outcome);
    if (report.wait && windowMs < waitMs) report = { ...report, wait: { ...report.wait, cappedFrom: input.waitSeconds as number } };
    Object.assign(event.scope.fields, {
      instanceId: report.instanceId,
      topic: report.topic,
      msgId: report.msgId,
      verdict: report.verdict,
      ...(report.cached ? { cachedAgeMs: report.cached.ageMs } : {}),
      ...(report.wait
        ? { waitOutcome: report.wait.outcome, waitPolls: report.wait.polls, waitedMs: report.wait.waitedMs, ...(report.wait.cappedFrom ? { waitCappedFrom: report.wait.cappedFrom } : {}) }
        : {}),
    });
    return jsonResponse(200, report);
  };

  const batch = async (event: HttpEvent, context: FcContext, lookups: unknown[]) => {
    const caller = authenticatedCaller(event);
    const deadline = createDeadline(invocationBudgetMs(context, deps.lookupDeadlineMs), deps.now);
    let credentials: ReturnType<CredentialsProvider> | AppError;
    try {
      credentials = deps.credentials(context);
    } catch (error) {
      credentials = toAppError(error);
    }
    // Items are validated and looked up one by one so that one bad item does not sink the batch;
    // each starts in order (the limiter hands out slots in call order).
    const results = await Promise.all(
      lookups.map(async (item, index) => {
        try {
          const input = parseInput(StrictTraceQuerySchema, rejectOptions(item, index), `lookups.${index}`);
          if (credentials instanceof Error) throw credentials;
          const outcome = await deps.lookups.lookup(
            caller,
            { instance: input.instanceId, topic: input.topic, msgId: input.msgId },
            { credentials, log: event.scope, deadline },
          );
          return { index, ok: true, report: answeredReport(outcome) };
        } catch (error) {
          return { index, ok: false, ...errorBody(itemError(toAppError(error), index), event.scope.requestId) };
        }
      }),
    );
    Object.assign(event.scope.fields, { batchSize: results.length, batchFailed: results.filter((r) => !r.ok).length });
    return jsonResponse(200, { results });
  };

  return {
    async get(event, context) {
      return single(event, context, parseInput(StrictTraceRequestQuerySchema, event.http.query));
    },

    async post(event, context) {
      const body = parseJsonBody(event);
      if (typeof body === 'object' && body !== null && 'lookups' in body) {
        return batch(event, context, parseInput(StrictBatchInputSchema, body).lookups);
      }
      return single(event, context, parseInput(StrictTraceRequestBodySchema, body));
    },
  };
}

/** A use-case input error names the item's field (`lookups.3.instanceId`), as the edge schema does. */
function itemError(error: AppError, index: number): AppError {
  if (!(error instanceof InvalidInputError) || error.issues.every((i) => i.path.startsWith('lookups.'))) return error;
  return new InvalidInputError(error.issues.map((i) => ({ ...i, path: i.path ? `lookups.${index}.${i.path}` : `lookups.${index}` })));
}

const SINGLE_ONLY_OPTIONS = ['explain', 'waitSeconds', 'fresh'] as const;

/** A batch item with a single lookup's option gets a message that says so, not "Unrecognized key". */
function rejectOptions(item: unknown, index: number): unknown {
  if (typeof item !== 'object' || item === null) return item;
  const given = SINGLE_ONLY_OPTIONS.filter((option) => Object.hasOwn(item, option));
  if (given.length === 0) return item;
  throw new InvalidInputError(
    given.map((option) => ({ path: `lookups.${index}.${option}`, message: 'batch items take no options; send explain, waitSeconds or fresh with a single lookup' })),
  );
}

/** The body of a POST: JSON only, as the README says; no Content-Type is a 415 too. */
function parseJsonBody(event: HttpEvent): unknown {
  const contentType = event.http.headers['content-type'];
  if (contentType === undefined || !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType.trim())) {
    throw new UnsupportedMediaTypeError('application/json');
  }
  if (event.http.rawBody.length === 0) throw new InvalidInputError([{ path: 'body', message: 'is empty; send a JSON object' }]);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(event.http.rawBody));
  } catch {
    throw new InvalidInputError([{ path: 'body', message: 'is not valid UTF-8 JSON' }]);
  }
}

