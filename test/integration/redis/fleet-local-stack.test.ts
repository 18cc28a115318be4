import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDingTalkCallbackBody, buildSlashCommandBody, DEMO_CHAT, signDingTalkRequest, signSlackRequest } from '../../../local/fakes/chat-signing';
import { startRedisServer, type RedisServer } from '../../../local/redis/redis-server';
import { DEMO_AUTH_HEADERS } from '../../../local/runner/demo-access';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import { DINGTALK_MAX_SKEW_MS } from '../../../shared/platforms/dingtalk/verify';
import { SLACK_MAX_SKEW_SECONDS } from '../../../shared/platforms/slack/verify';
import { buildSeedFile } from '../../builders/seed';
import { inspector } from './redis-harness';

const CONSUMED_MSG = '0A000C22303918B4AAC244F9ABC301A3';
const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
const ACCOUNT = '1234567890123456';

/** The same signed Slack command, delivered twice at once (a replay, or a retry racing the first). */
async function deliverTwice(stack: LocalStack) {
  const triggerId = `${Date.now()}.738474920.${Math.random().toString(16).slice(2, 14)}`;
  const body = buildSlashCommandBody({ text: `trace orders ${CONSUMED_MSG}`, responseUrl: stack.chat.fakes.slack.mint({ teamId: DEMO_CHAT.slackTeamId }), triggerId });
  const headers = signSlackRequest(body);
  const deliver = async () => {
    const response = await fetch(`${stack.url}/chat/slack`, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, text: text === '' ? undefined : (JSON.parse(text) as { text?: string }).text };
  };
  return Promise.all([deliver(), deliver()]);
}

