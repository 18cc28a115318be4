import { isAllowedReplyUrl } from '../../chat/reply-url';
import { unanswered, type ReplyOutcome } from '../../chat/reply-outcome';
import { readJsonObject, type HttpClient } from '../../outbound/http-client';

export interface DingTalkReplierOptions {
  http: HttpClient;
  timeoutMs: number;
  extraOrigins: readonly string[];
  now: () => number;
}

/** Where a callback's reply goes: its `sessionWebhook` until `sessionWebhookExpiredTime`. */
export interface DingTalkSession {
  url: string;
  expiresAtMs: number;
}

/** Posts replies to a callback's sessionWebhook. */
export interface DingTalkReplier {
  /** Never throws; the outcome says whether DingTalk took the message. */
  reply(session: DingTalkSession, message: unknown): Promise<ReplyOutcome>;
}

/** errcode for an unknown or expired session (chat.md §1.3). */
export const DINGTALK_SESSION_NOT_FOUND = 300001;
// 130101: "send too fast"; worth one more try later, unlike the rest.
const RETRYABLE_ERRCODES = new Set([130101]);

/**
 * Creates the {@link DingTalkReplier}. It checks the session's expiry before posting, and reads
 * `errcode` because DingTalk answers HTTP 200 even when it refuses a message.
 */
export function createDingTalkReplier(options: DingTalkReplierOptions): DingTalkReplier {
  return {
    async reply(session, message) {
      if (options.now() >= session.expiresAtMs) return { delivered: false, reason: 'session_expired', retryable: false };
      if (!isAllowedReplyUrl('dingtalk', session.url, options.extraOrigins)) {
        return { delivered: false, reason: 'reply_url_not_allowed', retryable: false };
      }
      let result;
      try {
        result = await options.http.post(session.url, JSON.stringify(message), { timeoutMs: options.timeoutMs, contentType: 'application/json; charset=utf-8' });
      } catch (error) {
        return unanswered(error);
      }
      if (result.status !== 200) {
        return { delivered: false, reason: 'dingtalk_http_error', retryable: result.status === 429 || result.status >= 500, status: result.status };
      }
      const errcode = readJsonObject(result.text)?.errcode;
      if (errcode === 0) return { delivered: true, status: result.status };
      if (typeof errcode !== 'number') return { delivered: false, reason: 'dingtalk_unreadable_answer', retryable: false, status: result.status };
      const reason = errcode === DINGTALK_SESSION_NOT_FOUND ? 'session_not_found' : 'dingtalk_refused';
      return { delivered: false, reason, retryable: RETRYABLE_ERRCODES.has(errcode), status: result.status, errcode };
    },
  };
}
