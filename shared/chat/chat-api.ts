import type { AccessControl } from '../access/access-control';
import type { ChatConfig } from '../config/chat-config-schema';
import type { CredentialsProvider } from '../credentials';
import { AppError, ErrorCode, RouteNotFoundError } from '../errors';
import type { FcContext } from '../fc-context';
import type { TimeZoneSetting } from '../i18n/time-zone';
import type { IdempotencyStore } from '../idempotency';
import type { InvokerPort } from '../invoke/invoker-port';
import type { LookupService } from '../trace/lookup-service';
import { createHttpClient, type FetchLike } from '../outbound/http-client';
import { platformNamed } from '../platforms/registry';
import { createChatExplore } from './chat-explore';
import { createChatLookup } from './chat-lookup';
import type { ChatInternalEvent, ChatRequest, ChatResponse } from './chat-request';
import { createChatRoute } from './chat-route';
import { createChatRuntime } from './chat-runtime';
import { createDeferredReply } from './deferred-reply';

export interface ChatApiDeps {
  config: ChatConfig;
  /** The one lookup use case. */
  lookups: LookupService;
  /** Hands slow lookups to an async invocation of this function; its SDK is loaded only when it is used. */
  invoker: InvokerPort;
  /** Every outbound call (replies, platform APIs) goes through it. */
  fetch: FetchLike;
  credentials: CredentialsProvider;
  /** Platform deliveries and deferred jobs already acted on. */
  idempotency: IdempotencyStore;
  /** Who may ask from which conversation of each platform, and what; aliases and default instances. */
  access: AccessControl;
  lookupDeadlineMs: number;
  /** Where human-facing times are shown. */
  timeZone: TimeZoneSetting;
  now: () => number;
  /** The producers' time zone (MQTRACE_PRODUCER_UTC_OFFSET_MINUTES), for the journey's trace window; default UTC+8. */
  producerUtcOffsetMinutes?: number;
}

/** The chat routes of every platform in the registry, and the internal event that finishes a deferred reply. */
export interface ChatApi {
  /** `POST /chat/<platform>` */
  post(platform: string, request: ChatRequest, context: FcContext): Promise<ChatResponse>;
  /** `GET /chat/<platform>`: probes and URL verification (Slack's ssl_check, WeCom's echostr). */
  get(platform: string, request: ChatRequest, context: FcContext): Promise<ChatResponse>;
  /** The internal async event. */
  finishDeferred(event: ChatInternalEvent, context: FcContext): Promise<ChatResponse>;
}

/**
 * Creates the chat API. A platform whose settings are not configured answers 404, as if the route
 * did not exist; a platform's adapter loads on its first request. Build it once per instance.
 */
export function createChatApi(deps: ChatApiDeps): ChatApi {
  const { config, now } = deps;
  const rt = createChatRuntime({
    config,
    now,
    lookup: createChatLookup({ lookups: deps.lookups, credentials: deps.credentials, now }),
    explore: createChatExplore({ lookups: deps.lookups, credentials: deps.credentials, now, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes ?? 480 }),
    http: createHttpClient(deps.fetch),
    idempotency: deps.idempotency,
    invoker: deps.invoker,
    credentials: deps.credentials,
    access: deps.access,
    lookupDeadlineMs: deps.lookupDeadlineMs,
    timeZone: deps.timeZone,
  });
  const routes = new Map<string, ReturnType<typeof createChatRoute>>();
  const deferred = createDeferredReply(rt);
  const notEnabled = (request: ChatRequest): never => {
    throw new RouteNotFoundError(request.path);
  };
  const route = async (platform: string, request: ChatRequest) => {
    const manifest = platformNamed(platform);
    const adapter = await rt.adapter(platform);
    if (!manifest || !adapter) return notEnabled(request);
    let handle = routes.get(platform);
    if (!handle) routes.set(platform, (handle = createChatRoute(rt, manifest, adapter)));
    return { adapter, handle };
  };

  return {
    post: async (platform, request, context) => (await route(platform, request)).handle(request, context),
    get: async (platform, request) => {
      const { adapter } = await route(platform, request);
      request.log.fields.platform = platform;
      let probed;
      try {
        probed = adapter.probe?.(request, now());
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== ErrorCode.UNAUTHENTICATED) throw error;
        request.log.fields.rejected = error.message;
        return { status: 401 };
      }
      if (!probed) return notEnabled(request);
      request.log.fields.outcome = probed.outcome;
      return probed.response;
    },
    finishDeferred: deferred,
  };
}
