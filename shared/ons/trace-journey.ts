import { z } from 'zod';
import { ErrorCode, UpstreamError, toAppError } from '../errors';
import type { TraceQueryRecord, TraceQueryStore } from '../trace-query-store';
import type { CallContext, MessageRef } from '../trace/broker-port';
import type { DiagnosticsPort, StoredMessage } from '../trace/diagnostics-port';
import {
  orderAttempts,
  type BrokerJourney,
  type JourneyAttempt,
  type JourneyGroupTrace,
  type JourneySend,
  type JourneyWindow,
  type SkippedPart,
} from '../trace/journey';
import { num, wrapped } from './diagnostics';
import type { OnsCaller } from './ons-gateway';
import { attemptStatusGuide, sendStatusGuide } from './trace-status-table';

/**
 * The 4.x journey: OnsTraceQueryByMsgId creates an asynchronous query task (30 per minute per
 * account), OnsTraceGetResult is polled with backoff until `finish`, within the deadline
 * (round2.md §5). A task's `QueryId` is kept in a {@link TraceQueryStore}, so a second look polls
 * the same task. OnsMessageGetByMsgId adds the store time and host, OnsDLQMessageGetById the
 * dead-lettering of each group whose last attempt did not succeed.
 */

/** `{RequestId, QueryId}`. */
export const TraceQueryByMsgIdResponseSchema = z.object({ RequestId: z.string(), QueryId: z.string().min(1) });

const SubClientInfoSchema = z.object({
  SubGroupName: z.string().optional(),
  ClientHost: z.string().optional(),
  SubTime: num.optional(),
  CostTime: num.optional(),
  ReconsumeTimes: num.optional(),
  Status: z.string().optional(),
});

const SubMapSchema = z.object({
  SubGroupName: z.string(),
  SuccessCount: num.optional(),
  FailCount: num.optional(),
  ClientList: wrapped('SubClientInfoDo', SubClientInfoSchema),
});

const TraceMapSchema = z.object({
  MsgId: z.string().optional(),
  MsgKey: z.string().optional(),
  Tag: z.string().optional(),
  Topic: z.string().optional(),
  PubGroupName: z.string().optional(),
  PubTime: num.optional(),
  BornHost: z.string().optional(),
  CostTime: num.optional(),
  Status: z.string().optional(),
  SubList: wrapped('SubMapDo', SubMapSchema),
});

/** `TraceData {QueryId, Status (finish|working|removed), CreateTime, UpdateTime, TraceList.TraceMapDo[]}`. */
export const TraceGetResultResponseSchema = z.object({
  RequestId: z.string(),
  TraceData: z.object({
    QueryId: z.string().optional(),
    MsgId: z.string().optional(),
    Status: z.string(),
    CreateTime: num.optional(),
    UpdateTime: num.optional(),
    TraceList: wrapped('TraceMapDo', TraceMapSchema),
  }),
});

type TraceData = z.output<typeof TraceGetResultResponseSchema>['TraceData'];

/** The task states of `TraceData.Status`. */
export const TASK_STATUS = { finish: 'finish', working: 'working', removed: 'removed' } as const;

/**
 * How long a task's `QueryId` is reused. UNVERIFIED: how long ONS keeps a task ("periodically
 * deletes historical tasks", round2.md §5); a `removed` answer creates a new one anyway. A
 * finished task answers with what the trace had when it was created, so this also bounds how
 * stale a second look can be.
 */
export const TRACE_TASK_REUSE_MS = 5 * 60_000;

/** Backoff of the result polls: doubling from the first, capped. */
export const POLL_BACKOFF = { firstMs: 250, factor: 2, maxMs: 1000 } as const;

// A poll needs this long to come back; below it the partial answer is given instead.
const MIN_POLL_MS = 250;
// The trace window starts this long before the stored born time (clocks of producer and broker differ).
const SEND_SLACK_MS = 60_000;

