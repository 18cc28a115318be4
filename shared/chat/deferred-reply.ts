import { AppError, ErrorCode } from '../errors';
import type { FcContext } from '../fc-context';
import type { ChatInternalEvent, ChatResponse } from './chat-request';
import { openInternalEvent } from '../invoke/internal-event';
import { refuseChat } from './chat-access';
import type { ChatRuntime } from './chat-runtime';
import { DeferredChatJobSchema, MAX_JOB_AGE_MS, type DeferredChatJob } from './deferred-job';
import type { ChatAnswer } from './chat-answer';
import type { ReplyOutcome } from './post-json';
import { renderDingTalkMessage } from './dingtalk/render-dingtalk';
import { renderSlackMessage } from './slack/render-slack';

/** How long a deferred job's key is remembered: FC retries a failed async invocation within hours. */
export const JOB_MEMORY_MS = 2 * 60 * 60 * 1000;

/**
 * The back half of a deferred chat reply, run by the asynchronous self-invocation: checks the
 * event's HMAC and age, runs once per idempotency key (FC delivers async events at least once),
 * looks the message up with the full budget and posts the answer to the reply URL.
 */
export function createDeferredReply(rt: ChatRuntime) {
  return async (event: ChatInternalEvent, context: FcContext): Promise<ChatResponse> => {
    const fields = event.log.fields;
    const secret = rt.config.internalSecret;
    if (!secret) {
      fields.rejected = 'internal event: MQTRACE_INTERNAL_SECRET is not set';
      return { status: 401 };
    }
    let job: DeferredChatJob;
    try {
      job = openInternalEvent(event.internal, { secret, nowMs: rt.now(), maxAgeMs: MAX_JOB_AGE_MS, schema: DeferredChatJobSchema });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      fields.rejected = error.code === ErrorCode.UNAUTHENTICATED ? error.message : 'internal event: malformed job';
      return { status: error.code === ErrorCode.UNAUTHENTICATED ? 401 : 400 };
    }
    Object.assign(fields, {
      platform: job.platform,
      originRequestId: job.originRequestId,
      ...job.target,
      mode: 'deferred',
      ...(job.why ? { why: true } : {}),
      ...(job.command ? { command: job.command } : {}),
    });

    if (!(await rt.idempotency.claim(`job:${job.idempotencyKey}`, JOB_MEMORY_MS))) {
      fields.outcome = 'duplicate';
      return { status: 200, json: { status: 'duplicate' } };
    }
    if (job.platform === 'dingtalk' && rt.now() >= job.dingtalk.expiresAtMs) {
      fields.outcome = 'session_expired';
      return { status: 200, json: { status: 'not_delivered' } };
    }

    // The configuration may have changed since the hand-off: the caller must still exist, and the
    // lookup use case checks its scope again.
    const caller = rt.access.callerFor(job.caller);
    fields.caller = job.caller.id;
    if (!caller) {
      const refusal = refuseChat(event.log, job.caller, 'unknown_caller', job.target);
      const refused = await deliver(rt, job, refusal);
      fields.replyDelivered = refused.delivered;
      return { status: 200, json: { status: refused.delivered ? 'delivered' : 'not_delivered' } };
    }

    const { instanceId, topic, msgId } = job.target;
    if (job.command === 'journey') {
      const explored = await rt.explore.run(caller, { name: 'journey', topic, msgId, instance: instanceId, flags: new Set() }, {
        context,
        log: event.log,
        budgetMs: rt.deferredBudgetMs(context),
        invocation: job.invocation ?? (job.platform === 'slack' ? '/mqtrace' : '@mqtrace'),
        deferrable: false,
        callTimeoutMs: rt.config.deferredCallTimeoutMs,
      });
      if (explored.kind !== 'answer') throw new AppError(ErrorCode.INTERNAL, `a deferred journey came to "${explored.kind}"`);
      return finish(rt, job, event.log.fields, explored.answer);
    }
    const outcome = await rt.lookup.run(caller, { instance: instanceId, topic, msgId }, {
      context,
      log: event.log,
      budgetMs: rt.deferredBudgetMs(context),
      deferrable: false,
      callTimeoutMs: rt.config.deferredCallTimeoutMs,
      why: job.why ?? false,
      fresh: job.fresh ?? false,
      phase: 'deferred',
    });
    if (outcome.kind !== 'answer') throw new AppError(ErrorCode.INTERNAL, `a deferred lookup came to "${outcome.kind}"`);
    if (outcome.report) fields.verdict = outcome.report.verdict;
    if (outcome.error) fields.lookupError = outcome.error.code;
    return finish(rt, job, fields, outcome.answer);
  };
}

/** Posts the answer and records how it went. */
async function finish(rt: ChatRuntime, job: DeferredChatJob, fields: Record<string, unknown>, answer: ChatAnswer): Promise<ChatResponse> {
  const delivery = await deliver(rt, job, answer);
  fields.replyDelivered = delivery.delivered;
  if (!delivery.delivered) {
    Object.assign(fields, { replyFailure: delivery.reason, ...(delivery.status ? { replyStatus: delivery.status } : {}), ...(delivery.errcode !== undefined ? { replyErrcode: delivery.errcode } : {}) });
    // Let a redelivery try again when the failure was on the way, not a refusal.
    if (delivery.retryable) await rt.idempotency.release(`job:${job.idempotencyKey}`);
  }
  return { status: 200, json: { status: delivery.delivered ? 'delivered' : 'not_delivered' } };
}

function deliver(rt: ChatRuntime, job: DeferredChatJob, answer: ChatAnswer): Promise<ReplyOutcome> {
  if (job.platform === 'slack') return rt.slackResponder.respond(job.slack.responseUrl, renderSlackMessage(answer, job.slack.visibility));
  return rt.dingtalkReplier.reply(
    { url: job.dingtalk.sessionWebhook, expiresAtMs: job.dingtalk.expiresAtMs },
    renderDingTalkMessage(answer, { staffId: job.dingtalk.staffId }),
  );
}
