import { z } from 'zod';
import { InvalidInputError } from '../../errors';
import { parseInput } from '../../validation';

const EpochMsSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,15}$/).transform(Number)]);

/** The fields of an enterprise-robot callback that mqtrace uses (chat.md §1.2); others are ignored. */
export const DingTalkCallbackSchema = z.object({
  msgId: z.string().trim().min(1, 'is required').max(200),
  msgtype: z.string().max(40),
  text: z.object({ content: z.string().max(4000, 'is too long') }).optional(),
  conversationType: z.string().max(8).optional(),
  conversationId: z.string().max(200).optional(),
  senderNick: z.string().max(200).optional(),
  senderStaffId: z.string().max(200).optional(),
  senderCorpId: z.string().max(200).optional(),
  chatbotCorpId: z.string().max(200).optional(),
  robotCode: z.string().max(200).optional(),
  sessionWebhook: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
  sessionWebhookExpiredTime: EpochMsSchema,
  createAt: EpochMsSchema.optional(),
});

export type DingTalkCallback = z.output<typeof DingTalkCallbackSchema>;

/** Parses the JSON body of a verified callback; throws {@link InvalidInputError}. */
export function parseDingTalkCallback(rawBody: Buffer): DingTalkCallback {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
  } catch {
    throw new InvalidInputError([{ path: 'body', message: 'is not valid UTF-8 JSON' }]);
  }
  return parseInput(DingTalkCallbackSchema, body, 'dingtalk');
}
