import { createHmac } from 'node:crypto';
import { alertHeadline, failingCheckSummary, type AlertContent, type AlertDestination } from '../../alerts/alert-content';
import { deliverWithRetry, type AttemptResult } from '../../alerts/deliver-with-retry';
import { journeyCommand, recheckCommand } from '../../alerts/recheck-command';
import { clipText } from '../../chat/chat-answer';
import type { Presenter } from '../../i18n/translator';
import { HttpPostError, readJsonObject, type HttpPost } from '../../outbound/http-client';
import type { AlertDestinationFactory } from '../platform-port';
import { feishuManifest, type FeishuAlertSettings } from './manifest';
import type { FeishuCard, FeishuElement } from './render-card';

/** Custom-bot answers (chat.md §4.1): 19021 sign or timestamp, 11232 rate limited, 9499 bad request. */
export const FEISHU_BOT_CODES = { OK: 0, SIGN: 19021, RATE_LIMITED: 11232, BAD_REQUEST: 9499 } as const;

/** The custom bot refuses bodies over 20 KB (chat.md §4.1); counted as 20,000 bytes. */
export const FEISHU_BOT_MAX_BYTES = 20_000;

/**
 * The custom bot's signature (chat.md §4.1): `base64(HMAC-SHA256(key = timestamp + "\n" + secret,
 * message = ""))`, timestamp in seconds. Key and message are the other way round from DingTalk's.
 */
export function feishuBotSign(secret: string, timestampSeconds: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/**
 * An alert as a card for the custom bot, within {@link FEISHU_BOT_MAX_BYTES}. The custom bot
 * cannot call back, so each example carries its paste-ready command.
 */
export function renderFeishuAlert(content: AlertContent, p: Presenter, invocation = feishuManifest.invocation): FeishuCard {
  const failing = content.failing.some((c) => c.status === 'FAILING' || c.status === 'ERROR');
  const tail: FeishuElement[] = [];
  if (content.recovered.length > 0) {
    const lines = content.recovered.map((r) => `• ${r.name} (${p.t('alert.topic')} ${r.topic} · ${r.instanceId}): ${p.t('alert.recoveredLine', { checked: r.checked })}`);
    tail.push({ tag: 'div', text: { tag: 'plain_text', content: clipText(`${p.t('alert.recoveredTitle')}\n${lines.join('\n')}`, 2000) } });
  }
  if (content.quiet.length > 0) tail.push({ tag: 'div', text: { tag: 'plain_text', content: p.t('alert.quiet', { names: content.quiet.join(', ') }) } });
  tail.push({ tag: 'note', elements: [{ tag: 'plain_text', content: p.t('alert.footer', { runId: content.runId, at: p.time.format(content.checkedAt) }) }] });
  const checks = content.failing.map((check): FeishuElement => {
    const lines = [`${check.name} · ${p.t('alert.topic')} ${check.topic} · ${check.instanceId}${check.repeat ? ` · ${p.t('alert.stillFailing')}` : ''}`, failingCheckSummary(check, p)];
    for (const e of check.examples) {
      const target = { topic: check.topic, msgId: e.msgId, instanceId: check.instanceId };
      lines.push(`• ${e.msgId}: ${e.reasons}`, `  ${p.t('alert.recheck')} ${recheckCommand(invocation, target)}`, `  ${p.t('alert.journey')} ${journeyCommand(invocation, target)}`);
    }
    const more = check.failed - check.examples.length;
    if (more > 0) lines.push(`• ${p.t('alert.moreExamples', { n: more })}`);
    return { tag: 'div', text: { tag: 'plain_text', content: clipText(lines.join('\n'), 2000) } };
  });
  const build = (shown: number): FeishuCard => ({
    config: { wide_screen_mode: true },
    header: { template: failing ? 'red' : 'green', title: { tag: 'plain_text', content: clipText(alertHeadline(content, p), 100) } },
    elements: [
      ...checks.slice(0, shown),
      ...(shown < checks.length ? [{ tag: 'div' as const, text: { tag: 'plain_text' as const, content: p.t('alert.moreChecks', { n: checks.length - shown }) } }] : []),
      ...tail,
    ],
  });
  let shown = checks.length;
  let card = build(shown);
  // Room for the timestamp and the sign that the body carries besides the card.
  while (Buffer.byteLength(JSON.stringify({ msg_type: 'interactive', card }), 'utf8') > FEISHU_BOT_MAX_BYTES - 200 && shown > 0) card = build(--shown);
  return card;
}

export interface FeishuBotOptions {
  /** `https://open.feishu.cn/open-apis/bot/v2/hook/…` (a secret: never logged). */
  webhookUrl: string;
  /** The bot's signing secret; unsigned when absent. */
  secret?: string;
  post: HttpPost;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  callTimeoutMs?: number;
  maxAttempts?: number;
  presenter: Presenter;
}

/** Classifies one answer of the custom bot: `code` decides, whatever the HTTP status. */
export function judgeFeishuBotAnswer(answer: { status: number; text: string }): AttemptResult {
  if (answer.status >= 500) return { ok: false, outcome: `HTTP_${answer.status}`, retry: 'backoff' };
  const body = readJsonObject(answer.text);
  // Older bots answer {"StatusCode": 0, "StatusMessage": "success"}.
  const code = body?.code ?? body?.StatusCode;
  if (code === FEISHU_BOT_CODES.OK) return { ok: true };
  if (typeof code !== 'number') return { ok: false, outcome: answer.status === 200 ? 'BAD_RESPONSE' : `HTTP_${answer.status}`, retry: answer.status === 429 ? 'backoff' : 'never' };
  return { ok: false, outcome: `code_${code}`, retry: code === FEISHU_BOT_CODES.RATE_LIMITED ? 'backoff' : 'never' };
}

/** A Feishu/Lark custom bot as an alert destination: signed each attempt, `code` 11232 retried with backoff. */
export function createFeishuBotDestination(options: FeishuBotOptions): AlertDestination {
  return {
    name: 'feishu',
    async deliver(content, ctx) {
      const card = renderFeishuAlert(content, options.presenter);
      const attempt = async (timeoutMs: number): Promise<AttemptResult> => {
        const timestamp = String(Math.floor(options.now() / 1000));
        const body = JSON.stringify({ ...(options.secret ? { timestamp, sign: feishuBotSign(options.secret, timestamp) } : {}), msg_type: 'interactive', card });
        try {
          return judgeFeishuBotAnswer(await options.post(options.webhookUrl, body, { timeoutMs, contentType: 'application/json; charset=utf-8' }));
        } catch (error) {
          if (error instanceof HttpPostError) return { ok: false, outcome: error.kind, retry: 'backoff' };
          throw error;
        }
      };
      return deliverWithRetry('feishu', attempt, {
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

/** The registry's factory: the custom bot from its settings. */
export const feishuAlertDestination: AlertDestinationFactory = (settings, deps) => {
  const s = settings as FeishuAlertSettings;
  return createFeishuBotDestination({
    webhookUrl: s.webhookUrl,
    ...(s.secret ? { secret: s.secret } : {}),
    post: deps.post,
    now: deps.now,
    sleep: deps.sleep,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.callTimeoutMs ? { callTimeoutMs: deps.callTimeoutMs } : {}),
    presenter: deps.presenter,
  });
};
