import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDingTalkCallbackBody, buildSlashCommandBody, DEMO_CHAT, signDingTalkRequest, signSlackRequest } from '../../../local/fakes/chat-signing';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import { buildSeedFile, stsCredentialOf } from '../../builders/seed';

const NOBODY_CONSUMED = '0A000C235D0918B4AAC2451A0C820007';

const start = (change?: Parameters<typeof buildSeedFile>[0]) => {
  const built = buildSeedFile(change);
  // A wide inline budget: the explain's five rounds of loopback calls must fit it, whatever the machine.
  return startLocalStack({ port: 0, env: { PATH: process.env.PATH }, seedPath: built.path, functionEnv: { MQTRACE_CHAT_INLINE_BUDGET_MS: '2500' }, maxInstances: 1 });
};

const sendSlack = async (stack: LocalStack, text: string) => {
  const responseUrl = stack.chat.fakes.slack.mint({ teamId: DEMO_CHAT.slackTeamId });
  const body = buildSlashCommandBody({ text, responseUrl });
  const response = await fetch(`${stack.url}/chat/slack`, { method: 'POST', headers: signSlackRequest(body), body });
  expect(response.status).toBe(200);
  const reply = JSON.parse(await response.text()) as { text: string; blocks: unknown[] };
  // Inline or deferred, the answer with the report is the one to read.
  if (!reply.text.startsWith('Looking up')) return JSON.stringify(reply.blocks);
  const [posted] = await stack.chat.fakes.waitForPosts(responseUrl, 1, 25_000);
  return JSON.stringify((posted?.body as { blocks: unknown[] }).blocks);
};

const sendDingTalk = async (stack: LocalStack, text: string) => {
  const session = stack.chat.fakes.dingtalk.mint();
  const body = buildDingTalkCallbackBody({ text, sessionWebhook: session.url, sessionWebhookExpiredTime: session.expiresAtMs });
  const response = await fetch(`${stack.url}/chat/dingtalk`, { method: 'POST', headers: signDingTalkRequest(), body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  const textOf = (post: { body: unknown } | undefined) => (post?.body as { markdown: { text: string } }).markdown.text;
  const [first] = await stack.chat.fakes.waitForPosts(session.url, 1, 25_000);
  // A deferred answer follows the short "Looking up…" note.
  if (!textOf(first).startsWith('🔎')) return textOf(first);
  const [, answer] = await stack.chat.fakes.waitForPosts(session.url, 2, 25_000);
  return textOf(answer);
};

describe('Chat "trace … why" through the local stack', () => {
  describe('Given the demo message nobody consumed and a role with every diagnosis action', () => {
    let stack: LocalStack;
    beforeAll(async () => {
      stack = await start();
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('puts the findings, with their evidence, in the Slack reply', async () => {
      const blocks = await sendSlack(stack, `trace orders ${NOBODY_CONSUMED} MQ_INST_1234567890123456_BXdemo01 why`);
      expect(blocks).toContain('*Why*');
      expect(blocks).toContain('Message: tag \\"order-refunded\\"');
      expect(blocks).toMatch(/:red_circle: \*GID_billing[^*]*subscribe differently\*/);
      expect(blocks).toMatch(/:red_circle: \*GID_analytics is offline: no client is connected\*/);
      expect(blocks).toMatch(/\*Queued behind [\d,]+ message\(s\) in GID_shipping[^*]*\*.*_backlog [\d,]+ messages · delay /);
      expect(blocks).not.toContain('Not checked');
    });

    it('puts the same findings in the DingTalk reply, asked and answered in Chinese', async () => {
      const text = await sendDingTalk(stack, `查询 orders ${NOBODY_CONSUMED} 为什么？ MQ_INST_1234567890123456_BXdemo01`);
      expect(text).toContain('#### 原因');
      expect(text).toContain('- 🔴 **GID_analytics 离线：没有在线客户端**');
      expect(text).toMatch(/\*\*在 GID_shipping 中排在 [\d,]+ 条消息之后/);
      expect(text).not.toContain('未检查');
    });
  });

  describe('Given a role without mq:QueryConsumerAccumulate', () => {
    let stack: LocalStack;
    beforeAll(async () => {
      stack = await start((seed) => {
        const sts = stsCredentialOf(seed);
        sts.allowedActions = sts.allowedActions.filter((a) => a !== 'mq:QueryConsumerAccumulate');
      });
    });
    afterAll(async () => {
      await stack?.close();
    });

    it('replies with a partial diagnosis naming each check it could not run', async () => {
      const blocks = await sendSlack(stack, `trace orders ${NOBODY_CONSUMED} MQ_INST_1234567890123456_BXdemo01 why`);
      expect(blocks).toContain('*Not checked (partial diagnosis)*');
      for (const group of ['GID_billing', 'GID_shipping', 'GID_analytics']) {
        expect(blocks).toContain(`:white_circle: *could not check ${group}'s backlog (PERMISSION_DENIED Forbidden.RAM)*`);
      }
      expect(blocks).toMatch(/:red_circle: \*GID_analytics is offline: no client is connected\*/);
      expect(blocks).not.toContain('AccessKeyId');
    });
  });
});
