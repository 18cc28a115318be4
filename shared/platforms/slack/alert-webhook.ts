import type { AlertDestination } from '../../alerts/alert-content';
import { deliverWithRetry, type AttemptResult } from '../../alerts/deliver-with-retry';
import { createPresenter, type Presenter } from '../../i18n/translator';
import { HttpPostError, type HttpPost } from '../../outbound/http-client';
import type { AlertDestinationFactory } from '../platform-port';
import { slackManifest, type SlackAlertSettings } from './manifest';
import { renderSlackAlert } from './render-alert';

export interface SlackWebhookOptions {
  /** `https://hooks.slack.com/services/T…/B…/…` (a secret: never logged). */
  webhookUrl: string;
  post: HttpPost;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  callTimeoutMs?: number;
  maxAttempts?: number;
  /** The alert's language and time zone; default English in UTC. */
  presenter?: Presenter;
  /** How users call the bot, for the paste-ready commands. */
  invocation?: string;
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
      const body = JSON.stringify(renderSlackAlert(content, options.presenter ?? createPresenter('en', { kind: 'offset', minutes: 0 }), options.invocation));
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

/** The registry's factory: the Slack webhook from its settings. */
export const slackAlertDestination: AlertDestinationFactory = (settings, deps) =>
  createSlackWebhookDestination({
    webhookUrl: (settings as SlackAlertSettings).webhookUrl,
    post: deps.post,
    sleep: deps.sleep,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.callTimeoutMs ? { callTimeoutMs: deps.callTimeoutMs } : {}),
    presenter: deps.presenter,
    invocation: slackManifest.invocation,
  });
