import type { AccessControl, Caller } from '../access/access-control';
import { upstreamIdsOf, type AuditEntry } from '../access/audit';
import { createDeadline } from '../deadline';
import { ForbiddenError, InvalidInputError, UnauthenticatedError, UnsupportedMediaTypeError, toAppError, type AppError } from '../errors';
import { invocationBudgetMs, resolveCredentials, type FcContext } from '../fc-context';
import { createOnsDiagnosticsPort } from '../ons/diagnostics';
import type { OnsGateway } from '../ons/ons-gateway';
import type { Credentials } from '../ons/ons-port';
import { sleep as realSleep } from '../ons/rate-limiter';
import { createExplainService } from '../trace/explain-service';
import {
  BatchInputSchema,
  TraceQueryInputSchema,
  TraceRequestInputSchema,
  TraceRequestQuerySchema,
  type TraceQuery,
  type TraceQueryInput,
  type TraceRequestInput,
} from '../trace/query-schema';
import type { TraceReport } from '../trace/report-schema';
import { createTraceService } from '../trace/trace-service';
import { waitForConsumption } from '../trace/wait-for-consumption';
import { parseInput } from '../validation';
import { errorBody } from './error-table';
import type { HttpEvent } from './http-boundary';
import { jsonResponse, type FcHttpResponse } from './http-response';

export interface TraceApiDeps {
  gateway: OnsGateway;
  envCredentials: Credentials | undefined;
  /** Resolves aliases and default instances, and decides what the caller in `event.scope` may look up. */
  access: AccessControl;
  lookupDeadlineMs: number;
  producerUtcOffsetMinutes: number;
  now: () => number;
  /** For waitSeconds; default a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter of waitSeconds polls; default Math.random. */
  random?: () => number;
}

