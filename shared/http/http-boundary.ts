import { randomUUID } from 'node:crypto';
import type { Caller } from '../access/access-control';
import { upstreamIdsOf, writeAudit, type AuditEntry } from '../access/audit';
import { toAppError } from '../errors';
import type { FcContext } from '../fc-context';
import type { Logger } from '../log';
import { createRequestLog, type RequestLog } from '../request-log';
import { errorResponse } from './error-table';
import type { InternalEnvelope } from '../invoke/internal-event';
import { parseFcEvent } from './fc-event';
import type { HttpRequest } from './fc-http-event';
import type { FcHttpResponse } from './http-response';

/** Per-request state: the {@link RequestLog} the handler writes to, plus the HTTP route and caller. */
export interface HttpScope extends RequestLog {
  route: string;
  /** The authenticated caller, once a route has established one. */
  caller?: Caller;
}

/** What the handler receives once the boundary has parsed the FC event. */
export interface HttpEvent {
  http: HttpRequest;
  scope: HttpScope;
}

/** An asynchronous self-invocation: the envelope is parsed, its HMAC not yet checked. */
export interface InternalEvent {
  internal: InternalEnvelope;
  scope: HttpScope;
}

/** Either kind of event the boundary hands to the handler. */
export type BoundaryEvent = HttpEvent | InternalEvent;

// The boundary's per-request state rides on middy's request object, which lives exactly as long.
const STATE = Symbol('mqtrace.httpBoundary');

interface BoundaryState {
  scope: HttpScope;
  audits: readonly AuditEntry[];
  started: number;
  internal: boolean;
}

interface MiddyRequest {
  event: unknown;
  context: FcContext;
  response: unknown;
  error: unknown;
  internal: Record<string, unknown>;
  [STATE]?: BoundaryState;
}

export interface HttpBoundaryOptions {
  logger: Logger;
  now: () => number;
  maxBodyBytes?: number;
}

/**
 * The HTTP function's one middy middleware: parses the FC event into an {@link HttpEvent}, maps
 * every error through the HTTP error table, and writes one access-log line per request.
 */
export function httpBoundary(options: HttpBoundaryOptions) {

  const finish = (request: MiddyRequest, response: FcHttpResponse, errorCode?: string) => {
    const state = request[STATE];
    if (!state) return;
    const { scope, started } = state;
    response.headers['x-mqtrace-request-id'] = scope.requestId;
    const line: Record<string, unknown> = { requestId: scope.requestId, route: scope.route, status: response.statusCode, latencyMs: options.now() - started };
    if (errorCode) line.errorCode = errorCode;
    Object.assign(line, scope.fields);
    line.upstreamRequestIds = upstreamIdsOf(scope.trail);
    line.upstreamAttempts = scope.trail.length;
    options.logger.info(state.internal ? 'internal.event' : 'http.request', line);
    for (const entry of state.audits) writeAudit(options.logger, scope.requestId, entry);
  };

  return {
    before: async (request: MiddyRequest) => {
      const requestId = request.context?.requestId || randomUUID();
      const log = createRequestLog(requestId);
      const scope: HttpScope = Object.assign(log, { route: 'unmatched' });
      const state: BoundaryState = { scope, audits: log.audits, started: options.now(), internal: false };
      request[STATE] = state;
      const parsed = parseFcEvent(request.event, options.maxBodyBytes);
      if (parsed.kind === 'internal') {
        state.internal = true;
        request.event = { internal: parsed.envelope, scope } satisfies InternalEvent;
      } else {
        request.event = { http: parsed.http, scope } satisfies HttpEvent;
      }
    },
    after: async (request: MiddyRequest) => {
      finish(request, request.response as FcHttpResponse);
    },
    onError: async (request: MiddyRequest) => {
      const error = toAppError(request.error);
      const requestId = request[STATE]?.scope.requestId ?? request.context?.requestId ?? randomUUID();
      if (error.code === 'INTERNAL' || error.code === 'CONFIG_INVALID') {
        const cause = error.cause ?? error;
        // The invocation's STS secret and token are masked even if an unexpected message holds them.
        const credentials = request.context?.credentials;
        const secrets = [credentials?.accessKeySecret, credentials?.securityToken].filter((s): s is string => typeof s === 'string');
        options.logger.child({}, secrets).error('http.unhandled_error', {
          requestId,
          errorName: cause instanceof Error ? cause.name : typeof cause,
          errorMessage: cause instanceof Error ? cause.message : undefined,
        });
      }
      const response = errorResponse(error, requestId);
      request.response = response;
      finish(request, response, error.code);
    },
  };
}
