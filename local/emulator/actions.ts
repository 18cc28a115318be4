import { apiError, missingActionParamError } from './api-errors';
import type { ActionDefinition } from './action-types';
import { handleOnsMessageTrace } from './ons-message-trace';
import {
  CURRENT_PAGE_PATTERN,
  EPOCH_MS_PATTERN,
  handleOnsMessagePageQueryByTopic,
  PAGE_SIZE_PATTERN,
  TASK_ID_PATTERN,
} from './ons-message-page-query';
import { GROUP_ID_PATTERN, INSTANCE_ID_PATTERN, MSG_ID_PATTERN, TOPIC_PATTERN } from './ons-patterns';
import { handleOnsConsumerAccumulate, handleOnsConsumerGetConnection, handleOnsConsumerStatus } from './ons-consumer-group';
import { handleOnsDLQMessageGetById, handleOnsMessageGetByMsgId } from './ons-message-get-by-id';
import { MESSAGE_KEY_PATTERN, handleOnsMessageGetByKey } from './ons-message-get-by-key';
import { QUERY_ID_PATTERN, handleOnsTraceGetResult, handleOnsTraceQueryByMsgId, handleOnsTraceQueryByMsgKey } from './ons-trace-query';

const BOOLEAN_PATTERN = /^(?:true|false)$/;

/**
 * The emulator's own table of documented ONS 2019-02-14 actions (name, RAM action, rate limit,
 * parameters, handler), copied from /work/shared/ref/ons-api.md §1-§3.
 *
 * This is deliberately an independent copy of the docs and is NOT imported from the app's
 * registry in shared/ons: a shared table would let a mistake in the app agree with itself here.
 * To emulate another action, add one entry below, a handler module, and whatever seed data it
 * needs in seed-schema.ts.
 */

/**
 * The RAM action OnsTraceGetResult needs. UNVERIFIED: the current English API reference names
 * `mq:GetTraceResult` (on the topic); an older Chinese page `mq:QueryInstanceBaseInfo` (on the
 * instance); an older English page no authorization at all (round2.md §5). The emulator follows the
 * most recent page, so a credential needs `mq:GetTraceResult`.
 */
export const TRACE_GET_RESULT_RAM_ACTION = 'mq:GetTraceResult';

/**
 * The RAM action of OnsTraceQueryByMsgId / OnsTraceQueryByMsgKey: `mq:QueryTrace` (an older page
 * adds `mq:QueryInstanceBaseInfo`; the emulator requires only `mq:QueryTrace`).
 */
export const TRACE_QUERY_RAM_ACTION = 'mq:QueryTrace';

