import type { Caller } from '../../shared/access/access-control';
import { createBrokerDirectory } from '../../shared/brokers/registry';
import { NotFoundError, type AppError } from '../../shared/errors';
import type { Broker, BrokerKind, ConsumptionAnswer, KeyMatches, MessagePage, MessagePageQuery } from '../../shared/trace/broker-port';
import type { BrokerJourney, JourneyWindow } from '../../shared/trace/journey';
import { createLookupService, type LookupService } from '../../shared/trace/lookup-service';
import { buildAccessControl } from './build-access';

/** What a scripted broker answers; a function gets the call's input, an AppError is thrown. */
export interface BrokerScript {
  consumption?: (msgId: string) => ConsumptionAnswer | AppError | Promise<ConsumptionAnswer | AppError>;
  findByKey?: KeyMatches | AppError;
  journey?: (msgId: string, window: JourneyWindow) => BrokerJourney | AppError | Promise<BrokerJourney | AppError>;
  pageByTopic?: (query: MessagePageQuery) => MessagePage | AppError;
}

/** A CONSUMED answer for one group, with the caveats a 4.x answer has. */
export const consumedBy = (...groups: string[]): ConsumptionAnswer => ({
  requestId: `UP-${groups.join('-')}`,
  groups: groups.map((consumerGroup) => ({ consumerGroup, trackType: 'CONSUMED', meaning: 'm', advice: 'a' })),
  caveats: ['OFFSET_BASED', 'CONSUMED_IS_NOT_SUCCESS'],
});

/** An answer with the given track type per group. */
export const tracked = (tracks: Record<string, string>, caveats: ConsumptionAnswer['caveats'] = ['OFFSET_BASED']): ConsumptionAnswer => ({
  requestId: 'UP-T',
  groups: Object.entries(tracks).map(([consumerGroup, trackType]) => ({ consumerGroup, trackType, meaning: 'm', advice: 'a' })),
  caveats,
});

/**
 * The real lookup use case over a broker of `kind` that answers from `script`, recording every
 * call and one trail attempt per call, as the real gateways do. Everything is allowed unless
 * `access` says otherwise.
 */
export function buildScriptedLookups(script: BrokerScript, options: { kind?: BrokerKind; now?: () => number; access?: Parameters<typeof buildAccessControl>[0] } = {}) {
  const kind = options.kind ?? 'ons-4x';
  const calls: Array<{ method: string; arg: unknown }> = [];
  const answer = async <T>(method: string, arg: unknown, ctx: { trail?: unknown[] }, value: T | AppError | undefined): Promise<T> => {
    calls.push({ method, arg });
    const requestId = `REQ-${method}-${calls.length}`;
    if (value === undefined || value instanceof Error) {
      ctx.trail?.push({ action: method, attempt: 1, outcome: 'FAILED', latencyMs: 1 });
      throw value ?? new NotFoundError(`${method} is not scripted`);
    }
    ctx.trail?.push({ action: method, attempt: 1, outcome: 'OK', requestId, latencyMs: 1 });
    return value;
  };
  const broker = {
    kind,
    budget: { explainCostMs: () => 0, pageCallsPerRun: 10, pageLimits: { maxPage: 50, minPageSize: 5, maxPageSize: 50 } },
    async consumption(ref: { msgId: string }, ctx: { trail?: unknown[] }) {
      return answer('consumption', ref, ctx, script.consumption ? await script.consumption(ref.msgId) : undefined);
    },
    async findByKey(query: unknown, ctx: { trail?: unknown[] }) {
      return answer('findByKey', query, ctx, script.findByKey);
    },
    async journey(ref: { msgId: string }, ctx: { trail?: unknown[] }, window: JourneyWindow) {
      return answer('journey', { ref, window }, ctx, script.journey ? await script.journey(ref.msgId, window) : undefined);
    },
    async pageByTopic(query: MessagePageQuery, ctx: { trail?: unknown[] }) {
      return answer('pageByTopic', query, ctx, script.pageByTopic?.(query));
    },
  } as unknown as Broker;
  const access = buildAccessControl(options.access);
  const lookups: LookupService = createLookupService({
    brokers: createBrokerDirectory([{ kind, load: () => () => broker }]),
    access,
    now: options.now ?? Date.now,
    producerUtcOffsetMinutes: 480,
  });
  return { lookups, calls, broker, access, methods: () => calls.map((c) => c.method) };
}

/** An HTTP caller allowed everything, or only what `scope` says. */
export const httpCaller = (scope = { instances: ['*'], topics: ['*'] }): Caller => ({ channel: 'http', id: 'tester', scope, defaultInstance: undefined });
