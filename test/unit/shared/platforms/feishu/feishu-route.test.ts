import { describe, expect, it } from 'vitest';
import { UpstreamTimeoutError } from '../../../../../shared/errors';
import type { MessageTraceResult } from '../../../../../shared/ons/message-trace';
import { encryptFeishu } from '../../../../../shared/platforms/feishu/verify';
import { buildFeishuChallenge } from '../../../../../local/fakes/chat-signing';
import { buildFeishuEvent, buildTestFeishuCardAction, buildTestFeishuMessage, TEST_FEISHU, TEST_INTERNAL_SECRET } from '../../../../builders/build-chat-requests';
import { buildChatHandler, CHAT_DEFAULT_INSTANCE, type ChatHandlerHarness } from '../../../../builders/build-chat-handler';
import { buildFcContext, buildFcHttpEventBuffer } from '../../../../builders/build-fc-http-event';
import { HANDLER_NOW_MS } from '../../../../builders/build-http-handler';

const MSG = '0A000C22303918B4AAC244F9D9B101A4';
const NOW_SEC = Math.floor(HANDLER_NOW_MS / 1000);
const PARTIAL: MessageTraceResult = {
  requestId: 'UP-PARTIAL-1',
  tracks: [
    { consumerGroup: 'GID_billing', trackType: 'CONSUMED' },
    { consumerGroup: 'GID_shipping', trackType: 'NOT_CONSUME_YET' },
  ],
};
const signing: { encryptKey: string; timestampSec: number } = { encryptKey: TEST_FEISHU.encryptKey, timestampSec: NOW_SEC };
const accessLine = (harness: ChatHandlerHarness) => harness.logs().filter((l) => l.event !== 'audit.lookup').at(-1) as Record<string, unknown>;
const replies = (harness: ChatHandlerHarness) => harness.posts.filter((p) => p.url.includes('/open-apis/im/v1/messages/'));
const cardOf = (post: { body: Record<string, any> } | undefined) => JSON.parse(post?.body.content ?? '{}') as { header: { title: { content: string } }; elements: Array<Record<string, any>> };

