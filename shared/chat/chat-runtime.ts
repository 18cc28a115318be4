import type { AccessControl } from '../access/access-control';
import type { ChatConfig } from '../config/chat-config-schema';
import type { CredentialsProvider } from '../credentials';
import { ConfigError, toAppError, type AppError } from '../errors';
import { invocationBudgetMs, type FcContext } from '../fc-context';
import type { Locale } from '../i18n/locale';
import { createTimeFormatter, type TimeFormatter, type TimeZoneSetting } from '../i18n/time-zone';
import { createPresenter, type Presenter } from '../i18n/translator';
import type { IdempotencyStore } from '../idempotency';
import { sealInternalEvent } from '../invoke/internal-event';
import type { InvokerPort, InvokeTarget } from '../invoke/invoker-port';
import type { HttpClient } from '../outbound/http-client';
import type { ChatAdapter } from '../platforms/platform-port';
import { platformNamed } from '../platforms/registry';
import type { ChatExplore } from './chat-explore';
import type { ChatLookup } from './chat-lookup';
import type { CommandServices } from './command-handlers';
import type { DeferredChatJobInput } from './deferred-job';

/** What the chat routes share; built once per instance by `createChatApi`. */
export interface ChatRuntime {
  config: ChatConfig;
  lookup: ChatLookup;
  /** The use cases command handlers run. */
  services: CommandServices;
  now: () => number;
  /** Platform delivery keys and deferred jobs already acted on. */
  idempotency: IdempotencyStore;
  /** Who may ask (the MQTRACE_CONFIG document's chat entries), and what. */
  access: AccessControl;
  /** The catalogue of a locale, with times in the configured zone. */
  presenter(locale: Locale): Presenter;
  /** The adapter of a platform whose route is on, loaded on first use; undefined when it is off. */
  adapter(platform: string): Promise<ChatAdapter | undefined>;
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
  http: HttpClient;
  idempotency: IdempotencyStore;
  invoker: InvokerPort;
  credentials: CredentialsProvider;
  access: AccessControl;
  lookupDeadlineMs: number;
  timeZone: TimeZoneSetting;
}

/** Assembles the {@link ChatRuntime}. */
export function createChatRuntime(parts: ChatRuntimeParts): ChatRuntime {
  const { config, now } = parts;
  const time: TimeFormatter = createTimeFormatter(parts.timeZone);
  const presenters = new Map<Locale, Presenter>();
  const adapters = new Map<string, Promise<ChatAdapter>>();
  return {
    config,
    lookup: parts.lookup,
    services: { lookup: parts.lookup, explore: parts.explore },
    now,
    idempotency: parts.idempotency,
    access: parts.access,
    presenter(locale) {
      let p = presenters.get(locale);
      if (!p) presenters.set(locale, (p = createPresenter(locale, time)));
      return p;
    },
    async adapter(platform) {
      const enabled = config.platforms.get(platform);
      const manifest = platformNamed(platform);
      if (!enabled || !manifest) return undefined;
      let loaded = adapters.get(platform);
      if (!loaded) {
        // Per platform, on its first request: the other platforms' code is never evaluated.
        loaded = manifest.chat.load().then((create) =>
          create(enabled.settings, { http: parts.http, now, replyTimeoutMs: config.replyTimeoutMs, extraReplyOrigins: config.extraReplyOrigins }),
        );
        adapters.set(platform, loaded);
      }
      return loaded;
    },
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
