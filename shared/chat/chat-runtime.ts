import type { AccessControl } from '../access/access-control';
import { ConfigError, toAppError, type AppError } from '../errors';
import type { CredentialsProvider } from '../credentials';
import { invocationBudgetMs, type FcContext } from '../fc-context';
import type { ChatConfig } from '../config/chat-config-schema';
import { sealInternalEvent } from '../invoke/internal-event';
import type { InvokerPort, InvokeTarget } from '../invoke/invoker-port';
import type { ChatExplore } from './chat-explore';
import type { ChatLookup } from './chat-lookup';
import { DINGTALK_MAX_SKEW_MS } from './dingtalk/verify-dingtalk';
import { SLACK_MAX_SKEW_SECONDS } from './slack/verify-slack';
import type { IdempotencyStore } from '../idempotency';
import type { DeferredChatJobInput } from './deferred-job';
import type { DingTalkReplier } from './dingtalk/session-webhook';
import type { SlackResponder } from './slack/slack-responder';

/**
 * How long a platform request id is remembered. A replay outside the signature windows is refused
 * by the timestamp check, so remembering longer is pointless.
 */
export const REPLAY_MEMORY_MS = Math.max(2 * SLACK_MAX_SKEW_SECONDS * 1000, 2 * DINGTALK_MAX_SKEW_MS);

/** What the chat routes share; built once per instance by `createChatApi`. */
export interface ChatRuntime {
  config: ChatConfig;
  lookup: ChatLookup;
  /** find and journey. */
  explore: ChatExplore;
  now: () => number;
  slackResponder: SlackResponder;
  dingtalkReplier: DingTalkReplier;
  /** Platform request ids (Slack trigger_id, DingTalk msgId) and deferred jobs already acted on. */
  idempotency: IdempotencyStore;
  /** Who may ask (the MQTRACE_CONFIG document's Slack and DingTalk entries), and what. */
  access: AccessControl;
  /** Budget for an inline lookup that started at `receivedAt`: what is left of the chat budget. */
  inlineBudgetMs(receivedAt: number, context: FcContext): number;
  /** Budget for a deferred lookup: the lookup deadline, leaving time to post the reply. */
  deferredBudgetMs(context: FcContext): number;
  /**
   * Seals `job` and invokes this function asynchronously with it, with an FC task ID derived from
   * `job.idempotencyKey`; resolves to the error, if any. FC refusing that task ID as already
   * queued (409) is not an error: the delivery is already deferred and nothing is invoked twice.
   */
  handOff(job: DeferredChatJobInput, context: FcContext): Promise<AppError | undefined>;
}

export interface ChatRuntimeParts {
  config: ChatConfig;
  lookup: ChatLookup;
  explore: ChatExplore;
  now: () => number;
  slackResponder: SlackResponder;
  dingtalkReplier: DingTalkReplier;
  idempotency: IdempotencyStore;
  invoker: InvokerPort;
  credentials: CredentialsProvider;
  access: AccessControl;
  lookupDeadlineMs: number;
}

/** Assembles the {@link ChatRuntime}. */
export function createChatRuntime(parts: ChatRuntimeParts): ChatRuntime {
  const { config, now } = parts;
  return {
    config,
    lookup: parts.lookup,
    explore: parts.explore,
    now,
    slackResponder: parts.slackResponder,
    dingtalkReplier: parts.dingtalkReplier,
    idempotency: parts.idempotency,
    access: parts.access,
    inlineBudgetMs: (receivedAt, context) =>
      Math.max(0, Math.min(config.inlineBudgetMs - (now() - receivedAt), invocationBudgetMs(context, parts.lookupDeadlineMs))),
    deferredBudgetMs: (context) =>
      Math.max(0, Math.min(parts.lookupDeadlineMs, invocationBudgetMs(context, Number.MAX_SAFE_INTEGER) - config.replyTimeoutMs)),
    async handOff(job, context) {
      try {
        if (!config.internalSecret) throw new ConfigError([{ path: 'MQTRACE_INTERNAL_SECRET', message: 'is not set' }]);
        const payload = sealInternalEvent({ ...job, type: 'chat.reply', issuedAt: now() }, config.internalSecret);
        // The task ID comes from the delivery's key: when another instance already handed this delivery
        // off, FC answers 409 ('duplicate') and that job is the one that replies, so this is a success too.
        await parts.invoker.invokeAsync(payload, invokeTarget(config, context), parts.credentials(context), { idempotencyKey: job.idempotencyKey });
        return undefined;
      } catch (error) {
        return toAppError(error);
      }
    },
  };
}

/** This function, from the environment (FC sets FC_*) or else from the invocation context. */
function invokeTarget(config: ChatConfig, context: FcContext): InvokeTarget {
  const accountId = config.invoke.accountId ?? context.accountId;
  const region = config.invoke.region ?? context.region;
  const functionName = config.invoke.functionName ?? context.function?.name;
  const missing = [
    ...(accountId ? [] : [{ path: 'FC_ACCOUNT_ID', message: 'is not set and the context has no accountId' }]),
    ...(region ? [] : [{ path: 'FC_REGION', message: 'is not set and the context has no region' }]),
    ...(functionName ? [] : [{ path: 'FC_FUNCTION_NAME', message: 'is not set and the context has no function name' }]),
  ];
  if (!accountId || !region || !functionName) throw new ConfigError(missing);
  return { accountId, region, functionName };
}
