import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startChatFakes, type ChatFakes } from '../../../local/fakes/chat-fakes';
import { DEMO_FEISHU, DEMO_WECOM } from '../../../local/fakes/chat-signing';
import { startFeishuBotFake } from '../../../local/fakes/feishu-bot-fake';
import { startWeComRobotFake } from '../../../local/fakes/wecom-robot-fake';
import { buildFakeClock } from '../../builders/fake-clock';

// Plain fetch: the fakes are checked by a client of their own, not by mqtrace's adapters.
const call = async (url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) => {
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const CARD = { config: { wide_screen_mode: true }, header: { title: { tag: 'plain_text', content: 'hi' } }, elements: [] };

describe('Local fakes of the platform APIs', () => {
  const clock = buildFakeClock({ startMs: 1_700_000_000_000 });
  let fakes: ChatFakes;

  beforeAll(async () => {
    fakes = await startChatFakes({ now: clock.now });
  });
  afterAll(async () => {
    await fakes.close();
  });

  describe("Feishu's token and reply APIs", () => {
    const token = async () =>
      (await call(`${fakes.origin}/open-apis/auth/v3/tenant_access_token/internal`, { body: { app_id: DEMO_FEISHU.appId, app_secret: DEMO_FEISHU.appSecret } })).body.tenant_access_token as string;
    const reply = (messageId: string, body: unknown, bearer?: string) =>
      call(`${fakes.origin}/open-apis/im/v1/messages/${messageId}/reply`, { body, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

    it('hands out a two-hour token for the app ID and secret only', async () => {
      expect((await call(`${fakes.origin}/open-apis/auth/v3/tenant_access_token/internal`, { body: { app_id: DEMO_FEISHU.appId, app_secret: 'wrong-secret' } })).body.code).toBe(10014);
      const ok = await call(`${fakes.origin}/open-apis/auth/v3/tenant_access_token/internal`, { body: { app_id: DEMO_FEISHU.appId, app_secret: DEMO_FEISHU.appSecret } });
      expect(ok.body).toMatchObject({ code: 0, expire: 7200, tenant_access_token: expect.stringMatching(/^t-/) });
    });

    it('takes a card reply with a valid token, and answers the documented codes otherwise', async () => {
      const messageId = fakes.feishu.mintMessage('oc_chatA');
      const bearer = await token();
      expect((await reply(messageId, { msg_type: 'interactive', content: JSON.stringify(CARD) })).body.code).toBe(99991661);
      expect((await reply(messageId, { msg_type: 'interactive', content: JSON.stringify(CARD) }, 'not-a-token')).body.code).toBe(99991663);
      expect((await reply(messageId, { msg_type: 'interactive', content: JSON.stringify({ ...CARD, elements: [{ tag: 'div', text: { tag: 'plain_text', content: '消'.repeat(11_000) } }] }) }, bearer)).body.code).toBe(230025);
      expect((await reply('om_unknown', { msg_type: 'interactive', content: JSON.stringify(CARD) }, bearer)).body.code).toBe(230001);
      expect((await reply(messageId, { msg_type: 'interactive', content: JSON.stringify(CARD) }, bearer)).body.code).toBe(0);
      expect(fakes.feishu.posts(messageId).map((p) => p.accepted)).toEqual([false, false, false, true]);
    });

    it('refuses an expired token and more than 5 replies a second in one chat', async () => {
      const messageId = fakes.feishu.mintMessage('oc_chatB');
      const bearer = await token();
      const codes: number[] = [];
      for (let i = 0; i < 6; i++) codes.push((await reply(messageId, { msg_type: 'interactive', content: JSON.stringify(CARD) }, bearer)).body.code as number);
      expect(codes).toEqual([0, 0, 0, 0, 0, 230020]);
      clock.advance(7200_000);
      expect((await reply(messageId, { msg_type: 'interactive', content: JSON.stringify(CARD) }, bearer)).body.code).toBe(99991663);
    });
  });

  describe("WeCom's token and message-send APIs", () => {
    const token = async (secret: string = DEMO_WECOM.secret) =>
      (await call(`${fakes.origin}/cgi-bin/gettoken?${new URLSearchParams({ corpid: DEMO_WECOM.corpId, corpsecret: secret })}`, { method: 'GET' })).body;
    const send = (accessToken: string, body: unknown) => call(`${fakes.origin}/cgi-bin/message/send?access_token=${accessToken}`, { body });

    it('checks the token, the AgentId and the 2,048-byte content cap', async () => {
      expect((await token('wrong')).errcode).toBe(40001);
      const { access_token: accessToken, expires_in: expires } = await token();
      expect(expires).toBe(7200);
      const message = (content: string, agentid: number = DEMO_WECOM.agentId) => ({ touser: 'a.user', msgtype: 'markdown', agentid, markdown: { content } });
      expect((await send('nope', message('hi'))).body.errcode).toBe(40014);
      expect((await send(accessToken, message('hi', 1))).body.errcode).toBe(40056);
      expect((await send(accessToken, message('消'.repeat(683)))).body.errcode).toBe(45002);
      expect((await send(accessToken, message('消'.repeat(682)))).body.errcode).toBe(0);
      clock.advance(7200_000);
      expect((await send(accessToken, message('hi'))).body.errcode).toBe(42001);
    });
  });
});

describe('Local fakes of the alert bots', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  it('the Feishu custom bot checks its sign (HMAC-SHA256 keyed by "timestamp\\nsecret"), its hour window and 5 a second', async () => {
    const clock = buildFakeClock({ startMs: 1_700_000_000_000 });
    const fake = await startFeishuBotFake({ token: 'hook-1', secret: 'bot-secret-1', now: clock.now });
    closers.push(fake.close);
    const signed = (ts: number, secret = 'bot-secret-1') => ({ timestamp: String(ts), sign: createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64'), msg_type: 'text', content: { text: 'hi' } });
    expect((await call(fake.webhookUrl, { body: signed(1_700_000_000, 'another-secret') })).body.code).toBe(19021);
    expect((await call(fake.webhookUrl, { body: signed(1_700_000_000 - 3601) })).body.code).toBe(19021);
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await call(fake.webhookUrl, { body: signed(1_700_000_000) })).body.code as number);
    expect(codes).toEqual([0, 0, 0, 0, 0, 11232]);
    expect(fake.posts).toHaveLength(5);
  });

  it('the WeCom group robot refuses markdown over 4,096 bytes and the 21st message of a minute with 45009', async () => {
    const clock = buildFakeClock();
    const fake = await startWeComRobotFake({ key: 'robot-key-1', now: clock.now });
    closers.push(fake.close);
    const markdown = (content: string) => ({ msgtype: 'markdown', markdown: { content } });
    expect((await call(fake.webhookUrl.replace('robot-key-1', 'other-key'), { body: markdown('hi') })).body.errcode).toBe(93000);
    expect((await call(fake.webhookUrl, { body: markdown('消'.repeat(1366)) })).body.errcode).toBe(40058);
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) codes.push((await call(fake.webhookUrl, { body: markdown(`alert ${i}`) })).body.errcode as number);
    expect(codes.slice(0, 20).every((c) => c === 0)).toBe(true);
    expect(codes[20]).toBe(45009);
    clock.advance(60_001);
    expect((await call(fake.webhookUrl, { body: markdown('later') })).body.errcode).toBe(0);
  });
});
