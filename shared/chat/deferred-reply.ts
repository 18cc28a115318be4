import { AppError, ErrorCode } from '../errors';
import type { FcContext } from '../fc-context';
import { openInternalEvent } from '../invoke/internal-event';
import { platformNamed } from '../platforms/registry';
import { refuseChat } from './chat-access';
import type { ChatInternalEvent, ChatResponse } from './chat-request';
import type { ChatRuntime } from './chat-runtime';
import { COMMAND_HANDLERS, resumedCommand } from './command-handlers';
import { DeferredChatJobSchema, MAX_JOB_AGE_MS, type DeferredChatJob } from './deferred-job';

/** How long a deferred job's key is remembered: FC retries a failed async invocation within hours. */
export const JOB_MEMORY_MS = 2 * 60 * 60 * 1000;

/**
 * The back half of a deferred chat reply, run by the asynchronous self-invocation, for every
 * platform: checks the event's HMAC and age, runs once per idempotency key (FC delivers async events
 * at least once), runs the command again with the full budget, and has the platform's adapter post
 * the answer.
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
      command: job.command.name,
      ...(job.command.switches.includes('why') ? { why: true } : {}),
      ...(job.command.flags?.includes('--fresh') ? { fresh: true } : {}),
    });

    const manifest = platformNamed(job.platform);
    const adapter = await rt.adapter(job.platform);
    const reply = adapter?.jobSchema.safeParse(job.reply);
    const command = resumedCommand(job.command);
    if (!manifest || !adapter || !reply?.success || !command) {
      // Sealed by this function, so only a platform turned off since (or an older job shape) gets here.
      fields.rejected = 'internal event: platform off or job not understood';
      return { status: 400 };
    }
    if (!(await rt.idempotency.claim(`job:${job.idempotencyKey}`, JOB_MEMORY_MS))) {
      fields.outcome = 'duplicate';
      return { status: 200, json: { status: 'duplicate' } };
    }
    if (adapter.jobExpired?.(reply.data, rt.now())) {
      fields.outcome = 'session_expired';
      return { status: 200, json: { status: 'not_delivered' } };
    }
    const view = { presenter: rt.presenter(job.locale), invocation: job.invocation ?? manifest.invocation };

    // The configuration may have changed since the hand-off: the caller must still exist, and the
    // lookup use case checks its scope again.
    const caller = rt.access.callerFor(job.caller);
    fields.caller = job.caller.id;
    if (!caller) {
      const refusal = refuseChat(event.log, job.caller, 'unknown_caller', job.target);
      const refused = await adapter.deliverLater(reply.data, refusal, view);
      fields.replyDelivered = refused.delivered;
      return { status: 200, json: { status: refused.delivered ? 'delivered' : 'not_delivered' } };
    }

    const outcome = await COMMAND_HANDLERS[command.name](rt.services, caller, command, {
      context,
      log: event.log,
      budgetMs: rt.deferredBudgetMs(context),
      deferrable: false,
      callTimeoutMs: rt.config.deferredCallTimeoutMs,
      phase: 'deferred',
    });
    if (outcome.kind !== 'answer') throw new AppError(ErrorCode.INTERNAL, `a deferred command came to "${outcome.kind}"`);
    if (outcome.report) fields.verdict = outcome.report.verdict;
    if (outcome.error) fields.lookupError = outcome.error.code;

    const delivery = await adapter.deliverLater(reply.data, outcome.answer, { ...view, presenter: rt.presenter(caller.locale ?? job.locale) });
    fields.replyDelivered = delivery.delivered;
    if (!delivery.delivered) {
      Object.assign(fields, { replyFailure: delivery.reason, ...(delivery.status ? { replyStatus: delivery.status } : {}), ...(delivery.errcode !== undefined ? { replyErrcode: delivery.errcode } : {}) });
      // Let a redelivery try again when the failure was on the way, not a refusal.
      if (delivery.retryable) await rt.idempotency.release(`job:${job.idempotencyKey}`);
    }
    return { status: 200, json: { status: delivery.delivered ? 'delivered' : 'not_delivered' } };
  };
}