/** The documented actions the emulator serves. */
export const DOCUMENTED_ACTIONS: readonly ActionDefinition[] = [
  {
    name: 'OnsMessageTrace',
    ramAction: 'mq:QueryMessageTrace',
    limit: { count: 10, windowMs: 1000 },
    // InstanceId is required per the current API reference (the 2019-02-14 SDK marks it optional).
    params: [
      { name: 'InstanceId', required: true, pattern: INSTANCE_ID_PATTERN },
      { name: 'Topic', required: true, pattern: TOPIC_PATTERN },
      { name: 'MsgId', required: true, pattern: MSG_ID_PATTERN },
    ],
    handle: handleOnsMessageTrace,
  },
  {
    name: 'OnsMessagePageQueryByTopic',
    ramAction: 'mq:QueryMessage',
    // doc-detail/29608: 10 calls per minute per account.
    limit: { count: 10, windowMs: 60_000 },
    params: [
      { name: 'InstanceId', required: true, pattern: INSTANCE_ID_PATTERN },
      { name: 'Topic', required: true, pattern: TOPIC_PATTERN },
      { name: 'BeginTime', required: true, pattern: EPOCH_MS_PATTERN },
      { name: 'EndTime', required: true, pattern: EPOCH_MS_PATTERN },
      { name: 'CurrentPage', required: true, pattern: CURRENT_PAGE_PATTERN },
      { name: 'PageSize', required: false, pattern: PAGE_SIZE_PATTERN },
      { name: 'TaskId', required: false, pattern: TASK_ID_PATTERN },
    ],
    handle: handleOnsMessagePageQueryByTopic,
  },
  {
    name: 'OnsMessageGetByMsgId',
    ramAction: 'mq:QueryMessage',
    // ja doc api-onsmessagegetbymsgid: 10 calls per second per account.
    limit: { count: 10, windowMs: 1000 },
    params: [
      { name: 'InstanceId', required: true, pattern: INSTANCE_ID_PATTERN },
      { name: 'Topic', required: true, pattern: TOPIC_PATTERN },
      { name: 'MsgId', required: true, pattern: MSG_ID_PATTERN },
    ],
    handle: handleOnsMessageGetByMsgId,
  },
  {
    name: 'OnsConsumerAccumulate',
    ramAction: 'mq:QueryConsumerAccumulate',
    // doc-detail/29597: 10 calls per second per account.
    limit: { count: 10, windowMs: 1000 },
    params: [
      { name: 'InstanceId', required: true, pattern: INSTANCE_ID_PATTERN },
      { name: 'GroupId', required: true, pattern: GROUP_ID_PATTERN },
      { name: 'Detail', required: false, pattern: BOOLEAN_PATTERN },
    ],
    handle: handleOnsConsumerAccumulate,
  },
  {
    name: 'OnsConsumerGetConnection',
    ramAction: 'mq:QueryConsumerConnection',
    // ja doc api-onsconsumergetconnection: 10 calls per second per account.
    limit: { count: 10, windowMs: 1000 },
    params: [
      { name: 'InstanceId', required: true, pattern: INSTANCE_ID_PATTERN },
      { name: 'GroupId', required: true, pattern: GROUP_ID_PATTERN },
    ],
    handle: handleOnsConsumerGetConnection,
  },
  {
    name: 'OnsConsumerStatus',
    ramAction: 'mq:QueryConsumerStatus',
    // UNVERIFIED: the documented limit is not readable (ons-api.md §3); the docs call the action slow.
    // The emulator enforces the strictest documented ONS limit, 1/s, so callers must pace it.
    limit: { count: 1, windowMs: 1000 },
    params: [
      { name: 'InstanceId', required: true, pattern: INSTANCE_ID_PATTERN },
      { name: 'GroupId', required: true, pattern: GROUP_ID_PATTERN },
      { name: 'Detail', required: false, pattern: BOOLEAN_PATTERN },
      { name: 'NeedJstack', required: false, pattern: BOOLEAN_PATTERN },
    ],
    handle: handleOnsConsumerStatus,
  },
  {
    name: 'OnsDLQMessageGetById',
    ramAction: 'mq:QueryDLQMessage',
    // ons-api.md §2 (Dead letters): 10 calls per second per account.
    limit: { count: 10, windowMs: 1000 },
    params: [
      { name: 'InstanceId', required: true, pattern: INSTANCE_ID_PATTERN },
      { name: 'GroupId', required: true, pattern: GROUP_ID_PATTERN },
      { name: 'MsgId', required: true, pattern: MSG_ID_PATTERN },
    ],
    handle: handleOnsDLQMessageGetById,
  },
  {
    name: 'OnsMessageGetByKey',
    ramAction: 'mq:QueryMessage',
    // ons-api.md §2/§3: 10 calls per second per account.
    limit: { count: 10, windowMs: 1000 },
    params: [
      { name: 'InstanceId', required: true, pattern: INSTANCE_ID_PATTERN },
      { name: 'Topic', required: true, pattern: TOPIC_PATTERN },
      { name: 'Key', required: true, pattern: MESSAGE_KEY_PATTERN },
    ],
    handle: handleOnsMessageGetByKey,
  },
  {
    name: 'OnsTraceQueryByMsgId',
    ramAction: TRACE_QUERY_RAM_ACTION,
    // ja doc api-onstracequerybymsgid: "up to 30 times per minute" per account.
    limit: { count: 30, windowMs: 60_000 },
    // InstanceId is optional in the SDK but required for every namespaced (MQ_INST_) instance.
    params: [
      { name: 'InstanceId', required: true, pattern: INSTANCE_ID_PATTERN },
      { name: 'Topic', required: true, pattern: TOPIC_PATTERN },
      { name: 'MsgId', required: true, pattern: MSG_ID_PATTERN },
      { name: 'BeginTime', required: true, pattern: EPOCH_MS_PATTERN },
      { name: 'EndTime', required: true, pattern: EPOCH_MS_PATTERN },
    ],
    handle: handleOnsTraceQueryByMsgId,
  },
  {
    name: 'OnsTraceQueryByMsgKey',
    ramAction: TRACE_QUERY_RAM_ACTION,
    // ons-api.md §2: the same 30 calls per minute per account as OnsTraceQueryByMsgId.
    limit: { count: 30, windowMs: 60_000 },
    params: [
      { name: 'InstanceId', required: true, pattern: INSTANCE_ID_PATTERN },
      { name: 'Topic', required: true, pattern: TOPIC_PATTERN },
      { name: 'MsgKey', required: true, pattern: MESSAGE_KEY_PATTERN },
      { name: 'BeginTime', required: true, pattern: EPOCH_MS_PATTERN },
      { name: 'EndTime', required: true, pattern: EPOCH_MS_PATTERN },
    ],
    handle: handleOnsTraceQueryByMsgKey,
  },
  {
    name: 'OnsTraceGetResult',
    ramAction: TRACE_GET_RESULT_RAM_ACTION,
    // round2.md §2: "The QPS limit on this operation is 10 per user".
    limit: { count: 10, windowMs: 1000 },
    params: [
      { name: 'QueryId', required: true, pattern: QUERY_ID_PATTERN },
      { name: 'InstanceId', required: false, pattern: INSTANCE_ID_PATTERN },
      { name: 'Topic', required: false, pattern: TOPIC_PATTERN },
    ],
    handle: handleOnsTraceGetResult,
  },
];

const actionsByName = new Map(DOCUMENTED_ACTIONS.map((action) => [action.name, action]));

/**
 * Looks up a documented action by its exact name.
 *
 * @param name - The `Action` parameter.
 * @returns The definition, or `undefined` for an unknown action.
 */
export function findAction(name: string): ActionDefinition | undefined {
  return actionsByName.get(name);
}

/**
 * Checks the action-specific parameters in table order.
 *
 * @param action - The action definition.
 * @param params - Decoded request parameters.
 * @throws EmulatorApiError `Missing{Name}` or `InvalidParameter`.
 */
export function validateActionParams(action: ActionDefinition, params: Readonly<Record<string, string>>): void {
  for (const rule of action.params) {
    const value = params[rule.name];
    if (value === undefined || value === '') {
      if (rule.required) {
        throw missingActionParamError(rule.name);
      }
      continue;
    }
    if (!rule.pattern.test(value)) {
      throw apiError('InvalidParameter', { name: rule.name });
    }
  }
}
