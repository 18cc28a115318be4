import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RocketMq5MessageSummary } from '../../../local/emulator/rocketmq5/world';
import { buildDingTalkCallbackBody, buildSlashCommandBody, DEMO_CHAT, signDingTalkRequest, signSlackRequest } from '../../../local/fakes/chat-signing';
import { DEMO_AUTH_HEADERS } from '../../../local/runner/demo-access';
import { DEMO_5X_INSTANCE } from '../../../local/runner/explain-examples';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/**
 * RocketMQ 5.x end to end: the built bundle in the local FC runner, the real 5.x SDK signing
 * ACS3-HMAC-SHA256, and the emulator verifying every signature, over HTTP, Slack and DingTalk.
 */
describe('RocketMQ 5.x lookups through the local stack (demo seed)', () => {
  let stack: LocalStack;
  let messages: RocketMq5MessageSummary[];
  const byKey = (key: string) => {
    const m = messages.find((row) => row.messageKeys.includes(key) && !row.topicName.startsWith('%DLQ%'));
    if (!m) throw new Error(`demo seed: no 5.x message with key ${key}`);
    return m;
  };
  const get = async (m: RocketMq5MessageSummary, extra: Record<string, string> = {}) => {
    const query = new URLSearchParams({ instanceId: m.instanceId, topic: m.topicName, msgId: m.messageId, ...extra });
    const response = await fetch(`${stack.url}/v1/trace?${query}`, { headers: DEMO_AUTH_HEADERS });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    stack = await startLocalStack({ port: 0, env: { PATH: process.env.PATH }, maxInstances: 1 });
    messages = stack.emulator?.handle.rocketMq5Messages() ?? [];
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers a message every group consumed, from GetTrace, with the 5.x caveats', async () => {
    const { status, body } = await get(byKey('order-5x-1001'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ broker: 'rocketmq-5x', instanceId: DEMO_5X_INSTANCE, verdict: 'CONSUMED', messageId: { kind: 'MESSAGE_ID_5X' } });
    expect(body.groups.map((g: { consumerGroup: string; trackType: string }) => [g.consumerGroup, g.trackType])).toEqual(
      expect.arrayContaining([
        ['GID_billing_5x', 'CONSUMED'],
        ['GID_shipping_5x', 'CONSUMED'],
      ]),
    );
    expect(body.caveats.map((c: { code: string }) => c.code)).toContain('TRACE_BASED');
    const stats = stack.emulator?.handle.stats();
    expect(stats?.byAction.GetTrace?.byCode.OK).toBeGreaterThan(0);
  });

  it('explains a dead-lettered message with the same findings vocabulary as 4.x', async () => {
    const { status, body } = await get(byKey('order-5x-1002'), { explain: 'true' });
    expect(status).toBe(200);
    expect(body.verdict).not.toBe('CONSUMED');
    const codes = body.diagnosis.findings.map((f: { code: string }) => f.code);
    expect(codes).toContain('IN_DLQ');
    expect(body.diagnosis.findings.find((f: { code: string }) => f.code === 'IN_DLQ')).toMatchObject({ group: 'GID_billing_5x' });
  });

  it('never calls a group without a trace record "not consumed": it cannot tell yet', async () => {
    const { body } = await get(byKey('order-5x-1003'));
    const billing = body.groups.find((g: { consumerGroup: string }) => g.consumerGroup === 'GID_billing_5x');
    // The demo writes this record about 5 s after start; before that the group has none.
    if (billing.trackType !== 'CONSUMED') {
      expect(billing.trackType).toBe('UNKNOWN');
      expect(body.caveats.map((c: { code: string }) => c.code)).toContain('NO_TRACE_RECORD');
    }
    expect(body.verdict).not.toBe('NOT_CONSUMED');
  });

  it('waits on a 5.x message: the late trace record turns up, while the offline group keeps the verdict open', async () => {
    const { status, body } = await get(byKey('order-5x-1003'), { waitSeconds: '8' });
    expect(status).toBe(200);
    expect(body.wait).toMatchObject({ outcome: 'TIMED_OUT' });
    expect(body.wait.polls).toBeGreaterThan(1);
    const billing = body.groups.find((g: { consumerGroup: string }) => g.consumerGroup === 'GID_billing_5x');
    expect(billing.trackType).toBe('CONSUMED');
    expect(body.verdict).not.toBe('CONSUMED');
  });

  it('treats a filtered group as filtered, not as a missing consumer', async () => {
    const { body } = await get(byKey('order-5x-1004'));
    expect(body.groups.find((g: { consumerGroup: string }) => g.consumerGroup === 'GID_shipping_5x')).toMatchObject({ trackType: 'CONSUMED_BUT_FILTERED' });
  });

  it("maps another account's instance to a 403-free, message-free error", async () => {
    const other = messages.find((m) => m.instanceId !== DEMO_5X_INSTANCE);
    if (!other) throw new Error('demo seed: no foreign 5.x instance');
    const { status, body } = await get(other);
    expect(status).toBe(403);
    expect(body.error.code).toBe('PERMISSION_DENIED');
    expect(JSON.stringify(body)).not.toMatch(/NoPermission.*The|instance cannot/i);
  });

  it('answers a Slack slash command for a 5.x message', async () => {
    const m = byKey('order-5x-1001');
    const body = buildSlashCommandBody({ text: `trace ${m.topicName} ${m.messageId} ${m.instanceId}`, responseUrl: stack.chat.fakes.slack.mint({ teamId: DEMO_CHAT.slackTeamId }) });
    const response = await fetch(`${stack.url}/chat/slack`, { method: 'POST', headers: signSlackRequest(body), body });
    const text = await response.text();
    expect(response.status).toBe(200);
    if (!text.includes('Looking up')) expect(text).toContain('Consumed');
  });

  it('answers a DingTalk message for a 5.x message on its sessionWebhook', async () => {
    const m = byKey('order-5x-1004');
    const session = stack.chat.fakes.dingtalk.mint();
    const body = JSON.stringify(
      buildDingTalkCallbackBody({ text: `trace ${m.topicName} ${m.messageId} ${m.instanceId}`, sessionWebhook: session.url, sessionWebhookExpiredTime: session.expiresAtMs }),
    );
    const response = await fetch(`${stack.url}/chat/dingtalk`, { method: 'POST', headers: signDingTalkRequest(), body });
    expect(response.status).toBe(200);
    const deadline = Date.now() + 20_000;
    let posts: Array<{ body: unknown }> = [];
    while (Date.now() < deadline && posts.length === 0) {
      posts = ((await (await fetch(`${stack.chat.fakes.origin}/__fakes/posts?${new URLSearchParams({ url: session.url })}`)).json()) as { posts: Array<{ body: unknown }> }).posts;
      if (posts.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(JSON.stringify(posts[0]?.body)).toContain(m.messageId);
  });

  it('send-chat ends at once after an inline Slack answer instead of waiting for a delayed one', async () => {
    const m = byKey('order-5x-1001');
    // Asynchronous on purpose: the stack serves from this process, so a blocking spawn would starve it.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'local/fakes/send-chat.ts'), 'slack', `trace ${m.topicName} ${m.messageId} ${m.instanceId}`, '--stack', stack.url, '--fakes', stack.chat.fakes.origin, '--wait', '60'],
      { cwd: ROOT, encoding: 'utf8', timeout: 45_000 },
    );
    expect(stdout).toContain('HTTP 200');
    expect(stdout).toContain('Consumed');
    expect(stdout).not.toContain('waiting up to');
  });
});
