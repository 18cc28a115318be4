import type { AlertContent, AlertDestination, AlertFailingCheck, DeliveryReport } from '../../shared/alerts/alert-content';
import type { Deadline } from '../../shared/deadline';
import { createAccessControl } from '../../shared/access/access-control';
import { createBrokerDirectory } from '../../shared/brokers/registry';
import { EMPTY_APP_CONFIG } from '../../shared/config/app-config-schema';
import type { Credentials } from '../../shared/credentials';
import { AppError, ThrottledError } from '../../shared/errors';
import type { MessageTrack } from '../../shared/ons/message-trace';
import { createOnsBrokers } from '../../shared/ons/ons-broker';
import type { OnsGateway } from '../../shared/ons/ons-gateway';
import { isThrottleCode } from '../../shared/ons/upstream-errors';
import type { Broker, BrokerDirectory, CallContext, FoundMessage, MessagePageQuery } from '../../shared/trace/broker-port';
import { createLookupService, type LookupService } from '../../shared/trace/lookup-service';
import { SpotCheckSchema, type SpotCheck } from '../../shared/spot-check/check-schema';
import { emptyState, type SpotCheckState, type SpotCheckStatePort } from '../../shared/spot-check/state-port';

export const CHECK_INSTANCE = 'MQ_INST_1234567890123456_BXspot001';

/** A valid check with defaults applied; `overrides` are raw input, validated like the real thing. */
export function buildSpotCheck(overrides: Record<string, unknown> = {}): SpotCheck {
  return SpotCheckSchema.parse({ name: 'orders', instanceId: CHECK_INSTANCE, topic: 'orders', ...overrides });
}

/** A 4.x-style message id numbered `n` (unique per `prefix`). */
export function buildMsgId(n: number, prefix = '0A000C22'): string {
  return `${prefix}303918B4AAC2${n.toString(16).toUpperCase().padStart(12, '0')}`;
}

/** A topic's messages for the fake ONS backend: `count` messages stored `ageMs(i)` ago. */
export function buildFoundMessages(count: number, nowMs: number, ageMs: (i: number) => number = (i) => 600_000 + i * 1000, prefix?: string): FoundMessage[] {
  return Array.from({ length: count }, (_, i) => ({ msgId: buildMsgId(i + 1, prefix), storeTimestamp: nowMs - ageMs(i) }));
}

export interface FakeOnsBackendOptions {
  /** Moves a fake clock: each call takes its latency. */
  advance?: (ms: number) => void;
  /** How long each OnsMessageTrace call takes (with `advance`). */
  traceLatencyMs?: number;
  /** How long each OnsMessagePageQueryByTopic call takes (with `advance`). */
  pageLatencyMs?: number;
  /** OnsMessageTrace rejects with this for the msgId. */
  failFor?: Map<string, unknown>;
  /** Every OnsMessagePageQueryByTopic rejects with this. */
  pageFailure?: unknown;
}

export interface FakeOnsBackend {
  /** The fake gateway: OnsMessageTrace answers from `tracks`, OnsMessagePageQueryByTopic pages `topics`. */
  gateway: OnsGateway;
  /** The real broker directory over the real 4.x adapter (`createOnsBrokers`) and the fake gateway. */
  brokers: BrokerDirectory;
  /** The real 4.x broker over the fake gateway, bound to {@link SPOT_CHECK_CREDENTIALS}: what the runner samples with. */
  broker: Broker;
  /** Every credential set a caller was built for. */
  credentialsSeen: Credentials[];
  /** The msgId of every OnsMessageTrace call, in order. */
  lookedUp: string[];
  /** Tracks per msgId; unknown ids answer every group CONSUMED. */
  tracks: Map<string, MessageTrack[]>;
  setAll(trackType: string, groups?: string[]): void;
  /** Every page query, as the broker port was asked it (read back from the call's parameters). */
  pageQueries: MessagePageQuery[];
  /** Messages per topic; change between runs. */
  topics: Map<string, FoundMessage[]>;
}

export const SPOT_CHECK_CREDENTIALS: Credentials = { accessKeyId: 'STS.spot-check-key', accessKeySecret: 'spot-check-secret' };

const DEFAULT_GROUPS = ['GID_billing', 'GID_shipping'];

