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

export const ONS_ACTIONS = {
  OnsMessageTrace: { ramAction: 'mq:QueryMessageTrace', usedBy: ['http', 'spot-check'], rateLimit: { count: 10, windowMs: 1000 } },
  // doc-detail/29608: 10 calls per minute per account; spot checks sample with it.
  OnsMessagePageQueryByTopic: { ramAction: 'mq:QueryMessage', usedBy: ['spot-check'], rateLimit: { count: 10, windowMs: 60_000 } },
  // Explain (shared/ons/diagnostics.ts): 10/s each per ons-api.md §2–§3.
  OnsMessageGetByMsgId: { ramAction: 'mq:QueryMessage', usedBy: ['http'], rateLimit: { count: 10, windowMs: 1000 } },
  OnsConsumerAccumulate: { ramAction: 'mq:QueryConsumerAccumulate', usedBy: ['http'], rateLimit: { count: 10, windowMs: 1000 } },
  OnsConsumerGetConnection: { ramAction: 'mq:QueryConsumerConnection', usedBy: ['http'], rateLimit: { count: 10, windowMs: 1000 } },
  OnsDLQMessageGetById: { ramAction: 'mq:QueryDLQMessage', usedBy: ['http'], rateLimit: { count: 10, windowMs: 1000 } },
  OnsConsumerStatus: { ramAction: 'mq:QueryConsumerStatus', usedBy: ['http'], rateLimit: UNVERIFIED_CONSUMER_STATUS_LIMIT },
} as const satisfies Record<string, OnsActionSpec>;

export type OnsAction = keyof typeof ONS_ACTIONS;
