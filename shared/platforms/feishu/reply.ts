import { isAllowedReplyUrl } from '../../chat/reply-url';
import { unanswered, type ReplyOutcome } from '../../chat/reply-outcome';
import { readJsonObject, type HttpClient } from '../../outbound/http-client';
import { FEISHU_AUTH_ERROR_CODES, type TenantToken } from './tenant-token';

/** Reply-API codes (round2.md §6.1): the card is over 30 KB; the bot is sending too fast. */
export const FEISHU_REPLY_CODES = { TOO_LONG: 230025, RATE_LIMITED: 230020 } as const;

export interface FeishuReplierOptions {
  http: HttpClient;
  baseUrl: string;
  token: TenantToken;
  timeoutMs: number;
  extraOrigins: readonly string[];
}

/** Replies in a message's thread. */
export interface FeishuReplier {
  /** Posts `card` as an interactive reply to `messageId`. Never throws; the outcome says. */
  reply(messageId: string, card: unknown): Promise<ReplyOutcome>;
}

/**
 * `POST /open-apis/im/v1/messages/:message_id/reply` with the tenant token as bearer: `{code: 0}`
 * is delivered; an auth code refreshes the token and tries once more; 230020 (rate limited) and
 * 5xx are worth a later try; anything else is a refusal.
 */
export function createFeishuReplier(options: FeishuReplierOptions): FeishuReplier {
  return {
    async reply(messageId, card) {
      const url = `${options.baseUrl}/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/reply`;
      if (!isAllowedReplyUrl('feishu', url, options.extraOrigins)) return { delivered: false, reason: 'reply_url_not_allowed', retryable: false };
      const body = JSON.stringify({ msg_type: 'interactive', content: JSON.stringify(card) });
      for (let attempt = 1; attempt <= 2; attempt++) {
        const token = await options.token.get();
        if (!token) return { delivered: false, reason: 'feishu_token_refused', retryable: true };
        let answer;
        try {
          answer = await options.http.post(url, body, { timeoutMs: options.timeoutMs, contentType: 'application/json; charset=utf-8', headers: { authorization: `Bearer ${token}` } });
        } catch (error) {
          return unanswered(error);
        }
        const code = readJsonObject(answer.text)?.code;
        if (answer.status === 200 && code === 0) return { delivered: true, status: answer.status };
        if (typeof code === 'number' && FEISHU_AUTH_ERROR_CODES.has(code)) {
          options.token.invalidate();
          if (attempt === 1) continue;
        }
        const retryable = answer.status >= 500 || answer.status === 429 || code === FEISHU_REPLY_CODES.RATE_LIMITED;
        return { delivered: false, reason: retryable ? 'feishu_unavailable' : 'feishu_refused', retryable, status: answer.status, ...(typeof code === 'number' ? { errcode: code } : {}) };
      }
      return { delivered: false, reason: 'feishu_token_refused', retryable: true };
    },
  };
}
