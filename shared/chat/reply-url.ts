import type { ChatPlatform } from './command-registry';

/** The hosts each platform documents for replies (chat.md §1.3, §3.5). Only https, default port. */
export const DOCUMENTED_REPLY_HOSTS: Readonly<Record<ChatPlatform, readonly string[]>> = {
  slack: ['hooks.slack.com'],
  dingtalk: ['oapi.dingtalk.com', 'api.dingtalk.com'],
};

/**
 * Whether the function may POST to a reply URL taken from a request. Slack's `response_url` and
 * DingTalk's `sessionWebhook` arrive in the (signed) request, but the function must still never post
 * to arbitrary hosts: only the documented ones, plus `extraOrigins` (local fakes on 127.0.0.1).
 */
export function isAllowedReplyUrl(platform: ChatPlatform, url: string, extraOrigins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (parsed.protocol === 'https:' && parsed.port === '' && DOCUMENTED_REPLY_HOSTS[platform].includes(parsed.hostname.toLowerCase())) {
    return true;
  }
  return extraOrigins.includes(parsed.origin);
}