/**
 * A fake ONS behind the real 4.x adapter. Its caller answers OnsMessageTrace from `tracks` and pages
 * `topics` like OnsMessagePageQueryByTopic does (the window filters by store time, page 1 issues a
 * TaskId, later pages must send it), with the documented body shapes, so the real adapter maps them
 * exactly as it would over pop-core. Like the real gateway it records one attempt per call that
 * reached "upstream" (flagged `throttled` for ONS's throttling codes); a refusal of the local
 * limiter (a ThrottledError without upstream) records none.
 */
export function buildFakeOnsBackend(options: FakeOnsBackendOptions = {}): FakeOnsBackend {
  const credentialsSeen: Credentials[] = [];
  const lookedUp: string[] = [];
  const tracks = new Map<string, MessageTrack[]>();
  const pageQueries: MessagePageQuery[] = [];
  const topics = new Map<string, FoundMessage[]>();
  let defaultTracks: MessageTrack[] = DEFAULT_GROUPS.map((g) => ({ consumerGroup: g, trackType: 'CONSUMED' }));
  let tasks = 0;

  const fail = (action: string, failure: unknown, latencyMs: number, ctx: CallContext): never => {
    const refusedLocally = failure instanceof ThrottledError && failure.upstream === undefined;
    if (!refusedLocally) {
      const outcome = failure instanceof AppError ? (failure.upstream?.code ?? failure.code) : 'FAILED';
      ctx.trail?.push({ action, attempt: 1, outcome, ...(isThrottleCode(outcome) ? { throttled: true } : {}), latencyMs });
    }
    throw failure;
  };

  const messageTrace = (params: Record<string, string | undefined>, ctx: CallContext): unknown => {
    const msgId = String(params.MsgId);
    lookedUp.push(msgId);
    const latencyMs = options.traceLatencyMs ?? 0;
    if (latencyMs && options.advance) options.advance(latencyMs);
    const failure = options.failFor?.get(msgId);
    if (failure) fail('OnsMessageTrace', failure, latencyMs, ctx);
    const requestId = `TRACE-${lookedUp.length}`;
    ctx.trail?.push({ action: 'OnsMessageTrace', attempt: 1, outcome: 'OK', requestId, latencyMs });
    return {
      RequestId: requestId,
      Data: {
        MessageTrack: (tracks.get(msgId) ?? defaultTracks).map((t) => ({
          ConsumerGroup: t.consumerGroup,
          TrackType: t.trackType,
          ...(t.instanceId ? { InstanceId: t.instanceId } : {}),
          ...(t.exceptionDesc ? { ExceptionDesc: t.exceptionDesc } : {}),
        })),
      },
    };
  };

  const pageByTopic = (params: Record<string, string | undefined>, ctx: CallContext): unknown => {
    const query: MessagePageQuery = {
      instanceId: String(params.InstanceId),
      topic: String(params.Topic),
      beginTimeMs: Number(params.BeginTime),
      endTimeMs: Number(params.EndTime),
      currentPage: Number(params.CurrentPage),
      pageSize: Number(params.PageSize),
      ...(params.TaskId !== undefined ? { taskId: params.TaskId } : {}),
    };
    pageQueries.push(query);
    const latencyMs = options.pageLatencyMs ?? 0;
    if (latencyMs && options.advance) options.advance(latencyMs);
    if (options.pageFailure) fail('OnsMessagePageQueryByTopic', options.pageFailure, latencyMs, ctx);
    if (query.currentPage > 1 && !query.taskId) throw new Error('fake ONS: page > 1 without a TaskId');
    const requestId = `PAGE-${pageQueries.length}`;
    ctx.trail?.push({ action: 'OnsMessagePageQueryByTopic', attempt: 1, outcome: 'OK', requestId, latencyMs });
    const inWindow = (topics.get(query.topic) ?? []).filter(
      (m) => (m.storeTimestamp ?? 0) >= query.beginTimeMs && (m.storeTimestamp ?? 0) <= query.endTimeMs,
    );
    const page = inWindow.slice((query.currentPage - 1) * query.pageSize, query.currentPage * query.pageSize);
    return {
      RequestId: requestId,
      MsgFoundDo: {
        CurrentPage: query.currentPage,
        MaxPageCount: Math.ceil(inWindow.length / query.pageSize),
        TaskId: query.taskId ?? `TASK${++tasks}`,
        MsgFoundList: {
          OnsRestMessageDo: page.map((m) => ({
            MsgId: m.msgId,
            Topic: query.topic,
            ...(m.storeTimestamp !== undefined ? { StoreTimestamp: m.storeTimestamp } : {}),
            ...(m.bornTimestamp !== undefined ? { BornTimestamp: m.bornTimestamp } : {}),
            ...(m.reconsumeTimes !== undefined ? { ReconsumeTimes: m.reconsumeTimes } : {}),
            ...(m.tag ? { PropertyList: { MessageProperty: [{ Name: 'TAGS', Value: m.tag }] } } : {}),
          })),
        },
      },
    };
  };

  const gateway: OnsGateway = {
    callerFor(credentials) {
      credentialsSeen.push(credentials);
      return {
        async call(action, params, schema, ctx) {
          let body: unknown;
          if (action === 'OnsMessageTrace') body = messageTrace(params, ctx);
          else if (action === 'OnsMessagePageQueryByTopic') body = pageByTopic(params, ctx);
          else throw new Error(`fake ONS: ${action} is not scripted`);
          return schema.parse(body);
        },
      };
    },
  };
  const factory = createOnsBrokers(gateway);
  const brokers = createBrokerDirectory([{ kind: 'ons-4x', load: () => factory }]);
  const broker = factory(SPOT_CHECK_CREDENTIALS);
  credentialsSeen.length = 0;
  return {
    gateway,
    brokers,
    broker,
    credentialsSeen,
    lookedUp,
    tracks,
    setAll: (trackType, groups = DEFAULT_GROUPS) => {
      defaultTracks = groups.map((g) => ({ consumerGroup: g, trackType }));
    },
    pageQueries,
    topics,
  };
}

