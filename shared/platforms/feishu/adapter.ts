import { z } from 'zod';
import type { ChatAnswer } from '../../chat/chat-answer';
import { isAllowedReplyUrl } from '../../chat/reply-url';
import { UnauthenticatedError } from '../../errors';
import type { ChatAdapter, ChatAdapterDeps, ChatAdapterFactory, Delivery, RenderView } from '../platform-port';
import {
  FEISHU_COMMAND_KEY,
  FeishuCardActionSchema,
  FeishuChallengeSchema,
  FeishuEnvelopeSchema,
  FeishuMessageEventSchema,
  messageText,
  type FeishuEnvelope,
} from './event';
import { feishuManifest, type FeishuSettings } from './manifest';
import { renderFeishuCard } from './render-card';
import { createFeishuReplier } from './reply';
import { createTenantToken } from './tenant-token';
import { decryptFeishu, verifyFeishuSignature, verifyFeishuToken } from './verify';

/** Feishu redelivers an unacknowledged event at 15 s, 5 min, 1 h and 6 h: remember its event_id past that. */
const REMEMBER_MS = 8 * 60 * 60 * 1000;

const JobSchema = z.object({ messageId: z.string().min(1).max(200) });
type FeishuJob = z.output<typeof JobSchema>;

const ACK = { status: 200, json: {} } as const;

/** The JSON of a request body; undefined when it is not a JSON object. */
function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Feishu/Lark: the app bot's event subscription on `POST /chat/feishu` (round2.md §6.1). With an
 * Encrypt Key the body is decrypted and `X-Lark-Signature` checked on the raw bytes; the
 * Verification Token is checked on every event and on the URL-verification challenge. Messages
 * (`im.message.receive_v1`) and card buttons (`card.action.trigger`) are acknowledged within the 3 s
 * Feishu allows, de-duplicated on `event_id`, and answered in the message's thread as a card through
 * the reply API with the cached tenant_access_token.
 */
