import { describe, expect, it } from 'vitest';
import { UpstreamTimeoutError } from '../../../../../shared/errors';
import type { MessageTraceResult } from '../../../../../shared/ons/message-trace';
import { WECOM_APP_MAX_BYTES, WECOM_ROBOT_MAX_BYTES, renderWeComAlert, renderWeComMessage } from '../../../../../shared/platforms/wecom/render';
import { openWeComReply } from '../../../../../local/fakes/chat-signing';
import { buildWeComCallbackEvent, buildWeComVerificationEvent, TEST_INTERNAL_SECRET, TEST_WECOM } from '../../../../builders/build-chat-requests';
import { buildChatHandler, CHAT_DEFAULT_INSTANCE, type ChatHandlerHarness } from '../../../../builders/build-chat-handler';
import { buildFcContext } from '../../../../builders/build-fc-http-event';
import { HANDLER_NOW_MS } from '../../../../builders/build-http-handler';
import { buildRenderView, ZH_SHANGHAI } from '../../../../builders/build-presenter';
import { buildAlertContent, buildAlertFailingCheck, buildMsgId } from '../../../../builders/build-spot-check';
import { buildTraceReport } from '../../../../builders/build-trace-report';
import fc from 'fast-check';

const MSG = '0A000C22303918B4AAC244F9D9B101A4';
const NOW_SEC = Math.floor(HANDLER_NOW_MS / 1000);
const PARTIAL: MessageTraceResult = {
  requestId: 'UP-PARTIAL-1',
  tracks: [
    { consumerGroup: 'GID_billing', trackType: 'CONSUMED' },
    { consumerGroup: 'GID_shipping', trackType: 'NOT_CONSUME_YET' },
  ],
};
const SIGNING = { token: TEST_WECOM.token, encodingAesKey: TEST_WECOM.encodingAesKey, receiveId: TEST_WECOM.corpId };
const accessLine = (harness: ChatHandlerHarness) => harness.logs().filter((l) => l.event !== 'audit.lookup').at(-1) as Record<string, unknown>;
const sends = (harness: ChatHandlerHarness) => harness.posts.filter((p) => p.url.includes('/cgi-bin/message/send'));

