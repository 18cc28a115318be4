import { randomBytes } from 'node:crypto';
import { dingTalkSign } from '../../shared/platforms/dingtalk/verify';
import { slackSignatureDigest } from '../../shared/platforms/slack/verify';

/**
 * Demo chat settings of the local stack. None of these is real: they exist so that `npm start`
 * can be driven with signed requests. The local stack always sets them, whatever the shell holds.
 */
export const DEMO_CHAT = {
  slackSigningSecret: 'mqtrace-demo-slack-signing-secret-not-real',
  dingtalkAppSecret: 'mqtrace-demo-dingtalk-app-secret-not-real',
  internalSecret: 'mqtrace-demo-internal-secret-not-real-0123456789abcdef',
  slackTeamId: 'T0DEMO0001',
  dingtalkCorpId: 'dingdemocorp0001',
  dingtalkRobotCode: 'dingdemorobot0001',
} as const;

export interface SlashCommandFields {
  text: string;
  responseUrl: string;
  teamId?: string;
  userId?: string;
  channelId?: string;
  command?: string;
  triggerId?: string;
}

/** A slash command's form body, in the field order Slack sends (chat.md §3.1). */
export function buildSlashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: fields.teamId ?? DEMO_CHAT.slackTeamId,
    team_domain: 'mqtrace-demo',
    channel_id: fields.channelId ?? 'C0DEMO0001',
    channel_name: 'ops',
    user_id: fields.userId ?? 'U0DEMO0001',
    user_name: 'demo',
    command: fields.command ?? '/mqtrace',
    text: fields.text,
    api_app_id: 'A0DEMO0001',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(16).toString('hex')}`,
  }).toString();
}

/** Headers Slack sends with a body: its timestamp (seconds) and `v0=` signature. */
export function signSlackRequest(body: string, options: { signingSecret?: string; timestampSec?: number } = {}): Record<string, string> {
  const timestamp = String(options.timestampSec ?? Math.floor(Date.now() / 1000));
  const digest = slackSignatureDigest(options.signingSecret ?? DEMO_CHAT.slackSigningSecret, timestamp, body).toString('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': `v0=${digest}`,
  };
}

export interface DingTalkCallbackFields {
  text: string;
  sessionWebhook: string;
  sessionWebhookExpiredTime: number;
  msgId?: string;
  senderStaffId?: string;
  senderCorpId?: string;
  robotCode?: string;
  conversationType?: '1' | '2';
  createAt?: number;
}

/**
 * An enterprise-robot callback body (chat.md §1.2, §1.7): the @-mention is already stripped and the
 * text keeps DingTalk's leading space.
 */
export function buildDingTalkCallbackBody(fields: DingTalkCallbackFields): Record<string, unknown> {
  const createAt = fields.createAt ?? Date.now();
  return {
    msgtype: 'text',
    text: { content: ` ${fields.text}` },
    msgId: fields.msgId ?? `msg${randomBytes(12).toString('base64url')}`,
    createAt,
    conversationType: fields.conversationType ?? '2',
    conversationId: 'cidDemoConversation0001==',
    conversationTitle: 'mqtrace demo',
    senderId: '$:LWCP_v1:$demoSenderId0001',
    senderNick: 'Demo User',
    senderCorpId: fields.senderCorpId ?? DEMO_CHAT.dingtalkCorpId,
    senderStaffId: fields.senderStaffId ?? 'demo-staff-0001',
    chatbotCorpId: fields.senderCorpId ?? DEMO_CHAT.dingtalkCorpId,
    chatbotUserId: '$:LWCP_v1:$demoRobot0001',
    robotCode: fields.robotCode ?? DEMO_CHAT.dingtalkRobotCode,
    isAdmin: false,
    isInAtList: true,
    atUsers: [{ dingtalkId: '$:LWCP_v1:$demoRobot0001' }],
    sessionWebhook: fields.sessionWebhook,
    sessionWebhookExpiredTime: fields.sessionWebhookExpiredTime,
  };
}

/** Headers DingTalk sends with a callback: `timestamp` (ms) and `sign`. */
export function signDingTalkRequest(options: { appSecret?: string; timestampMs?: number } = {}): Record<string, string> {
  const timestamp = String(options.timestampMs ?? Date.now());
  return {
    'content-type': 'application/json; charset=utf-8',
    timestamp,
    sign: dingTalkSign(options.appSecret ?? DEMO_CHAT.dingtalkAppSecret, timestamp),
  };
}