export interface OnsJourneyDeps {
  caller: OnsCaller;
  diagnostics: Pick<DiagnosticsPort, 'messageDetail' | 'dlqMessage'>;
  /** Absent: every journey creates a new task. */
  store?: TraceQueryStore;
  reuseMs?: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** The store key of a message's task. */
export function traceTaskKey(message: MessageRef): string {
  return ['ons-4x', message.instanceId, message.topic, message.msgId.toUpperCase()].join('\u0000');
}

/** Runs the 4.x journey of one message. */
export async function fetchOnsJourney(deps: OnsJourneyDeps, message: MessageRef, ctx: CallContext, window: JourneyWindow): Promise<BrokerJourney> {
  const skipped: SkippedPart[] = [];
  const missing = new Set<string>();
  const skip = (part: SkippedPart['part'], error: unknown, group?: string) => {
    const appError = toAppError(error);
    skipped.push({ part, code: appError.code, ...(group ? { group } : {}) });
    if (appError.code === ErrorCode.PERMISSION_DENIED && appError.upstream?.ramAction) missing.add(appError.upstream.ramAction);
  };
  // The store facts do not depend on the trace: ask at once.
  const detail = deps.diagnostics.messageDetail(message, ctx).then(
    (m) => m,
    (error: unknown) => {
      skip('store', error);
      return undefined;
    },
  );

  // A new task searches from the send, when the store knows it: the send time the message ID
  // holds is only an estimate (its producer's time zone is assumed), and later attempts must stay in.
  const taskWindow = async (): Promise<JourneyWindow> => {
    const bornAt = (await detail)?.bornAt;
    return bornAt === undefined ? window : { beginMs: Math.min(window.endMs, bornAt - SEND_SLACK_MS), endMs: window.endMs };
  };
  const polled = await pollTask(deps, message, ctx, taskWindow);
  const stored = await detail;
  const groups = toGroups(polled.data);
  await Promise.all(
    groups.map(async (group) => {
      const last = group.attempts.at(-1);
      if (!last || last.outcome === 'SUCCEEDED') return;
      try {
        const dead = await deps.diagnostics.dlqMessage({ instanceId: message.instanceId, topic: message.topic, groupId: group.consumerGroup, msgId: message.msgId }, ctx);
        if (dead) group.deadLettered = { ...(dead.storedAt !== undefined ? { atMs: dead.storedAt } : {}), topic: `%DLQ%${group.consumerGroup}` };
      } catch (error) {
        skip('deadLetter', error, group.consumerGroup);
      }
    }),
  );

  const send = toSend(polled.data);
  const hasTrace = send !== undefined || groups.length > 0;
  const journey: BrokerJourney = {
    status: polled.working ? 'partial' : hasTrace ? 'complete' : 'no_trace_data',
    ...(polled.working
      ? {
          partial: {
            reason: 'TASK_WORKING_AT_DEADLINE' as const,
            detail: `The trace query task was still working when the time ran out (after ${polled.polls} poll(s)); ask again in a few seconds: the same task is polled, no new one is created.`,
          },
        }
      : {}),
    ...(send ? { send } : {}),
    ...(stored ? { store: toStore(stored) } : {}),
    groups,
    missingPermissions: [...missing].sort(),
    skipped,
    traceTask: { createdAtMs: polled.task.createdAtMs, reused: polled.reused },
  };
  return journey;
}

interface Polled {
  data: TraceData | undefined;
  /** True when the task was still working at the deadline. */
  working: boolean;
  task: TraceQueryRecord;
  reused: boolean;
  polls: number;
}

async function pollTask(deps: OnsJourneyDeps, message: MessageRef, ctx: CallContext, window: () => Promise<JourneyWindow>): Promise<Polled> {
  const key = traceTaskKey(message);
  let task = await safeGet(deps.store, key);
  let reused = task !== undefined;
  let recreated = false;
  if (!task) task = await createTask(deps, key, message, ctx, window);
  let delay: number = reused ? 0 : POLL_BACKOFF.firstMs;
  let polls = 0;
  let last: TraceData | undefined;
  for (;;) {
    if (delay > 0) {
      if (ctx.deadline.remainingMs() < delay + MIN_POLL_MS) return { data: last, working: true, task, reused, polls };
      await deps.sleep(delay);
    }
    if (ctx.deadline.remainingMs() < MIN_POLL_MS) return { data: last, working: true, task, reused, polls };
    const body = await deps.caller.call('OnsTraceGetResult', { QueryId: task.queryId, InstanceId: message.instanceId, Topic: message.topic }, TraceGetResultResponseSchema, ctx);
    polls++;
    const status = body.TraceData.Status;
    if (status === TASK_STATUS.finish) return { data: body.TraceData, working: false, task, reused, polls };
    if (status === TASK_STATUS.removed) {
      await safeDelete(deps.store, key);
      // A task removed right after it was created is not worth a third.
      if (recreated) throw new UpstreamError('OnsTraceGetResult: the trace query task was removed right after it was created', { upstream: { action: 'OnsTraceGetResult', code: 'TASK_REMOVED' } });
      task = await createTask(deps, key, message, ctx, window);
      recreated = true;
      reused = false;
      last = undefined;
      delay = POLL_BACKOFF.firstMs;
      continue;
    }
    // `working`, and any status ONS may add: the task is not done yet.
    last = body.TraceData;
    delay = delay === 0 ? POLL_BACKOFF.firstMs : Math.min(POLL_BACKOFF.maxMs, delay * POLL_BACKOFF.factor);
  }
}

async function createTask(deps: OnsJourneyDeps, key: string, message: MessageRef, ctx: CallContext, windowOf: () => Promise<JourneyWindow>): Promise<TraceQueryRecord> {
  const window = await windowOf();
  const body = await deps.caller.call(
    'OnsTraceQueryByMsgId',
    {
      InstanceId: message.instanceId,
      Topic: message.topic,
      MsgId: message.msgId,
      BeginTime: String(Math.floor(window.beginMs)),
      EndTime: String(Math.floor(window.endMs)),
    },
    TraceQueryByMsgIdResponseSchema,
    ctx,
  );
  const task = { queryId: body.QueryId, createdAtMs: deps.now() };
  // Kept at once, so that a look cut short by the deadline leaves the task for the next one.
  await safePut(deps.store, key, task, deps.reuseMs ?? TRACE_TASK_REUSE_MS);
  return task;
}

// The store is a cache: when it fails, the journey still answers, at the cost of a new task.
async function safeGet(store: TraceQueryStore | undefined, key: string): Promise<TraceQueryRecord | undefined> {
  try {
    return await store?.get(key);
  } catch {
    return undefined;
  }
}

async function safePut(store: TraceQueryStore | undefined, key: string, record: TraceQueryRecord, ttlMs: number): Promise<void> {
  try {
    await store?.put(key, record, ttlMs);
  } catch {
    // Nothing to do: the next look creates a new task.
  }
}

async function safeDelete(store: TraceQueryStore | undefined, key: string): Promise<void> {
  try {
    await store?.delete(key);
  } catch {
    // A stale entry answers `removed` again and is replaced then.
  }
}

/** The send: the earliest `TraceMapDo` with a publish time. */
function toSend(data: TraceData | undefined): JourneySend | undefined {
  const maps = (data?.TraceList ?? []).filter((m) => m.PubTime !== undefined && m.PubTime > 0).sort((a, b) => (a.PubTime ?? 0) - (b.PubTime ?? 0));
  const first = maps[0];
  if (!first || first.PubTime === undefined) return undefined;
  const status = first.Status ?? 'UNKNOWN';
  const guide = sendStatusGuide(status);
  return {
    ...(first.BornHost ? { producerHost: first.BornHost } : {}),
    ...(first.PubGroupName ? { producerGroup: first.PubGroupName } : {}),
    atMs: first.PubTime,
    ...(first.CostTime !== undefined ? { durationMs: first.CostTime } : {}),
    status,
    statusText: guide.text,
    ...(guide.accepted !== undefined ? { accepted: guide.accepted } : {}),
  };
}

/** Each group's attempts, merged across `TraceMapDo` entries, in delivery order. */
function toGroups(data: TraceData | undefined): JourneyGroupTrace[] {
  const byGroup = new Map<string, JourneyAttempt[]>();
  for (const map of data?.TraceList ?? []) {
    for (const sub of map.SubList) {
      const attempts = byGroup.get(sub.SubGroupName) ?? [];
      for (const client of sub.ClientList) {
        if (client.SubTime === undefined || client.SubTime <= 0) continue;
        const status = client.Status ?? 'UNKNOWN';
        const guide = attemptStatusGuide(status);
        attempts.push({
          ...(client.ClientHost ? { clientHost: client.ClientHost } : {}),
          atMs: client.SubTime,
          ...(client.CostTime !== undefined ? { durationMs: client.CostTime } : {}),
          status,
          statusText: guide.text,
          outcome: guide.outcome,
          reconsumeTimes: client.ReconsumeTimes ?? attempts.length,
        });
      }
      byGroup.set(sub.SubGroupName, attempts);
    }
  }
  return [...byGroup.entries()].map(([consumerGroup, attempts]) => ({ consumerGroup, attempts: orderAttempts(attempts) }));
}

function toStore(message: StoredMessage) {
  return { ...(message.storedAt !== undefined ? { atMs: message.storedAt } : {}), ...(message.storeHost ? { broker: message.storeHost } : {}) };
}

