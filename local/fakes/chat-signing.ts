import { randomBytes } from 'node:crypto';
import { dingTalkSign } from '../../shared/platforms/dingtalk/verify';
import { encryptFeishu, feishuSignature } from '../../shared/platforms/feishu/verify';
import { slackSignatureDigest } from '../../shared/platforms/slack/verify';
import { decryptWeCom, sealWeCom, verifyWeComSignature } from '../../shared/platforms/wecom/verify';
import { readFlatXml, writeFlatXml } from '../../shared/platforms/wecom/xml';

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

/** Demo settings of the Feishu/Lark app and WeCom app of the local stack (never real). */
export const DEMO_FEISHU = {
  appId: 'cli_mqtracedemo0001',
  appSecret: 'mqtrace-demo-feishu-app-secret-not-real',
  verificationToken: 'mqtrace-demo-feishu-verification-token',
  encryptKey: 'mqtrace-demo-feishu-encrypt-key-not-real',
  tenantKey: 'demotenant0001',
  chatId: 'oc_demochat000000000001',
  openId: 'ou_demouser000000000001',
} as const;

export interface FeishuMessageFields {
  text: string;
  eventId?: string;
  messageId?: string;
  chatId?: string;
  tenantKey?: string;
  token?: string;
  chatType?: 'group' | 'p2p';
  createTimeMs?: number;
}

/** An `im.message.receive_v1` event (schema 2.0), as the app bot receives a mention of itself. */
export function buildFeishuMessageEvent(fields: FeishuMessageFields): Record<string, unknown> {
  const tenantKey = fields.tenantKey ?? DEMO_FEISHU.tenantKey;
  return {
    schema: '2.0',
    header: {
      event_id: fields.eventId ?? `ev${randomBytes(12).toString('hex')}`,
      event_type: 'im.message.receive_v1',
      create_time: String(fields.createTimeMs ?? Date.now()),
      token: fields.token ?? DEMO_FEISHU.verificationToken,
      app_id: DEMO_FEISHU.appId,
      tenant_key: tenantKey,
    },
    event: {
      sender: { sender_id: { open_id: DEMO_FEISHU.openId, union_id: 'on_demo0001' }, sender_type: 'user', tenant_key: tenantKey },
      message: {
        message_id: fields.messageId ?? `om_${randomBytes(12).toString('hex')}`,
        create_time: String(fields.createTimeMs ?? Date.now()),
        chat_id: fields.chatId ?? DEMO_FEISHU.chatId,
        chat_type: fields.chatType ?? 'group',
        message_type: 'text',
        content: JSON.stringify({ text: `@_user_1 ${fields.text}` }),
        mentions: [{ key: '@_user_1', id: { open_id: 'ou_demobot0001' }, name: 'mqtrace', tenant_key: tenantKey }],
      },
    },
  };
}

/** A `card.action.trigger` callback: a press of a card button whose value carries `command`. */
export function buildFeishuCardAction(fields: { command: string; messageId: string; eventId?: string; chatId?: string; tenantKey?: string; token?: string }): Record<string, unknown> {
  const tenantKey = fields.tenantKey ?? DEMO_FEISHU.tenantKey;
  return {
    schema: '2.0',
    header: { event_id: fields.eventId ?? `ev${randomBytes(12).toString('hex')}`, event_type: 'card.action.trigger', create_time: String(Date.now()), token: fields.token ?? DEMO_FEISHU.verificationToken, app_id: DEMO_FEISHU.appId, tenant_key: tenantKey },
    event: {
      operator: { tenant_key: tenantKey, open_id: DEMO_FEISHU.openId },
      token: 'c-demo-card-token',
      action: { tag: 'button', value: { mqtrace_command: fields.command } },
      host: 'im_message',
      context: { open_message_id: fields.messageId, open_chat_id: fields.chatId ?? DEMO_FEISHU.chatId },
    },
  };
}

/**
 * A Feishu request as the platform sends it with an Encrypt Key: the body `{"encrypt": …}` and the
 * `X-Lark-*` headers signed over exactly those bytes. Without a key, the plain JSON and no signature.
 */
export function signFeishuRequest(
  event: Record<string, unknown>,
  options: { encryptKey?: string | undefined; timestampSec?: number; nonce?: string } = { encryptKey: DEMO_FEISHU.encryptKey },
): { body: string; headers: Record<string, string> } {
  const key = options.encryptKey;
  if (!key) return { body: JSON.stringify(event), headers: { 'content-type': 'application/json; charset=utf-8' } };
  const body = JSON.stringify({ encrypt: encryptFeishu(key, JSON.stringify(event)) });
  const timestamp = String(options.timestampSec ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': feishuSignature(timestamp, nonce, key, body),
    },
  };
}

/** Feishu's URL-verification challenge, encrypted when a key is given (it carries no signature headers). */
export function buildFeishuChallenge(challenge: string, options: { encryptKey?: string | undefined; token?: string } = {}): string {
  const plainBody = { challenge, token: options.token ?? DEMO_FEISHU.verificationToken, type: 'url_verification' };
  return options.encryptKey ? JSON.stringify({ encrypt: encryptFeishu(options.encryptKey, JSON.stringify(plainBody)) }) : JSON.stringify(plainBody);
}

/** Demo settings of the WeCom app of the local stack (never real). */
export const DEMO_WECOM = {
  corpId: 'wwmqtracedemo00001',
  token: 'mqtraceDemoWeComToken',
  encodingAesKey: 'mqtraceDemoEncodingAesKey0123456789abcdefgh',
  agentId: 1000002,
  secret: 'mqtrace-demo-wecom-app-secret-not-real',
  userId: 'demo.user',
} as const;

