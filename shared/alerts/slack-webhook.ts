import type { AlertDestination } from './alert-content';
import { deliverWithRetry, type AttemptResult } from './deliver-with-retry';
import { HttpPostError, type HttpPost } from './http-post';
import { renderSlackAlert } from './slack-blocks';

export interface SlackWebhookOptions {
  /** `https://hooks.slack.com/services/T…/B…/…` (a secret: never logged). */
  webhookUrl: string;
  post: HttpPost;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  callTimeoutMs?: number;
  maxAttempts?: number;
}

// Slack allows about one webhook post per second; without a Retry-After, wait that long.
const DEFAULT_RETRY_AFTER_MS = 1000;
const SLACK_ERROR_CODE = /^[a-z_]{1,40}$/;

/**
 * A Slack incoming webhook as an alert destination (chat.md §3.7): `200 ok` is delivered; a 429
 * is retried after exactly its `Retry-After`, when that fits before the deadline; 5xx and network
 * failures are retried with backoff; other 4xx (`invalid_payload`, `channel_not_found`, …) are not.
 */
export function createSlackWebhookDestination(options: SlackWebhookOptions): AlertDestination {
  return {
    name: 'slack',
    async deliver(content, ctx) {
      const body = JSON.stringify(renderSlackAlert(content));
      const attempt = async (timeoutMs: number): Promise<AttemptResult> => {
        try {
          return judgeSlackAnswer(await options.post(options.webhookUrl, body, { timeoutMs, contentType: 'application/json' }));
        } catch (error) {
          if (error instanceof HttpPostError) return { ok: false, outcome: error.kind, retry: 'backoff' };
          throw error;
        }
      };
      return deliverWithRetry('slack', attempt, {
        deadline: ctx.deadline,
        maxAttempts: options.maxAttempts ?? 3,
        callTimeoutMs: options.callTimeoutMs ?? 3000,
        baseDelayMs: 500,
        maxDelayMs: 4000,
        sleep: options.sleep,
        random: options.random ?? Math.random,
      });
    },
  };
}

/** Classifies one answer of an incoming webhook. */
export function judgeSlackAnswer(answer: { status: number; text: string; retryAfter: string | null }): AttemptResult {
  if (answer.status === 200) return { ok: true };
  const code = SLACK_ERROR_CODE.test(answer.text.trim()) ? `_${answer.text.trim()}` : '';
  const outcome = `HTTP_${answer.status}${code}`;
  if (answer.status === 429) return { ok: false, outcome, retry: retryAfterMs(answer.retryAfter) };
  if (answer.status >= 500) return { ok: false, outcome, retry: 'backoff' };
  return { ok: false, outcome, retry: 'never' };
}

/** `Retry-After` in seconds (Slack sends seconds), as ms; one second when absent or unreadable. */
export function retryAfterMs(header: string | null): number {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return DEFAULT_RETRY_AFTER_MS;
  return Number(header.trim()) * 1000;
}
