import { apiError } from './api-errors';
import { requiredParam, type ActionContext, type ActionResult } from './action-types';
import { messagesWithKey } from './ons-message-get-by-key';
import { bornMsOf, buildTraceMapDo, type TraceMapDo } from './ons-trace-map';
import { traceTaskState } from './ons-trace-tasks';
import { ownedInstance, ownedTopic } from './owned-resources';
import type { IndexedInstance, SeedMessage } from './seed-index';

/** `QueryId`: the emulator mints digits only; anything of this shape is looked up, else `InvalidParameter`. */
export const QUERY_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** Most traces one by-key task returns ("MessageKey 查询最多查询 1000 条轨迹", doc 35104, MEDIUM). */
export const MAX_TRACES_PER_KEY_TASK = 1000;

function window(context: ActionContext): { beginMs: number; endMs: number } {
  const beginMs = Number(requiredParam(context.params, 'BeginTime'));
  const endMs = Number(requiredParam(context.params, 'EndTime'));
  if (beginMs > endMs) {
    throw apiError('InvalidParameter', { name: 'EndTime' });
  }
  return { beginMs, endMs };
}

/** The first OnsMessageTrace of the message under any of its ids; a trace query does not set it. */
function firstLookupOf(message: SeedMessage, lookups: ReadonlyMap<string, number>): number | undefined {
  for (const id of [message.msgId, ...(message.alsoKnownAs ?? [])]) {
    const at = lookups.get(id.toUpperCase());
    if (at !== undefined) {
      return at;
    }
  }
  return undefined;
}

/**
 * The trace of `message` as it stands when a task created now finishes. UNVERIFIED: the window is
 * matched against the send time (PubTime); the API reference's own example has a PubTime before
 * its BeginTime, so the real service may be more lenient.
 */
function traceOf(message: SeedMessage, topic: string, instance: IndexedInstance, context: ActionContext, range: { beginMs: number; endMs: number }): TraceMapDo | undefined {
  const startedAtMs = context.nowMs - context.elapsedMs;
  const bornMs = bornMsOf(message, startedAtMs, context.nowMs);
  if (bornMs < range.beginMs || bornMs > range.endMs) {
    return undefined;
  }
  return buildTraceMapDo({
    message,
    topic,
    groups: instance.consumerGroups,
    bornMs,
    startedAtMs,
    firstLookupMs: firstLookupOf(message, context.firstLookups),
    atMs: context.nowMs + context.traceTasks.settings.resultDelayMs,
  });
}

/**
 * Handles `OnsTraceQueryByMsgId`: creates an asynchronous trace query task for one message and
 * returns its `QueryId`; OnsTraceGetResult reads it. An id the topic does not know still gets a
 * task, which finishes with an empty TraceList (a search over trace data, not the message store;
 * UNVERIFIED), as does a message without trace data (`trace.recorded: false`) or one born outside
 * `[BeginTime, EndTime]`.
 *
 * @param context - The validated request and the seed.
 * @returns `{ QueryId }`.
 * @throws EmulatorApiError `INSTANCE_NOT_FOUND`, `AUTH_RESOURCE_OWNER_ERROR`, `BIZ_TOPIC_NOT_FOUND`, `InvalidParameter` (EndTime before BeginTime).
 */
export function handleOnsTraceQueryByMsgId(context: ActionContext): ActionResult {
  const messages = ownedTopic(context);
  const instance = ownedInstance(context);
  const topic = requiredParam(context.params, 'Topic');
  const msgId = requiredParam(context.params, 'MsgId');
  const range = window(context);
  const message = messages.get(msgId.toUpperCase());
  const trace = message === undefined ? undefined : traceOf(message, topic, instance, context, range);
  const keys = message?.keys ?? [];
  const task = context.traceTasks.create({
    accountId: context.accountId,
    instanceId: instance.instanceId,
    topic,
    msgId,
    ...(keys.length === 0 ? {} : { msgKey: keys.join(' ') }),
    createdAtMs: context.nowMs,
    traceMaps: trace === undefined ? [] : [trace],
  });
  return { QueryId: task.queryId };
}

