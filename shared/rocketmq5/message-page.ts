import type { FoundMessage, KeyMatches, KeyQuery, MessagePage, MessagePageQuery } from '../trace/broker-port';
import { UNVERIFIED_LIST_MESSAGES_PAGE_LIMITS } from './actions';
import type { RocketMq5Params } from './rocketmq5-client';
import type { RocketMq5Body } from './schemas';
import { formatWireTime, parseWireTime } from './wire-time';

/**
 * ListMessages as the neutral page query: the window as `startTime`/`endTime`
 * (`yyyy-MM-dd HH:mm:ss`, see `wire-time.ts` for the zone), `pageNumber`/`pageSize`, and the
 * first page's `scrollId` carried as the port's `taskId`. The window is sent on every page: the
 * reference asks for `scrollId` on later pages and says nothing about dropping the window.
 */
export function listMessagesParams(query: MessagePageQuery): RocketMq5Params['ListMessages'] {
  return {
    instanceId: query.instanceId,
    topicName: query.topic,
    startTime: formatWireTime(query.beginTimeMs),
    endTime: formatWireTime(query.endTimeMs),
    pageNumber: query.currentPage,
    pageSize: query.pageSize,
    ...(query.taskId ? { scrollId: query.taskId } : {}),
  };
}

/**
 * ListMessages' `data {list, pageNumber, pageSize, scrollId, totalCount}` → {@link MessagePage}.
 * The API counts messages, not pages: `maxPageCount` is `ceil(totalCount / pageSize)`, capped at
 * the page limit. ListMessages has no reconsume count, so `reconsumeTimes` is left out.
 */
export function toMessagePage(body: RocketMq5Body<'ListMessages'>, query: MessagePageQuery): MessagePage {
  const data = body.data;
  const pageSize = data?.pageSize && data.pageSize > 0 ? data.pageSize : query.pageSize;
  const total = Math.max(0, data?.totalCount ?? 0);
  const list = data?.list ?? [];
  const counted = total > 0 ? Math.ceil(total / pageSize) : list.length > 0 ? query.currentPage : 0;
  return {
    currentPage: data?.pageNumber ?? query.currentPage,
    maxPageCount: Math.min(counted, UNVERIFIED_LIST_MESSAGES_PAGE_LIMITS.maxPage),
    taskId: data?.scrollId || query.taskId,
    requestId: body.requestId,
    messages: list.map(toFoundMessage),
  };
}

/** One listed message as a {@link FoundMessage}. */
export function toFoundMessage(m: NonNullable<NonNullable<RocketMq5Body<'ListMessages'>['data']>['list']>[number]): FoundMessage {
  const storeTimestamp = parseWireTime(m.storeTime);
  const bornTimestamp = parseWireTime(m.bornTime);
  const keys = (m.messageKeys ?? []).filter(Boolean);
  return {
    msgId: m.messageId.toUpperCase(),
    ...(storeTimestamp !== undefined ? { storeTimestamp } : {}),
    ...(bornTimestamp !== undefined ? { bornTimestamp } : {}),
    ...(m.messageTag ? { tag: m.messageTag } : {}),
    ...(keys.length > 0 ? { keys } : {}),
  };
}

/**
 * ListMessages filtered by `messageKey`: one page of up to `limit` (within the page size), with
 * the API's `totalCount` as the number of matches. No window: the broker keeps what it keeps.
 */
export function listByKeyParams(query: KeyQuery, maxPageSize: number): RocketMq5Params['ListMessages'] {
  return {
    instanceId: query.instanceId,
    topicName: query.topic,
    messageKey: query.key,
    pageNumber: 1,
    pageSize: Math.max(1, Math.min(maxPageSize, query.limit)),
  };
}

/** ListMessages' answer to {@link listByKeyParams} → {@link KeyMatches}; a list item without the key is dropped. */
export function toKeyMatches(body: RocketMq5Body<'ListMessages'>, query: KeyQuery): KeyMatches {
  const listed = (body.data?.list ?? []).map(toFoundMessage);
  // The filter is the API's to apply; an item that lists keys without this one is not a match.
  const messages = listed.filter((m) => m.keys === undefined || m.keys.includes(query.key));
  const total = Math.max(messages.length, (body.data?.totalCount ?? 0) - (listed.length - messages.length));
  return { messages, total, capped: false };
}
