import { AppError, ErrorCode } from '../errors';
import type { FcContext } from '../fc-context';
import type { Locale } from '../i18n/locale';
import type { ChatAdapter, PlatformManifest, Replied, RenderView, ReplyContext } from '../platforms/platform-port';
import type { PlatformName } from '../platforms/registry';
import { refuseChat } from './chat-access';
import type { ChatAnswer } from './chat-answer';
import type { ChatRequest, ChatResponse } from './chat-request';
import type { ChatRuntime } from './chat-runtime';
import { COMMAND_HANDLERS } from './command-handlers';
import { buildHelp } from './command-registry';
import { parseChatCommand } from './parse-command';

/**
 * The one chat pipeline, for every platform: verify and read the request (the adapter), drop a
 * redelivery or replay, find the caller (deny by default), parse the command, run it inline within
 * the chat budget or hand it to an async invocation, and answer the way the platform wants (the
 * adapter). Records who asked what on the request's log line.
 */
export function createChatRoute(rt: ChatRuntime, manifest: PlatformManifest, adapter: ChatAdapter) {
  return async (request: ChatRequest, context: FcContext): Promise<ChatResponse> => {
    const receivedAt = rt.now();
    const log = request.log;
    const fields = log.fields;
    fields.platform = manifest.name;
    const view = (locale: Locale, invocation = manifest.invocation): RenderView => ({ presenter: rt.presenter(locale), invocation });

    let received;
    try {
      received = adapter.receive(request, receivedAt);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== ErrorCode.UNAUTHENTICATED) throw error;
      fields.rejected = error.message;
      return { status: 401 };
    }
    if (received.kind === 'respond') {
      fields.outcome = received.outcome;
      return received.response;
    }
    if (received.kind === 'malformed') {
      fields.outcome = 'malformed';
      if (received.issues.length > 0) fields.issues = received.issues;
      // The caller is unknown here, so the help names no alias or instance.
      const help = buildHelp({ invocation: manifest.invocation, platform: manifest.name, aliases: [], defaultInstanceId: undefined });
      return received.respond({ kind: 'usage', problem: { key: 'problem.unreadable', params: { platform: manifest.title } }, help }, view(manifest.defaultLocale));
    }

    const delivery = received.delivery;
    Object.assign(fields, delivery.logFields);
    if (!(await rt.idempotency.claim(delivery.key, delivery.rememberMs))) {
      if (delivery.duplicate === 'replay') {
        fields.rejected = `${manifest.name}: replayed request`;
        return { status: 401 };
      }
      fields.outcome = 'duplicate';
      return delivery.reply.ack();
    }

    // Deny by default: only the org and conversation pairs of MQTRACE_CONFIG may ask, even for help.
    const platform = manifest.name as PlatformName;
    const caller = rt.access.chatCaller(platform, delivery.from);
    const locale = caller?.locale ?? manifest.defaultLocale;
    const ctx: ReplyContext = { view: view(locale, delivery.invocation), flags: new Set(), caller, fields };
    const answer = async (a: ChatAnswer) => logged(fields, await delivery.reply.answer(a, ctx));
    if (!caller) {
      const org = delivery.from.orgIds[0] ?? '-';
      return answer(refuseChat(log, { channel: platform, id: `${org}/${delivery.from.conversationId ?? '-'}` }, 'unknown_caller'));
    }
    fields.caller = caller.id;
    if (locale !== 'en') fields.locale = locale;

    const help = buildHelp({ invocation: delivery.invocation, platform: manifest.name, aliases: rt.access.aliasesFor(caller), defaultInstanceId: rt.access.resolveInstance(caller, undefined) });
    if (delivery.input.kind === 'other') {
      fields.command = 'invalid';
      return answer({ kind: 'usage', problem: { key: 'problem.notText' }, help });
    }
    const parsed = parseChatCommand(delivery.input.kind === 'text' ? delivery.input.text : delivery.input.command);
    fields.command = parsed.name;
    if (parsed.name === 'help') return answer({ kind: 'help', help });
    if (parsed.name === 'invalid') return answer({ kind: 'usage', problem: parsed.problem, help });
    ctx.flags = parsed.flags;

    const canDefer = delivery.reply.canDefer(receivedAt);
    if (!canDefer) fields.replyUrlRejected = true;
    const outcome = await COMMAND_HANDLERS[parsed.name](rt.services, caller, parsed, {
      context,
      log,
      budgetMs: rt.inlineBudgetMs(receivedAt, context),
      deferrable: canDefer,
    });
    if (outcome.kind === 'usage') return answer({ kind: 'usage', problem: outcome.problem, help });
    Object.assign(fields, outcome.target);
    if (outcome.kind === 'answer') {
      fields.mode = 'inline';
      if (outcome.report) fields.verdict = outcome.report.verdict;
      if (outcome.error) fields.lookupError = outcome.error.code;
      return answer(outcome.answer);
    }

    const { target } = outcome;
    fields.mode = 'deferred';
    fields.deferredBecause = outcome.because;
    const failure = await rt.handOff(
      {
        platform,
        idempotencyKey: delivery.key,
        originRequestId: log.requestId,
        target,
        command: outcome.resume,
        caller: { channel: platform, id: caller.id },
        locale,
        invocation: delivery.invocation.slice(0, 64),
        reply: delivery.reply.job(ctx),
      },
      context,
    );
    if (failure) {
      fields.handOffFailed = failure.code;
      return answer(outcome.fallback);
    }
    const pending = await delivery.reply.pending({ kind: 'pending', target, because: outcome.because }, ctx);
    if (pending.delivery) fields.pendingDelivered = pending.delivery.delivered;
    return pending.response;
  };
}

/** Puts how the reply's post went on the log line, and returns the platform's response. */
function logged(fields: Record<string, unknown>, replied: Replied): ChatResponse {
  const d = replied.delivery;
  if (d) {
    fields.replyDelivered = d.delivered;
    if (!d.delivered) Object.assign(fields, { replyFailure: d.reason, ...(d.errcode !== undefined ? { replyErrcode: d.errcode } : {}) });
  }
  return replied.response;
}