describe('The WeCom route (through createHttpHandler)', () => {
  describe('Given the URL verification', () => {
    it('echoes the decrypted echostr as plain text', async () => {
      const harness = buildChatHandler();
      const response = await harness.invoke(buildWeComVerificationEvent('echo-1616140317555161061', { nowSec: NOW_SEC }), buildFcContext());
      expect(response).toMatchObject({ statusCode: 200, body: 'echo-1616140317555161061', headers: expect.objectContaining({ 'content-type': 'text/plain; charset=utf-8' }) });
      expect(accessLine(harness)).toMatchObject({ route: 'chat.wecom.probe', outcome: 'url_verification' });
    });

    it.each([
      ['signed with another token', { token: 'another-token' }, 'wecom signature: mismatch'],
      ['for another corp', { receiveId: 'wwothercorp0001' }, 'receiveId is not WECOM_CORP_ID'],
    ])('refuses one %s with 401', async (_name, signing, reason) => {
      const harness = buildChatHandler();
      const response = await harness.invoke(buildWeComVerificationEvent('x', { nowSec: NOW_SEC, signing }), buildFcContext());
      expect(response).toMatchObject({ statusCode: 401, body: '' });
      expect(accessLine(harness)).toMatchObject({ rejected: expect.stringContaining(reason) });
    });
  });

  describe('Given a signed text message', () => {
    it('answers within the 5 s as an encrypted passive reply in Chinese, sealed for the corp', async () => {
      // Arrange
      const harness = buildChatHandler({ respond: () => PARTIAL, timeZone: { kind: 'iana', name: 'Asia/Shanghai' } });
      // Act
      const response = await harness.invoke(buildWeComCallbackEvent(`trace orders ${MSG}`, { nowSec: NOW_SEC }), buildFcContext());
      // Assert
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/xml; charset=utf-8');
      const reply = openWeComReply(response.body, SIGNING);
      expect(reply).toMatchObject({ ToUserName: TEST_WECOM.userId, FromUserName: TEST_WECOM.corpId, MsgType: 'text' });
      expect(reply?.Content).toContain('🟡 部分消费 · orders');
      expect(reply?.Content).toContain('UTC+08:00');
      expect(Buffer.byteLength(reply?.Content ?? '')).toBeLessThanOrEqual(WECOM_APP_MAX_BYTES);
      expect(reply?.Content).toContain(`重新检查 trace orders ${MSG} ${CHAT_DEFAULT_INSTANCE}`);
      expect(sends(harness)).toHaveLength(0);
      expect(accessLine(harness)).toMatchObject({ platform: 'wecom', mode: 'inline', verdict: 'PARTIALLY_CONSUMED', replyMode: 'passive', userId: TEST_WECOM.userId });
    });

    it('acts once on a MsgId, whatever WeCom redelivers', async () => {
      const harness = buildChatHandler({ respond: () => PARTIAL });
      for (let i = 0; i < 3; i++) await harness.invoke(buildWeComCallbackEvent(`trace orders ${MSG}`, { nowSec: NOW_SEC, msgId: '7300000000000000042' }), buildFcContext());
      expect(harness.fake.queries).toHaveLength(1);
      expect(accessLine(harness)).toMatchObject({ outcome: 'duplicate' });
    });

    it.each([
      ['signed with another token', { signing: { token: 'another-token' } }, 'wecom signature: mismatch'],
      ['encrypted with another key', { signing: { encodingAesKey: 'anotherEncodingAesKey0123456789abcdefghijkl' } }, 'wecom decrypt'],
      ['stale', { signing: { timestampSec: NOW_SEC - 301 } }, 'more than 5 minutes old'],
      ['unsigned', { query: { msg_signature: undefined } }, 'missing msg_signature'],
    ])('refuses a callback %s with 401 and changes nothing', async (_name, change, reason) => {
      const harness = buildChatHandler({ respond: () => PARTIAL });
      const response = await harness.invoke(buildWeComCallbackEvent(`trace orders ${MSG}`, { nowSec: NOW_SEC, ...change }), buildFcContext());
      expect(response).toMatchObject({ statusCode: 401, body: '' });
      expect(accessLine(harness)).toMatchObject({ route: 'chat.wecom', rejected: expect.stringContaining(reason) });
      expect(harness.fake.queries).toHaveLength(0);
      expect(harness.posts).toHaveLength(0);
    });

    it('refuses a member who is not on the allow-list, in Chinese', async () => {
      const harness = buildChatHandler({ config: { wecom: { users: [{ corpId: TEST_WECOM.corpId, userId: 'someone.else', scope: { instances: ['*'], topics: ['*'] } }] } } });
      const response = await harness.invoke(buildWeComCallbackEvent(`trace orders ${MSG}`, { nowSec: NOW_SEC }), buildFcContext());
      expect(openWeComReply(response.body, SIGNING)?.Content).toContain('抱歉，mqtrace 不能在这里回答这个请求。');
      expect(harness.fake.queries).toHaveLength(0);
    });
  });

  describe('Given a slow upstream', () => {
    it('replies "正在查询…" passively, then sends the markdown answer through the message API with a cached token', async () => {
      // Arrange
      let slow = true;
      const harness = buildChatHandler({
        respond: () => {
          if (slow) throw new UpstreamTimeoutError('slow');
          return PARTIAL;
        },
      });
      // Act
      const ack = await harness.invoke(buildWeComCallbackEvent(`trace orders ${MSG}`, { nowSec: NOW_SEC }), buildFcContext());
      slow = false;
      for (const event of [...harness.invocations, ...harness.invocations]) await harness.invoke(event, buildFcContext());
      // Assert
      expect(openWeComReply(ack.body, SIGNING)?.Content).toContain('🔎 正在查询 orders');
      const [send] = sends(harness);
      expect(sends(harness)).toHaveLength(1);
      expect(send?.url).toBe('https://qyapi.weixin.qq.com/cgi-bin/message/send?access_token=wecom-test-access-token');
      expect(send?.body).toMatchObject({ touser: TEST_WECOM.userId, msgtype: 'markdown', agentid: TEST_WECOM.agentId });
      expect(send?.body.markdown.content).toContain('### 🟡 部分消费 · orders');
      const tokenCall = harness.posts.find((p) => p.url.includes('/cgi-bin/gettoken'));
      expect(tokenCall?.url).toBe(`https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=${TEST_WECOM.corpId}&corpsecret=${TEST_WECOM.secret}`);
      expect(harness.rawLogs.join('\n')).not.toContain('wecom-test-access-token');
      expect(harness.rawLogs.join('\n')).not.toContain(TEST_WECOM.secret);
    });

    it('refreshes the token once when WeCom says it expired (42001)', async () => {
      let sendCalls = 0;
      const harness = buildChatHandler({
        respond: () => {
          throw new UpstreamTimeoutError('slow');
        },
        replyAnswer: (url) => {
          if (url.includes('gettoken')) return { status: 200, text: `{"errcode":0,"access_token":"tok-${sendCalls}","expires_in":7200}` };
          sendCalls++;
          return { status: 200, text: sendCalls === 1 ? '{"errcode":42001,"errmsg":"access_token expired"}' : '{"errcode":0,"errmsg":"ok"}' };
        },
      });
      await harness.invoke(buildWeComCallbackEvent(`trace orders ${MSG}`, { nowSec: NOW_SEC }), buildFcContext());
      await harness.invoke(harness.invocations[0], buildFcContext());
      expect(harness.posts.map((p) => (p.url.includes('gettoken') ? 'token' : new URL(p.url).searchParams.get('access_token')))).toEqual(['token', 'tok-0', 'token', 'tok-1']);
      expect(harness.logs().filter((l) => l.event === 'internal.event').at(-1)).toMatchObject({ replyDelivered: true });
    });
  });

  it('never writes its secrets to a log line or a reply', async () => {
    const harness = buildChatHandler({ respond: () => PARTIAL });
    const response = await harness.invoke(buildWeComCallbackEvent(`trace orders ${MSG}`, { nowSec: NOW_SEC }), buildFcContext());
    const everything = [...harness.rawLogs, response.body, openWeComReply(response.body, SIGNING)?.Content ?? ''].join('\n');
    for (const secret of [TEST_WECOM.token, TEST_WECOM.encodingAesKey, TEST_WECOM.secret, TEST_INTERNAL_SECRET]) expect(everything).not.toContain(secret);
  });
});

