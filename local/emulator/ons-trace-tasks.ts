import type { TraceMapDo } from './ons-trace-map';
import type { TraceTasks } from './seed-schema';

/**
 * How long a new trace task answers `working`. UNVERIFIED: the API reference only says a task is
 * "time-consuming" and may return an empty result right after its creation (round2.md §5, §9.7).
 */
export const DEFAULT_TRACE_RESULT_DELAY_MS = 1500;
/**
 * When, after its creation, a task answers `removed`. UNVERIFIED: the docs only say old query
 * tasks are deleted periodically (round2.md §5 "Task retention").
 */
export const DEFAULT_TRACE_TASK_RETENTION_MS = 600_000;
/**
 * The answer to an unknown QueryId (never created, forgotten, or another account's). UNVERIFIED:
 * no error code is documented for it; a task the service deleted is documented as `removed`, and a
 * caller cannot tell an unknown task from a deleted one, so the emulator answers `removed`.
 */
export const UNKNOWN_QUERY_ID_ANSWER: 'removed' | 'error' = 'removed';
/** Tasks remembered per emulator; the oldest is forgotten first (and then answers as unknown). */
export const MAX_TRACE_TASKS = 1000;

/** The documented task states (`TraceData.Status`). */
export type TraceTaskStatus = 'working' | 'finish' | 'removed';

/** Resolved task timing. */
export interface TraceTaskSettings {
  resultDelayMs: number;
  retentionMs: number;
  unknownQueryId: 'removed' | 'error';
}

/** One trace query task. */
export interface TraceTask {
  queryId: string;
  accountId: string;
  instanceId: string;
  topic: string;
  /** Set for OnsTraceQueryByMsgId, as asked. */
  msgId?: string;
  /** The key asked for (OnsTraceQueryByMsgKey), or the found message's keys (OnsTraceQueryByMsgId). */
  msgKey?: string;
  createdAtMs: number;
  /** What the task finds, as of the moment it finishes. */
  traceMaps: TraceMapDo[];
}

/** The trace tasks of one emulator. */
export interface TraceTaskStore {
  readonly settings: TraceTaskSettings;
  /** Stores a task under a new QueryId. */
  create(task: Omit<TraceTask, 'queryId'>): TraceTask;
  get(queryId: string): TraceTask | undefined;
}

/**
 * Fills in the defaults of a task timing that passed `TraceTasksSchema`.
 *
 * @param timing - The seed's `traceTasks` merged with `EmulatorOptions.traceTasks`.
 * @returns The settings.
 */
export function resolveTraceTaskSettings(timing: TraceTasks = {}): TraceTaskSettings {
  const resultDelayMs = timing.resultDelayMs ?? DEFAULT_TRACE_RESULT_DELAY_MS;
  return {
    resultDelayMs,
    // A short delay without a retention keeps the default; a long one still lets the task finish.
    retentionMs: timing.retentionMs ?? Math.max(DEFAULT_TRACE_TASK_RETENTION_MS, resultDelayMs + 1),
    unknownQueryId: timing.unknownQueryId ?? UNKNOWN_QUERY_ID_ANSWER,
  };
}

/**
 * The state of a task at `nowMs`, and when it last changed (`TraceData.UpdateTime`).
 *
 * @param task - The task.
 * @param settings - The timing.
 * @param nowMs - The emulator clock.
 * @returns Status and update time.
 */
export function traceTaskState(task: Pick<TraceTask, 'createdAtMs'>, settings: TraceTaskSettings, nowMs: number): { status: TraceTaskStatus; updatedAtMs: number } {
  const removedAt = task.createdAtMs + settings.retentionMs;
  const finishedAt = task.createdAtMs + settings.resultDelayMs;
  if (nowMs >= removedAt) {
    return { status: 'removed', updatedAtMs: removedAt };
  }
  if (nowMs >= finishedAt) {
    return { status: 'finish', updatedAtMs: finishedAt };
  }
  return { status: 'working', updatedAtMs: task.createdAtMs };
}

/**
 * Creates an empty task store. QueryIds are the account id followed by the creation time in ms,
 * as the API reference's example (`272967562652883649157096685****`: UserId `27296756265288****`
 * + CreateTime `1570966857000`) suggests (UNVERIFIED); a second task in the same millisecond takes
 * the next one.
 *
 * @param settings - The timing.
 * @returns The store.
 */
export function createTraceTaskStore(settings: TraceTaskSettings): TraceTaskStore {
  const tasks = new Map<string, TraceTask>();
  return {
    settings,
    create(input) {
      let stamp = input.createdAtMs;
      while (tasks.has(`${input.accountId}${String(stamp).padStart(13, '0')}`)) {
        stamp += 1;
      }
      const task: TraceTask = { ...input, queryId: `${input.accountId}${String(stamp).padStart(13, '0')}` };
      tasks.set(task.queryId, task);
      while (tasks.size > MAX_TRACE_TASKS) {
        tasks.delete(tasks.keys().next().value as string);
      }
      return task;
    },
    get: (queryId) => tasks.get(queryId),
  };
}
