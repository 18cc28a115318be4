import type { Credentials } from '../credentials';
import type { Deadline } from '../deadline';
import type { DiagnosticsPort } from './diagnostics-port';
import type { BrokerJourney, JourneyWindow } from './journey';

/**
 * The broker port: everything the lookup use case, explain and spot checks need from a broker's
 * OpenAPI, in the domain's words. One adapter per broker API family implements it
 * (`shared/ons/` for 4.x `MQ_INST_…` instances, `shared/rocketmq5/` for 5.x `rmq-…` ones); the
 * domain and the channels never learn which one they got.
 */

/** Which broker API family serves an instance. */
export const BROKER_KINDS = ['ons-4x', 'rocketmq-5x'] as const;
export type BrokerKind = (typeof BROKER_KINDS)[number];

/** Every upstream attempt, recorded for logs, audits and call counting. Never holds credentials. */
export interface UpstreamAttempt {
  action: string;
  attempt: number;
  /** 'OK' or the upstream/transport error code. */
  outcome: string;
  /** The broker said to slow down (its throttling codes); set by the adapter that knows them. */
  throttled?: boolean;
  requestId?: string;
  latencyMs: number;
}

/** What every upstream call carries. */
export interface CallContext {
  deadline: Deadline;
  /** Attempts are appended here as they happen. */
  trail?: UpstreamAttempt[];
  /** Overrides the adapter's per-call timeout, e.g. longer for a deferred chat lookup; the deadline still caps it. */
  callTimeoutMs?: number;
}

/** One message of one topic on one instance. */
export interface MessageRef {
  instanceId: string;
  topic: string;
  msgId: string;
}

/**
 * One consumer group's consumption of one message. `trackType` speaks RocketMQ's TrackType
 * vocabulary, which the verdict rules and findings read: `CONSUMED`, `CONSUMED_BUT_FILTERED`,
 * `NOT_CONSUME_YET`, `NOT_ONLINE`, `UNKNOWN` (4.x also passes undocumented values through raw).
 */
export interface GroupConsumption {
  consumerGroup: string;
  trackType: string;
  /** The broker's own status word when it is not a TrackType (5.x `consumeStatus`), exactly as returned. */
  upstreamStatus?: string;
  /** What the status means and what to do, from the adapter's one status table. */
  meaning: string;
  advice: string;
  exceptionDesc?: string;
}

/** Caveats an answer may carry; each adapter says which apply to its basis. */
export const ANSWER_CAVEATS = [
  'OFFSET_BASED',
  'CONSUMED_IS_NOT_SUCCESS',
  'OFFSET_COMMIT_DELAY',
  'UNDOCUMENTED_TRACK_TYPE',
  'EMPTY_TRACK_LIST',
  'TRACE_BASED',
  'NO_TRACE_RECORD',
  'UNRECOGNISED_STATUS',
] as const;
export type AnswerCaveat = (typeof ANSWER_CAVEATS)[number];

/** The broker's answer to "which groups consumed this message". */
export interface ConsumptionAnswer {
  groups: GroupConsumption[];
  /** The upstream request id of the call that answered. */
  requestId: string;
  /** The caveats that apply to this answer (see `shared/trace/caveats.ts` for their texts). */
  caveats: AnswerCaveat[];
}

/** A message found by listing a topic's messages, with the fields a spot check uses. */
export interface FoundMessage {
  msgId: string;
  /** When the broker stored it (epoch ms), if the API said. */
  storeTimestamp?: number;
  bornTimestamp?: number;
  tag?: string;
  /** The message's keys, when the listing API returns them. */
  keys?: string[];
  reconsumeTimes?: number;
}

/** One page of a topic's messages in a time window. */
export interface MessagePageQuery {
  instanceId: string;
  topic: string;
  /** Window start and end, epoch ms. Ignored upstream once `taskId` is set. */
  beginTimeMs: number;
  endTimeMs: number;
  /** From 1 to the broker's `pageLimits.maxPage`. */
  currentPage: number;
  /** Within the broker's `pageLimits`. */
  pageSize: number;
  /** The broker's cursor from the first page's answer (4.x TaskId, 5.x scrollId); required for every later page. */
  taskId?: string;
}

export interface MessagePage {
  currentPage: number;
  /** 0 when the window holds no message. */
  maxPageCount: number;
  taskId: string | undefined;
  messages: FoundMessage[];
  requestId: string | undefined;
}

/** Lists the messages a topic stored in a time window, a page at a time (spot-check sampling). */
export interface MessagePagePort {
  pageByTopic(query: MessagePageQuery, ctx: CallContext): Promise<MessagePage>;
}

/** The messages of a topic that carry one key. */
export interface KeyQuery {
  instanceId: string;
  topic: string;
  key: string;
  /** How many the caller means to examine: an adapter that pages may stop listing after this many. */
  limit: number;
}

export interface KeyMatches {
  /** As the broker listed them; callers sort. */
  messages: FoundMessage[];
  /** How many messages the broker says match, when it says so; at least `messages.length`. */
  total: number;
  /** True when the broker's own list may have left matches out (a documented or assumed cap). */
  capped: boolean;
}

/** Finds messages without their ID. */
export interface MessageFinderPort {
  /** The messages of `query.topic` whose keys include `query.key`; none is an empty list, not an error. */
  findByKey(query: KeyQuery, ctx: CallContext): Promise<KeyMatches>;
}

/**
 * A message's whole journey from its broker's trace API. Failures of the trace query itself
 * reject with an AppError (the journey service turns them into a partial answer); a trace with
 * nothing about the message is a `no_trace_data` value, and parts that could not be read are
 * listed in `skipped`.
 */
export interface JourneyPort {
  journey(message: MessageRef, ctx: CallContext, window: JourneyWindow): Promise<BrokerJourney>;
}

/** What the broker's limits let callers plan: explain costs and page budgets. */
export interface BrokerBudget {
  /**
   * Worst-case time of an explain after a lookup that took `callMs`, for `unconsumedGroups`
   * groups, paced by the broker's per-action limits. Pure, so the inline-or-defer decision can be tested.
   */
  explainCostMs(unconsumedGroups: number, callMs: number): number;
  /** Page calls one spot-check run may plan without waiting for the page limit to refill. */
  pageCallsPerRun: number;
  pageLimits: { maxPage: number; minPageSize: number; maxPageSize: number };
}

/**
 * One broker API bound to one credential set. Implementations own signing, rate limits, retries
 * and error typing; failures reject with an `AppError` subclass, never with upstream text.
 */
export interface Broker extends DiagnosticsPort, MessagePagePort, MessageFinderPort, JourneyPort {
  readonly kind: BrokerKind;
  /** Per-group consumption status of one message. */
  consumption(message: MessageRef, ctx: CallContext): Promise<ConsumptionAnswer>;
  readonly budget: BrokerBudget;
}

/** Builds a {@link Broker} for a credential set. Cheap: call it per invocation. */
export type BrokerFactory = (credentials: Credentials) => Broker;

/** Finds the broker that serves an instance. */
export interface BrokerDirectory {
  /** The broker kind an instance ID belongs to; undefined when no registered broker claims it. */
  kindOf(instanceId: string): BrokerKind | undefined;
  /** The broker for this instance, bound to `credentials`; loads its adapter on first use. */
  forInstance(instanceId: string, credentials: Credentials): Promise<Broker>;
}
