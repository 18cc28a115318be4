import { randomBytes } from 'node:crypto';
import { EmulatorApiError, apiError } from './api-errors';
import { requiredParam, type ActionContext, type ActionResult } from './action-types';
import { ownedTopic } from './owned-resources';
import { storeTimestampOf, toOnsRestMessageDo } from './ons-rest-message';
import type { SeedIndex, SeedMessage } from './seed-index';

/** `PageSize` when the first call of a task omits it (API reference: default 20). */
export const DEFAULT_PAGE_SIZE = 20;
/** Query tasks remembered per emulator; the oldest is forgotten first. */
export const MAX_TASKS = 1000;

/** `CurrentPage`: 1..50. */
export const CURRENT_PAGE_PATTERN = /^(?:[1-9]|[1-4][0-9]|50)$/;
/** `PageSize`: 5..50. */
export const PAGE_SIZE_PATTERN = /^(?:[5-9]|[1-4][0-9]|50)$/;
/** `BeginTime` / `EndTime`: epoch milliseconds. */
export const EPOCH_MS_PATTERN = /^[0-9]{1,15}$/;
/** `TaskId`: 32 hex digits, as the API reference's example. */
export const TASK_ID_PATTERN = /^[0-9A-Fa-f]{32}$/;

interface QueryTask {
  accountId: string;
  instanceId: string;
  topic: string;
  pageSize: number;
  /** The window's messages when the task was created, in store order. */
  messages: SeedMessage[];
}

// Per emulator: each emulator builds its own seed index, so tasks never leak between emulators.
const tasksByIndex = new WeakMap<SeedIndex, Map<string, QueryTask>>();

function tasksOf(index: SeedIndex): Map<string, QueryTask> {
  let tasks = tasksByIndex.get(index);
  if (tasks === undefined) {
    tasks = new Map();
    tasksByIndex.set(index, tasks);
  }
  return tasks;
}

function createTask(context: ActionContext, instanceId: string, topic: string, messages: ReadonlyMap<string, SeedMessage>): [string, QueryTask] {
  const begin = Number(requiredParam(context.params, 'BeginTime'));
  const end = Number(requiredParam(context.params, 'EndTime'));
  if (begin > end) {
    throw apiError('InvalidParameter', { name: 'EndTime' });
  }
  const startedAtMs = context.nowMs - context.elapsedMs;
  // Store order is the emulator's choice: the order the real API pages in is UNVERIFIED.
  const inWindow = [...messages.values()]
    .map((message) => ({ message, storedAt: storeTimestampOf(message, startedAtMs) }))
    .filter(({ storedAt }) => storedAt >= begin && storedAt <= end)
    .sort((a, b) => a.storedAt - b.storedAt || a.message.msgId.localeCompare(b.message.msgId))
    .map(({ message }) => message);
  const pageSize = context.params.PageSize === undefined || context.params.PageSize === '' ? DEFAULT_PAGE_SIZE : Number(context.params.PageSize);
  const taskId = randomBytes(16).toString('hex').toUpperCase();
  const task: QueryTask = { accountId: context.accountId, instanceId, topic, pageSize, messages: inWindow };
  const tasks = tasksOf(context.index);
  tasks.set(taskId, task);
  while (tasks.size > MAX_TASKS) {
    tasks.delete(tasks.keys().next().value as string);
  }
  return [taskId, task];
}

/**
 * Handles `OnsMessagePageQueryByTopic`: the first call (no `TaskId`) snapshots the topic's messages
 * stored within `[BeginTime, EndTime]` into a query task and returns its first page; later calls
 * name the task and a `CurrentPage`. As documented, a task's window and page size win over the ones
 * a later call sends. Store times are `bornAgoMs` before emulator start.
 *
 * @param context - The validated request and the seed.
 * @returns `{ MsgFoundDo: { CurrentPage, MaxPageCount, TaskId, MsgFoundList: { OnsRestMessageDo: [...] } } }`.
 * @throws EmulatorApiError `INSTANCE_NOT_FOUND`, `AUTH_RESOURCE_OWNER_ERROR`, `BIZ_TOPIC_NOT_FOUND`,
 *   `MissingTaskId` (a page after the first without a task), `InvalidParameter` (unknown task, window end before start).
 */
export function handleOnsMessagePageQueryByTopic(context: ActionContext): ActionResult {
  const instanceId = requiredParam(context.params, 'InstanceId');
  const topic = requiredParam(context.params, 'Topic');
  const currentPage = Number(requiredParam(context.params, 'CurrentPage'));
  const messages = ownedTopic(context);

  const requestedTask = context.params.TaskId;
  let taskId: string;
  let task: QueryTask;
  if (requestedTask === undefined || requestedTask === '') {
    if (currentPage !== 1) {
      throw new EmulatorApiError('MissingTaskId', 400, 'TaskId is mandatory for every page after the first.');
    }
    [taskId, task] = createTask(context, instanceId, topic, messages);
  } else {
    taskId = requestedTask.toUpperCase();
    const known = tasksOf(context.index).get(taskId);
    if (known === undefined || known.accountId !== context.accountId || known.instanceId !== instanceId || known.topic !== topic) {
      throw apiError('InvalidParameter', { name: 'TaskId' });
    }
    task = known;
  }

  const startedAtMs = context.nowMs - context.elapsedMs;
  const maxPageCount = Math.ceil(task.messages.length / task.pageSize);
  const page = task.messages.slice((currentPage - 1) * task.pageSize, currentPage * task.pageSize);
  return {
    MsgFoundDo: {
      CurrentPage: currentPage,
      MaxPageCount: maxPageCount,
      TaskId: taskId,
      MsgFoundList: { OnsRestMessageDo: page.map((message) => toOnsRestMessageDo(message, { instanceId, topic, startedAtMs })) },
    },
  };
}