describe('The Feishu/Lark route (through createHttpHandler)', () => {
  describe('Given the URL-verification challenge', () => {
    it.each([
      ['encrypted with the Encrypt Key', TEST_FEISHU.encryptKey, {}],
      ['in plain JSON, when no Encrypt Key is configured', undefined, { FEISHU_ENCRYPT_KEY: '' }],
    ])('answers it %s with the challenge, and nothing else', async (_name, encryptKey, env) => {
      // Arrange
      const harness = buildChatHandler({ env });
      const body = buildFeishuChallenge('ch-0123456789', { encryptKey, token: TEST_FEISHU.verificationToken });
      // Act
      const response = await harness.invoke(buildFcHttpEventBuffer({ method: 'POST', path: '/chat/feishu', headers: { 'content-type': 'application/json' }, body }), buildFcContext());
      // Assert
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ challenge: 'ch-0123456789' });
      expect(accessLine(harness)).toMatchObject({ route: 'chat.feishu', outcome: 'url_verification' });
      expect(harness.posts).toHaveLength(0);
    });

    it.each([
      ['a wrong verification token', () => buildFeishuChallenge('x', { encryptKey: TEST_FEISHU.encryptKey, token: 'not-the-token' }), 'feishu token: mismatch'],
      ['another Encrypt Key', () => buildFeishuChallenge('x', { encryptKey: 'another-encrypt-key', token: TEST_FEISHU.verificationToken }), 'feishu decrypt'],
      ['no encryption while a key is set', () => buildFeishuChallenge('x', { token: TEST_FEISHU.verificationToken }), 'not encrypted'],
    ])('refuses a challenge with %s: 401 and an empty body', async (_name, body, reason) => {
      const harness = buildChatHandler();
      const response = await harness.invoke(buildFcHttpEventBuffer({ method: 'POST', path: '/chat/feishu', body: body() }), buildFcContext());
      expect(response).toMatchObject({ statusCode: 401, body: '' });
      expect(accessLine(harness)).toMatchObject({ rejected: expect.stringContaining(reason) });
    });
  });

  describe('Given a signed, encrypted message event', () => {
    it('acknowledges it and replies in the thread with a Chinese card, fetching the tenant token once', async () => {
      // Arrange
      const harness = buildChatHandler({ respond: () => PARTIAL, timeZone: { kind: 'iana', name: 'Asia/Shanghai' } });
      // Act
      const first = await harness.invoke(buildFeishuEvent(buildTestFeishuMessage(`trace orders ${MSG}`, { messageId: 'om_first000000000001' }), signing), buildFcContext());
      const second = await harness.invoke(buildFeishuEvent(buildTestFeishuMessage(`查询 orders ${MSG}`, { messageId: 'om_second00000000001' }), signing), buildFcContext());
      // Assert
      expect(first.statusCode).toBe(200);
      expect(JSON.parse(first.body)).toEqual({});
      expect(second.statusCode).toBe(200);
      const tokenCalls = harness.posts.filter((p) => p.url.endsWith('/open-apis/auth/v3/tenant_access_token/internal'));
      expect(tokenCalls).toHaveLength(1);
      expect(tokenCalls[0]?.body).toEqual({ app_id: TEST_FEISHU.appId, app_secret: TEST_FEISHU.appSecret });
      const [reply] = replies(harness);
      expect(reply?.url).toBe('https://open.feishu.cn/open-apis/im/v1/messages/om_first000000000001/reply');
      expect(reply?.headers.authorization).toBe('Bearer t-test-tenant-token');
      expect(reply?.body.msg_type).toBe('interactive');
      const card = cardOf(reply);
      expect(card.header.title.content).toBe('🟡 部分消费 · orders');
      expect(JSON.stringify(card)).toContain('UTC+08:00');
      const buttons = card.elements.find((e) => e.tag === 'action')?.actions as Array<{ text: { content: string }; value: Record<string, string> }>;
      // The unconsumed message was explained inline, so "why" is not offered again.
      expect(buttons.map((b) => [b.text.content, b.value.mqtrace_command])).toEqual([
        ['重新检查', `trace orders ${MSG} ${CHAT_DEFAULT_INSTANCE}`],
        ['消息轨迹', `journey orders ${MSG} ${CHAT_DEFAULT_INSTANCE}`],
      ]);
      expect(JSON.stringify(card)).toContain('原因');
      expect(accessLine(harness)).toMatchObject({ platform: 'feishu', mode: 'inline', verdict: 'PARTIALLY_CONSUMED', replyDelivered: true, tenantKey: TEST_FEISHU.tenantKey, locale: 'zh-CN' });
      expect(harness.rawLogs.join('\n')).not.toContain('t-test-tenant-token');
    });

    it('acts once on an event_id, however often Feishu redelivers it', async () => {
      const harness = buildChatHandler({ respond: () => PARTIAL });
      const event = buildTestFeishuMessage(`trace orders ${MSG}`, { eventId: 'ev-same-0001' });
      for (let i = 0; i < 3; i++) expect((await harness.invoke(buildFeishuEvent(event, { ...signing, nonce: `n${i}` }), buildFcContext())).statusCode).toBe(200);
      expect(replies(harness)).toHaveLength(1);
      expect(harness.fake.queries).toHaveLength(1);
      expect(accessLine(harness)).toMatchObject({ outcome: 'duplicate' });
    });

    it.each([
      ['signed with another key', { signing: { encryptKey: 'another-encrypt-key', timestampSec: NOW_SEC } }, 'feishu decrypt'],
      ['stale', { signing: { ...signing, timestampSec: NOW_SEC - 301 } }, 'more than 5 minutes old'],
      ['unsigned', { headers: { 'x-lark-signature': undefined } }, 'missing x-lark-signature'],
      // Another validly encrypted body under the original headers: only the signature can tell.
      ['tampered after signing', { tamper: () => JSON.stringify({ encrypt: encryptFeishu(TEST_FEISHU.encryptKey, JSON.stringify(buildTestFeishuMessage('help'))) }) }, 'mismatch'],
      ['with a wrong verification token', { event: buildTestFeishuMessage(`trace orders ${MSG}`, { token: 'not-the-token' }) }, 'feishu token: mismatch'],
    ])('refuses an event %s with 401 and changes nothing', async (_name, change: { signing?: typeof signing; headers?: Record<string, string | undefined>; tamper?: (b: string) => string; event?: Record<string, unknown> }, reason) => {
      const harness = buildChatHandler({ respond: () => PARTIAL });
      const event = change.event ?? buildTestFeishuMessage(`trace orders ${MSG}`);
      const response = await harness.invoke(buildFeishuEvent(event, change.signing ?? signing, change.headers, change.tamper), buildFcContext());
      expect(response).toMatchObject({ statusCode: 401, body: '' });
      expect(accessLine(harness)).toMatchObject({ route: 'chat.feishu', rejected: expect.stringContaining(reason) });
      expect(harness.posts).toHaveLength(0);
      expect(harness.fake.queries).toHaveLength(0);
    });

    it('refuses a tenant that is not on the allow-list, in Chinese, without a lookup', async () => {
      const harness = buildChatHandler({ respond: () => PARTIAL });
      await harness.invoke(buildFeishuEvent(buildTestFeishuMessage(`trace orders ${MSG}`, { tenantKey: 'othertenant' }), signing), buildFcContext());
      expect(JSON.stringify(cardOf(replies(harness)[0]))).toContain('抱歉，mqtrace 不能在这里回答这个请求。');
      expect(harness.fake.queries).toHaveLength(0);
      expect(accessLine(harness)).toMatchObject({ outcome: 'denied' });
    });

    it('retries the reply once with a fresh token when Feishu calls the cached one invalid', async () => {
      let replyCalls = 0;
      const harness = buildChatHandler({
        respond: () => PARTIAL,
        replyAnswer: (url) => {
          if (url.includes('tenant_access_token')) return { status: 200, text: `{"code":0,"tenant_access_token":"t-token-${replyCalls}","expire":7200}` };
          replyCalls++;
          return replyCalls === 1 ? { status: 400, text: '{"code":99991663,"msg":"Invalid access token for authorization."}' } : { status: 200, text: '{"code":0,"msg":"success"}' };
        },
      });
      await harness.invoke(buildFeishuEvent(buildTestFeishuMessage(`trace orders ${MSG}`), signing), buildFcContext());
      expect(harness.posts.map((p) => (p.url.includes('tenant_access_token') ? 'token' : `reply ${p.headers.authorization}`))).toEqual([
        'token',
        'reply Bearer t-token-0',
        'token',
        'reply Bearer t-token-1',
      ]);
      expect(accessLine(harness)).toMatchObject({ replyDelivered: true });
    });

    it('logs the code when Feishu refuses a card as too long', async () => {
      const harness = buildChatHandler({
        respond: () => PARTIAL,
        replyAnswer: (url) => (url.includes('tenant_access_token') ? { status: 200, text: '{"code":0,"tenant_access_token":"t","expire":7200}' } : { status: 400, text: '{"code":230025,"msg":"message too long"}' }),
      });
      await harness.invoke(buildFeishuEvent(buildTestFeishuMessage(`trace orders ${MSG}`), signing), buildFcContext());
      expect(accessLine(harness)).toMatchObject({ replyDelivered: false, replyFailure: 'feishu_refused', replyErrcode: 230025 });
    });
  });

  describe('Given a slow upstream', () => {
    it('posts a short "正在查询…" card, hands off, and the async invocation replies in the thread once', async () => {
      // Arrange
      let slow = true;
      const harness = buildChatHandler({
        respond: () => {
          if (slow) throw new UpstreamTimeoutError('slow');
          return PARTIAL;
        },
      });
      // Act
      const ack = await harness.invoke(buildFeishuEvent(buildTestFeishuMessage(`trace orders ${MSG}`, { messageId: 'om_slow0000000000001' }), signing), buildFcContext());
      slow = false;
      for (const event of [...harness.invocations, ...harness.invocations]) await harness.invoke(event, buildFcContext());
      // Assert
      expect(JSON.parse(ack.body)).toEqual({});
      const cards = replies(harness).map((r) => cardOf(r).header.title.content);
      expect(cards).toEqual([`正在查询 ${MSG}`, '🟡 部分消费 · orders']);
      expect(replies(harness).every((r) => r.url.endsWith('/om_slow0000000000001/reply'))).toBe(true);
      expect(harness.logs().filter((l) => l.event === 'internal.event').map((l) => l.outcome ?? l.replyDelivered)).toEqual([true, 'duplicate']);
    });
  });

  describe('Given a press of a card button', () => {
    it('runs the command it carries, with the same scope check and audit as a typed one, and replies in the thread', async () => {
      const harness = buildChatHandler({ respond: () => PARTIAL });
      const response = await harness.invoke(buildFeishuEvent(buildTestFeishuCardAction(`trace orders ${MSG} ${CHAT_DEFAULT_INSTANCE}`, 'om_card0000000000001'), signing), buildFcContext());
      expect(response.statusCode).toBe(200);
      expect(replies(harness).map((r) => r.url)).toEqual(['https://open.feishu.cn/open-apis/im/v1/messages/om_card0000000000001/reply']);
      expect(harness.fake.queries).toEqual([{ instanceId: CHAT_DEFAULT_INSTANCE, topic: 'orders', msgId: MSG }]);
      expect(harness.logs().filter((l) => l.event === 'audit.lookup')).toEqual([
        expect.objectContaining({ caller: { channel: 'feishu', id: `${TEST_FEISHU.tenantKey}/${TEST_FEISHU.chatId}` }, outcome: 'answered' }),
      ]);
      expect(accessLine(harness)).toMatchObject({ via: 'button', command: 'trace' });
    });

    it('refuses a button whose command reaches outside the scope', async () => {
      const harness = buildChatHandler({
        respond: () => PARTIAL,
        config: { feishu: { chats: [{ tenantKey: TEST_FEISHU.tenantKey, chatId: '*', scope: { instances: ['*'], topics: ['orders'] } }] } },
      });
      await harness.invoke(buildFeishuEvent(buildTestFeishuCardAction(`trace payments ${MSG}`, 'om_card0000000000002'), signing), buildFcContext());
      expect(harness.fake.queries).toHaveLength(0);
      expect(harness.logs().filter((l) => l.event === 'audit.lookup')).toEqual([expect.objectContaining({ outcome: 'refused', reason: 'out_of_scope' })]);
    });
  });

  it('answers 404 when the app is not configured', async () => {
    const harness = buildChatHandler({ env: { FEISHU_APP_ID: '', FEISHU_APP_SECRET: '', FEISHU_VERIFICATION_TOKEN: '', FEISHU_ENCRYPT_KEY: '' } });
    const response = await harness.invoke(buildFeishuEvent(buildTestFeishuMessage('help'), signing), buildFcContext());
    expect(response.statusCode).toBe(404);
  });

  it('never writes its secrets to a log line or a reply', async () => {
    const harness = buildChatHandler({ respond: () => PARTIAL });
    await harness.invoke(buildFeishuEvent(buildTestFeishuMessage(`trace orders ${MSG}`), signing), buildFcContext());
    const everything = [...harness.rawLogs, ...replies(harness).map((p) => JSON.stringify(p.body))].join('\n');
    for (const secret of [TEST_FEISHU.appSecret, TEST_FEISHU.encryptKey, TEST_FEISHU.verificationToken, TEST_INTERNAL_SECRET]) expect(everything).not.toContain(secret);
  });
});
