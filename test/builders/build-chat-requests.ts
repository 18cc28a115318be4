import {
  buildSlackButtonBody,
  type SlackButtonFields,
  buildWeComTextMessage,
  buildWeComVerification,
  signWeComCallback,
  buildFeishuCardAction,
  buildFeishuMessageEvent,
  signFeishuRequest,
  buildDingTalkCallbackBody,
  buildSlashCommandBody,
  signDingTalkRequest,
  signSlackRequest,
  type DingTalkCallbackFields,
  type SlashCommandFields,
} from '../../local/fakes/chat-signing';
import { buildFcHttpEventBuffer } from './build-fc-http-event';

export const TEST_SLACK_SECRET = 'test-slack-signing-secret-8f742231';
export const TEST_DINGTALK_SECRET = 'test-dingtalk-app-secret-SEC1234';
export const TEST_INTERNAL_SECRET = 'test-internal-secret-0123456789abcdef0123';
export const TEST_TEAM_ID = 'T0TEST0001';
export const TEST_CORP_ID = 'dingtestcorp0001';
export const TEST_RESPONSE_URL = 'https://hooks.slack.com/commands/T0TEST0001/1234567890/abcdef0123456789abcdef01';
export const TEST_FEISHU = {
  appId: 'cli_testapp00001',
  appSecret: 'test-feishu-app-secret-0123',
  verificationToken: 'test-feishu-verification-token',
  encryptKey: 'test-feishu-encrypt-key-4567',
  tenantKey: 'testtenant0001',
  chatId: 'oc_testchat0000000000001',
} as const;
export const TEST_WECOM = {
  corpId: 'wwtestcorp00000001',
  token: 'testWeComToken',
  encodingAesKey: 'testEncodingAesKey0123456789abcdefghijklmno',
  agentId: 1000009,
  secret: 'test-wecom-app-secret-0123',
  userId: 'test.user',
} as const;
export const TEST_SESSION_WEBHOOK = 'https://oapi.dingtalk.com/robot/sendBySession?session=0123456789abcdef0123456789abcdef';

export interface SignedSlackCommand {
  body: string;
  headers: Record<string, string>;
}

/**
 * A signed slash command, as Bolt's tests build theirs: the form body, then headers signed over
 * it with `signingSecret` at `timestampSec`.
 */
export function buildSignedSlackCommand(
  fields: Partial<SlashCommandFields> & { text: string },
  signing: { signingSecret?: string; timestampSec: number },
): SignedSlackCommand {
  const body = buildSlashCommandBody({
    responseUrl: TEST_RESPONSE_URL,
    teamId: TEST_TEAM_ID,
    triggerId: '13345224609.738474920.8088930838d88f008e0',
    ...fields,
  });
  return { body, headers: signSlackRequest(body, { signingSecret: signing.signingSecret ?? TEST_SLACK_SECRET, timestampSec: signing.timestampSec }) };
}

/** The FC v1 event carrying a signed slash command. */
export function buildSlackCommandEvent(command: SignedSlackCommand, headerOverrides: Record<string, string | undefined> = {}): Buffer {
  return buildFcHttpEventBuffer({ method: 'POST', path: '/chat/slack', headers: withOverrides(command.headers, headerOverrides), body: command.body });
}

