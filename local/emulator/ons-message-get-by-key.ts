import { apiError } from './api-errors';
import { requiredParam, type ActionContext, type ActionResult } from './action-types';
import { ownedTopic } from './owned-resources';
import { toOnsRestMessageDo } from './ons-rest-message';
import { bornMsOf } from './ons-trace-map';
import type { SeedMessage } from './seed-index';

/** `Key` / `MsgKey`: any text without control characters, bounded (the real limit is undocumented). */
export const MESSAGE_KEY_PATTERN = /^[^\u0000-\u001f\u007f]{1,255}$/;

/**
 * How key queries answer when several messages share a key. UNVERIFIED: the API reference only says
 * "the returned result may contain information about multiple messages". The emulator follows the
 * open-source broker: at most 64 messages (`queryMessage(topic, key, 64, …)` in mqadmin and the
 * dashboard), newest first (the index file is walked from its latest entry back).
 */
export const KEY_QUERY_RESULTS = { max: 64, order: 'newest-first' } as const;

/**
 * The messages of a topic that carry `key` as one of their keys (exact, case-sensitive, as the
 * broker compares the space-separated KEYS property), in {@link KEY_QUERY_RESULTS} order, uncapped.
 *
 * @param messages - The topic's messages by id (aliases included).
 * @param key - The key asked for.
 * @param bornMs - When each message was born.
 * @returns The matches.
 */
export function messagesWithKey(messages: ReadonlyMap<string, SeedMessage>, key: string, bornMs: (message: SeedMessage) => number): SeedMessage[] {
  const unique = new Set(messages.values());
  return [...unique]
    .filter((message) => (message.keys ?? []).includes(key))
    .map((message, index) => ({ message, index, born: bornMs(message) }))
    .sort((a, b) => b.born - a.born || a.index - b.index)
    .map(({ message }) => message);
}

/**
 * Handles `OnsMessageGetByKey`: every message of the topic with the key, as `OnsRestMessageDo`
 * (ordering and cap: {@link KEY_QUERY_RESULTS}). No match answers like an unknown MsgId does
 * elsewhere: `BIZ_NO_MESSAGE`, or an empty list with `unknownMessage: "empty"`.
 *
 * @param context - The validated request and the seed.
 * @returns `{ Data: { OnsRestMessageDo: [...] } }`.
 * @throws EmulatorApiError `INSTANCE_NOT_FOUND`, `AUTH_RESOURCE_OWNER_ERROR`, `BIZ_TOPIC_NOT_FOUND`, `BIZ_NO_MESSAGE`.
 */
export function handleOnsMessageGetByKey(context: ActionContext): ActionResult {
  const instanceId = requiredParam(context.params, 'InstanceId');
  const topic = requiredParam(context.params, 'Topic');
  const key = requiredParam(context.params, 'Key');
  const messages = ownedTopic(context);
  const startedAtMs = context.nowMs - context.elapsedMs;
  const matches = messagesWithKey(messages, key, (message) => bornMsOf(message, startedAtMs, context.nowMs)).slice(0, KEY_QUERY_RESULTS.max);
  if (matches.length === 0 && context.unknownMessage === 'error') {
    throw apiError('BIZ_NO_MESSAGE');
  }
  return {
    Data: {
      OnsRestMessageDo: matches.map((message) =>
        toOnsRestMessageDo(message, { instanceId, topic, startedAtMs: message.bornRelativeTo === 'request' ? context.nowMs : startedAtMs }),
      ),
    },
  };
}
