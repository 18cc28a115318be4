import middy from '@middy/core';
import type { AccessControl } from '../../shared/access/access-control';
import { isPublicPath, requireBearer } from '../../shared/http/bearer-guard';
import type { ChatApi } from '../../shared/chat/chat-api';
import { RouteNotFoundError } from '../../shared/errors';
import type { FcContext } from '../../shared/fc-context';
import { httpBoundary, type BoundaryEvent, type HttpEvent } from '../../shared/http/http-boundary';
import { emptyResponse, jsonResponse, type FcHttpResponse } from '../../shared/http/http-response';
import type { ChatRequest, ChatResponse } from '../../shared/chat/chat-request';
import { createRouter, type Route } from '../../shared/http/router';
import { createScopeApi } from '../../shared/http/scope-api';
import { PLATFORM_NAMES } from '../../shared/platforms/registry';
import { createTraceApi, type TraceApiDeps } from '../../shared/http/trace-api';
import { createWebPageRoutes, type WebAssetSource } from '../../shared/http/web-assets';
import type { Logger } from '../../shared/log';
import type { FindApi } from '../../shared/http/find-api';

// The documented default of MQTRACE_PRODUCER_UTC_OFFSET_MINUTES (UTC+8).
const DEFAULT_PRODUCER_UTC_OFFSET_MINUTES = 480;

export interface HttpHandlerDeps extends TraceApiDeps {
  logger: Logger;
  /** The producers' time zone (MQTRACE_PRODUCER_UTC_OFFSET_MINUTES), for the journey's trace window; default UTC+8. */
  producerUtcOffsetMinutes?: number;
  /** Authenticates bearer tokens on the API routes. */
  access: AccessControl;
  version: string;
  /** The chat routes of every platform and the internal event that finishes a deferred reply; absent: 404. */
  chat?: ChatApi;
  /** The web page's files, read on the first request for one; absent: no page (404). */
  webAssets?: WebAssetSource;
}

type RouteHandler = (event: HttpEvent, context: FcContext) => Promise<FcHttpResponse>;

/** Builds the HTTP-trigger handler from its dependencies. */
export function createHttpHandler(deps: HttpHandlerDeps) {
  const traceApi = createTraceApi(deps);
  const scopeApi = createScopeApi(deps);
  let openApi: string | undefined;
  // Find and journey load on their first request: their schemas stay off the lookup path's cold start.
  let findApi: Promise<FindApi> | undefined;
  const explore = (): Promise<FindApi> => {
    findApi ??= import('../../shared/http/find-api').then(({ createFindApi }) =>
      createFindApi({ ...deps, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes ?? DEFAULT_PRODUCER_UTC_OFFSET_MINUTES }),
    );
    findApi.catch(() => {
      findApi = undefined;
    });
    return findApi;
  };
  const route = createRouter<RouteHandler>([
    { name: 'trace.get', method: 'GET', path: '/v1/trace', handle: traceApi.get },
    { name: 'trace.post', method: 'POST', path: '/v1/trace', handle: traceApi.post },
    { name: 'messages.get', method: 'GET', path: '/v1/messages', handle: async (event, context) => (await explore()).messages(event, context) },
    { name: 'journey.get', method: 'GET', path: '/v1/journey', handle: async (event, context) => (await explore()).journey(event, context) },
    { name: 'scope', method: 'GET', path: '/v1/scope', handle: scopeApi.get },
    { name: 'healthz', method: 'GET', path: '/healthz', handle: async () => jsonResponse(200, { status: 'ok', version: deps.version }) },
    {
      name: 'openapi',
      method: 'GET',
      path: '/openapi.json',
      handle: async () => {
        // Loaded and built on first request: its ~40 schemas stay off the lookup path's cold start.
        openApi ??= JSON.stringify((await import('../../shared/http/openapi')).buildOpenApiDocument(deps.version));
        return { ...jsonResponse(200, null), body: openApi };
      },
    },
    ...(deps.webAssets ? createWebPageRoutes(deps.webAssets) : []),
    // One POST and one GET route per platform of the registry; a platform that is not configured answers 404.
    ...(deps.chat ? chatRoutes(deps.chat) : []),
  ]);

  return middy<unknown, FcHttpResponse>({ timeoutEarlyInMillis: 0 })
    .use(httpBoundary({ logger: deps.logger, now: deps.now }))
    .handler(async (event: unknown, context: FcContext) => {
      const parsed = event as BoundaryEvent;
      if ('internal' in parsed) {
        parsed.scope.route = 'chat.deferred';
        if (!deps.chat) throw new RouteNotFoundError('internal event');
        return toHttpResponse(await deps.chat.finishDeferred({ internal: parsed.internal, log: parsed.scope }, context));
      }
      const httpEvent = parsed;
      if (!isPublicPath(httpEvent.http.path)) requireBearer(deps.access, httpEvent);
      const matched = route(httpEvent.http.method, httpEvent.http.path);
      httpEvent.scope.route = matched.name;
      return matched.handle(httpEvent, context);
    });
}

function chatRoutes(chat: ChatApi): Array<Route<RouteHandler>> {
  return PLATFORM_NAMES.flatMap((name) => [
    { name: `chat.${name}`, method: 'POST', path: `/chat/${name}`, handle: chatRoute((request, context) => chat.post(name, request, context)) },
    { name: `chat.${name}.probe`, method: 'GET', path: `/chat/${name}`, handle: chatRoute((request, context) => chat.get(name, request, context)) },
  ]);
}

/** A chat route behind the HTTP trigger: the request's bytes and log in, the platform's answer out. */
function chatRoute(handle: (request: ChatRequest, context: FcContext) => Promise<ChatResponse>): RouteHandler {
  return async (event, context) => toHttpResponse(await handle({ ...event.http, log: event.scope }, context));
}

function toHttpResponse(response: ChatResponse): FcHttpResponse {
  if (response.text) {
    return { statusCode: response.status, headers: { 'content-type': response.text.contentType, 'cache-control': 'no-store' }, isBase64Encoded: false, body: response.text.body };
  }
  return response.json === undefined ? emptyResponse(response.status) : jsonResponse(response.status, response.json);
}
