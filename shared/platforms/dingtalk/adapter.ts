import { z } from 'zod';
import type { ChatAnswer } from '../../chat/chat-answer';
import { isAllowedReplyUrl } from '../../chat/reply-url';
import { AppError, InvalidInputError } from '../../errors';
import type { ChatAdapter, ChatAdapterDeps, ChatAdapterFactory, RenderView } from '../platform-port';
import { parseDingTalkCallback } from './callback';
import { dingtalkManifest, type DingTalkSettings } from './manifest';
import { renderDingTalkMessage } from './render-chat';
import { createDingTalkReplier } from './session-webhook';
import { DINGTALK_MAX_SKEW_MS, verifyDingTalkSignature } from './verify';

const JobSchema = z.object({
  sessionWebhook: z.url({ protocol: /^https?$/ }).max(2000),
  expiresAtMs: z.number().int().nonnegative(),
  staffId: z.string().max(200).optional(),
  corpId: z.string().max(200).optional(),
  conversationId: z.string().max(200).optional(),
});
type DingTalkJob = z.output<typeof JobSchema>;

// The answer goes to the sessionWebhook; the HTTP body only acknowledges (chat.md §1.4).
const ACK = { status: 200, json: { msgtype: 'empty' } } as const;

/**
 * DingTalk: an enterprise-robot callback in HTTP mode on `POST /chat/dingtalk`. `timestamp` and
 * `sign` are verified before parsing; the sign does not cover the body, so deliveries are
 * de-duplicated on `msgId`. Every answer goes to the callback's `sessionWebhook` (inline, or from
 * the async invocation after a short "Looking up…" note), and the callback gets a small 200.
 */
export const createDingTalkAdapter: ChatAdapterFactory = (settings, deps: ChatAdapterDeps): ChatAdapter => {
  const { appSecret } = settings as DingTalkSettings;
  const replier = createDingTalkReplier({ http: deps.http, timeoutMs: deps.replyTimeoutMs, extraOrigins: deps.extraReplyOrigins, now: deps.now });
  const send = (job: DingTalkJob, answer: ChatAnswer, view: RenderView) =>
    replier.reply({ url: job.sessionWebhook, expiresAtMs: job.expiresAtMs }, renderDingTalkMessage(answer, view, { staffId: job.staffId }));

  return {
    name: 'dingtalk',
    receive(request, nowMs) {
      verifyDingTalkSignature({ appSecret, headers: request.headers, nowMs });
      let callback;
      try {
        callback = parseDingTalkCallback(request.rawBody);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        // Without a readable sessionWebhook there is nowhere to answer; the ack stops redeliveries.
        return { kind: 'malformed', issues: error instanceof InvalidInputError ? error.issues.map((i) => i.path) : [], respond: () => ACK };
      }
      const job: DingTalkJob = {
        sessionWebhook: callback.sessionWebhook,
        expiresAtMs: callback.sessionWebhookExpiredTime,
        ...(callback.senderStaffId ? { staffId: callback.senderStaffId } : {}),
        ...(callback.senderCorpId ? { corpId: callback.senderCorpId } : {}),
        ...(callback.conversationId ? { conversationId: callback.conversationId } : {}),
      };
      const posted = async (answer: ChatAnswer, view: RenderView) => ({ response: ACK, delivery: await send(job, answer, view) });
      return {
        kind: 'delivery',
        delivery: {
          key: `dingtalk:${callback.msgId}`,
          duplicate: 'redelivery',
          rememberMs: 2 * DINGTALK_MAX_SKEW_MS,
          logFields: { corpId: callback.senderCorpId, userId: callback.senderStaffId, conversationId: callback.conversationId, conversationType: callback.conversationType },
          from: { orgIds: [callback.senderCorpId, callback.chatbotCorpId].filter((c): c is string => Boolean(c)), conversationId: callback.conversationId },
          input: callback.msgtype === 'text' && callback.text ? { kind: 'text', text: callback.text.content } : { kind: 'other' },
          invocation: dingtalkManifest.invocation,
          reply: {
            canDefer: (now) => isAllowedReplyUrl('dingtalk', job.sessionWebhook, deps.extraReplyOrigins) && job.expiresAtMs > now,
            answer: (answer, ctx) => posted(answer, ctx.view),
            pending: (answer, ctx) => posted(answer, ctx.view),
            ack: () => ACK,
            job: () => job,
          },
        },
      };
    },
    jobSchema: JobSchema,
    jobExpired: (job, nowMs) => nowMs >= (job as DingTalkJob).expiresAtMs,
    deliverLater: (job, answer, view) => send(job as DingTalkJob, answer, view),
  };
};