describe('WeCom renderers', () => {
  it('keep any report within 2,048 bytes, Chinese text included, in markdown and in text', async () => {
    const cjk = fc.string({ unit: fc.constantFrom('消', '费', '组', '🔴', 'a', '*', '<', '\n'), maxLength: 400 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 120 }), cjk, fc.constantFrom('markdown' as const, 'text' as const), async (count, desc, style) => {
        const report = await buildTraceReport(Array.from({ length: count }, (_, i) => ({ consumerGroup: `GID_消费组_${i}`, trackType: 'NOT_CONSUME_YET', ...(desc ? { exceptionDesc: desc } : {}) })));
        const content = renderWeComMessage({ kind: 'report', report }, buildRenderView(ZH_SHANGHAI, ''), style);
        expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(WECOM_APP_MAX_BYTES);
        expect(content).toContain(count === 0 ? '没有订阅者' : '尚未消费');
      }),
      { numRuns: 40 },
    );
  });

  it('keeps an alert within the robot markdown cap of 4,096 bytes and says how many checks it left out', () => {
    const failing = Array.from({ length: 40 }, (_, i) => buildAlertFailingCheck({ name: `检查-${i}`, failed: 9, examples: Array.from({ length: 5 }, (_, j) => ({ msgId: buildMsgId(i * 10 + j), reasons: '消费组 GID_a NOT_CONSUME_YET' })) }));
    const content = renderWeComAlert(buildAlertContent({ failing }), ZH_SHANGHAI, '');
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(WECOM_ROBOT_MAX_BYTES);
    expect(content).toMatch(/…还有 \d+ 项失败的抽查/);
    expect(content).toContain(`重新检查 trace orders ${buildMsgId(0)}`);
  });
});
