import { createHmac } from 'node:crypto';
import type { AlertDestination } from '../../alerts/alert-content';
import { deliverWithRetry, type AttemptResult } from '../../alerts/deliver-with-retry';
import { createPresenter, type Presenter } from '../../i18n/translator';
import { HttpPostError, type HttpPost } from '../../outbound/http-client';
import type { AlertDestinationFactory } from '../platform-port';
import { dingtalkManifest, type DingTalkAlertSettings } from './manifest';
import { renderDingTalkAlert } from './render-alert';

/** Custom-robot errcodes (chat.md §2). */
export const DINGTALK_ERRCODE = { OK: 0, RATE_LIMITED: 130101, SIGN_OR_KEYWORD: 310000 } as const;

/**
 * Signs a custom-robot webhook URL (加签, chat.md §2): `sign = base64(HMAC-SHA256(secret,
 * timestamp + "\n" + secret))`, URL-encoded, set with `timestamp` on the base URL each time.
 */
export function signDingTalkRobotUrl(webhookUrl: string, secret: string, timestampMs: number): string {
  const timestamp = String(Math.floor(timestampMs));
  const sign = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
  const url = new URL(webhookUrl);
  // set(), not append(): re-signing must replace, never grow, the query.
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('sign', sign);
  return url.toString();
}

export interface DingTalkRobotOptions {
  /** `https://oapi.dingtalk.com/robot/send?access_token=…` (a secret: never logged). */
  webhookUrl: string;
  /** The robot's 加签 secret (`SEC…`); unsigned when absent. */
  secret?: string;
  post: HttpPost;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  callTimeoutMs?: number;
  maxAttempts?: number;
  /** The alert's language and time zone; default English in UTC. */
  presenter?: Presenter;
  invocation?: string;
}

/**
 * A DingTalk custom robot as an alert destination. The endpoint answers HTTP 200 even when it
 * fails, so `errcode` decides: 0 is delivered; 130101 (over 20 messages a minute) is retried with
 * backoff; 310000 (sign, keyword or IP whitelist) and every other errcode are not.
 */
export function createDingTalkRobotDestination(options: DingTalkRobotOptions): AlertDestination {
  return {
    name: 'dingtalk',
    async deliver(content, ctx) {
      const body = JSON.stringify(renderDingTalkAlert(content, options.presenter ?? createPresenter('en', { kind: 'offset', minutes: 0 }), options.invocation));
      const attempt = async (timeoutMs: number): Promise<AttemptResult> => {
        const url = options.secret ? signDingTalkRobotUrl(options.webhookUrl, options.secret, options.now()) : options.webhookUrl;
        try {
          return judgeDingTalkAnswer(await options.post(url, body, { timeoutMs, contentType: 'application/json;charset=utf-8' }));
        } catch (error) {
          if (error instanceof HttpPostError) return { ok: false, outcome: error.kind, retry: 'backoff' };
          throw error;
        }
      };
      return deliverWithRetry('dingtalk', attempt, {
        deadline: ctx.deadline,
        maxAttempts: options.maxAttempts ?? 3,
        callTimeoutMs: options.callTimeoutMs ?? 3000,
        baseDelayMs: 1000,
        maxDelayMs: 5000,
        sleep: options.sleep,
        random: options.random ?? Math.random,
      });
    },
  };
}

/** Classifies one answer of the custom robot. */
export function judgeDingTalkAnswer(answer: { status: number; text: string; retryAfter: string | null }): AttemptResult {
  if (answer.status >= 500) return { ok: false, outcome: `HTTP_${answer.status}`, retry: 'backoff' };
  if (answer.status !== 200) return { ok: false, outcome: `HTTP_${answer.status}`, retry: answer.status === 429 ? 'backoff' : 'never' };
  let errcode: unknown;
  try {
    errcode = (JSON.parse(answer.text) as { errcode?: unknown }).errcode;
  } catch {
    return { ok: false, outcome: 'BAD_RESPONSE', retry: 'never' };
  }
  if (errcode === DINGTALK_ERRCODE.OK) return { ok: true };
  // errmsg can echo the caller's IP; only the numeric code is kept.
  const outcome = typeof errcode === 'number' ? `errcode_${errcode}` : 'BAD_RESPONSE';
  return { ok: false, outcome, retry: errcode === DINGTALK_ERRCODE.RATE_LIMITED ? 'backoff' : 'never' };
}

/** The registry's factory: the custom robot from its settings. */
export const dingtalkAlertDestination: AlertDestinationFactory = (settings, deps) => {
  const s = settings as DingTalkAlertSettings;
  return createDingTalkRobotDestination({
    webhookUrl: s.webhookUrl,
    ...(s.secret ? { secret: s.secret } : {}),
    post: deps.post,
    now: deps.now,
    sleep: deps.sleep,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.callTimeoutMs ? { callTimeoutMs: deps.callTimeoutMs } : {}),
    presenter: deps.presenter,
    invocation: dingtalkManifest.invocation,
  });
};
