import type { AlertDestination } from '../../alerts/alert-content';
import { deliverWithRetry, type AttemptResult } from '../../alerts/deliver-with-retry';
import type { Presenter } from '../../i18n/translator';
import { HttpPostError, readJsonObject, type HttpPost } from '../../outbound/http-client';
import type { AlertDestinationFactory } from '../platform-port';
import { wecomManifest, type WeComAlertSettings } from './manifest';
import { renderWeComAlert } from './render';

/** Group-robot errcodes: 45009 over 20 messages a minute (round2.md §6.4); 93000 an invalid webhook key. */
export const WECOM_ROBOT_ERRCODE = { OK: 0, RATE_LIMITED: 45009, INVALID_KEY: 93000 } as const;

/** Classifies one answer of the group robot: the errcode decides (45009 may come with HTTP 429). */
export function judgeWeComRobotAnswer(answer: { status: number; text: string }): AttemptResult {
  if (answer.status >= 500) return { ok: false, outcome: `HTTP_${answer.status}`, retry: 'backoff' };
  const errcode = readJsonObject(answer.text)?.errcode;
  if (errcode === WECOM_ROBOT_ERRCODE.OK && answer.status === 200) return { ok: true };
  if (typeof errcode !== 'number') return { ok: false, outcome: answer.status === 200 ? 'BAD_RESPONSE' : `HTTP_${answer.status}`, retry: answer.status === 429 ? 'backoff' : 'never' };
  return { ok: false, outcome: `errcode_${errcode}`, retry: errcode === WECOM_ROBOT_ERRCODE.RATE_LIMITED ? 'backoff' : 'never' };
}

export interface WeComRobotOptions {
  /** `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`: the key is the secret. */
  webhookUrl: string;
  post: HttpPost;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  callTimeoutMs?: number;
  maxAttempts?: number;
  presenter: Presenter;
  invocation?: string;
}

/**
 * A WeCom group robot as an alert destination: markdown within 4,096 bytes; 45009 (over 20 a
 * minute) retried with a backoff long enough to matter, other errcodes not.
 */
export function createWeComRobotDestination(options: WeComRobotOptions): AlertDestination {
  return {
    name: 'wecom',
    async deliver(content, ctx) {
      const body = JSON.stringify({ msgtype: 'markdown', markdown: { content: renderWeComAlert(content, options.presenter, options.invocation ?? wecomManifest.invocation) } });
      const attempt = async (timeoutMs: number): Promise<AttemptResult> => {
        try {
          return judgeWeComRobotAnswer(await options.post(options.webhookUrl, body, { timeoutMs, contentType: 'application/json; charset=utf-8' }));
        } catch (error) {
          if (error instanceof HttpPostError) return { ok: false, outcome: error.kind, retry: 'backoff' };
          throw error;
        }
      };
      return deliverWithRetry('wecom', attempt, {
        deadline: ctx.deadline,
        maxAttempts: options.maxAttempts ?? 3,
        callTimeoutMs: options.callTimeoutMs ?? 3000,
        baseDelayMs: 3000,
        maxDelayMs: 10_000,
        sleep: options.sleep,
        random: options.random ?? Math.random,
      });
    },
  };
}

/** The registry's factory: the group robot from its settings. */
export const wecomAlertDestination: AlertDestinationFactory = (settings, deps) =>
  createWeComRobotDestination({
    webhookUrl: (settings as WeComAlertSettings).webhookUrl,
    post: deps.post,
    sleep: deps.sleep,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.callTimeoutMs ? { callTimeoutMs: deps.callTimeoutMs } : {}),
    presenter: deps.presenter,
  });