export interface WeComCallbackFields {
  text: string;
  userId?: string;
  msgId?: string;
  corpId?: string;
  agentId?: number;
  createTimeSec?: number;
}

/** The plaintext XML of an app's text message callback (before encryption). */
export function buildWeComTextMessage(fields: WeComCallbackFields): string {
  const corpId = fields.corpId ?? DEMO_WECOM.corpId;
  return writeFlatXml([
    ['ToUserName', corpId],
    ['FromUserName', fields.userId ?? DEMO_WECOM.userId],
    ['CreateTime', fields.createTimeSec ?? Math.floor(Date.now() / 1000)],
    ['MsgType', 'text'],
    ['Content', fields.text],
    ['MsgId', fields.msgId ?? String(BigInt(`0x${randomBytes(7).toString('hex')}`))],
    ['AgentID', fields.agentId ?? DEMO_WECOM.agentId],
  ]);
}

export interface WeComSigning {
  token?: string;
  encodingAesKey?: string;
  /** Whom the ciphertext is for: the CorpID of an app. */
  receiveId?: string;
  timestampSec?: number;
  nonce?: string;
}

/** A callback as WeCom posts it: `<Encrypt>` XML, and the query with `msg_signature`, `timestamp`, `nonce`. */
export function signWeComCallback(plainXml: string, signing: WeComSigning = {}): { body: string; query: Record<string, string> } {
  const timestamp = String(signing.timestampSec ?? Math.floor(Date.now() / 1000));
  const nonce = signing.nonce ?? String(randomBytes(4).readUInt32BE(0));
  const receiveId = signing.receiveId ?? DEMO_WECOM.corpId;
  const sealed = sealWeCom({ token: signing.token ?? DEMO_WECOM.token, encodingAesKey: signing.encodingAesKey ?? DEMO_WECOM.encodingAesKey, receiveId, message: plainXml, timestamp, nonce });
  return {
    body: writeFlatXml([
      ['ToUserName', receiveId],
      ['AgentID', String(DEMO_WECOM.agentId)],
      ['Encrypt', sealed.encrypted],
    ]),
    query: { msg_signature: sealed.signature, timestamp, nonce },
  };
}

/** The URL verification query WeCom sends when the callback URL is saved: an encrypted `echostr`. */
export function buildWeComVerification(echo: string, signing: WeComSigning = {}): Record<string, string> {
  const timestamp = String(signing.timestampSec ?? Math.floor(Date.now() / 1000));
  const nonce = signing.nonce ?? String(randomBytes(4).readUInt32BE(0));
  const sealed = sealWeCom({ token: signing.token ?? DEMO_WECOM.token, encodingAesKey: signing.encodingAesKey ?? DEMO_WECOM.encodingAesKey, receiveId: signing.receiveId ?? DEMO_WECOM.corpId, message: echo, timestamp, nonce });
  return { msg_signature: sealed.signature, timestamp, nonce, echostr: sealed.encrypted };
}

/** Opens a passive reply (for the helper CLI and tests): its signature checked, its text read. */
export function openWeComReply(xml: string, signing: WeComSigning = {}): Record<string, string> | undefined {
  const outer = readFlatXml(xml);
  if (!outer?.Encrypt || !outer.MsgSignature || !outer.TimeStamp || !outer.Nonce) return undefined;
  verifyWeComSignature({ token: signing.token ?? DEMO_WECOM.token, query: { msg_signature: outer.MsgSignature, timestamp: outer.TimeStamp, nonce: outer.Nonce }, encrypted: outer.Encrypt, nowMs: Number(outer.TimeStamp) * 1000 });
  return readFlatXml(decryptWeCom(signing.encodingAesKey ?? DEMO_WECOM.encodingAesKey, outer.Encrypt, signing.receiveId ?? DEMO_WECOM.corpId));
}

export interface SlackButtonFields {
  /** The command the button carries as its value. */
  command: string;
  responseUrl: string;
  actionId?: string;
  teamId?: string;
  channelId?: string;
  userId?: string;
  triggerId?: string;
}

/**
 * The form body of Slack's interactivity request for a press of one of mqtrace's buttons: a
 * `payload` field holding the `block_actions` JSON, signed like a slash command.
 */
export function buildSlackButtonBody(fields: SlackButtonFields): string {
  const teamId = fields.teamId ?? DEMO_CHAT.slackTeamId;
  const payload = {
    type: 'block_actions',
    team: { id: teamId, domain: 'mqtrace-demo' },
    user: { id: fields.userId ?? 'U0DEMO0001', username: 'demo', team_id: teamId },
    api_app_id: 'A0DEMO0001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: fields.channelId ?? 'C0DEMO0001', is_ephemeral: true },
    trigger_id: fields.triggerId ?? `${Date.now()}.${randomBytes(4).readUInt32BE(0)}.${randomBytes(16).toString('hex')}`,
    channel: { id: fields.channelId ?? 'C0DEMO0001', name: 'ops' },
    response_url: fields.responseUrl,
    actions: [{ action_id: fields.actionId ?? 'mqtrace.recheck', block_id: 'mqtrace.followups', text: { type: 'plain_text', text: 'Re-check', emoji: true }, value: fields.command, type: 'button', action_ts: '1700000001.000200' }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
