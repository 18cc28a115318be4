import type { RateLimit } from '../seed-schema';
import { GROUP_ID_PATTERN, INSTANCE_ID_PATTERN, MSG_ID_PATTERN, TOPIC_PATTERN } from '../ons-patterns';
import type { RocketMq5ActionName } from './action-names';
import type { RocketMq5Call } from './call-context';
import { invalidParamError, missingParamError } from './errors';
import {
  handleGetConsumeTimespan,
  handleGetConsumerGroupLag,
  handleGetConsumerGroupSubscription,
  handleListConsumerConnections,
  handleListTopicSubscriptions,
} from './group-handlers';
import { handleGetMessageDetail, handleListMessages } from './message-handlers';
import { parseApiTime } from './time-format';
import { PAGE_SIZE_MAX, handleGetTrace, handleListTraces } from './trace-handlers';

/**
 * The emulator's own table of the 5.x operations it serves: method and path exactly as
 * `@alicloud/rocketmq20220801@5.0.7` builds them (`src/client.ts`, `pathname` and `method` of each
 * `*WithOptions`), RAM action, per-account limit and parameters. Like actions.ts on the 4.x side,
 * this is an independent copy of the SDK/docs, not shared with the app's adapter.
 */

/** Where a parameter travels. */
export type ParamLocation = 'path' | 'query';

/** One operation parameter: absent required ones fail `Missing{Name}`, bad values `Invalid{Name}`. */
export interface RocketMq5ParamRule {
  name: string;
  in: ParamLocation;
  required: boolean;
  valid: (value: string) => boolean;
}

/** One served operation. */
export interface RocketMq5Route {
  action: RocketMq5ActionName;
  method: 'GET';
  /** The SDK's path template, `{name}` for a path parameter. */
  path: string;
  ramAction: string;
  limit: RateLimit;
  params: readonly RocketMq5ParamRule[];
  handle: (call: RocketMq5Call) => unknown;
}

/**
 * UNVERIFIED: no QPS table exists for `rocketmq` 2022-08-01 (round2.md §4.4); every operation gets
 * 10 calls per second per account, the 4.x trace limit. Override per action with the seed's `limits`.
 */
export const ROCKETMQ5_RATE_LIMITS: Readonly<Record<RocketMq5ActionName, RateLimit>> = {
  GetTrace: { count: 10, windowMs: 1000 },
  ListTraces: { count: 10, windowMs: 1000 },
  GetMessageDetail: { count: 10, windowMs: 1000 },
  ListMessages: { count: 10, windowMs: 1000 },
  GetConsumerGroupLag: { count: 10, windowMs: 1000 },
  ListConsumerConnections: { count: 10, windowMs: 1000 },
  GetConsumerGroupSubscription: { count: 10, windowMs: 1000 },
  ListTopicSubscriptions: { count: 10, windowMs: 1000 },
  GetConsumeTimespan: { count: 10, windowMs: 1000 },
};

const TIME_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const MAX_PAGE_NUMBER = 100_000;

const matches =
  (pattern: RegExp) =>
  (value: string): boolean =>
    pattern.test(value);
const isTime = (value: string): boolean => TIME_PATTERN.test(value) && parseApiTime(value, 0) !== undefined;
const intIn =
  (min: number, max: number) =>
  (value: string): boolean =>
    /^\d{1,9}$/.test(value) && Number(value) >= min && Number(value) <= max;

const instanceId: RocketMq5ParamRule = { name: 'instanceId', in: 'path', required: true, valid: matches(INSTANCE_ID_PATTERN) };
const topicName: RocketMq5ParamRule = { name: 'topicName', in: 'path', required: true, valid: matches(TOPIC_PATTERN) };
const messageId: RocketMq5ParamRule = { name: 'messageId', in: 'path', required: true, valid: matches(MSG_ID_PATTERN) };
const consumerGroupId: RocketMq5ParamRule = { name: 'consumerGroupId', in: 'path', required: true, valid: matches(GROUP_ID_PATTERN) };
const query = (name: string, required: boolean, valid: (value: string) => boolean): RocketMq5ParamRule => ({ name, in: 'query', required, valid });
const liteTopicName = query('liteTopicName', false, matches(TOPIC_PATTERN));
const pageNumber = (required: boolean): RocketMq5ParamRule => query('pageNumber', required, intIn(1, MAX_PAGE_NUMBER));
const pageSize = (required: boolean): RocketMq5ParamRule => query('pageSize', required, intIn(1, PAGE_SIZE_MAX));

