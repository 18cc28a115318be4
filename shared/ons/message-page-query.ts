import { z } from 'zod';
import { NotFoundError } from '../errors';
import type { OnsCaller } from './ons-gateway';
import { lazySchema } from '../validation';
import type { FoundMessage, MessagePagePort } from '../trace/broker-port';

/** Documented bounds of `CurrentPage` and `PageSize` (ons-api.md §2). */
export const PAGE_QUERY_LIMITS = { maxPage: 50, minPageSize: 5, maxPageSize: 50 } as const;

/** One `OnsRestMessageDo`: the same fields OnsMessageGetByMsgId returns (ons-api.md §2). */
export const OnsRestMessageSchema = lazySchema(() =>
  z.object({
    MsgId: z.string(),
    Topic: z.string().optional(),
    InstanceId: z.string().optional(),
    BornTimestamp: z.number().optional(),
    BornHost: z.string().optional(),
    StoreTimestamp: z.number().optional(),
    StoreHost: z.string().optional(),
    StoreSize: z.number().optional(),
    BodyCRC: z.number().optional(),
    ReconsumeTimes: z.number().optional(),
    PropertyList: z
      .object({ MessageProperty: z.array(z.object({ Name: z.string(), Value: z.string() })).optional() })
      .optional(),
  }),
);

/** The documented OnsMessagePageQueryByTopic body: `MsgFoundDo {CurrentPage, MaxPageCount, TaskId, MsgFoundList.OnsRestMessageDo[]}`. */
export const MessagePageResponseSchema = lazySchema(() =>
  z.object({
    RequestId: z.string(),
    MsgFoundDo: z.object({
      CurrentPage: z.number().int(),
      MaxPageCount: z.number().int().min(0),
      TaskId: z.string().optional(),
      MsgFoundList: z.object({ OnsRestMessageDo: z.array(OnsRestMessageSchema).optional() }).optional(),
    }),
  }),
);

/**
 * Codes that mean "the window is empty" rather than "the topic is missing". What ONS answers for an
 * empty window is UNVERIFIED: an empty list is handled, and so is BIZ_NO_MESSAGE (its code for "no
 * message matches the query"). Change this set, and only this set, when the real behaviour is known.
 */
export const EMPTY_WINDOW_CODES: ReadonlySet<string> = new Set(['BIZ_NO_MESSAGE']);

/** The {@link MessagePagePort} over a caller. */
export function createMessagePagePort(caller: OnsCaller): MessagePagePort {
  return {
    async pageByTopic(query, ctx) {
      let body: z.output<typeof MessagePageResponseSchema>;
      try {
        body = await caller.call(
          'OnsMessagePageQueryByTopic',
          {
            InstanceId: query.instanceId,
            Topic: query.topic,
            BeginTime: String(Math.floor(query.beginTimeMs)),
            EndTime: String(Math.floor(query.endTimeMs)),
            CurrentPage: String(query.currentPage),
            PageSize: String(query.pageSize),
            TaskId: query.taskId,
          },
          MessagePageResponseSchema,
          ctx,
        );
      } catch (error) {
        if (error instanceof NotFoundError && EMPTY_WINDOW_CODES.has(error.upstream?.code ?? '')) {
          return { currentPage: query.currentPage, maxPageCount: 0, taskId: query.taskId, messages: [], requestId: error.upstream?.requestId };
        }
        throw error;
      }
      const found = body.MsgFoundDo;
      return {
        currentPage: found.CurrentPage,
        maxPageCount: found.MaxPageCount,
        taskId: found.TaskId || query.taskId,
        requestId: body.RequestId,
        messages: (found.MsgFoundList?.OnsRestMessageDo ?? []).map(toFoundMessage),
      };
    },
  };
}

/** One `OnsRestMessageDo` as a {@link FoundMessage}: tag and keys from its TAGS and KEYS properties. */
export function toFoundMessage(message: z.output<typeof OnsRestMessageSchema>): FoundMessage {
  const property = (name: string) => message.PropertyList?.MessageProperty?.find((p) => p.Name === name)?.Value;
  const tag = property('TAGS');
  // RocketMQ joins keys with a single space (MessageConst.KEY_SEPARATOR).
  const keys = (property('KEYS') ?? '').split(' ').filter(Boolean);
  return {
    msgId: message.MsgId.toUpperCase(),
    ...(message.StoreTimestamp !== undefined ? { storeTimestamp: message.StoreTimestamp } : {}),
    ...(message.BornTimestamp !== undefined ? { bornTimestamp: message.BornTimestamp } : {}),
    ...(tag ? { tag } : {}),
    ...(keys.length > 0 ? { keys } : {}),
    ...(message.ReconsumeTimes !== undefined ? { reconsumeTimes: message.ReconsumeTimes } : {}),
  };
}
