import type { AccessControl } from '../access/access-control';
import type { ChatConfig } from '../config/chat-config-schema';
import type { CredentialsProvider } from '../credentials';
import { RouteNotFoundError } from '../errors';
import type { FcContext } from '../fc-context';
import type { IdempotencyStore } from '../idempotency';
import type { InvokerPort } from '../invoke/invoker-port';
import type { LookupService } from '../trace/lookup-service';
import { createChatExplore } from './chat-explore';
import { createChatLookup } from './chat-lookup';
import type { ChatInternalEvent, ChatRequest, ChatResponse } from './chat-request';
import { createChatRuntime } from './chat-runtime';
import { createDeferredReply } from './deferred-reply';
import { createDingTalkRoute } from './dingtalk/dingtalk-route';
import { createDingTalkReplier } from './dingtalk/session-webhook';
import type { FetchLike } from './post-json';
import { createSlackRoute } from './slack/slack-route';
import { createSlackResponder } from './slack/slack-responder';
import { isSlackSslCheck } from './slack/slash-command';

export interface ChatApiDeps {
  config: ChatConfig;
  /** The one lookup use case. */
  lookups: LookupService;
  /** Hands slow lookups to an async invocation of this function; its SDK is loaded only when it is used. */
  invoker: InvokerPort;
  fetch: FetchLike;
  credentials: CredentialsProvider;
  /** Platform deliveries and deferred jobs already acted on. */
  idempotency: IdempotencyStore;
  /** Who may ask from which Slack channel or DingTalk conversation, and what; aliases and default instances. */
  access: AccessControl;
  lookupDeadlineMs: number;
  now: () => number;
  /** The producers' time zone (MQTRACE_PRODUCER_UTC_OFFSET_MINUTES), for the journey's trace window; default UTC+8. */
  producerUtcOffsetMinutes?: number;
}

/** The chat routes and the internal event that finishes a deferred reply. */
export interface ChatApi {
  /** `POST /chat/slack` */
  slack(request: ChatRequest, context: FcContext): Promise<ChatResponse>;
  /** `GET /chat/slack`: Slack's certificate probe (`?ssl_check=1`). */
  slackProbe(request: ChatRequest, context: FcContext): Promise<ChatResponse>;
  /** `POST /chat/dingtalk` */
  dingtalk(request: ChatRequest, context: FcContext): Promise<ChatResponse>;
  /** The internal async event. */
  finishDeferred(event: ChatInternalEvent, context: FcContext): Promise<ChatResponse>;
}

/**
 * Creates the chat API. A platform whose secret is not configured answers 404, as if the route did
 * not exist. Build it once per instance.
 */
export function createChatApi(deps: ChatApiDeps): ChatApi {
  const { config, now } = deps;
  const rt = createChatRuntime({
    config,
    now,
    lookup: createChatLookup({ lookups: deps.lookups, credentials: deps.credentials, now }),
    explore: createChatExplore({ lookups: deps.lookups, credentials: deps.credentials, now, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes ?? 480 }),
    slackResponder: createSlackResponder({ fetch: deps.fetch, timeoutMs: config.replyTimeoutMs, extraOrigins: config.extraReplyOrigins }),
    dingtalkReplier: createDingTalkReplier({ fetch: deps.fetch, timeoutMs: config.replyTimeoutMs, extraOrigins: config.extraReplyOrigins, now }),
    idempotency: deps.idempotency,
    invoker: deps.invoker,
    credentials: deps.credentials,
    access: deps.access,
    lookupDeadlineMs: deps.lookupDeadlineMs,
  });
  const slack = config.slack ? createSlackRoute(rt, config.slack) : undefined;
  const dingtalk = config.dingtalk ? createDingTalkRoute(rt, config.dingtalk) : undefined;
  const deferred = createDeferredReply(rt);
  const notEnabled = (request: ChatRequest): never => {
    throw new RouteNotFoundError(request.path);
  };

  return {
    slack: async (request, context) => (slack ? slack(request, context) : notEnabled(request)),
    slackProbe: async (request) => {
      if (!slack || !isSlackSslCheck(request.query, Buffer.alloc(0))) return notEnabled(request);
      request.log.fields.outcome = 'ssl_check';
      return { status: 200 };
    },
    dingtalk: async (request, context) => (dingtalk ? dingtalk(request, context) : notEnabled(request)),
    finishDeferred: deferred,
  };
}
