import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDingTalkCallbackBody, buildSlashCommandBody, DEMO_CHAT, signDingTalkRequest, signSlackRequest } from '../../../local/fakes/chat-signing';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import { createFc2Invoker } from '../../../shared/invoke/fc2-invoker';
import { readBuiltCode, requiresOf } from '../../builders/built-function';
import { buildSeedFile, stsCredentialOf } from '../../builders/seed';
import type { Seed } from '../../../local/emulator/seed-schema';

const PARTIAL_MSG = '0A000C22303918B4AAC244F9D9B101A4';
const COMMAND = `trace orders ${PARTIAL_MSG}`;

describe('Chat through the local stack: the built function, the FC runner and its invoke API, the emulator and the reply fakes', () => {
  let stack: LocalStack;
  let seed: Seed;

  beforeAll(async () => {
    const built = buildSeedFile();
    seed = built.seed;
    stack = await startLocalStack({
      port: 0,
      env: { PATH: process.env.PATH },
      seedPath: built.path,
      // A deferred lookup must outlast the 5 s upstream latency below.
      functionEnv: { MQTRACE_CALL_TIMEOUT_MS: '8000', MQTRACE_LOOKUP_DEADLINE_MS: '12000', MQTRACE_CHAT_DEFERRED_CALL_TIMEOUT_MS: '8000' },
      // One instance, as FC often does: the async event then lands where the de-duplication memory is.
      maxInstances: 1,
    });
  });

  afterAll(async () => {
    stack?.emulator?.handle.setFault('OnsMessageTrace', undefined);
    await stack?.close();
  });

  const sendSlack = async (text: string, options: { signingSecret?: string } = {}) => {
    const responseUrl = stack.chat.fakes.slack.mint({ teamId: DEMO_CHAT.slackTeamId });
    const body = buildSlashCommandBody({ text, responseUrl });
    const response = await fetch(`${stack.url}/chat/slack`, { method: 'POST', headers: signSlackRequest(body, options), body });
    return { responseUrl, status: response.status, text: await response.text() };
  };
  const sendDingTalk = async (text: string, options: { appSecret?: string } = {}) => {
    const session = stack.chat.fakes.dingtalk.mint();
    const body = buildDingTalkCallbackBody({ text, sessionWebhook: session.url, sessionWebhookExpiredTime: session.expiresAtMs });
    const response = await fetch(`${stack.url}/chat/dingtalk`, { method: 'POST', headers: signDingTalkRequest(options), body: JSON.stringify(body) });
    return { sessionUrl: session.url, status: response.status, text: await response.text() };
  };

  it('ships fc2 beside the bundle and loads it only on the deferred path, never at cold start', () => {
    const code = readBuiltCode(stack.spec.codeDir);
    expect(requiresOf(code, './fc2.js')).toEqual({ deferred: 1, eager: 0 });
    // A method only fc2's client has: its code must not be inside the function's own files.
    expect([...code.values()].some((text) => text.includes('getTempBucketToken'))).toBe(false);
    expect(existsSync(join(stack.spec.codeDir, 'fc2.js'))).toBe(true);
  });

  describe('Given a fast upstream', () => {
    it('answers a signed slash command inline with the Block Kit report', async () => {
      // Act
      const { status, text, responseUrl } = await sendSlack(COMMAND);
      // Assert
      expect(status).toBe(200);
      const body = JSON.parse(text);
      expect(body.response_type).toBe('ephemeral');
      expect(body.text).toMatch(/^Partially consumed: 2 of 3 group\(s\) consumed it/);
      const blocks = JSON.stringify(body.blocks);
      for (const group of ['*GID_billing* · `CONSUMED`', '*GID_shipping* · `NOT_CONSUME_YET`', '*GID_analytics* · `CONSUMED`']) expect(blocks).toContain(group);
      expect(blocks).toMatch(/upstream request [0-9A-F-]{36}/);
      expect(stack.chat.fakes.slack.posts(responseUrl)).toHaveLength(0);
    });

    it('posts the markdown answer of a signed DingTalk callback to its sessionWebhook, @-mentioning the sender', async () => {
      const { status, text, sessionUrl } = await sendDingTalk(COMMAND);
      expect(status).toBe(200);
      expect(JSON.parse(text)).toEqual({ msgtype: 'empty' });
      const posts = stack.chat.fakes.dingtalk.posts(sessionUrl);
      expect(posts.map((p) => p.accepted)).toEqual([true]);
      const message = posts[0]?.body as { markdown: { text: string }; at: { atUserIds: string[] } };
      // DingTalk's default language is Chinese; times are in the region's zone (cn-hangzhou: UTC+8).
      expect(message.markdown.text).toContain('### 🟡 部分消费');
      expect(message.markdown.text).toContain('- **GID_shipping** · NOT_CONSUME_YET');
      expect(message.markdown.text).toMatch(/查询时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+08:00/);
      expect(message.markdown.text.endsWith('@demo-staff-0001')).toBe(true);
      expect(message.at.atUserIds).toEqual(['demo-staff-0001']);
    });

    it.each([
      ['Slack', () => sendSlack(COMMAND, { signingSecret: 'not-the-demo-secret' })],
      ['DingTalk', () => sendDingTalk(COMMAND, { appSecret: 'not-the-demo-secret' })],
    ])('answers a %s request with a bad signature with 401 and an empty body', async (_name, send) => {
      const before = stack.emulator?.handle.stats().requests ?? 0;
      const { status, text } = await send();
      expect(status).toBe(401);
      expect(text).toBe('');
      expect(stack.emulator?.handle.stats().requests ?? 0).toBe(before);
    });
  });

  describe('Given an upstream that takes 5 s to answer', () => {
    beforeAll(() => {
      stack.emulator?.handle.setFault('OnsMessageTrace', { latencyMs: 5000 });
    });

    afterAll(() => {
      stack.emulator?.handle.setFault('OnsMessageTrace', undefined);
    });

    it('acknowledges the slash command before the answer exists, then posts the answer to the response_url, once per delivery key', async () => {
      // Act
      const invocationsBefore = stack.chat.invokeApi.invocations().length;
      const { status, text, responseUrl } = await sendSlack(`${COMMAND} --public`);
      const postsAtAck = stack.chat.fakes.slack.posts(responseUrl).length;

      // Assert: the ack is the ephemeral "Looking up", sent while nothing was posted yet
      expect(status).toBe(200);
      const ack = JSON.parse(text);
      expect(ack).toMatchObject({ response_type: 'ephemeral', text: `Looking up ${PARTIAL_MSG} in orders…` });
      expect(postsAtAck).toBe(0);
      const handedOff = stack.chat.invokeApi.invocations().slice(invocationsBefore);
      expect(handedOff.map((i) => i.type)).toEqual(['Async']);

      // Assert: the async run posts the report
      const [answer] = await stack.chat.fakes.waitForPosts(responseUrl, 1, 25_000);
      const body = answer?.body as { response_type: string; text: string; blocks: unknown[] };
      expect(body.response_type).toBe('in_channel');
      expect(body.text).toMatch(/^Partially consumed/);
      expect(JSON.stringify(body.blocks)).toContain('*GID_shipping* · `NOT_CONSUME_YET`');

      // Act: FC delivers the same async event again (it promises at least once)
      const role = stsCredentialOf(seed);
      await createFc2Invoker({ endpoint: stack.chat.invokeUrl, timeoutMs: 2000 }).invokeAsync(
        handedOff[0]?.body as Buffer,
        { accountId: seed.accounts[0]?.accountId as string, region: stack.spec.region, functionName: stack.spec.functionName },
        { accessKeyId: role.accessKeyId, accessKeySecret: role.accessKeySecret, ...(role.securityToken ? { securityToken: role.securityToken } : {}) },
        // FC redelivers inside its queue, under no new task ID; a fresh key gets past the invoke API's de-duplication.
        { idempotencyKey: 'test:fc-redelivery' },
      );
      await stack.chat.invokeApi.settled();

      // Assert: still one answer
      const redelivery = await stack.chat.invokeApi.invocations().at(-1)?.done;
      expect(redelivery?.ok).toBe(true);
      const returned = redelivery?.ok ? (JSON.parse(redelivery.value.data) as { body: string }) : undefined;
      expect(JSON.parse(returned?.body ?? '{}')).toEqual({ status: 'duplicate' });
      expect(stack.chat.fakes.slack.posts(responseUrl).filter((p) => p.accepted)).toHaveLength(1);
    });

    it('acknowledges the DingTalk callback at once and posts the answer to the sessionWebhook when it arrives', async () => {
      const { status, text, sessionUrl } = await sendDingTalk(COMMAND);
      const postsAtAck = stack.chat.fakes.dingtalk.posts(sessionUrl).length;
      expect(status).toBe(200);
      expect(JSON.parse(text)).toEqual({ msgtype: 'empty' });
      // The short "正在查询…" note is posted before the ack; the answer follows from the async invocation.
      expect(postsAtAck).toBe(1);
      const [pending, answer] = await stack.chat.fakes.waitForPosts(sessionUrl, 2, 25_000);
      expect((pending?.body as { markdown: { text: string } }).markdown.text).toContain('🔎 正在查询 **orders**');
      expect((answer?.body as { markdown: { text: string } }).markdown.text).toContain('### 🟡 部分消费');
      await stack.chat.invokeApi.settled();
      expect(stack.chat.fakes.dingtalk.posts(sessionUrl)).toHaveLength(2);
    });
  });
});
