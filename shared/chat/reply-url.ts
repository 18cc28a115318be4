import { platformNamed } from '../platforms/registry';

/**
 * Whether the function may POST to a reply URL of `platform`. Slack's `response_url` and
 * DingTalk's `sessionWebhook` arrive in the (signed) request, and Feishu's and WeCom's API hosts
 * come from configuration, but the function must still never post to arbitrary hosts: only the
 * hosts the platform's manifest documents (https, default port), plus `extraOrigins` (local fakes
 * on 127.0.0.1).
 */
export function isAllowedReplyUrl(platform: string, url: string, extraOrigins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  const hosts = platformNamed(platform)?.chat.replyHosts ?? [];
  if (parsed.protocol === 'https:' && parsed.port === '' && hosts.includes(parsed.hostname.toLowerCase())) return true;
  return extraOrigins.includes(parsed.origin);
}
