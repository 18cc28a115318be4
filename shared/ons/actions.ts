/**
 * The one registry of ONS OpenAPI actions mqtrace calls: the RAM action each needs and its
 * documented per-account rate limit (ons-api.md §1–§3). The RAM policy is generated from it.
 */
export interface OnsActionSpec {
  ramAction: string;
  /** Documented limit: at most `count` calls per `windowMs`, per Alibaba Cloud account. */
  rateLimit: { count: number; windowMs: number };
}

export const ONS_API_VERSION = '2019-02-14';

export const ONS_ACTIONS = {
  OnsMessageTrace: { ramAction: 'mq:QueryMessageTrace', rateLimit: { count: 10, windowMs: 1000 } },
} as const satisfies Record<string, OnsActionSpec>;

export type OnsAction = keyof typeof ONS_ACTIONS;