export interface SignedDingTalkCallback {
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** A signed DingTalk callback; the sign covers only the timestamp, as DingTalk's does. */
export function buildSignedDingTalkCallback(
  fields: Partial<DingTalkCallbackFields> & { text: string; nowMs: number },
  signing: { appSecret?: string; timestampMs?: number } = {},
): SignedDingTalkCallback {
  const body = buildDingTalkCallbackBody({
    sessionWebhook: TEST_SESSION_WEBHOOK,
    sessionWebhookExpiredTime: fields.nowMs + 90 * 60 * 1000,
    senderCorpId: TEST_CORP_ID,
    msgId: 'msgTEST0001AbCdEf==',
    createAt: fields.nowMs,
    ...fields,
  });
  return { body, headers: signDingTalkRequest({ appSecret: signing.appSecret ?? TEST_DINGTALK_SECRET, timestampMs: signing.timestampMs ?? fields.nowMs }) };
}

/** The FC v1 event carrying a signed DingTalk callback. */
export function buildDingTalkCallbackEvent(callback: SignedDingTalkCallback, headerOverrides: Record<string, string | undefined> = {}): Buffer {
  return buildFcHttpEventBuffer({
    method: 'POST',
    path: '/chat/dingtalk',
    headers: withOverrides(callback.headers, headerOverrides),
    body: JSON.stringify(callback.body),
  });
}

function withOverrides(headers: Record<string, string>, overrides: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = { ...headers };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** A signed (and encrypted) Feishu event, as FC delivers it to /chat/feishu. */
export function buildFeishuEvent(
  event: Record<string, unknown>,
  signing: { encryptKey?: string | undefined; timestampSec: number; nonce?: string },
  headerOverrides: Record<string, string | undefined> = {},
  bodyOverride?: (body: string) => string,
): Buffer {
  const signed = signFeishuRequest(event, signing);
  const body = bodyOverride ? bodyOverride(signed.body) : signed.body;
  return buildFcHttpEventBuffer({ method: 'POST', path: '/chat/feishu', headers: withOverrides(signed.headers, headerOverrides), body });
}

/** A Feishu message event of the test tenant and chat. */
export function buildTestFeishuMessage(text: string, fields: { eventId?: string; messageId?: string; tenantKey?: string; chatId?: string; token?: string } = {}): Record<string, unknown> {
  return buildFeishuMessageEvent({ text, tenantKey: TEST_FEISHU.tenantKey, chatId: TEST_FEISHU.chatId, token: TEST_FEISHU.verificationToken, ...fields });
}

/** A Feishu card-button press of the test tenant and chat. */
export function buildTestFeishuCardAction(command: string, messageId: string, fields: { eventId?: string } = {}): Record<string, unknown> {
  return buildFeishuCardAction({ command, messageId, tenantKey: TEST_FEISHU.tenantKey, chatId: TEST_FEISHU.chatId, token: TEST_FEISHU.verificationToken, ...fields });
}

const wecomSigning = (timestampSec: number, overrides: { token?: string; encodingAesKey?: string; receiveId?: string } = {}) => ({
  token: TEST_WECOM.token,
  encodingAesKey: TEST_WECOM.encodingAesKey,
  receiveId: TEST_WECOM.corpId,
  timestampSec,
  ...overrides,
});

/** A signed WeCom text-message callback of the test corp, as FC delivers it to POST /chat/wecom. */
export function buildWeComCallbackEvent(
  text: string,
  options: { nowSec: number; userId?: string; msgId?: string; signing?: { token?: string; encodingAesKey?: string; receiveId?: string; timestampSec?: number }; query?: Record<string, string | undefined> },
): Buffer {
  const plain = buildWeComTextMessage({ text, corpId: TEST_WECOM.corpId, agentId: TEST_WECOM.agentId, userId: options.userId ?? TEST_WECOM.userId, msgId: options.msgId ?? '7300000000000000001', createTimeSec: options.nowSec });
  const signed = signWeComCallback(plain, { ...wecomSigning(options.signing?.timestampSec ?? options.nowSec, options.signing) });
  const query = withOverrides(signed.query, options.query ?? {});
  return buildFcHttpEventBuffer({ method: 'POST', path: '/chat/wecom', query, headers: { 'content-type': 'text/xml' }, body: signed.body });
}

/** WeCom's URL verification, as FC delivers it to GET /chat/wecom. */
export function buildWeComVerificationEvent(echo: string, options: { nowSec: number; signing?: { token?: string; encodingAesKey?: string; receiveId?: string } }): Buffer {
  return buildFcHttpEventBuffer({ method: 'GET', path: '/chat/wecom', query: buildWeComVerification(echo, wecomSigning(options.nowSec, options.signing)) });
}

/** A signed press of an mqtrace button in Slack, as FC delivers it to POST /chat/slack. */
export function buildSlackButtonEvent(fields: Partial<SlackButtonFields> & { command: string }, signing: { signingSecret?: string; timestampSec: number }, headerOverrides: Record<string, string | undefined> = {}): Buffer {
  const body = buildSlackButtonBody({ responseUrl: TEST_RESPONSE_URL, teamId: TEST_TEAM_ID, triggerId: '13345224609.738474920.8088930838d88f008e1', ...fields });
  const headers = signSlackRequest(body, { signingSecret: signing.signingSecret ?? TEST_SLACK_SECRET, timestampSec: signing.timestampSec });
  return buildFcHttpEventBuffer({ method: 'POST', path: '/chat/slack', headers: withOverrides(headers, headerOverrides), body });
}
