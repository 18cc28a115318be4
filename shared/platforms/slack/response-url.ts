import { isAllowedReplyUrl } from '../../chat/reply-url';
import { unanswered, type ReplyOutcome } from '../../chat/reply-outcome';
import type { HttpClient } from '../../outbound/http-client';

export interface SlackResponderOptions {
  http: HttpClient;
  timeoutMs: number;
  extraOrigins: readonly string[];
}

/** Posts delayed replies to a slash command's or a button press's `response_url`. */
export interface SlackResponder {
  /** Never throws; the outcome says whether Slack took the message. */
  respond(responseUrl: string, message: unknown): Promise<ReplyOutcome>;
}

/** Creates the {@link SlackResponder}. Slack allows 5 posts within 30 minutes per URL (chat.md §3.5). */
export function createSlackResponder(options: SlackResponderOptions): SlackResponder {
  return {
    async respond(responseUrl, message) {
      if (!isAllowedReplyUrl('slack', responseUrl, options.extraOrigins)) {
        return { delivered: false, reason: 'reply_url_not_allowed', retryable: false };
      }
      let result;
      try {
        result = await options.http.post(responseUrl, JSON.stringify(message), { timeoutMs: options.timeoutMs, contentType: 'application/json; charset=utf-8' });
      } catch (error) {
        return unanswered(error);
      }
      if (result.status >= 200 && result.status < 300) return { delivered: true, status: result.status };
      const retryable = result.status === 429 || result.status >= 500;
      return { delivered: false, reason: retryable ? 'slack_unavailable' : 'response_url_rejected', retryable, status: result.status };
    },
  };
}