/** The lookup use case as the spot-check function builds it: no aliases, no access document. */
export function buildSpotCheckLookups(brokers: BrokerDirectory, now: () => number): LookupService {
  return createLookupService({ brokers, access: createAccessControl(EMPTY_APP_CONFIG), now, producerUtcOffsetMinutes: 480 });
}

/** An in-memory state store; `failLoad` / `failSave` make it reject like an unreachable store. */
export function buildMemoryStatePort(options: { failLoad?: unknown; failSave?: unknown; now?: () => number } = {}): SpotCheckStatePort & { saved: SpotCheckState[]; current: SpotCheckState | undefined } {
  const port = {
    kind: 'file' as const,
    saved: [] as SpotCheckState[],
    current: undefined as SpotCheckState | undefined,
    async load(_deadline: Deadline) {
      if (options.failLoad) throw options.failLoad;
      return port.current ? structuredClone(port.current) : emptyState((options.now ?? Date.now)());
    },
    async save(state: SpotCheckState) {
      if (options.failSave) throw options.failSave;
      port.saved.push(structuredClone(state));
      port.current = structuredClone(state);
    },
  };
  return port;
}

export interface RecordingDestination extends AlertDestination {
  received: AlertContent[];
}

/** A destination that records each alert and answers `delivered` (default true). */
export function buildRecordingDestination(name: string, delivered = true): RecordingDestination {
  const received: AlertContent[] = [];
  return {
    name,
    received,
    async deliver(content): Promise<DeliveryReport> {
      received.push(structuredClone(content));
      return { destination: name, delivered, attempts: delivered ? 1 : 3, outcome: delivered ? 'OK' : 'HTTP_500' };
    },
  };
}

/** A failing check as an alert shows it. */
export function buildAlertFailingCheck(overrides: Partial<AlertFailingCheck> = {}): AlertFailingCheck {
  return {
    name: 'orders',
    instanceId: CHECK_INSTANCE,
    topic: 'orders',
    status: 'FAILING',
    repeat: false,
    checked: 20,
    failed: 2,
    verdicts: { CONSUMED: 18, NOT_CONSUMED: 2 },
    examples: [
      { msgId: buildMsgId(1), reasons: 'GID_shipping NOT_CONSUME_YET' },
      { msgId: buildMsgId(2), reasons: 'GID_analytics NOT_ONLINE' },
    ],
    partial: false,
    ...overrides,
  };
}

/** An alert with one failing check and nothing else. */
export function buildAlertContent(overrides: Partial<AlertContent> = {}): AlertContent {
  return { runId: 'run-1', checkedAt: '2025-10-25T04:00:00.000Z', failing: [buildAlertFailingCheck()], recovered: [], quiet: [], ...overrides };
}
