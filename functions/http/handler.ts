import middy from '@middy/core';
import { isPublicPath, requireBearer } from '../../shared/access/http-guard';
import type { ChatApi } from '../../shared/chat/chat-api';
import { RouteNotFoundError } from '../../shared/errors';
import type { FcContext } from '../../shared/fc-context';
import { httpBoundary, type BoundaryEvent, type HttpEvent } from '../../shared/http/http-boundary';
import { jsonResponse, type FcHttpResponse } from '../../shared/http/http-response';
import { createRouter } from '../../shared/http/router';
import { createTraceApi, type TraceApiDeps } from '../../shared/http/trace-api';
import type { Logger } from '../../shared/log';

export interface HttpHandlerDeps extends TraceApiDeps {
  logger: Logger;
  version: string;
  /** Slack and DingTalk routes and the internal event that finishes a deferred reply; absent: 404. */
  chat?: ChatApi;
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
    ...(deps.chat
      ? [
          { name: 'chat.slack', method: 'POST', path: '/chat/slack', handle: deps.chat.slack },
          { name: 'chat.slack.probe', method: 'GET', path: '/chat/slack', handle: deps.chat.slackProbe },
          { name: 'chat.dingtalk', method: 'POST', path: '/chat/dingtalk', handle: deps.chat.dingtalk },
        ]
      : []),
  ]);

  return middy<unknown, FcHttpResponse>({ timeoutEarlyInMillis: 0 })
    .use(httpBoundary({ logger: deps.logger, now: deps.now }))
    .handler(async (event: unknown, context: FcContext) => {
      const parsed = event as BoundaryEvent;
      if ('internal' in parsed) {
        parsed.scope.route = 'chat.deferred';
        if (!deps.chat) throw new RouteNotFoundError('internal event');
        return deps.chat.finishDeferred(parsed, context);
      }
      const httpEvent = parsed;
      if (!isPublicPath(httpEvent.http.path)) requireBearer(deps.access, httpEvent);
      const matched = route(httpEvent.http.method, httpEvent.http.path);
      httpEvent.scope.route = matched.name;
      return matched.handle(httpEvent, context);
    });
}
