import type { AccessControl } from '../access/access-control';
import type { ChatConfig } from '../config/chat-config-schema';
import { RouteNotFoundError } from '../errors';
import type { FcContext } from '../fc-context';
import type { HttpEvent, InternalEvent } from '../http/http-boundary';
import { emptyResponse, type FcHttpResponse } from '../http/http-response';
import type { InvokerPort } from '../invoke/invoker-port';
import type { OnsGateway } from '../ons/ons-gateway';
import type { Credentials } from '../ons/ons-port';
import { createChatLookup } from './chat-lookup';
import { createChatRuntime } from './chat-runtime';
import { createDedupCache } from './dedup-cache';
import { createDeferredReply } from './deferred-reply';
import { createDingTalkRoute } from './dingtalk/dingtalk-route';
import { createDingTalkReplier } from './dingtalk/session-webhook';
import { DINGTALK_MAX_SKEW_MS } from './dingtalk/verify-dingtalk';
import type { FetchLike } from './post-json';
import { createSlackRoute } from './slack/slack-route';
import { createSlackResponder } from './slack/slack-responder';
import { isSlackSslCheck } from './slack/slash-command';
import { SLACK_MAX_SKEW_SECONDS } from './slack/verify-slack';

export interface ChatApiDeps {
  config: ChatConfig;
  gateway: OnsGateway;
  /** Hands slow lookups to an async invocation of this function; fc2 is loaded only when it is used. */
  invoker: InvokerPort;
  fetch: FetchLike;
  envCredentials: Credentials | undefined;
  /** Who may ask from which Slack channel or DingTalk conversation, and what; aliases and default instances. */
  access: AccessControl;
  lookupDeadlineMs: number;
  producerUtcOffsetMinutes: number;
  now: () => number;
}

/** The chat routes and the internal event that finishes a deferred reply. */
export interface ChatApi {
  /** `POST /chat/slack` */
  slack(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
  /** `GET /chat/slack`: Slack's certificate probe (`?ssl_check=1`). */
  slackProbe(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
  /** `POST /chat/dingtalk` */
  dingtalk(event: HttpEvent, context: FcContext): Promise<FcHttpResponse>;
  /** The internal async event. */
  finishDeferred(event: InternalEvent, context: FcContext): Promise<FcHttpResponse>;
}

const MAX_REMEMBERED = 10_000;

/**
 * Creates the chat API. A platform whose secret is not configured answers 404, as if the route did
 * not exist. Build it once per instance: the de-duplication memory lives in it.
 */
export function createChatApi(deps: ChatApiDeps): ChatApi {
  const { config, now } = deps;
  const rt = createChatRuntime({
    config,
    now,
    lookup: createChatLookup({
      gateway: deps.gateway,
      envCredentials: deps.envCredentials,
      access: deps.access,
      producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes,
      now,
    }),
    slackResponder: createSlackResponder({ fetch: deps.fetch, timeoutMs: config.replyTimeoutMs, extraOrigins: config.extraReplyOrigins }),
    dingtalkReplier: createDingTalkReplier({ fetch: deps.fetch, timeoutMs: config.replyTimeoutMs, extraOrigins: config.extraReplyOrigins, now }),
    // A replay outside the signature windows is refused by the timestamp check, so remembering longer is pointless.
    replays: createDedupCache({ ttlMs: Math.max(2 * SLACK_MAX_SKEW_SECONDS * 1000, 2 * DINGTALK_MAX_SKEW_MS), maxEntries: MAX_REMEMBERED, now }),
    jobs: createDedupCache({ ttlMs: 2 * 60 * 60 * 1000, maxEntries: MAX_REMEMBERED, now }),
    invoker: deps.invoker,
    envCredentials: deps.envCredentials,
    access: deps.access,
    lookupDeadlineMs: deps.lookupDeadlineMs,
  });
  const slack = config.slack ? createSlackRoute(rt, config.slack) : undefined;
  const dingtalk = config.dingtalk ? createDingTalkRoute(rt, config.dingtalk) : undefined;
  const deferred = createDeferredReply(rt);
  const notEnabled = (event: HttpEvent): never => {
    throw new RouteNotFoundError(event.http.path);
  };

  return {
    slack: async (event, context) => (slack ? slack(event, context) : notEnabled(event)),
    slackProbe: async (event) => {
      if (!slack || !isSlackSslCheck(event.http.query, Buffer.alloc(0))) return notEnabled(event);
      event.scope.fields.outcome = 'ssl_check';
      return emptyResponse(200);
    },
    dingtalk: async (event, context) => (dingtalk ? dingtalk(event, context) : notEnabled(event)),
    finishDeferred: deferred,
  };
}
