import type { AlertContent, AlertDestination, AlertFailingCheck, DeliveryReport } from '../../shared/alerts/alert-content';
import type { Deadline } from '../../shared/deadline';
import type { FoundMessage, MessagePagePort, MessagePageQuery } from '../../shared/ons/message-page-query';
import type { CallContext, MessageTrack, OnsPort } from '../../shared/ons/ons-port';
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

/** A topic's messages for the fake page port: `count` messages stored `ageMs(i)` ago. */
export function buildFoundMessages(count: number, nowMs: number, ageMs: (i: number) => number = (i) => 600_000 + i * 1000, prefix?: string): FoundMessage[] {
  return Array.from({ length: count }, (_, i) => ({ msgId: buildMsgId(i + 1, prefix), storeTimestamp: nowMs - ageMs(i) }));
}

export interface FakePagePort {
  port: MessagePagePort;
  queries: MessagePageQuery[];
  /** Messages per topic; change between runs. */
  topics: Map<string, FoundMessage[]>;
}

/**
 * A page port that pages `topics` like the API does: the window filters by store time, page 1
 * issues a TaskId, later pages must send it. Records one trail attempt per call.
 */
export function buildFakePagePort(options: { failWith?: unknown; advance?: (ms: number) => void; latencyMs?: number } = {}): FakePagePort {
  const queries: MessagePageQuery[] = [];
  const topics = new Map<string, FoundMessage[]>();
  let tasks = 0;
  const port: MessagePagePort = {
    async pageByTopic(query, ctx: CallContext) {
      queries.push({ ...query });
      if (options.latencyMs && options.advance) options.advance(options.latencyMs);
      if (options.failWith) {
        ctx.trail?.push({ action: 'OnsMessagePageQueryByTopic', attempt: 1, outcome: 'FAILED', latencyMs: 1 });
        throw options.failWith;
      }
      if (query.currentPage > 1 && !query.taskId) throw new Error('fake page port: page > 1 without a TaskId');
      ctx.trail?.push({ action: 'OnsMessagePageQueryByTopic', attempt: 1, outcome: 'OK', latencyMs: 1 });
      const inWindow = (topics.get(query.topic) ?? []).filter(
        (m) => (m.storeTimestamp ?? 0) >= query.beginTimeMs && (m.storeTimestamp ?? 0) <= query.endTimeMs,
      );
      const maxPageCount = Math.ceil(inWindow.length / query.pageSize);
      return {
        currentPage: query.currentPage,
        maxPageCount,
        taskId: query.taskId ?? `TASK${++tasks}`,
        requestId: `PAGE-${queries.length}`,
        messages: inWindow.slice((query.currentPage - 1) * query.pageSize, query.currentPage * query.pageSize),
      };
    },
  };
  return { port, queries, topics };
}

export interface FakeTracePort {
  ons: OnsPort;
  lookedUp: string[];
  /** Tracks per msgId; unknown ids answer every group CONSUMED. */
  tracks: Map<string, MessageTrack[]>;
  setAll(trackType: string, groups?: string[]): void;
}

const DEFAULT_GROUPS = ['GID_billing', 'GID_shipping'];

/** An OnsPort answering from `tracks`; each call can move a fake clock (latency). */
export function buildFakeTracePort(options: { advance?: (ms: number) => void; latencyMs?: number; failFor?: Map<string, unknown> } = {}): FakeTracePort {
  const lookedUp: string[] = [];
  const tracks = new Map<string, MessageTrack[]>();
  let defaultTracks: MessageTrack[] = DEFAULT_GROUPS.map((g) => ({ consumerGroup: g, trackType: 'CONSUMED' }));
  const ons: OnsPort = {
    async messageTrace(query, ctx) {
      lookedUp.push(query.msgId);
      if (options.latencyMs && options.advance) options.advance(options.latencyMs);
      const failure = options.failFor?.get(query.msgId);
      if (failure) {
        ctx.trail?.push({ action: 'OnsMessageTrace', attempt: 1, outcome: 'FAILED', latencyMs: 1 });
        throw failure;
      }
      ctx.trail?.push({ action: 'OnsMessageTrace', attempt: 1, outcome: 'OK', latencyMs: 1 });
      return { requestId: `TRACE-${lookedUp.length}`, tracks: tracks.get(query.msgId) ?? defaultTracks };
    },
  };
  return {
    ons,
    lookedUp,
    tracks,
    setAll: (trackType, groups = DEFAULT_GROUPS) => {
      defaultTracks = groups.map((g) => ({ consumerGroup: g, trackType }));
    },
  };
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
