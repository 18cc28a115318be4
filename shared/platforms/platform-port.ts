import type { z } from 'zod';
import type { Caller } from '../access/access-control';
import type { AlertDestination } from '../alerts/alert-content';
import type { ChatAnswer } from '../chat/chat-answer';
import type { ChatRequest, ChatResponse } from '../chat/chat-request';
import type { ReplyOutcome } from '../chat/reply-outcome';
import type { Locale } from '../i18n/locale';
import type { Presenter } from '../i18n/translator';
import type { FastField } from '../validation';
import type { HttpClient, HttpPost } from '../outbound/http-client';

/**
 * The seam every chat platform plugs into. A platform is one folder, `shared/platforms/<name>/`:
 * a light `manifest.ts` (read at cold start: its env vars, its caller entries, its reply hosts, its
 * default locale) and code that loads only when its route is hit or its alert is sent.
 */
export interface PlatformManifest {
  /** The route is `/chat/<name>`; also the channel in the audit log. */
  readonly name: string;
  /** How people call the platform, for texts: `Slack`, `Feishu/Lark`. */
  readonly title: string;
  /** The reply language when the caller's entry names none. */
  readonly defaultLocale: Locale;
  /** How users address the bot there, e.g. `/mqtrace` or `@mqtrace`: help texts and paste-ready commands. */
  readonly invocation: string;
  readonly chat: PlatformChatPart;
  readonly callers: PlatformCallerPart;
  readonly alerts?: PlatformAlertPart;
}

/** The chat route of a platform. */
export interface PlatformChatPart {
  /** Its environment variables (documented in docs/configuration.md). */
  readonly env: z.ZodObject;
  /** Its settings from the parsed environment; undefined when it is not configured (its route answers 404). */
  settings(env: Record<string, unknown>): unknown;
  /** Env vars that must be set together with the ones that enable it, as [variable, problem] pairs. */
  problems?(env: Record<string, unknown>): Array<{ path: string; message: string }>;
  /** The secret values in its settings, for the logger's redaction list. */
  secrets(settings: unknown): string[];
  /** The only hosts (https, default port) its replies may go to, besides MQTRACE_CHAT_EXTRA_REPLY_ORIGINS. */
  readonly replyHosts: readonly string[];
  /** Loads its adapter; called once, on the first request of its route or its first deferred job. */
  load(): Promise<ChatAdapterFactory>;
}

/** Its entries in MQTRACE_CONFIG: `<name>.<list>[]`, each an org, a conversation (or `*`) and a scope. */
export interface PlatformCallerPart {
  /** The list's key under the platform's section, e.g. `channels` for `slack.channels`. */
  readonly list: string;
  /**
   * The entry's own fields (scope, defaultInstance and locale are added to every platform's entries),
   * each a `lazySchema`: the manifest is read at cold start, the schemas are built on first use.
   */
  readonly fields: z.ZodRawShape;
  /**
   * The fast path of `fields` (`FastPath` in `shared/validation.ts`): one check per field, the same
   * keys, each giving what its schema outputs for the entry, `OMIT` when absent, `REJECT` where zod
   * would report an issue. A property test holds them to `fields`; without a check for every field
   * a document with this platform's section is left to zod.
   */
  readonly fastFields: Readonly<Record<string, (entry: Record<string, unknown>) => FastField<unknown>>>;
  /** Which of those fields is the org (team, corp, tenant) and which the conversation. */
  readonly org: string;
  readonly conversation: string;
  /** Texts for access.md and the JSON schema. */
  readonly describe: string;
}

/** Its alert sender. */
export interface PlatformAlertPart {
  readonly env: z.ZodObject;
  settings(env: Record<string, unknown>): unknown;
  problems?(env: Record<string, unknown>): Array<{ path: string; message: string }>;
  secrets(settings: unknown): string[];
  load(): Promise<AlertDestinationFactory>;
}

export interface AlertDeps {
  post: HttpPost;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  callTimeoutMs?: number;
  /** The locale and zone alerts are written in. */
  presenter: Presenter;
}

export type AlertDestinationFactory = (settings: unknown, deps: AlertDeps) => AlertDestination;

/** What an adapter is built with. */
export interface ChatAdapterDeps {
  http: HttpClient;
  now: () => number;
  replyTimeoutMs: number;
  /** Origins allowed besides each platform's documented hosts (local fakes). */
  extraReplyOrigins: readonly string[];
}