/** The JSON API: `GET /v1/trace` and `POST /v1/trace` (one lookup or a batch). */
export interface TraceApi {
  get(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
  post(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
}

export const StrictTraceQuerySchema = TraceQueryInputSchema.strict();
/** A single lookup with `explain`/`waitSeconds`: strings in the query, JSON types in a body. */
export const StrictTraceRequestQuerySchema = TraceRequestQuerySchema.strict();
export const StrictTraceRequestBodySchema = TraceRequestInputSchema.strict();

/** Creates the JSON trace API. */
export function createTraceApi(deps: TraceApiDeps): TraceApi {
  const lookupAll = async (event: HttpEvent, context: FcContext, queries: TraceQuery[]) => {
    const ons = deps.gateway.forCredentials(resolveCredentials(context, deps.envCredentials));
    const service = createTraceService({ ons, now: deps.now, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes });
    const deadline = createDeadline(invocationBudgetMs(context, deps.lookupDeadlineMs), deps.now);
    const ctx = { deadline, trail: event.scope.trail, requestId: event.scope.requestId };
    // Each lookup starts in order (the limiter hands out slots in call order) and fails on its own.
    return queries.map((query) => Promise.resolve().then(() => service.lookup(query, ctx)));
  };

  const single = async (event: HttpEvent, context: FcContext, input: TraceRequestInput) => {
    const caller = callerOf(event);
    const query = resolveQuery(input, caller, deps.access);
    const audit: AuditEntry = { caller: { channel: caller.channel, id: caller.id }, ...query, outcome: 'refused', reason: 'out_of_scope', upstreamRequestIds: [] };
    // Before any upstream call, and the same refusal whether or not the message exists.
    if (!deps.access.permits(caller, query)) {
      event.scope.audit.push(audit);
      throw new ForbiddenError();
    }
    try {
      const report = await permittedSingle(event, context, input, query);
      event.scope.audit.push({ ...withoutReason(audit), outcome: 'answered', verdict: report.verdict, upstreamRequestIds: upstreamIdsOf(event.scope.trail) });
      return jsonResponse(200, report);
    } catch (error) {
      const appError = toAppError(error);
      event.scope.audit.push(failedAudit(audit, appError, upstreamIdsOf([...event.scope.trail, ...(appError.upstream ? [appError.upstream] : [])])));
      throw error;
    }
  };

  const permittedSingle = async (event: HttpEvent, context: FcContext, input: TraceRequestInput, query: TraceQuery): Promise<TraceReport> => {
    const credentials = resolveCredentials(context, deps.envCredentials);
    const service = createTraceService({
      ons: deps.gateway.forCredentials(credentials),
      now: deps.now,
      producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes,
    });
    const waitMs = (input.waitSeconds ?? 0) * 1000;
    // A wait gets its seconds on top of the lookup deadline, which stays reserved for the last
    // poll and the explain; the function timeout caps the whole.
    const budgetMs = invocationBudgetMs(context, deps.lookupDeadlineMs + waitMs);
    const ctx = { deadline: createDeadline(budgetMs, deps.now), trail: event.scope.trail, requestId: event.scope.requestId };

    let report: TraceReport;
    if (waitMs > 0) {
      const waited = await waitForConsumption(() => service.lookup(query, ctx), {
        windowMs: Math.min(waitMs, budgetMs - deps.lookupDeadlineMs),
        now: deps.now,
        sleep: deps.sleep ?? realSleep,
        ...(deps.random ? { random: deps.random } : {}),
      });
      report = { ...waited.report, wait: waited.wait };
    } else {
      report = await service.lookup(query, ctx);
    }
    if (input.explain) {
      const explainer = createExplainService({ diagnostics: createOnsDiagnosticsPort(deps.gateway.callerFor(credentials)), now: deps.now });
      report = { ...report, diagnosis: await explainer.explain({ query, groups: report.groups }, ctx) };
    }
    Object.assign(event.scope.fields, {
      instanceId: report.instanceId,
      topic: report.topic,
      msgId: report.msgId,
      verdict: report.verdict,
      ...(report.wait ? { waitOutcome: report.wait.outcome, waitPolls: report.wait.polls, waitedMs: report.wait.waitedMs } : {}),
      ...(report.diagnosis
        ? {
            findings: report.diagnosis.findings.map((f) => f.code),
            skippedChecks: report.diagnosis.skippedChecks.map((c) => `${c.check}:${c.reason}`),
          }
        : {}),
    });
    return report;
  };

  return {
    async get(event, context) {
      return single(event, context, parseInput(StrictTraceRequestQuerySchema, withAlias(event.http.query, callerOf(event), deps.access)));
    },

    async post(event, context) {
      const caller = callerOf(event);
      const body = parseJsonBody(event);
      if (typeof body === 'object' && body !== null && 'lookups' in body) {
        const { lookups } = parseInput(BatchInputSchema.strict(), body);
        // Items are validated, resolved and scope-checked one by one so that one bad item does not sink the batch.
        const parsed = lookups.map((item, index) => {
          let audit: AuditEntry | undefined;
          try {
            const query = resolveQuery(parseInput(StrictTraceQuerySchema, withAlias(item, caller, deps.access), `lookups.${index}`), caller, deps.access);
            audit = { caller: { channel: caller.channel, id: caller.id }, ...query, outcome: 'refused', reason: 'out_of_scope', upstreamRequestIds: [] };
            if (!deps.access.permits(caller, query)) {
              event.scope.audit.push(audit);
              return { ok: false as const, error: new ForbiddenError() as AppError };
            }
            return { ok: true as const, query, audit };
          } catch (error) {
            return { ok: false as const, error: toAppError(error) };
          }
        });
        const valid = parsed.flatMap((p) => (p.ok ? [p.query] : []));
        const pending = await lookupAll(event, context, valid).catch((error: unknown) => valid.map(() => Promise.reject(error)));
        let next = 0;
        const results = await Promise.all(
          parsed.map(async (p, index) => {
            if (!p.ok) return { index, ok: false, ...errorBody(p.error, event.scope.requestId) };
            try {
              const report = await (pending[next++] as Promise<TraceReport>);
              event.scope.audit.push({ ...withoutReason(p.audit), outcome: 'answered', verdict: report.verdict, upstreamRequestIds: [report.upstreamRequestId] });
              return { index, ok: true, report };
            } catch (error) {
              const appError = toAppError(error);
              event.scope.audit.push(failedAudit(p.audit, appError, appError.upstream?.requestId ? [appError.upstream.requestId] : []));
              return { index, ok: false, ...errorBody(appError, event.scope.requestId) };
            }
          }),
        );
        Object.assign(event.scope.fields, { batchSize: results.length, batchFailed: results.filter((r) => !r.ok).length });
        return jsonResponse(200, { results });
      }
      return single(event, context, parseInput(StrictTraceRequestBodySchema, withAlias(body, caller, deps.access)));
    },
  };
}

function resolveQuery(input: TraceQueryInput, caller: Caller, access: AccessControl): TraceQuery {
  const instanceId = access.resolveInstance(caller, input.instanceId);
  if (!instanceId) {
    throw new InvalidInputError([{ path: 'instanceId', message: 'is required (no default instance is configured for this caller)' }]);
  }
  return { instanceId, topic: input.topic, msgId: input.msgId };
}

/** Replaces an alias in `instanceId` by its instance ID before validation, which knows only IDs. */
function withAlias(input: unknown, caller: Caller, access: AccessControl): unknown {
  if (typeof input !== 'object' || input === null || !('instanceId' in input) || typeof input.instanceId !== 'string' || input.instanceId === '') return input;
  return { ...input, instanceId: access.resolveInstance(caller, input.instanceId) };
}

function callerOf(event: HttpEvent): Caller {
  // The route guard sets it; a route wired without the guard must not run a lookup.
  if (!event.scope.caller) throw new UnauthenticatedError('no authenticated caller');
  return event.scope.caller;
}

function withoutReason(entry: AuditEntry): AuditEntry {
  const { reason: _, ...rest } = entry;
  return rest;
}

function failedAudit(entry: AuditEntry, error: AppError, upstreamRequestIds: string[]): AuditEntry {
  return { ...withoutReason(entry), outcome: 'failed', errorCode: error.code, upstreamRequestIds };
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