export const createFeishuAdapter: ChatAdapterFactory = (settings, deps: ChatAdapterDeps): ChatAdapter => {
  const s = settings as FeishuSettings;
  const token = createTenantToken({ http: deps.http, baseUrl: s.baseUrl, appId: s.appId, appSecret: s.appSecret, timeoutMs: deps.replyTimeoutMs, now: deps.now });
  const replier = createFeishuReplier({ http: deps.http, baseUrl: s.baseUrl, token, timeoutMs: deps.replyTimeoutMs, extraOrigins: deps.extraReplyOrigins });
  const send = (messageId: string, answer: ChatAnswer, view: RenderView) => replier.reply(messageId, renderFeishuCard(answer, view));
  const canReach = () => isAllowedReplyUrl('feishu', `${s.baseUrl}/open-apis/im/v1/messages`, deps.extraReplyOrigins);

  const delivery = (envelope: FeishuEnvelope, parts: { messageId: string; tenantKey: string | undefined; chatId: string; userId: string | undefined; input: Delivery['input']; button: boolean }): Delivery => ({
    key: `feishu:${envelope.header.event_id}`,
    duplicate: 'redelivery',
    rememberMs: REMEMBER_MS,
    logFields: { tenantKey: parts.tenantKey, userId: parts.userId, chatId: parts.chatId, messageId: parts.messageId, ...(parts.button ? { via: 'button' } : {}) },
    from: { orgIds: parts.tenantKey ? [parts.tenantKey] : [], conversationId: parts.chatId },
    input: parts.input,
    invocation: feishuManifest.invocation,
    reply: {
      canDefer: canReach,
      answer: async (answer, ctx) => ({ response: ACK, delivery: await send(parts.messageId, answer, ctx.view) }),
      // A button press gets its toast in the callback's answer; a message gets a short card first.
      pending: async (answer, ctx) =>
        parts.button
          ? { response: { status: 200, json: { toast: { type: 'info', content: ctx.view.presenter.t('action.pressed') } } } }
          : { response: ACK, delivery: await send(parts.messageId, answer, ctx.view) },
      ack: () => ACK,
      job: () => ({ messageId: parts.messageId }),
    },
  });

  return {
    name: 'feishu',
    receive(request, nowMs) {
      const outer = jsonObject(request.rawBody.toString('utf8'));
      if (!outer) throw new UnauthenticatedError('feishu: the body is not a JSON object');
      let body = outer;
      if (typeof outer.encrypt === 'string') {
        if (!s.encryptKey) throw new UnauthenticatedError('feishu: an encrypted event, but FEISHU_ENCRYPT_KEY is not set');
        const inner = jsonObject(decryptFeishu(s.encryptKey, outer.encrypt));
        if (!inner) throw new UnauthenticatedError('feishu decrypt: not a JSON object');
        body = inner;
      } else if (s.encryptKey) {
        throw new UnauthenticatedError('feishu: FEISHU_ENCRYPT_KEY is set, but the event is not encrypted');
      }

      const challenge = FeishuChallengeSchema.safeParse(body);
      if (challenge.success) {
        // The challenge carries no signature headers; the token (and, when set, the decryption) authenticates it.
        verifyFeishuToken(s.verificationToken, challenge.data.token);
        return { kind: 'respond', response: { status: 200, json: { challenge: challenge.data.challenge } }, outcome: 'url_verification' };
      }
      if (s.encryptKey) verifyFeishuSignature({ encryptKey: s.encryptKey, headers: request.headers, rawBody: request.rawBody, nowMs });
      const envelope = FeishuEnvelopeSchema.safeParse(body);
      verifyFeishuToken(s.verificationToken, envelope.success ? envelope.data.header.token : (body.token ?? (body.header as { token?: unknown } | undefined)?.token));
      if (!envelope.success) return { kind: 'malformed', issues: envelope.error.issues.map((i) => i.path.join('.')), respond: () => ACK };

      const { header, event } = envelope.data;
      if (header.event_type === 'im.message.receive_v1') {
        const parsed = FeishuMessageEventSchema.safeParse(event);
        if (!parsed.success) return { kind: 'malformed', issues: parsed.error.issues.map((i) => i.path.join('.')), respond: () => ACK };
        const { sender, message } = parsed.data;
        // The bot's own messages (and other apps') are not commands.
        if (sender.sender_type !== undefined && sender.sender_type !== 'user') return { kind: 'respond', response: ACK, outcome: 'ignored_sender' };
        const text = message.message_type === 'text' ? messageText(message.content) : undefined;
        return {
          kind: 'delivery',
          delivery: delivery(envelope.data, {
            messageId: message.message_id,
            tenantKey: sender.tenant_key ?? header.tenant_key,
            chatId: message.chat_id,
            userId: sender.sender_id?.open_id,
            input: text === undefined ? { kind: 'other' } : { kind: 'text', text },
            button: false,
          }),
        };
      }
      if (header.event_type === 'card.action.trigger') {
        const parsed = FeishuCardActionSchema.safeParse(event);
        if (!parsed.success) return { kind: 'malformed', issues: parsed.error.issues.map((i) => i.path.join('.')), respond: () => ACK };
        const { operator, action, context } = parsed.data;
        const command = action.value?.[FEISHU_COMMAND_KEY];
        return {
          kind: 'delivery',
          delivery: delivery(envelope.data, {
            messageId: context.open_message_id,
            tenantKey: operator.tenant_key ?? header.tenant_key,
            chatId: context.open_chat_id,
            userId: operator.open_id,
            input: typeof command === 'string' ? { kind: 'action', command } : { kind: 'other' },
            button: true,
          }),
        };
      }
      return { kind: 'respond', response: ACK, outcome: 'ignored_event' };
    },
    jobSchema: JobSchema,
    deliverLater: (job, answer, view) => send((job as FeishuJob).messageId, answer, view),
  };
};
