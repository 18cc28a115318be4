import type { Caller } from '../access/access-control';
import { createDeadline } from '../deadline';
import { UnauthenticatedError } from '../errors';
import { invocationBudgetMs, type FcContext } from '../fc-context';
import { FindQuerySchema } from '../trace/find-schema';
import { createFindService } from '../trace/find-service';
import { JourneyQuerySchema } from '../trace/journey-schema';
import { createJourneyService } from '../trace/journey-service';
import { parseInput } from '../validation';
import type { HttpEvent } from './http-boundary';
import { jsonResponse, type FcHttpResponse } from './http-response';
import type { TraceApiDeps } from './trace-api';

export interface FindApiDeps extends TraceApiDeps {
  /** The producers' time zone: a 4.x client ID's send time narrows the journey's trace window. */
  producerUtcOffsetMinutes: number;
}

/** `GET /v1/messages` (find by key or by time window) and `GET /v1/journey`. */
export interface FindApi {
  messages(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
  journey(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
}

/**
 * Creates the find and journey routes over the lookup use case's session. The HTTP handler loads
 * this module on the first such request, so its schemas stay off the lookup path's cold start.
 */
export function createFindApi(deps: FindApiDeps): FindApi {
  const finder = createFindService({ lookups: deps.lookups, now: deps.now });
  const journeys = createJourneyService({ lookups: deps.lookups, now: deps.now, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes });
  const optionsFor = (event: HttpEvent, context: FcContext) => ({
    credentials: deps.credentials(context),
    log: event.scope,
    deadline: createDeadline(invocationBudgetMs(context, deps.lookupDeadlineMs), deps.now),
  });

  return {
    async messages(event, context) {
      const query = parseInput(FindQuerySchema, event.http.query);
      const caller = callerOf(event);
      const common = { instance: query.instanceId, topic: query.topic, ...(query.limit !== undefined ? { limit: query.limit } : {}) };
      const report =
        query.key !== undefined
          ? await finder.byKey(caller, { ...common, key: query.key }, optionsFor(event, context))
          : await finder.byWindow(caller, { ...common, fromMs: query.from as number, toMs: query.to as number, tag: query.tag }, optionsFor(event, context));
      Object.assign(event.scope.fields, { instanceId: report.instanceId, topic: report.topic });
      return jsonResponse(200, report);
    },

    async journey(event, context) {
      const query = parseInput(JourneyQuerySchema, event.http.query);
      const report = await journeys.journey(callerOf(event), { instance: query.instanceId, topic: query.topic, msgId: query.msgId }, optionsFor(event, context));
      Object.assign(event.scope.fields, { instanceId: report.instanceId, topic: report.topic, msgId: report.msgId, verdict: report.verdict });
      return jsonResponse(200, report);
    },
  };
}

function callerOf(event: HttpEvent): Caller {
  // The route guard sets it; a route wired without the guard must not run a find.
  if (!event.scope.caller) throw new UnauthenticatedError('no authenticated caller');
  return event.scope.caller;
}
