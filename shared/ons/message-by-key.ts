import { z } from 'zod';
import { NotFoundError } from '../errors';
import type { CallContext, KeyMatches, KeyQuery } from '../trace/broker-port';
import { OnsRestMessageSchema, toFoundMessage } from './message-page-query';
import type { OnsCaller } from './ons-gateway';

/** The documented OnsMessageGetByKey body: `Data.OnsRestMessageDo[]` (ons-api.md §2). */
export const MessageGetByKeyResponseSchema = z.object({
  RequestId: z.string(),
  Data: z.object({ OnsRestMessageDo: z.array(OnsRestMessageSchema).optional() }).optional(),
});

/**
 * Codes that mean "no message has this key" rather than "the topic is missing". UNVERIFIED, like
 * the page query's (`EMPTY_WINDOW_CODES`): BIZ_NO_MESSAGE is ONS's code for "no message matches
 * the query". Change this set, and only this set, when the real behaviour is known.
 */
export const NO_KEY_MATCH_CODES: ReadonlySet<string> = new Set(['BIZ_NO_MESSAGE']);

/**
 * UNVERIFIED: how many messages OnsMessageGetByKey returns at most. The API has no page or count
 * parameter and the reference states no cap; Apache RocketMQ's key query returns at most 64 by
 * default (`queryMessage` maxNum). A list this long is reported as possibly capped.
 */
export const UNVERIFIED_KEY_LIST_CAP = 64;

/** OnsMessageGetByKey: every stored message of the topic with the key, in one call. */
export async function findOnsMessagesByKey(caller: OnsCaller, query: KeyQuery, ctx: CallContext): Promise<KeyMatches> {
  let body: z.output<typeof MessageGetByKeyResponseSchema>;
  try {
    body = await caller.call('OnsMessageGetByKey', { InstanceId: query.instanceId, Topic: query.topic, Key: query.key }, MessageGetByKeyResponseSchema, ctx);
  } catch (error) {
    if (error instanceof NotFoundError && NO_KEY_MATCH_CODES.has(error.upstream?.code ?? '')) return { messages: [], total: 0, capped: false };
    throw error;
  }
  const seen = new Map<string, ReturnType<typeof toFoundMessage>>();
  for (const raw of body.Data?.OnsRestMessageDo ?? []) {
    const message = toFoundMessage(raw);
    if (!seen.has(message.msgId)) seen.set(message.msgId, message);
  }
  const messages = [...seen.values()];
  return { messages, total: messages.length, capped: messages.length >= UNVERIFIED_KEY_LIST_CAP };
}
