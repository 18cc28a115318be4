import { z } from 'zod';

/**
 * The parts of Feishu's event subscription mqtrace reads (round2.md §6.1, chat.md §4.2): the
 * URL-verification challenge, the v2 envelope, a received message and a card button's callback.
 * Others are ignored.
 */
export const FeishuChallengeSchema = z.object({
  type: z.literal('url_verification'),
  challenge: z.string().min(1).max(200),
  token: z.string().max(200).optional(),
});

const Id = z.string().min(1).max(200);

export const FeishuEnvelopeSchema = z.object({
  schema: z.literal('2.0'),
  header: z.object({
    event_id: Id,
    event_type: z.string().max(100),
    token: z.string().max(200),
    tenant_key: z.string().max(200).optional(),
    app_id: z.string().max(200).optional(),
    create_time: z.string().max(20).optional(),
  }),
  event: z.record(z.string(), z.unknown()),
});

/** `im.message.receive_v1`: a message to the bot (a mention in a group, or any message in 1:1). */
export const FeishuMessageEventSchema = z.object({
  sender: z.object({
    sender_id: z.object({ open_id: z.string().max(200).optional(), user_id: z.string().max(200).optional() }).optional(),
    sender_type: z.string().max(40).optional(),
    tenant_key: z.string().max(200).optional(),
  }),
  message: z.object({
    message_id: Id,
    chat_id: Id,
    chat_type: z.string().max(40).optional(),
    message_type: z.string().max(40),
    content: z.string().max(20_000),
  }),
});

/** `card.action.trigger`: a press of one of mqtrace's card buttons. */
export const FeishuCardActionSchema = z.object({
  operator: z.object({ open_id: z.string().max(200).optional(), user_id: z.string().max(200).optional(), tenant_key: z.string().max(200).optional() }),
  action: z.object({ value: z.record(z.string(), z.unknown()).optional(), tag: z.string().max(40).optional() }),
  context: z.object({ open_message_id: Id, open_chat_id: Id }),
});

export type FeishuEnvelope = z.output<typeof FeishuEnvelopeSchema>;
export type FeishuMessageEvent = z.output<typeof FeishuMessageEventSchema>;
export type FeishuCardAction = z.output<typeof FeishuCardActionSchema>;

/** The text of a `text` message's content (`{"text": "@_user_1 trace …"}`); undefined when unreadable. */
export function messageText(content: string): string | undefined {
  try {
    const parsed = JSON.parse(content) as { text?: unknown };
    return typeof parsed.text === 'string' ? parsed.text : undefined;
  } catch {
    return undefined;
  }
}

/** The key in a button's value that carries its command. */
export const FEISHU_COMMAND_KEY = 'mqtrace_command';