describe('A fleet of local FC instances sharing one redis-server (npm start -- --instances N with MQTRACE_REDIS_URL)', () => {
  let server: RedisServer;
  let look: Redis;
  let shared: LocalStack;
  let alone: LocalStack;

  beforeAll(async () => {
    server = await startRedisServer();
    look = inspector(server.url);
    // OnsMessageTrace at 4 per second for the account, and the function told so.
    const seed = buildSeedFile((s) => void (s.limits = { ...s.limits, OnsMessageTrace: { count: 4, windowMs: 1000 } })).path;
    const functionEnv = { MQTRACE_TRACE_RATE_LIMIT: '4', MQTRACE_LOOKUP_DEADLINE_MS: '10000', MQTRACE_CHAT_INLINE_BUDGET_MS: '2500' };
    [shared, alone] = await Promise.all([
      startLocalStack({ port: 0, env: { PATH: process.env.PATH, MQTRACE_REDIS_URL: server.url }, seedPath: seed, functionEnv, maxInstances: 4 }),
      startLocalStack({ port: 0, env: { PATH: process.env.PATH }, seedPath: seed, functionEnv, maxInstances: 4 }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([shared?.close(), alone?.close()]);
    look?.disconnect();
    await server?.stop();
  });

  it('passes MQTRACE_REDIS_URL from the environment to every instance through s.yaml', () => {
    expect(shared.spec.environmentVariables.MQTRACE_REDIS_URL).toBe(server.url);
    expect(alone.spec.environmentVariables.MQTRACE_REDIS_URL).toBe('');
  });

  describe('Given one Slack command delivered to two instances at once', () => {
    it('answers it once with Redis: the other instance refuses the replay', async () => {
      // Act
      const replies = await deliverTwice(shared);

      // Assert
      expect(replies.map((r) => r.status).sort()).toEqual([200, 401]);
      expect(replies.find((r) => r.status === 200)?.text).toMatch(/^Consumed/);
      expect(await look.keys('mqtrace:idem:*')).toHaveLength(1);
    });

    it('answers it twice without Redis, where each instance remembers only its own deliveries', async () => {
      // Act
      const replies = await deliverTwice(alone);

      // Assert
      expect(replies.map((r) => r.status)).toEqual([200, 200]);
    });
  });

  describe('Given deliveries of different platforms', () => {
    const newKey = async (before: readonly string[]) => (await look.keys('mqtrace:idem:*')).filter((k) => !before.includes(k));

    it("remembers each delivery's key in Redis for its platform's own time, and answers a DingTalk redelivery with the acknowledgement", async () => {
      // Act: a Slack command, then one DingTalk callback delivered to two instances at once
      const beforeSlack = await look.keys('mqtrace:idem:*');
      await deliverTwice(shared);
      const [slackKey] = await newKey(beforeSlack);
      const beforeDingTalk = await look.keys('mqtrace:idem:*');
      const session = shared.chat.fakes.dingtalk.mint();
      const body = JSON.stringify(buildDingTalkCallbackBody({ text: `trace orders ${CONSUMED_MSG}`, sessionWebhook: session.url, sessionWebhookExpiredTime: session.expiresAtMs }));
      const headers = signDingTalkRequest();
      const statuses = await Promise.all([0, 1].map(async () => (await fetch(`${shared.url}/chat/dingtalk`, { method: 'POST', headers, body })).status));
      const posts = await shared.chat.fakes.waitForPosts(session.url, 1, 15_000);
      const [dingtalkKey] = await newKey(beforeDingTalk);

      // Assert: Slack's key lives twice its 5-minute signature window, DingTalk's twice its hour.
      const slackTtl = await look.pttl(slackKey ?? '');
      expect(slackTtl).toBeLessThanOrEqual(2 * SLACK_MAX_SKEW_SECONDS * 1000);
      expect(slackTtl).toBeGreaterThan(2 * SLACK_MAX_SKEW_SECONDS * 1000 - 60_000);
      const dingtalkTtl = await look.pttl(dingtalkKey ?? '');
      expect(dingtalkTtl).toBeLessThanOrEqual(2 * DINGTALK_MAX_SKEW_MS);
      expect(dingtalkTtl).toBeGreaterThan(2 * DINGTALK_MAX_SKEW_MS - 60_000);
      expect(statuses).toEqual([200, 200]);
      await shared.chat.invokeApi.settled();
      expect(posts).toHaveLength(1);
      expect(shared.chat.fakes.dingtalk.posts(session.url)).toHaveLength(1);
    });
  });

  describe('Given a burst of lookups that must each reach the broker (fresh=true)', () => {
    it('spends the account’s one budget across the instances: every lookup answered, none throttled by the broker', async () => {
      // Arrange
      shared.emulator?.handle.resetStats();
      const query = new URLSearchParams({ instanceId: INSTANCE, topic: 'orders', msgId: CONSUMED_MSG, fresh: 'true' });

      // Act: 12 at once through 4 instances, 3 budgets' worth
      const statuses = await Promise.all(
        Array.from({ length: 12 }, async () => (await fetch(`${shared.url}/v1/trace?${query}`, { headers: DEMO_AUTH_HEADERS })).status),
      );

      // Assert
      expect(statuses).toEqual(Array(12).fill(200));
      const trace = shared.emulator?.handle.stats().byAction.OnsMessageTrace;
      expect(trace?.byCode['Throttling.User'] ?? 0).toBe(0);
      expect(trace?.requests).toBe(12);
      expect(shared.runner.stats().instances).toBeGreaterThan(1);
      expect(await look.exists(`mqtrace:rl:{acct:${ACCOUNT}:ons-4x:OnsMessageTrace}`)).toBe(1);
    });
  });

  describe('Given the same CONSUMED lookup asked again and again', () => {
    it('asks the broker once for the whole fleet, and says the later answers are cached', async () => {
      // Arrange
      shared.emulator?.handle.resetStats();
      const query = new URLSearchParams({ instanceId: INSTANCE, topic: 'orders', msgId: CONSUMED_MSG });
      const ask = async () => (await (await fetch(`${shared.url}/v1/trace?${query}`, { headers: DEMO_AUTH_HEADERS })).json()) as { verdict: string; cached?: { ageMs: number } };

      // Act: the burst above left a fresh answer in the cache; 8 more at once across the instances
      const answers = await Promise.all(Array.from({ length: 8 }, ask));

      // Assert
      expect(answers.every((a) => a.verdict === 'CONSUMED' && a.cached !== undefined)).toBe(true);
      expect(shared.emulator?.handle.stats().byAction.OnsMessageTrace?.requests ?? 0).toBe(0);
    });
  });
});