/** The served operations. */
export const ROCKETMQ5_ROUTES: readonly RocketMq5Route[] = [
  {
    action: 'GetTrace',
    method: 'GET',
    path: '/instances/{instanceId}/topics/{topicName}/traces/{messageId}',
    ramAction: 'rocketmq:GetTrace',
    limit: ROCKETMQ5_RATE_LIMITS.GetTrace,
    params: [instanceId, topicName, messageId, query('startTime', false, isTime), query('endTime', false, isTime)],
    handle: handleGetTrace,
  },
  {
    action: 'ListTraces',
    method: 'GET',
    path: '/instances/{instanceId}/topics/{topicName}/traces',
    ramAction: 'rocketmq:ListTraces',
    limit: ROCKETMQ5_RATE_LIMITS.ListTraces,
    // The SDK model marks queryType, startTime, endTime, pageNumber and pageSize "required".
    params: [
      instanceId,
      topicName,
      query('queryType', true, matches(/^(?:MESSAGE_ID|MESSAGE_KEY|TOPIC)$/)),
      query('messageId', false, matches(MSG_ID_PATTERN)),
      query('messageKey', false, matches(/^[^\u0000-\u001f]{1,128}$/)),
      liteTopicName,
      query('startTime', true, isTime),
      query('endTime', true, isTime),
      pageNumber(true),
      pageSize(true),
    ],
    handle: handleListTraces,
  },
  {
    action: 'GetMessageDetail',
    method: 'GET',
    path: '/instances/{instanceId}/topics/{topicName}/messages/{messageId}',
    ramAction: 'rocketmq:GetMessageDetail',
    limit: ROCKETMQ5_RATE_LIMITS.GetMessageDetail,
    params: [instanceId, topicName, messageId],
    handle: handleGetMessageDetail,
  },
  {
    action: 'ListMessages',
    method: 'GET',
    path: '/instances/{instanceId}/topics/{topicName}/messages',
    ramAction: 'rocketmq:ListMessages',
    limit: ROCKETMQ5_RATE_LIMITS.ListMessages,
    params: [
      instanceId,
      topicName,
      query('startTime', false, isTime),
      query('endTime', false, isTime),
      query('messageId', false, matches(MSG_ID_PATTERN)),
      query('messageKey', false, matches(/^[^\u0000-\u001f]{1,128}$/)),
      liteTopicName,
      pageNumber(false),
      pageSize(false),
      query('scrollId', false, matches(/^[A-Za-z0-9-]{1,64}$/)),
    ],
    handle: handleListMessages,
  },
  {
    action: 'GetConsumerGroupLag',
    method: 'GET',
    path: '/instances/{instanceId}/consumerGroups/{consumerGroupId}/lag',
    ramAction: 'rocketmq:GetConsumerGroupLag',
    limit: ROCKETMQ5_RATE_LIMITS.GetConsumerGroupLag,
    params: [instanceId, consumerGroupId, query('topicName', false, matches(TOPIC_PATTERN)), liteTopicName],
    handle: handleGetConsumerGroupLag,
  },
  {
    action: 'ListConsumerConnections',
    method: 'GET',
    path: '/instances/{instanceId}/consumerGroups/{consumerGroupId}/connections',
    ramAction: 'rocketmq:ListConsumerConnections',
    limit: ROCKETMQ5_RATE_LIMITS.ListConsumerConnections,
    params: [instanceId, consumerGroupId, query('topicName', false, matches(TOPIC_PATTERN)), liteTopicName],
    handle: handleListConsumerConnections,
  },
  {
    action: 'GetConsumerGroupSubscription',
    method: 'GET',
    path: '/instances/{instanceId}/consumerGroups/{consumerGroupId}/subscriptions/{topicName}',
    ramAction: 'rocketmq:GetConsumerGroupSubscription',
    limit: ROCKETMQ5_RATE_LIMITS.GetConsumerGroupSubscription,
    params: [instanceId, consumerGroupId, topicName],
    handle: handleGetConsumerGroupSubscription,
  },
  {
    action: 'ListTopicSubscriptions',
    method: 'GET',
    path: '/instances/{instanceId}/topics/{topicName}/subscriptions',
    ramAction: 'rocketmq:ListTopicSubscriptions',
    limit: ROCKETMQ5_RATE_LIMITS.ListTopicSubscriptions,
    params: [instanceId, topicName],
    handle: handleListTopicSubscriptions,
  },
  {
    action: 'GetConsumeTimespan',
    method: 'GET',
    path: '/instances/{instanceId}/consumerGroups/{consumerGroupId}/consumeTimespan/{topicName}',
    ramAction: 'rocketmq:GetConsumeTimespan',
    limit: ROCKETMQ5_RATE_LIMITS.GetConsumeTimespan,
    params: [instanceId, consumerGroupId, topicName],
    handle: handleGetConsumeTimespan,
  },
];

