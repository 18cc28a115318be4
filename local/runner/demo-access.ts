import { sha256Hex } from '../../shared/access/bearer';
import { DEMO_CHAT, DEMO_FEISHU, DEMO_WECOM } from '../fakes/chat-signing';

/** The local stack's API token. Demo only: it is printed, and nothing deployed ever accepts it. */
export const DEMO_API_TOKEN = 'mqtrace-demo-token-not-secret';

/** Request headers that authenticate with {@link DEMO_API_TOKEN}. */
export const DEMO_AUTH_HEADERS: Readonly<Record<string, string>> = { authorization: `Bearer ${DEMO_API_TOKEN}` };

/** The curl argument that authenticates with {@link DEMO_API_TOKEN}. */
export const DEMO_CURL_AUTH = `-H 'Authorization: Bearer ${DEMO_API_TOKEN}'`;

const EVERYTHING = { instances: ['*'], topics: ['*'] };

/**
 * The MQTRACE_CONFIG document `npm start` runs with: the demo token, the demo Slack team,
 * DingTalk corp, Feishu tenant and WeCom corp (as the chat helper and fakes send them), each allowed every instance and topic;
 * `aliases` as given (from the emulator's seed) and the first instance as the default.
 */
export function buildDemoConfig(options: { aliases: Record<string, string>; defaultInstance: string | undefined }): Record<string, unknown> {
  return {
    aliases: options.aliases,
    ...(options.defaultInstance ? { defaultInstance: options.defaultInstance } : {}),
    http: { tokens: [{ name: 'demo', sha256: sha256Hex(DEMO_API_TOKEN), scope: EVERYTHING }] },
    slack: { channels: [{ teamId: DEMO_CHAT.slackTeamId, channelId: '*', scope: EVERYTHING }] },
    dingtalk: { conversations: [{ corpId: DEMO_CHAT.dingtalkCorpId, conversationId: '*', scope: EVERYTHING }] },
    feishu: { chats: [{ tenantKey: DEMO_FEISHU.tenantKey, chatId: '*', scope: EVERYTHING }] },
    wecom: { users: [{ corpId: DEMO_WECOM.corpId, userId: '*', scope: EVERYTHING }] },
  };
}
