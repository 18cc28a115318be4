import type { Credentials } from '../credentials';
import type { TraceQueryStore } from '../trace-query-store';
import { caveatsForTracks } from '../trace/caveats';
import { guideFor } from '../trace/track-types';
import type { Broker, BrokerBudget, BrokerFactory, GroupConsumption } from '../trace/broker-port';
import { ONS_ACTIONS } from './actions';
import { createOnsDiagnosticsPort } from './diagnostics';
import { createMessagePagePort, PAGE_QUERY_LIMITS } from './message-page-query';
import { fetchMessageTrace } from './message-trace';
import type { OnsGateway } from './ons-gateway';
import { sleep as realSleep } from '../upstream/rate-limiter';

/**
 * Worst-case time of an explain after a lookup that took `callMs`: one round of 1 + 3 calls per
 * unconsumed group, paced by the per-action limiters, then OnsConsumerStatus one group at a time
 * at its (much lower) limit.
 */
export function estimateOnsExplainMs(unconsumedGroups: number, callMs: number): number {
  const perAction = ONS_ACTIONS.OnsConsumerAccumulate.rateLimit;
  const status = ONS_ACTIONS.OnsConsumerStatus.rateLimit;
  const firstRound = callMs + (Math.ceil(Math.max(1, unconsumedGroups) / perAction.count) - 1) * perAction.windowMs;
  const statusRound = unconsumedGroups > 0 ? callMs + (Math.ceil(unconsumedGroups / status.count) - 1) * status.windowMs : 0;
  return firstRound + statusRound;
}

const ONS_BUDGET: BrokerBudget = {
  explainCostMs: estimateOnsExplainMs,
  // doc-detail/29608: 10 page calls per minute per account, so a run that plans more would wait a minute.
  pageCallsPerRun: ONS_ACTIONS.OnsMessagePageQueryByTopic.rateLimit.count,
  pageLimits: PAGE_QUERY_LIMITS,
};

/** Options of {@link createOnsBrokers}: the journey's state and clock. */
export interface OnsBrokerOptions {
  /** Where trace query tasks are kept for a second look; absent, every journey creates a task. */
  traceQueries?: TraceQueryStore;
  /** How long a task is reused; default `TRACE_TASK_REUSE_MS` (`trace-journey.ts`). */
  traceTaskReuseMs?: number;
  now?: () => number;
  /** Waits between trace result polls. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The 4.x broker (`MQ_INST_…` instances) over the ONS OpenAPI: OnsMessageTrace answers which
 * groups' offsets passed the message; the diagnostics and page query actions explain and sample;
 * OnsMessageGetByKey finds by key and the trace query task gives the journey. The find and
 * journey modules (and their schemas) load on their first use, off the lookup path's cold start.
 */
export function createOnsBrokers(gateway: OnsGateway, options: OnsBrokerOptions = {}): BrokerFactory {
  // One instance serves one request at a time, mostly with the same STS keys: the last broker is reused.
  let last: { credentials: Credentials; broker: Broker } | undefined;
  return (credentials: Credentials): Broker => {
    if (last && sameCredentials(last.credentials, credentials)) return last.broker;
    const broker = createOnsBroker(gateway, credentials, options);
    last = { credentials: { ...credentials }, broker };
    return broker;
  };
}

const sameCredentials = (a: Credentials, b: Credentials) =>
  a.accessKeyId === b.accessKeyId && a.accessKeySecret === b.accessKeySecret && a.securityToken === b.securityToken;

function createOnsBroker(gateway: OnsGateway, credentials: Credentials, options: OnsBrokerOptions): Broker {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const caller = gateway.callerFor(credentials);
  const diagnostics = createOnsDiagnosticsPort(caller);
  return {
    kind: 'ons-4x',
    budget: ONS_BUDGET,
    async consumption(message, ctx) {
      const { tracks, requestId } = await fetchMessageTrace(caller, message, ctx);
      return {
        requestId,
        groups: tracks.map((t) => {
          const { meaning, advice } = guideFor(t.trackType);
          const group: GroupConsumption = { consumerGroup: t.consumerGroup, trackType: t.trackType, meaning, advice };
          if (t.exceptionDesc) group.exceptionDesc = t.exceptionDesc;
          return group;
        }),
        caveats: caveatsForTracks(tracks.map((t) => t.trackType)),
      };
    },
    ...diagnostics,
    ...createMessagePagePort(caller),
    async findByKey(query, ctx) {
      const { findOnsMessagesByKey } = await import('./message-by-key');
      return findOnsMessagesByKey(caller, query, ctx);
    },
    async journey(message, ctx, window) {
      const { fetchOnsJourney } = await import('./trace-journey');
      return fetchOnsJourney(
        {
          caller,
          diagnostics,
          ...(options.traceQueries ? { store: options.traceQueries } : {}),
          ...(options.traceTaskReuseMs !== undefined ? { reuseMs: options.traceTaskReuseMs } : {}),
          now,
          sleep,
        },
        message,
        ctx,
        window,
      );
    },
  };
}
