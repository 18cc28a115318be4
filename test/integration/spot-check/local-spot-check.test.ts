import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSpotCheckStack, type SpotCheckStack } from '../../../local/runner/spot-check-stack';
import { bulkMsgId } from '../../builders/build-bulk-seed';
import { buildSeedFile } from '../../builders/seed';

const DEMO_PAYLOAD = readFileSync(join(import.meta.dirname, '..', '..', '..', 'local', 'runner', 'payloads', 'demo-spot-check.json'), 'utf8');
const DEMO_INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
const STUCK = ['0A000C22303918B4AAC244F9D9B101A4', '0A000C235D0918B4AAC2451A0C820007'];
// No real credentials or webhooks from the developer's shell: the stack must use the emulator and the fakes.
const ENV = { PATH: process.env.PATH };
const stacks: SpotCheckStack[] = [];

async function start(options: Parameters<typeof startSpotCheckStack>[0] = {}) {
  // The demo seed with its fixed ids (buildSeedFile leaves alignClientIds off).
  const stack = await startSpotCheckStack({ env: ENV, seedPath: buildSeedFile().path, ...options });
  stacks.push(stack);
  return stack;
}

const payloadOf = (checks: unknown[]) => JSON.stringify({ checks });

describe('Local stack: the built spot-check function, fired by its timer through the FC runner', () => {
  afterEach(async () => {
    await Promise.all(stacks.splice(0).map((s) => s.close()));
  });

  it("reports the demo's stuck messages and each fake receives exactly one alert", async () => {
    // Arrange
    const stack = await start();

    // Act
    const { outcome, summary } = await stack.invoke(DEMO_PAYLOAD);

    // Assert
    expect(outcome.ok).toBe(true);
    const orders = summary?.checks.find((c) => c.name === 'orders');
    expect(orders?.status).toBe('FAILING');
    expect(orders?.failing.map((f) => f.msgId)).toEqual(expect.arrayContaining(STUCK));
    expect(summary?.checks.filter((c) => c.name !== 'orders').every((c) => c.status === 'OK')).toBe(true);
    expect(summary?.apiCalls.OnsMessagePageQueryByTopic).toBe(3);
    expect(summary?.throttles).toEqual({ upstream: 0, local: 0 });
    // Every platform's alert fake receives exactly one alert, in its platform's default language.
    expect(stack.dingtalk?.posts).toHaveLength(1);
    expect(stack.slack?.posts).toHaveLength(1);
    expect(stack.feishu?.posts).toHaveLength(1);
    expect(stack.wecom?.posts).toHaveLength(1);
    expect(summary?.alerts.map((a) => [a.destination, a.delivered]).sort()).toEqual([['dingtalk', true], ['feishu', true], ['slack', true], ['wecom', true]]);
    const markdown = stack.dingtalk?.posts[0]?.body.markdown?.text ?? '';
    const feishu = JSON.stringify(stack.feishu?.posts[0]?.body.card);
    const wecom = stack.wecom?.posts[0]?.body.markdown?.content ?? '';
    for (const msgId of STUCK) {
      expect(markdown).toContain(`重新检查 @mqtrace trace orders ${msgId} ${DEMO_INSTANCE}`);
      expect(JSON.stringify(stack.slack?.posts[0]?.body)).toContain(`/mqtrace trace orders ${msgId} ${DEMO_INSTANCE}`);
      expect(feishu).toContain(`重新检查 @mqtrace trace orders ${msgId} ${DEMO_INSTANCE}`);
      expect(wecom).toContain(`重新检查 trace orders ${msgId} ${DEMO_INSTANCE}`);
    }
    // Slack's alert carries the same buttons as a chat reply.
    expect(JSON.stringify(stack.slack?.posts[0]?.body)).toContain('"action_id":"mqtrace.recheck"');
    expect(JSON.parse(readFileSync(stack.stateFile, 'utf8')).checks.orders).toMatchObject({ status: 'FAILING', alerts: { dingtalk: {}, slack: {}, feishu: {}, wecom: {} } });
  });

  it('rejects a bad payload with an error naming the check and the field, and alerts nobody', async () => {
    const stack = await start();

    const { outcome } = await stack.invoke(payloadOf([{ name: 'orders-canary', instanceId: DEMO_INSTANCE, topic: 'orders', sample: 500 }]));

    expect(outcome).toMatchObject({ ok: false, errorType: 'InvalidInputError', errorMessage: 'payload.checks[orders-canary].sample: must be at most 50' });
    expect(stack.dingtalk?.posts).toEqual([]);
    expect(stack.slack?.posts).toEqual([]);
  });

  it('sends a recovery notice when a failing check passes again', { timeout: 30_000 }, async () => {
    // Arrange: a message GID_billing has not consumed until 5 s after the emulator starts.
    const startedAt = Date.now();
    const { path } = buildSeedFile((seed) => {
      seed.instances[0]?.topics.push({
        topic: 'flip',
        messages: [
          {
            msgId: bulkMsgId(7, 1),
            bornAgoMs: 900_000,
            tracks: [{ consumerGroup: 'GID_billing', trackType: 'NOT_CONSUME_YET', timeline: [{ afterMs: 5000, trackType: 'CONSUMED' }] }],
          },
        ],
      });
    });
    const stack = await start({ seedPath: path });
    const payload = payloadOf([{ name: 'flip', instanceId: DEMO_INSTANCE, topic: 'flip' }]);

    // Act
    const failing = await stack.invoke(payload);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedAt + 5500 - Date.now())));
    const recovered = await stack.invoke(payload);

    // Assert
    expect(failing.summary?.checks[0]?.status).toBe('FAILING');
    expect(recovered.summary?.checks[0]?.status).toBe('OK');
    expect(stack.dingtalk?.posts).toHaveLength(2);
    // DingTalk alerts are in Chinese unless MQTRACE_ALERT_LOCALE says otherwise.
    expect(stack.dingtalk?.posts[1]?.body.markdown?.text).toContain('**已恢复:**');
    expect(stack.dingtalk?.posts[1]?.body.markdown?.title).toBe('mqtrace：1 项已恢复');
    expect(stack.slack?.posts[1]?.body.text).toBe('mqtrace: 1 recovered');
  });

  it('stops at its deadline and reports the partial coverage', { timeout: 30_000 }, async () => {
    // Arrange: 60 messages, a sample of 50 at 10 lookups/s, and a 3 s budget.
    const { path } = buildSeedFile((seed) => {
      seed.instances[0]?.topics.push({
        topic: 'busy',
        messages: Array.from({ length: 60 }, (_, i) => ({
          msgId: bulkMsgId(8, i + 1),
          bornAgoMs: 600_000 + i * 1000,
          tracks: [{ consumerGroup: 'GID_billing', trackType: 'CONSUMED' }],
        })),
      });
    });
    const stack = await start({ seedPath: path, functionEnv: { MQTRACE_SPOT_CHECK_DEADLINE_MS: '3000', MQTRACE_SPOT_CHECK_RESERVE_MS: '500' } });

    // Act
    const { outcome, summary } = await stack.invoke(payloadOf([{ name: 'busy', instanceId: DEMO_INSTANCE, topic: 'busy', sample: 50 }]));

    // Assert
    expect(outcome.ok).toBe(true);
    expect(summary?.complete).toBe(false);
    const [busy] = summary?.checks ?? [];
    expect(busy).toMatchObject({ status: 'INCOMPLETE', coverage: { planned: 50, complete: false, stoppedBy: 'DEADLINE' } });
    expect(busy?.coverage.judged).toBeGreaterThan(0);
    expect(busy?.coverage.notChecked).toBeGreaterThan(0);
    expect((busy?.coverage.judged ?? 0) + (busy?.coverage.notChecked ?? 0)).toBe(50);
    expect(summary?.apiCalls.OnsMessageTrace).toBe(busy?.coverage.judged);
    expect(stack.dingtalk?.posts).toEqual([]);
  });

  it('copes with both webhooks rate limited: Slack after its Retry-After, DingTalk reported undelivered', { timeout: 30_000 }, async () => {
    // Arrange: Slack is busy (the next post gets 429, Retry-After 1); other senders used the robot's 20 messages this minute.
    const stack = await start();
    stack.slack?.throttleNext(1);
    stack.dingtalk?.consumeQuota(20);

    // Act
    const { outcome, summary } = await stack.invoke(DEMO_PAYLOAD);

    // Assert
    expect(outcome).toMatchObject({ ok: true });
    const byDestination = Object.fromEntries((summary?.alerts ?? []).map((a) => [a.destination, a]));
    expect(byDestination.slack).toEqual({ destination: 'slack', delivered: true, attempts: 2, outcome: 'OK' });
    expect(stack.slack?.answers.map((a) => a.status)).toEqual([429, 200]);
    expect(byDestination.dingtalk).toMatchObject({ destination: 'dingtalk', delivered: false, outcome: 'errcode_130101' });
    expect(byDestination.dingtalk?.attempts).toBeGreaterThan(1);
    expect(stack.dingtalk?.posts).toEqual([]);
    // Undelivered, so the next run alerts DingTalk again; Slack stays quiet.
    expect(JSON.parse(readFileSync(stack.stateFile, 'utf8')).checks.orders.alerts).toEqual({ slack: expect.any(Object), feishu: expect.any(Object), wecom: expect.any(Object) });
  });
});
