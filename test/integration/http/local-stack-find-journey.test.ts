import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDingTalkCallbackBody,
  buildFeishuCardAction,
  buildFeishuMessageEvent,
  buildSlackButtonBody,
  buildSlashCommandBody,
  buildWeComTextMessage,
  DEMO_CHAT,
  DEMO_FEISHU,
  openWeComReply,
  signDingTalkRequest,
  signFeishuRequest,
  signSlackRequest,
  signWeComCallback,
} from '../../../local/fakes/chat-signing';
import { DEMO_AUTH_HEADERS } from '../../../local/runner/demo-access';
import { DEMO_5X_INSTANCE } from '../../../local/runner/explain-examples';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';

const V4 = 'MQ_INST_1234567890123456_BXdemo01';
const HOUR = 3_600_000;

/**
 * Find and journey end to end, as `npm start` runs them: the built bundle in the local FC runner,
 * pop-core and the 5.x SDK against the emulator's demo seed, over HTTP and every chat platform
 * (Slack and WeCom answer in English and Chinese as their callers are configured, DingTalk and
 * Feishu in Chinese).
 */
describe('Find and journey through the local stack (demo seed)', () => {
  let stack: LocalStack;
  const get = async (path: string, query: Record<string, string>) => {
    const response = await fetch(`${stack.url}${path}?${new URLSearchParams(query)}`, { headers: DEMO_AUTH_HEADERS });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const calls = (action: string) => Object.values(stack.emulator?.handle.stats().byAction[action]?.byCode ?? {}).reduce((n, c) => n + c, 0);
  const idWithKey = async (instanceId: string, topic: string, key: string) => {
    const { body } = await get('/v1/messages', { instanceId, topic, key });
    return body.messages[0].msgId as string;
  };
  const sendSlack = async (text: string) => {
    const responseUrl = stack.chat.fakes.slack.mint({ teamId: DEMO_CHAT.slackTeamId });
    const body = buildSlashCommandBody({ text, responseUrl });
    const response = await fetch(`${stack.url}/chat/slack`, { method: 'POST', headers: signSlackRequest(body), body });
    return { responseUrl, status: response.status, body: JSON.parse(await response.text()) as Record<string, any> };
  };
  const sendDingTalk = async (text: string) => {
    const session = stack.chat.fakes.dingtalk.mint();
    const body = buildDingTalkCallbackBody({ text, sessionWebhook: session.url, sessionWebhookExpiredTime: session.expiresAtMs });
    const response = await fetch(`${stack.url}/chat/dingtalk`, { method: 'POST', headers: signDingTalkRequest(), body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    const [post] = await stack.chat.fakes.waitForPosts(session.url, 1, 10_000);
    return (post?.body as { markdown: { text: string } }).markdown.text;
  };
  /** The first post at `url` that `matches`: a 4.x journey may post "Looking up…" before its deferred answer. */
  const waitForPost = async <T>(url: string, read: (body: unknown) => T, matches: (value: T) => boolean): Promise<T> => {
    for (let count = 1; count <= 3; count++) {
      const posts = await stack.chat.fakes.waitForPosts(url, count, 15_000);
      const value = read(posts[count - 1]?.body);
      if (matches(value)) return value;
    }
    throw new Error(`no matching post at ${url}`);
  };
  type FeishuCard = { header: { title: { content: string } }; elements: Array<{ tag: string; actions?: Array<{ text: { content: string }; value: Record<string, string> }> }> };
  const sendFeishu = async (signed: { body: string; headers: Record<string, string> }, messageId: string, count: number) => {
    const response = await fetch(`${stack.url}/chat/feishu`, { method: 'POST', headers: signed.headers, body: signed.body });
    expect(response.status).toBe(200);
    const posts = await stack.chat.fakes.waitForPosts(messageId, count, 15_000);
    return JSON.parse((posts[count - 1]?.body as { content: string }).content) as FeishuCard;
  };

  beforeAll(async () => {
    // One instance, as FC often does: the deferred run then finds the trace task the inline one created.
    stack = await startLocalStack({ port: 0, env: { PATH: process.env.PATH }, maxInstances: 1 });
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('Given chat', () => {
    it('finishes a 4.x journey of a retried, dead-lettered message on the response_url when its trace task outlasts the inline budget', async () => {
      // Arrange
      const dead = await idWithKey(V4, 'orders', 'order-20261201-0099');
      const tasksBefore = calls('OnsTraceQueryByMsgId');

      // Act
      const { status, body, responseUrl } = await sendSlack(`journey orders ${dead}`);
      const [post] = await stack.chat.fakes.waitForPosts(responseUrl, 1, 15_000);

      // Assert: the inline answer hands off; the deferred one shows the attempts.
      expect(status).toBe(200);
      expect(body.text).toMatch(/^Looking up /);
      const blocks = JSON.stringify((post?.body as { blocks: unknown }).blocks);
      expect(blocks).toContain('GID_billing · CONSUMED · 17 attempts');
      expect(blocks).toContain('… 15 attempts between: 15 CONSUME_FAILED');
      expect(blocks).toContain('#16 ');
      expect(blocks).toContain('Dead-lettered');
      expect(blocks).toContain('shows CONSUMED, but its last attempt failed');
      // The deferred run polled the task the inline run created.
      expect(calls('OnsTraceQueryByMsgId') - tasksBefore).toBe(1);
    });

    it('lists the messages of a key on Slack, one line each with the command that looks closer', async () => {
      const { body } = await sendSlack('find orders key:order-20261201-0042');
      const blocks = JSON.stringify(body.blocks);
      expect(body.text).toContain('3 message(s) with key order-20261201-0042; 3 checked: 2 CONSUMED, 1 PARTIALLY_CONSUMED');
      expect(blocks.match(/\/mqtrace journey orders [0-9A-F]{32} MQ_INST_1234567890123456_BXdemo01/g)).toHaveLength(3);
    });

    it('gives each found message a Journey button on Slack, whose press answers with that journey', async () => {
      const { body } = await sendSlack('find orders key:order-20261201-0042');
      const buttons = (body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
      expect(buttons.map((b) => b.action_id)).toEqual(['mqtrace.journey', 'mqtrace.journey', 'mqtrace.journey']);
      const responseUrl = stack.chat.fakes.slack.mint({ teamId: DEMO_CHAT.slackTeamId });
      const press = buildSlackButtonBody({ command: buttons[0]?.value ?? '', responseUrl, actionId: 'mqtrace.journey' });
      expect((await fetch(`${stack.url}/chat/slack`, { method: 'POST', headers: signSlackRequest(press), body: press })).status).toBe(200);
      const answer = await waitForPost(responseUrl, (b) => b as { text: string; replace_original?: boolean }, (b) => !b.text.startsWith('Looking up'));
      expect(answer).toMatchObject({ replace_original: false, text: expect.stringMatching(/^Journey · orders · [0-9A-F]{32}/) });
    });

    it('summarises the last hour of a 4.x topic on DingTalk, in Chinese with the window in UTC+8', async () => {
      const text = await sendDingTalk('find orders -1h..now');
      expect(text).toMatch(/### 查找 · orders · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+08:00 … /);
      expect(text).toMatch(/看到 \d+ 条消息，检查了 \d+ 条：/);
    });

    it('shows a 5.x journey on DingTalk, attempt by attempt', async () => {
      const msgId = await idWithKey(DEMO_5X_INSTANCE, 'checkout-5x', 'checkout-77120');
      const text = await sendDingTalk(`轨迹 checkout-5x ${msgId} ${DEMO_5X_INSTANCE}`);
      expect(text).toContain('GID_mailer_5x · CONSUMED · 2 次投递');
      expect(text).toContain('❌ #0');
      expect(text).toContain('✅ #1');
      expect(text).toContain(`- 重新检查 @mqtrace trace checkout-5x ${msgId} ${DEMO_5X_INSTANCE}`);
    });

    it('finds by key on Feishu with a Journey button per message, and answers the press with the timeline', async () => {
      const messageId = stack.chat.fakes.feishu.mintMessage(DEMO_FEISHU.chatId);
      const found = await sendFeishu(signFeishuRequest(buildFeishuMessageEvent({ text: 'find orders key:order-20261201-0042', messageId }), { encryptKey: DEMO_FEISHU.encryptKey }), messageId, 1);
      expect(found.header.title.content).toBe('查找 · orders · Key order-20261201-0042');
      const buttons = found.elements.flatMap((e) => e.actions ?? []);
      expect(buttons).toHaveLength(3);
      expect(buttons[0]?.text.content).toMatch(/^消息轨迹 · …[0-9A-F]{8}$/);
      const press = signFeishuRequest(buildFeishuCardAction({ command: buttons[0]?.value.mqtrace_command ?? '', messageId }), { encryptKey: DEMO_FEISHU.encryptKey });
      expect((await fetch(`${stack.url}/chat/feishu`, { method: 'POST', headers: press.headers, body: press.body })).status).toBe(200);
      const journey = await waitForPost(messageId, (b) => JSON.parse((b as { content: string }).content) as FeishuCard, (c) => c.header.title.content.includes('消息轨迹'));
      expect(journey.header.title.content).toMatch(/消息轨迹 · orders · [0-9A-F]{32}$/);
    });

    it('answers a 5.x journey on WeCom in its passive reply, within its bytes', async () => {
      const msgId = await idWithKey(DEMO_5X_INSTANCE, 'checkout-5x', 'checkout-77120');
      const signed = signWeComCallback(buildWeComTextMessage({ text: `轨迹 checkout-5x ${msgId} ${DEMO_5X_INSTANCE}` }));
      const response = await fetch(`${stack.url}/chat/wecom?${new URLSearchParams(signed.query)}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: signed.body });
      expect(response.status).toBe(200);
      const reply = openWeComReply(await response.text());
      expect(reply?.Content).toContain('GID_mailer_5x · CONSUMED · 2 次投递');
      expect(Buffer.byteLength(reply?.Content ?? '')).toBeLessThanOrEqual(2048);
    });

    it('answers a bad window with the usage and what to change', async () => {
      const { body } = await sendSlack('find orders -1h..-2h');
      expect(body.text).toContain("The window's to must be after from: the window is reversed or empty.");
    });
  });

  describe('Given HTTP', () => {
    it('lists a 4.x key and a 5.x key with their verdicts', async () => {
      const v4 = await get('/v1/messages', { instanceId: V4, topic: 'orders', key: 'order-20261201-0042' });
      expect(v4.status).toBe(200);
      expect(v4.body.messages.map((m: { verdict: string }) => m.verdict)).toEqual(['PARTIALLY_CONSUMED', 'CONSUMED', 'CONSUMED']);
      const v5 = await get('/v1/messages', { instanceId: DEMO_5X_INSTANCE, topic: 'checkout-5x', key: 'order-20261201-0042' });
      expect(v5.body).toMatchObject({ broker: 'rocketmq-5x', summary: { found: 2, examined: 2 } });
    });

    it("summarises a topic's last hour on both brokers", async () => {
      const now = Date.now();
      const window = { from: new Date(now - HOUR).toISOString(), to: new Date(now).toISOString() };
      for (const [instanceId, topic] of [[V4, 'orders'], [DEMO_5X_INSTANCE, 'orders-5x']] as const) {
        const { status, body } = await get('/v1/messages', { instanceId, topic, ...window });
        expect(status).toBe(200);
        expect(body.query).toMatchObject({ kind: 'window' });
        expect(Object.keys(body.summary.byVerdict)).toContain('CONSUMED');
      }
    });

    it('gives a second journey of the same message without a new trace task', async () => {
      const dead = await idWithKey(V4, 'orders', 'order-20261201-0099');
      const tasksBefore = calls('OnsTraceQueryByMsgId');
      const { status, body } = await get('/v1/journey', { instanceId: V4, topic: 'orders', msgId: dead });
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'complete', verdict: 'CONSUMED', traceTask: { reused: true } });
      expect(body.groups.find((g: { consumerGroup: string }) => g.consumerGroup === 'GID_billing').attempts).toHaveLength(17);
      expect(calls('OnsTraceQueryByMsgId')).toBe(tasksBefore);
    });

    it('shows a 5.x retried, dead-lettered message attempt by attempt', async () => {
      const msgId = await idWithKey(DEMO_5X_INSTANCE, 'orders-5x', 'order-5x-1002');
      const { status, body } = await get('/v1/journey', { instanceId: DEMO_5X_INSTANCE, topic: 'orders-5x', msgId });
      expect(status).toBe(200);
      expect(body).toMatchObject({ broker: 'rocketmq-5x', status: 'complete', send: { sinceSendMs: 0 } });
      const billing = body.groups.find((g: { consumerGroup: string }) => g.consumerGroup === 'GID_billing_5x');
      expect(billing.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['FAILED', 'FAILED', 'FAILED']);
      expect(billing.deadLettered.topic).toBe('%DLQ%GID_billing_5x');
      const shipping = body.groups.find((g: { consumerGroup: string }) => g.consumerGroup === 'GID_shipping_5x');
      expect(shipping.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['FAILED', 'SUCCEEDED']);
      expect(shipping.consumedAfterMs).toBeGreaterThan(0);
      expect(body.findings.map((f: { code: string; group: string }) => `${f.code}@${f.group}`)).toContain('NO_ATTEMPTS@GID_analytics_5x');
    });

    it('answers 400 and 404 that say what to change', async () => {
      const wide = await get('/v1/messages', { instanceId: V4, topic: 'orders', from: '2026-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z' });
      expect(wide.status).toBe(400);
      expect(wide.body.error.issues[0].message).toMatch(/at most 24 h/);
      const unknown = await get('/v1/messages', { instanceId: V4, topic: 'no-such-topic', key: 'k' });
      expect(unknown.status).toBe(404);
    });

    it('documents both routes in /openapi.json', async () => {
      const response = await fetch(`${stack.url}/openapi.json`, { headers: DEMO_AUTH_HEADERS });
      const doc = (await response.json()) as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/messages', '/v1/journey']));
    });
  });
});
