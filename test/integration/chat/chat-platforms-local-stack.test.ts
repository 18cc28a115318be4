import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDingTalkCallbackBody,
  buildFeishuChallenge,
  buildFeishuMessageEvent,
  buildFeishuCardAction,
  buildSlackButtonBody,
  buildWeComTextMessage,
  buildWeComVerification,
  DEMO_CHAT,
  DEMO_FEISHU,
  DEMO_WECOM,
  openWeComReply,
  signDingTalkRequest,
  signFeishuRequest,
  signSlackRequest,
  signWeComCallback,
} from '../../../local/fakes/chat-signing';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import { buildSeedFile } from '../../builders/seed';

const PARTIAL_MSG = '0A000C22303918B4AAC244F9D9B101A4';
const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';

describe('Every chat platform through the local stack: signed requests in, localized replies at the fakes', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: { PATH: process.env.PATH }, seedPath: buildSeedFile().path, functionEnv: { MQTRACE_CHAT_INLINE_BUDGET_MS: '2500' }, maxInstances: 1 });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const post = (path: string, body: string, headers: Record<string, string>, query = '') =>
    fetch(`${stack.url}${path}${query}`, { method: 'POST', headers, body }).then(async (r) => ({ status: r.status, text: await r.text(), type: r.headers.get('content-type') }));

  describe('Feishu/Lark', () => {
    it('answers the encrypted URL-verification challenge', async () => {
      const response = await post('/chat/feishu', buildFeishuChallenge('challenge-from-feishu', { encryptKey: DEMO_FEISHU.encryptKey }), { 'content-type': 'application/json' });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.text)).toEqual({ challenge: 'challenge-from-feishu' });
    });

    it('replies to a signed, encrypted message in its thread with a Chinese card the fake API accepts', async () => {
      // Arrange
      const messageId = stack.chat.fakes.feishu.mintMessage(DEMO_FEISHU.chatId);
      const signed = signFeishuRequest(buildFeishuMessageEvent({ text: `trace orders ${PARTIAL_MSG}`, messageId }), { encryptKey: DEMO_FEISHU.encryptKey });
      // Act
      const response = await post('/chat/feishu', signed.body, signed.headers);
      const [reply] = await stack.chat.fakes.waitForPosts(messageId, 1, 25_000);
      // Assert
      expect(response.status).toBe(200);
      const card = JSON.parse((reply?.body as { content: string }).content) as { header: { title: { content: string } }; elements: Array<{ tag: string; actions?: Array<{ value: Record<string, string> }> }> };
      expect(card.header.title.content).toBe('🟡 部分消费 · orders');
      expect(JSON.stringify(card)).toMatch(/UTC\+08:00/);
      const command = card.elements.find((e) => e.tag === 'action')?.actions?.[0]?.value.mqtrace_command;
      expect(command).toBe(`trace orders ${PARTIAL_MSG} ${INSTANCE}`);

      // Act: press the card's Re-check button.
      const press = signFeishuRequest(buildFeishuCardAction({ command: command ?? '', messageId }), { encryptKey: DEMO_FEISHU.encryptKey });
      expect((await post('/chat/feishu', press.body, press.headers)).status).toBe(200);
      const replies = await stack.chat.fakes.waitForPosts(messageId, 2, 25_000);
      expect(JSON.parse((replies[1]?.body as { content: string }).content).header.title.content).toBe('🟡 部分消费 · orders');
    });

    it.each([
      ['unsigned', (s: { body: string; headers: Record<string, string> }) => ({ ...s, headers: { 'content-type': 'application/json' } })],
      ['stale', () => signFeishuRequest(buildFeishuMessageEvent({ text: 'help' }), { encryptKey: DEMO_FEISHU.encryptKey, timestampSec: Math.floor(Date.now() / 1000) - 600 })],
      // One base64 character of the ciphertext changed, always to another one.
      ['tampered', (s: { body: string; headers: Record<string, string> }) => ({ ...s, body: s.body.replace(/"encrypt":"(.)/, (_m, c: string) => `"encrypt":"${c === 'A' ? 'B' : 'A'}`) })],
    ])('refuses a %s event with 401 and posts nothing', async (_name, change) => {
      const messageId = stack.chat.fakes.feishu.mintMessage(DEMO_FEISHU.chatId);
      const signed = change(signFeishuRequest(buildFeishuMessageEvent({ text: `trace orders ${PARTIAL_MSG}`, messageId }), { encryptKey: DEMO_FEISHU.encryptKey }));
      expect((await post('/chat/feishu', signed.body, signed.headers)).status).toBe(401);
      await stack.chat.invokeApi.settled();
      expect(stack.chat.fakes.feishu.posts(messageId)).toEqual([]);
    });
  });

  describe('WeCom', () => {
    it('passes the URL verification and answers a signed callback with an encrypted Chinese passive reply', async () => {
      const verification = buildWeComVerification('echo-123');
      const verified = await fetch(`${stack.url}/chat/wecom?${new URLSearchParams(verification)}`);
      expect(await verified.text()).toBe('echo-123');

      const signed = signWeComCallback(buildWeComTextMessage({ text: `查询 orders ${PARTIAL_MSG}` }));
      const response = await post('/chat/wecom', signed.body, { 'content-type': 'text/xml' }, `?${new URLSearchParams(signed.query)}`);
      expect(response.status).toBe(200);
      const reply = openWeComReply(response.text);
      expect(reply).toMatchObject({ ToUserName: DEMO_WECOM.userId, MsgType: 'text' });
      expect(reply?.Content).toContain('🟡 部分消费 · orders');
    });

    it('refuses a tampered callback with 401', async () => {
      const signed = signWeComCallback(buildWeComTextMessage({ text: `trace orders ${PARTIAL_MSG}` }));
      const query = new URLSearchParams({ ...signed.query, msg_signature: '0'.repeat(40) });
      expect((await post('/chat/wecom', signed.body, { 'content-type': 'text/xml' }, `?${query}`)).status).toBe(401);
    });
  });

  describe('Slack', () => {
    it('answers a signed button press on its response_url, which the fake accepts', async () => {
      const responseUrl = stack.chat.fakes.slack.mint({ teamId: DEMO_CHAT.slackTeamId });
      const body = buildSlackButtonBody({ command: `trace orders ${PARTIAL_MSG} ${INSTANCE}`, responseUrl });
      const response = await post('/chat/slack', body, signSlackRequest(body));
      expect(response.status).toBe(200);
      const [answer] = await stack.chat.fakes.waitForPosts(responseUrl, 1, 25_000);
      expect(answer?.body).toMatchObject({ replace_original: false, text: expect.stringContaining('Partially consumed') });
    });

    it('refuses a stale button press with 401', async () => {
      const responseUrl = stack.chat.fakes.slack.mint({ teamId: DEMO_CHAT.slackTeamId });
      const body = buildSlackButtonBody({ command: 'help', responseUrl });
      const response = await post('/chat/slack', body, signSlackRequest(body, { timestampSec: Math.floor(Date.now() / 1000) - 600 }));
      expect(response.status).toBe(401);
      expect(stack.chat.fakes.slack.posts(responseUrl)).toEqual([]);
    });
  });

  describe('DingTalk', () => {
    it('answers a signed message in Chinese on its sessionWebhook, with paste-ready follow-ups', async () => {
      const session = stack.chat.fakes.dingtalk.mint();
      const body = buildDingTalkCallbackBody({ text: `trace orders ${PARTIAL_MSG}`, sessionWebhook: session.url, sessionWebhookExpiredTime: session.expiresAtMs });
      const response = await post('/chat/dingtalk', JSON.stringify(body), signDingTalkRequest());
      expect(response.status).toBe(200);
      const [answer] = await stack.chat.fakes.waitForPosts(session.url, 1, 25_000);
      const text = (answer?.body as { markdown: { text: string } }).markdown.text;
      expect(text).toContain('### 🟡 部分消费');
      expect(text).toContain(`- 重新检查 @mqtrace trace orders ${PARTIAL_MSG} ${INSTANCE}`);
    });
  });
});
