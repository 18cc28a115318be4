import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ChatAnswer } from '../../chat/chat-answer';
import type { ChatResponse } from '../../chat/chat-request';
import { isAllowedReplyUrl } from '../../chat/reply-url';
import { UnauthenticatedError } from '../../errors';
import type { ChatAdapter, ChatAdapterDeps, ChatAdapterFactory, RenderView } from '../platform-port';
import { createWeComAccessToken } from './access-token';
import { wecomManifest, type WeComSettings } from './manifest';
import { renderWeComMessage } from './render';
import { createWeComSender } from './send';
import { decryptWeCom, sealWeCom, verifyWeComSignature, WECOM_MAX_SKEW_SECONDS } from './verify';
import { readFlatXml, writeFlatXml } from './xml';

const JobSchema = z.object({ userId: z.string().min(1).max(64) });
type WeComJob = z.output<typeof JobSchema>;

// "直接回复空串" acknowledges a callback without a passive reply.
const EMPTY: ChatResponse = { status: 200, text: { contentType: 'text/plain; charset=utf-8', body: '' } };

/**
 * WeCom (企业微信): a self-built app's callback on `/chat/wecom` (round2.md §6.3). GET is the URL
 * verification: `msg_signature` over `echostr`, decrypted, its receiveId the CorpID, echoed as
 * text. POST carries `<Encrypt>` XML with the same checks. An answer ready within the 5 s WeCom
 * waits goes back as an encrypted passive text reply; a slow one is acknowledged with an empty
 * body and sent later through the message-send API (markdown) with the cached access_token.
 */
export const createWeComAdapter: ChatAdapterFactory = (settings, deps: ChatAdapterDeps): ChatAdapter => {
  const s = settings as WeComSettings;
  const token = createWeComAccessToken({ http: deps.http, origin: s.origin, corpId: s.corpId, secret: s.secret, timeoutMs: deps.replyTimeoutMs, now: deps.now });
  const sender = createWeComSender({ http: deps.http, origin: s.origin, agentId: s.agentId, token, timeoutMs: deps.replyTimeoutMs, extraOrigins: deps.extraReplyOrigins });
  const later = (job: WeComJob, answer: ChatAnswer, view: RenderView) => sender.markdown(job.userId, renderWeComMessage(answer, view, 'markdown'));

  /** The encrypted passive reply: a text message to the sender, sealed for the corp. */
  const passive = (userId: string, answer: ChatAnswer, view: RenderView): ChatResponse => {
    const timestamp = String(Math.floor(deps.now() / 1000));
    const nonce = randomBytes(8).toString('hex');
    const plain = writeFlatXml([
      ['ToUserName', userId],
      ['FromUserName', s.corpId],
      ['CreateTime', Number(timestamp)],
      ['MsgType', 'text'],
      ['Content', renderWeComMessage(answer, view, 'text')],
    ]);
    const sealed = sealWeCom({ token: s.token, encodingAesKey: s.encodingAesKey, receiveId: s.corpId, message: plain, timestamp, nonce });
    const body = writeFlatXml([
      ['Encrypt', sealed.encrypted],
      ['MsgSignature', sealed.signature],
      ['TimeStamp', Number(timestamp)],
      ['Nonce', nonce],
    ]);
    return { status: 200, text: { contentType: 'application/xml; charset=utf-8', body } };
  };

  return {
    name: 'wecom',
    probe(request, nowMs) {
      const echostr = request.query.echostr;
      if (echostr === undefined) return undefined;
      verifyWeComSignature({ token: s.token, query: request.query, encrypted: echostr, nowMs });
      const plain = decryptWeCom(s.encodingAesKey, echostr, s.corpId);
      return { response: { status: 200, text: { contentType: 'text/plain; charset=utf-8', body: plain } }, outcome: 'url_verification' };
    },
    receive(request, nowMs) {
      const outer = readFlatXml(request.rawBody.toString('utf8'));
      const encrypted = outer?.Encrypt;
      if (!encrypted) throw new UnauthenticatedError('wecom: the body is not an encrypted callback');
      verifyWeComSignature({ token: s.token, query: request.query, encrypted, nowMs });
      const message = readFlatXml(decryptWeCom(s.encodingAesKey, encrypted, s.corpId));
      if (!message?.FromUserName || !message.MsgType) return { kind: 'malformed', issues: ['xml'], respond: () => EMPTY };
      // Events (enter_agent, subscribe …) are acknowledged and otherwise ignored.
      if (message.MsgType === 'event') return { kind: 'respond', response: EMPTY, outcome: 'ignored_event' };
      const userId = message.FromUserName;
      const job: WeComJob = { userId };
      return {
        kind: 'delivery',
        delivery: {
          key: `wecom:${message.MsgId ?? `${userId}:${message.CreateTime ?? ''}`}`,
          duplicate: 'redelivery',
          rememberMs: 2 * WECOM_MAX_SKEW_SECONDS * 1000,
          logFields: { corpId: s.corpId, userId, agentId: message.AgentID, msgType: message.MsgType },
          from: { orgIds: [s.corpId], conversationId: userId },
          input: message.MsgType === 'text' && message.Content !== undefined ? { kind: 'text', text: message.Content } : { kind: 'other' },
          invocation: wecomManifest.invocation,
          reply: {
            canDefer: () => isAllowedReplyUrl('wecom', `${s.origin}/cgi-bin/message/send`, deps.extraReplyOrigins),
            answer: async (answer, ctx) => {
              ctx.fields.replyMode = 'passive';
              return { response: passive(userId, answer, ctx.view) };
            },
            // "正在查询…" as the passive reply; the answer follows through the message-send API.
            pending: async (answer, ctx) => ({ response: passive(userId, answer, ctx.view) }),
            ack: () => EMPTY,
            job: () => job,
          },
        },
      };
    },
    jobSchema: JobSchema,
    deliverLater: (job, answer, view) => later(job as WeComJob, answer, view),
  };
};
