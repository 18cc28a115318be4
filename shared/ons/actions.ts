/**
 * The one registry of ONS OpenAPI actions mqtrace calls: the RAM action each needs and its
 * documented per-account rate limit (ons-api.md §1–§3). The RAM policy is generated from it.
 */
/** The deployed functions, as s.yaml names them without the `mqtrace-` prefix; each has its own RAM role. */
export type DeployedFunction = 'http' | 'spot-check';

export interface OnsActionSpec {
  ramAction: string;
  /** Which functions' code calls it: their role policies grant `ramAction` (`npm run ram:policy`). */
  usedBy: readonly DeployedFunction[];
  /** Documented limit: at most `count` calls per `windowMs`, per Alibaba Cloud account. */
  rateLimit: { count: number; windowMs: number };
}

export const ONS_API_VERSION = '2019-02-14';

/**
 * UNVERIFIED (ons-api.md §2–§3): OnsConsumerStatus's limit is not readable in the docs, which call
 * the action slow and say not to call it often. Assumed: the strictest documented ONS limit, 1/s
 * (OnsTopicStatus). A one-call window has no slack for network jitter, so calls are spaced 1.25 s
 * apart. Change it here only, once the real value is known.
 */
export const UNVERIFIED_CONSUMER_STATUS_LIMIT = { count: 1, windowMs: 1250 } as const;

/**
 * UNVERIFIED (round2.md §5): the RAM action of OnsTraceGetResult. The current API reference names
 * `mq:GetTraceResult`; an older page names `mq:QueryInstanceBaseInfo`, and an older one still says
 * no authorisation is needed. The current one is granted; change it here only.
 */
export const UNVERIFIED_TRACE_RESULT_RAM_ACTION = 'mq:GetTraceResult';

export const ONS_ACTIONS = {
  OnsMessageTrace: { ramAction: 'mq:QueryMessageTrace', usedBy: ['http', 'spot-check'], rateLimit: { count: 10, windowMs: 1000 } },
  // doc-detail/29608: 10 calls per minute per account; spot checks sample with it, and so does find by time window.
  OnsMessagePageQueryByTopic: { ramAction: 'mq:QueryMessage', usedBy: ['http', 'spot-check'], rateLimit: { count: 10, windowMs: 60_000 } },
  // Explain (shared/ons/diagnostics.ts): 10/s each per ons-api.md §2–§3.
  OnsMessageGetByMsgId: { ramAction: 'mq:QueryMessage', usedBy: ['http'], rateLimit: { count: 10, windowMs: 1000 } },
  OnsConsumerAccumulate: { ramAction: 'mq:QueryConsumerAccumulate', usedBy: ['http'], rateLimit: { count: 10, windowMs: 1000 } },
  OnsConsumerGetConnection: { ramAction: 'mq:QueryConsumerConnection', usedBy: ['http'], rateLimit: { count: 10, windowMs: 1000 } },
  OnsDLQMessageGetById: { ramAction: 'mq:QueryDLQMessage', usedBy: ['http'], rateLimit: { count: 10, windowMs: 1000 } },
  OnsConsumerStatus: { ramAction: 'mq:QueryConsumerStatus', usedBy: ['http'], rateLimit: UNVERIFIED_CONSUMER_STATUS_LIMIT },
  // Find by key (shared/ons/message-by-key.ts): 10/s per ons-api.md §2.
  OnsMessageGetByKey: { ramAction: 'mq:QueryMessage', usedBy: ['http'], rateLimit: { count: 10, windowMs: 1000 } },
  // The journey (shared/ons/trace-journey.ts): an asynchronous task, 30 per minute per account (round2.md §5).
  OnsTraceQueryByMsgId: { ramAction: 'mq:QueryTrace', usedBy: ['http'], rateLimit: { count: 30, windowMs: 60_000 } },
  // Its result, polled until `finish`: 10/s (round2.md §5). RAM: see UNVERIFIED_TRACE_RESULT_RAM_ACTION.
  OnsTraceGetResult: { ramAction: UNVERIFIED_TRACE_RESULT_RAM_ACTION, usedBy: ['http'], rateLimit: { count: 10, windowMs: 1000 } },
} as const satisfies Record<string, OnsActionSpec>;

export type OnsAction = keyof typeof ONS_ACTIONS;
