import middy from '@middy/core';
import type { FcContext } from '../../shared/fc-context';
import { httpBoundary, type HttpEvent } from '../../shared/http/http-boundary';
import { jsonResponse, type FcHttpResponse } from '../../shared/http/http-response';
import { createRouter } from '../../shared/http/router';
import { createTraceApi, type TraceApiDeps } from '../../shared/http/trace-api';
import type { Logger } from '../../shared/log';

export interface HttpHandlerDeps extends TraceApiDeps {
  logger: Logger;
  version: string;
}

type RouteHandler = (event: HttpEvent, context: FcContext) => Promise<FcHttpResponse>;

/** Builds the HTTP-trigger handler from its dependencies. */
export function createHttpHandler(deps: HttpHandlerDeps) {
  const traceApi = createTraceApi(deps);
  let openApi: string | undefined;
  const route = createRouter<RouteHandler>([
    { name: 'trace.get', method: 'GET', path: '/v1/trace', handle: traceApi.get },
    { name: 'trace.post', method: 'POST', path: '/v1/trace', handle: traceApi.post },
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
  ]);

  return middy<unknown, FcHttpResponse>({ timeoutEarlyInMillis: 0 })
    .use(httpBoundary({ logger: deps.logger, now: deps.now }))
    .handler(async (event: unknown, context: FcContext) => {
      const httpEvent = event as HttpEvent;
      const matched = route(httpEvent.http.method, httpEvent.http.path);
      httpEvent.scope.route = matched.name;
      return matched.handle(httpEvent, context);
    });
}
