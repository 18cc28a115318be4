import { AppError, ErrorCode, InvalidInputError } from '../../errors';
import type { FcContext } from '../../fc-context';
import type { ChatRequest, ChatResponse } from '../chat-request';
import { refuseChat } from '../chat-access';
import type { ChatAnswer } from '../chat-answer';
import type { ChatRuntime } from '../chat-runtime';
import { buildHelp } from '../command-registry';
import { parseChatCommand } from '../parse-command';
import { isAllowedReplyUrl } from '../reply-url';
import { parseDingTalkCallback, type DingTalkCallback } from './callback';
import { renderDingTalkMessage } from './render-dingtalk';
import { REPLAY_MEMORY_MS } from '../chat-runtime';
import { verifyDingTalkSignature } from './verify-dingtalk';

export interface DingTalkSettings {
  appSecret: string;
}

// The answer goes to the sessionWebhook; the HTTP body only acknowledges (chat.md §1.4).
const ACK = (): ChatResponse => ({ status: 200, json: { msgtype: 'empty' } });

/**
 * `POST /chat/dingtalk`: an enterprise-robot callback in HTTP mode. Verifies `timestamp` and `sign`
 * before parsing, de-duplicates on `msgId` (the sign does not cover the body), posts the answer to
 * the callback's `sessionWebhook` (inline, or from an async invocation when the lookup is slow), and
 * answers the callback with a small 200.
 */
export function createDingTalkRoute(rt: ChatRuntime, dingtalk: DingTalkSettings) {
  return async (request: ChatRequest, context: FcContext): Promise<ChatResponse> => {
    const receivedAt = rt.now();
    const http = request;
    const scope = request.log;
    const fields = scope.fields;
    fields.platform = 'dingtalk';
    try {
      verifyDingTalkSignature({ appSecret: dingtalk.appSecret, headers: http.headers, nowMs: receivedAt });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== ErrorCode.UNAUTHENTICATED) throw error;
      fields.rejected = error.message;
      return { status: 401 };
    }

    let callback: DingTalkCallback;
    try {
      callback = parseDingTalkCallback(http.rawBody);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // Without a readable sessionWebhook there is nowhere to answer; the ack stops redeliveries.
      fields.outcome = 'malformed';
      fields.issues = error instanceof InvalidInputError ? error.issues.map((i) => i.path) : [];
      return ACK();
    }
    Object.assign(fields, {
      corpId: callback.senderCorpId,
      userId: callback.senderStaffId,
      conversationId: callback.conversationId,
      conversationType: callback.conversationType,
    });
    if (!(await rt.idempotency.claim(`dingtalk:${callback.msgId}`, REPLAY_MEMORY_MS))) {
      fields.outcome = 'duplicate';
      return ACK();
    }

    const session = { url: callback.sessionWebhook, expiresAtMs: callback.sessionWebhookExpiredTime };
    const send = async (answer: ChatAnswer) => {
      const outcome = await rt.dingtalkReplier.reply(session, renderDingTalkMessage(answer, { staffId: callback.senderStaffId }));
      fields.replyDelivered = outcome.delivered;
      if (!outcome.delivered) Object.assign(fields, { replyFailure: outcome.reason, ...(outcome.errcode !== undefined ? { replyErrcode: outcome.errcode } : {}) });
      return ACK();
    };
    // Deny by default: only the corp and conversation pairs of MQTRACE_CONFIG may ask, even for help.
    const corpIds = [callback.senderCorpId, callback.chatbotCorpId].filter((c): c is string => Boolean(c));
    const caller = rt.access.dingtalkCaller({ corpIds, conversationId: callback.conversationId });
    if (!caller) return send(refuseChat(scope, { channel: 'dingtalk', id: `${corpIds[0] ?? '-'}/${callback.conversationId ?? '-'}` }, 'unknown_caller'));
    fields.caller = caller.id;

    const help = buildHelp({ invocation: '@mqtrace', platform: 'dingtalk', aliases: rt.access.aliasesFor(caller), defaultInstanceId: rt.access.resolveInstance(caller, undefined) });
    if (callback.msgtype !== 'text' || !callback.text) {
      fields.command = 'invalid';
      return send({ kind: 'usage', problem: 'mqtrace reads text messages only.', help });
    }
    const parsed = parseChatCommand(callback.text.content);
    fields.command = parsed.name;
    if (parsed.name === 'help') return send({ kind: 'help', help });
    if (parsed.name === 'invalid') return send({ kind: 'usage', problem: parsed.problem, help });
    const canDefer = isAllowedReplyUrl('dingtalk', session.url, rt.config.extraReplyOrigins) && session.expiresAtMs > receivedAt;
    const dingtalkReply = {
      sessionWebhook: session.url,
      expiresAtMs: session.expiresAtMs,
      ...(callback.senderStaffId ? { staffId: callback.senderStaffId } : {}),
      ...(callback.senderCorpId ? { corpId: callback.senderCorpId } : {}),
      ...(callback.conversationId ? { conversationId: callback.conversationId } : {}),
    };
    if (parsed.name === 'find' || parsed.name === 'journey') {
      // find answers inline, cut to the budget; a journey whose 4.x trace task is still working is finished by a deferred run.
      const explored = await rt.explore.run(caller, parsed, {
        context,
        log: scope,
        budgetMs: rt.inlineBudgetMs(receivedAt, context),
        invocation: '@mqtrace',
        deferrable: canDefer && parsed.name === 'journey',
      });
      if (explored.kind === 'usage') return send({ kind: 'usage', problem: explored.problem, help });
      fields.mode = 'inline';
      if (explored.kind === 'answer') return send(explored.answer);
      Object.assign(fields, explored.target, { mode: 'deferred', deferredBecause: explored.because });
      const failure = await rt.handOff(
        {
          platform: 'dingtalk',
          idempotencyKey: `dingtalk:${callback.msgId}`,
          originRequestId: scope.requestId,
          target: explored.target,
          caller: { channel: 'dingtalk', id: caller.id },
          command: 'journey',
          invocation: '@mqtrace',
          dingtalk: dingtalkReply,
        },
        context,
      );
      if (failure) {
        fields.handOffFailed = failure.code;
        return send(explored.fallback);
      }
      return ACK();
    }
    const outcome = await rt.lookup.run(caller, parsed, { context, log: scope, budgetMs: rt.inlineBudgetMs(receivedAt, context), deferrable: canDefer, why: parsed.why, fresh: parsed.fresh });
    if (outcome.kind === 'usage') return send({ kind: 'usage', problem: outcome.problem, help });
    const { target } = outcome;
    Object.assign(fields, target);
    if (outcome.kind === 'answer') {
      fields.mode = 'inline';
      if (outcome.report) fields.verdict = outcome.report.verdict;
      if (outcome.error) fields.lookupError = outcome.error.code;
      return send(outcome.answer);
    }

    fields.mode = 'deferred';
    fields.deferredBecause = outcome.because;
    const failure = await rt.handOff(
      {
        platform: 'dingtalk',
        idempotencyKey: `dingtalk:${callback.msgId}`,
        originRequestId: scope.requestId,
        target,
        caller: { channel: 'dingtalk', id: caller.id },
        why: parsed.why,
        fresh: parsed.fresh,
        dingtalk: dingtalkReply,
      },
      context,
    );
    if (failure) {
      fields.handOffFailed = failure.code;
      return send(outcome.fallback);
    }
    return ACK();
  };
}
