import { randomUUID } from 'node:crypto';
import { toAppError } from '../errors';
import type { FcContext } from '../fc-context';
import type { Logger } from '../log';
import type { UpstreamAttempt } from '../ons/ons-port';
import { errorResponse } from './error-table';
import { parseFcHttpEvent, type HttpRequest } from './fc-http-event';
import type { FcHttpResponse } from './http-response';

/** Per-request state the handler fills in for the access log line. */
export interface HttpScope {
  requestId: string;
  route: string;
  /** Extra fields for the access log, e.g. the verdict. */
  fields: Record<string, unknown>;
  /** Every upstream attempt made for this request. */
  trail: UpstreamAttempt[];
}

/** What the handler receives once the boundary has parsed the FC event. */
export interface HttpEvent {
  http: HttpRequest;
  scope: HttpScope;
}

interface MiddyRequest {
  event: unknown;
  context: FcContext;
  response: unknown;
  error: unknown;
  internal: Record<string, unknown>;
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
  const scopes = new WeakMap<object, { scope: HttpScope; started: number }>();

  const finish = (request: MiddyRequest, response: FcHttpResponse, errorCode?: string) => {
    const state = scopes.get(request);
    if (!state) return;
    const { scope, started } = state;
    response.headers['x-mqtrace-request-id'] = scope.requestId;
    options.logger.info('http.request', {
      requestId: scope.requestId,
      route: scope.route,
      status: response.statusCode,
      latencyMs: options.now() - started,
      ...(errorCode ? { errorCode } : {}),
      ...scope.fields,
      upstreamRequestIds: [...new Set(scope.trail.map((a) => a.requestId).filter(Boolean))],
      upstreamAttempts: scope.trail.length,
    });
  };

  return {
    before: async (request: MiddyRequest) => {
      const requestId = request.context?.requestId || randomUUID();
      const scope: HttpScope = { requestId, route: 'unmatched', fields: {}, trail: [] };
      scopes.set(request, { scope, started: options.now() });
      const http = parseFcHttpEvent(request.event, options.maxBodyBytes);
      request.event = { http, scope } satisfies HttpEvent;
    },
    after: async (request: MiddyRequest) => {
      finish(request, request.response as FcHttpResponse);
    },
    onError: async (request: MiddyRequest) => {
      const error = toAppError(request.error);
      const requestId = scopes.get(request)?.scope.requestId ?? request.context?.requestId ?? randomUUID();
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