/** The result of matching a request line against the table. */
export type RouteMatch =
  | { kind: 'matched'; route: RocketMq5Route; pathParams: Map<string, string> }
  | { kind: 'wrong-method'; route: RocketMq5Route }
  | { kind: 'none' };

function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function matchPath(template: string, path: string): Map<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  if (want.length !== got.length) {
    return undefined;
  }
  const params = new Map<string, string>();
  for (let i = 0; i < want.length; i += 1) {
    const expected = want[i] ?? '';
    const actual = got[i] ?? '';
    const param = /^\{(\w+)\}$/.exec(expected)?.[1];
    if (param === undefined) {
      if (expected !== actual) {
        return undefined;
      }
      continue;
    }
    const decoded = decodeSegment(actual);
    if (decoded === undefined) {
      return undefined;
    }
    params.set(param, decoded);
  }
  return params;
}

/**
 * Matches a method and raw (still percent-encoded) path against {@link ROCKETMQ5_ROUTES}.
 * Path parameters are percent-decoded; an empty one still matches (and later fails `Missing{Name}`).
 *
 * @param method - The HTTP method.
 * @param path - The raw path without query.
 * @returns The route and path parameters, a route that wants another method, or none.
 */
export function matchRocketMq5Route(method: string, path: string): RouteMatch {
  let wrongMethod: RocketMq5Route | undefined;
  for (const route of ROCKETMQ5_ROUTES) {
    const params = matchPath(route.path, path);
    if (params === undefined) {
      continue;
    }
    if (route.method !== method) {
      wrongMethod ??= route;
      continue;
    }
    return { kind: 'matched', route, pathParams: params };
  }
  return wrongMethod === undefined ? { kind: 'none' } : { kind: 'wrong-method', route: wrongMethod };
}

/**
 * Validates the path and query parameters in table order and merges them.
 *
 * @param route - The matched route.
 * @param pathParams - Decoded path parameters.
 * @param queryParams - Decoded query parameters (unknown names are ignored, as the gateway does).
 * @returns Name → value of every parameter present.
 * @throws RocketMq5Error `Missing{Name}` or `Invalid{Name}`.
 */
export function validateRocketMq5Params(
  route: RocketMq5Route,
  pathParams: ReadonlyMap<string, string>,
  queryParams: ReadonlyMap<string, string>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const rule of route.params) {
    const value = (rule.in === 'path' ? pathParams : queryParams).get(rule.name);
    if (value === undefined || value === '') {
      if (rule.required) {
        throw missingParamError(rule.name);
      }
      continue;
    }
    if (!rule.valid(value)) {
      throw invalidParamError(rule.name);
    }
    out.set(rule.name, value);
  }
  return out;
}