export type ChatAdapterFactory = (settings: unknown, deps: ChatAdapterDeps) => ChatAdapter;

/** What the renderers of a reply need besides the answer. */
export interface RenderView {
  presenter: Presenter;
  /** How users address the bot here, for paste-ready commands. */
  invocation: string;
}

/** The caller-dependent parts of a reply: its wording, the options given and who asked. */
export interface ReplyContext {
  view: RenderView;
  flags: ReadonlySet<string>;
  caller: Caller | undefined;
  /** The request's log line, for what the reply did (visibility, delivery). */
  fields: Record<string, unknown>;
}

/** An answer sent: the HTTP response for the platform, and how a post went when there was one. */
export interface Replied {
  response: ChatResponse;
  delivery?: ReplyOutcome;
}

/**
 * One platform's adapter: verify, parse, name the caller, render, reply (inline or deferred), ack,
 * and describe its deferred job. The route pipeline (`shared/chat/chat-route.ts`) runs any adapter.
 */
export interface ChatAdapter {
  readonly name: string;
  /**
   * A GET on the route (Slack's certificate probe, WeCom's URL verification). Undefined: 404.
   * Throws UnauthenticatedError when a signed probe does not verify.
   */
  probe?(request: ChatRequest, nowMs: number): { response: ChatResponse; outcome: string } | undefined;
  /** Verifies (on the raw bytes) and reads a POST. Throws UnauthenticatedError when it does not verify. */
  receive(request: ChatRequest, nowMs: number): Received;
  /** The platform's part of a deferred job, checked when the sealed job is opened. */
  readonly jobSchema: z.ZodType<Record<string, unknown>>;
  /** Whether a deferred job can no longer be delivered (a DingTalk session that expired). */
  jobExpired?(job: Record<string, unknown>, nowMs: number): boolean;
  /** Posts a deferred answer. Never throws for a failed post: the outcome says. */
  deliverLater(job: Record<string, unknown>, answer: ChatAnswer, view: RenderView): Promise<ReplyOutcome>;
}

export type Received =
  /** Answered before any command: a probe, a URL-verification challenge, an event mqtrace ignores. */
  | { kind: 'respond'; response: ChatResponse; outcome: string }
  /** Verified but unreadable: answered with the usage text where the platform shows it, else acked. */
  | { kind: 'malformed'; issues: string[]; respond(answer: ChatAnswer, view: RenderView): Promise<ChatResponse> | ChatResponse }
  | { kind: 'delivery'; delivery: Delivery };

/** One verified message or button press, as the route pipeline sees it. */
export interface Delivery {
  /** `<platform>:<id>`: one reply per key, across redeliveries. */
  key: string;
  /** A second copy with the same key: a replay to refuse (401), or a redelivery to acknowledge. */
  duplicate: 'replay' | 'redelivery';
  /** How long the key is remembered: past the platform's signature window and its redeliveries. */
  rememberMs: number;
  /** Fields for the request's log line (team, user, conversation). */
  logFields: Record<string, unknown>;
  /** Who asks, in the access document's terms: the orgs to try, in order, and the conversation. */
  from: { orgIds: readonly string[]; conversationId: string | undefined };
  /** What was asked: typed text, a button's command, or a message mqtrace cannot read. */
  input: { kind: 'text'; text: string } | { kind: 'action'; command: string } | { kind: 'other' };
  /** How users addressed the bot, e.g. the slash command they used. */
  invocation: string;
  reply: DeliveryReply;
}

/** How to answer one delivery. */
export interface DeliveryReply {
  /** True when a later reply can still reach the conversation: an allowed reply URL, an unexpired session, an API. */
  canDefer(nowMs: number): boolean;
  /** Answers now: in the HTTP response, or by a post and then the acknowledgement. */
  answer(answer: ChatAnswer, ctx: ReplyContext): Promise<Replied>;
  /** Acknowledges a hand-off with the short "Looking up…" note. */
  pending(answer: Extract<ChatAnswer, { kind: 'pending' }>, ctx: ReplyContext): Promise<Replied>;
  /** What a redelivered copy gets. */
  ack(): ChatResponse;
  /** The platform's part of the deferred job for this delivery (JSON, sealed with the job). */
  job(ctx: ReplyContext): Record<string, unknown>;
}

