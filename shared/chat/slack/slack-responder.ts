import { isAllowedReplyUrl } from '../reply-url';
import { postJson, type FetchLike, type ReplyOutcome } from '../post-json';
import type { SlackMessage } from './render-slack';

export interface SlackResponderOptions {
  fetch: FetchLike;
  timeoutMs: number;
  extraOrigins: readonly string[];
}

/** Posts delayed replies to a slash command's `response_url`. */
export interface SlackResponder {
  /** Never throws; the outcome says whether Slack took the message. */
  respond(responseUrl: string, message: SlackMessage): Promise<ReplyOutcome>;
}

/** Creates the {@link SlackResponder}. Slack allows 5 posts within 30 minutes per URL (chat.md §3.5). */
export function createSlackResponder(options: SlackResponderOptions): SlackResponder {
  return {
    async respond(responseUrl, message) {
      if (!isAllowedReplyUrl('slack', responseUrl, options.extraOrigins)) {
        return { delivered: false, reason: 'reply_url_not_allowed', retryable: false };
      }
      const result = await postJson(options.fetch, responseUrl, message, options.timeoutMs);
      if (!result.ok) return { delivered: false, reason: result.reason, retryable: true };
      if (result.status >= 200 && result.status < 300) return { delivered: true, status: result.status };
      const retryable = result.status === 429 || result.status >= 500;
      return { delivered: false, reason: retryable ? 'slack_unavailable' : 'response_url_rejected', retryable, status: result.status };
    },
  };
}