/**
 * Handles `OnsTraceQueryByMsgKey`: like {@link handleOnsTraceQueryByMsgId} for every message of the
 * topic with the key (newest first, at most {@link MAX_TRACES_PER_KEY_TASK}).
 *
 * @param context - The validated request and the seed.
 * @returns `{ QueryId }`.
 * @throws EmulatorApiError as {@link handleOnsTraceQueryByMsgId}.
 */
export function handleOnsTraceQueryByMsgKey(context: ActionContext): ActionResult {
  const messages = ownedTopic(context);
  const instance = ownedInstance(context);
  const topic = requiredParam(context.params, 'Topic');
  const msgKey = requiredParam(context.params, 'MsgKey');
  const range = window(context);
  const startedAtMs = context.nowMs - context.elapsedMs;
  const traces = messagesWithKey(messages, msgKey, (message) => bornMsOf(message, startedAtMs, context.nowMs)).flatMap((message) => {
    const trace = traceOf(message, topic, instance, context, range);
    return trace === undefined ? [] : [trace];
  });
  const task = context.traceTasks.create({
    accountId: context.accountId,
    instanceId: instance.instanceId,
    topic,
    msgKey,
    createdAtMs: context.nowMs,
    traceMaps: traces.slice(0, MAX_TRACES_PER_KEY_TASK),
  });
  return { QueryId: task.queryId };
}

/**
 * Handles `OnsTraceGetResult`: the task's `TraceData` — `working` (empty TraceList) until the
 * result delay has passed, then `finish` with the TraceMapDo list, then `removed` (empty) once
 * the retention is over. An unknown QueryId, another account's, or one whose optional InstanceId or
 * Topic does not match the task answers per `traceTasks.unknownQueryId` (default `removed`).
 *
 * @param context - The validated request and the seed.
 * @returns `{ TraceData: {...} }`.
 * @throws EmulatorApiError `INSTANCE_NOT_FOUND`/`AUTH_RESOURCE_OWNER_ERROR` for a given InstanceId,
 *   `InvalidParameter` for an unknown QueryId with `unknownQueryId: "error"`.
 */
export function handleOnsTraceGetResult(context: ActionContext): ActionResult {
  const queryId = requiredParam(context.params, 'QueryId');
  const instanceId = context.params.InstanceId;
  const topic = context.params.Topic;
  const askedInstance = instanceId === undefined || instanceId === '' ? undefined : ownedInstance(context).instanceId;
  const askedTopic = topic === undefined || topic === '' ? undefined : topic;
  const task = context.traceTasks.get(queryId);
  const known =
    task !== undefined &&
    task.accountId === context.accountId &&
    (askedInstance === undefined || askedInstance === task.instanceId) &&
    (askedTopic === undefined || askedTopic === task.topic);
  if (!known) {
    if (context.traceTasks.settings.unknownQueryId === 'error') {
      throw apiError('InvalidParameter', { name: 'QueryId' });
    }
    return {
      TraceData: {
        QueryId: queryId,
        UserId: context.accountId,
        ...(askedTopic === undefined ? {} : { Topic: askedTopic }),
        ...(askedInstance === undefined ? {} : { InstanceId: askedInstance }),
        Status: 'removed',
        TraceList: { TraceMapDo: [] },
      },
    };
  }
  const state = traceTaskState(task, context.traceTasks.settings, context.nowMs);
  return {
    TraceData: {
      QueryId: task.queryId,
      UserId: task.accountId,
      Topic: task.topic,
      ...(task.msgId === undefined ? {} : { MsgId: task.msgId }),
      ...(task.msgKey === undefined ? {} : { MsgKey: task.msgKey }),
      Status: state.status,
      CreateTime: task.createdAtMs,
      UpdateTime: state.updatedAtMs,
      InstanceId: task.instanceId,
      TraceList: { TraceMapDo: state.status === 'finish' ? task.traceMaps : [] },
    },
  };
}
