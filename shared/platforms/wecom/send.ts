import { isAllowedReplyUrl } from '../../chat/reply-url';
import { unanswered, type ReplyOutcome } from '../../chat/reply-outcome';
import { readJsonObject, type HttpClient } from '../../outbound/http-client';
import { WECOM_TOKEN_ERRCODES, type WeComAccessToken } from './access-token';

/** "api freq out of limit": worth a later try. */
export const WECOM_RATE_LIMITED = 45009;

export interface WeComSenderOptions {
  http: HttpClient;
  origin: string;
  agentId: number;
  token: WeComAccessToken;
  timeoutMs: number;
  extraOrigins: readonly string[];
}

/** Sends app messages to one user. */
export interface WeComSender {
  /** Sends markdown to `userId`. Never throws; the outcome says. */
  markdown(userId: string, content: string): Promise<ReplyOutcome>;
}

/**
 * `POST /cgi-bin/message/send?access_token=…` with `{touser, msgtype: "markdown", agentid,
 * markdown: {content}}`: errcode 0 is delivered; a token errcode refreshes the token and tries once
 * more; 45009 and 5xx are worth a later try; any other errcode is a refusal.
 */
export function createWeComSender(options: WeComSenderOptions): WeComSender {
  return {
    async markdown(userId, content) {
      const base = `${options.origin}/cgi-bin/message/send`;
      if (!isAllowedReplyUrl('wecom', base, options.extraOrigins)) return { delivered: false, reason: 'reply_url_not_allowed', retryable: false };
      const body = JSON.stringify({ touser: userId, msgtype: 'markdown', agentid: options.agentId, markdown: { content } });
      for (let attempt = 1; attempt <= 2; attempt++) {
        const token = await options.token.get();
        if (!token) return { delivered: false, reason: 'wecom_token_refused', retryable: true };
        let answer;
        try {
          answer = await options.http.post(`${base}?${new URLSearchParams({ access_token: token })}`, body, { timeoutMs: options.timeoutMs, contentType: 'application/json; charset=utf-8' });
        } catch (error) {
          return unanswered(error);
        }
        const errcode = readJsonObject(answer.text)?.errcode;
        if (answer.status === 200 && errcode === 0) return { delivered: true, status: answer.status };
        if (typeof errcode === 'number' && WECOM_TOKEN_ERRCODES.has(errcode)) {
          options.token.invalidate();
          if (attempt === 1) continue;
        }
        const retryable = answer.status >= 500 || errcode === WECOM_RATE_LIMITED;
        return { delivered: false, reason: retryable ? 'wecom_unavailable' : 'wecom_refused', retryable, status: answer.status, ...(typeof errcode === 'number' ? { errcode } : {}) };
      }
      return { delivered: false, reason: 'wecom_token_refused', retryable: true };
    },
  };
}
