import { describe, expect, it } from 'vitest';
import { DEMO_SEED_PATH, loadSeedFile } from '../../../local/emulator/load-seed';
import { createEmulator } from '../../../local/emulator/server';
import { chatExamples } from '../../../local/fakes/chat-examples';
import { DEMO_5X_INSTANCE } from '../../../local/runner/explain-examples';
import { findDemos, findJourneyExamples } from '../../../local/runner/find-examples';
import type { LocalStack } from '../../../local/runner/local-stack';

async function demoStack(): Promise<LocalStack> {
  const seed = await loadSeedFile(DEMO_SEED_PATH);
  const handle = createEmulator({ seed });
  const fakes = { origin: 'http://127.0.0.1:9100', slack: { mint: () => 'http://127.0.0.1:9100/slack/1' }, dingtalk: { mint: () => ({ url: 'http://127.0.0.1:9100/dt/1', expiresAtMs: 0 }) }, feishu: { mintMessage: () => 'om_demo0000000000001' } };
  return { url: 'http://127.0.0.1:9000', emulator: { seed: handle.seed, handle, url: 'http://127.0.0.1:9001' }, chat: { fakes } } as unknown as LocalStack;
}

describe('Function: findDemos / findJourneyExamples', () => {
  it("picks the seed's shared key and its retried, dead-lettered message on both brokers, with the IDs this run minted", async () => {
    // Arrange
    const stack = await demoStack();

    // Act
    const { v4, v5 } = findDemos(stack);

    // Assert
    expect(v4).toMatchObject({ instanceId: 'MQ_INST_1234567890123456_BXdemo01', topic: 'orders', key: 'order-20261201-0042', deadTopic: 'orders' });
    const dead4 = stack.emulator?.seed.instances[0]?.topics[0]?.messages.find((m) => m.msgId === v4?.deadMsgId);
    expect(dead4?.keys).toEqual(['order-20261201-0099']);
    expect(v5).toMatchObject({ instanceId: DEMO_5X_INSTANCE, topic: 'checkout-5x', key: 'order-20261201-0042', deadTopic: 'orders-5x' });
    expect(stack.emulator?.handle.rocketMq5Messages().some((m) => m.messageId === v5?.deadMsgId && /dead-letter/.test(m.note ?? ''))).toBe(true);
  });

  it('prints a key, a window and a journey curl line per broker', async () => {
    const stack = await demoStack();
    const lines = findJourneyExamples(stack, Date.parse('2026-12-01T10:00:00Z'));
    const curls = lines.filter((l) => l.includes('curl'));
    expect(curls).toHaveLength(6);
    expect(curls.filter((c) => c.includes('/v1/messages?') && c.includes('key=order-20261201-0042'))).toHaveLength(2);
    expect(curls.filter((c) => c.includes('from=2026-12-01T09%3A00%3A00.000Z&to=2026-12-01T10%3A00%3A00.000Z'))).toHaveLength(2);
    expect(curls.filter((c) => c.includes('/v1/journey?'))).toHaveLength(2);
  });

  it('prints the chat find and journey commands beside the others', async () => {
    const lines = chatExamples(await demoStack());
    expect(lines.some((l) => l.includes("slack 'find orders key:order-20261201-0042'"))).toBe(true);
    expect(lines.some((l) => l.includes("dingtalk 'find orders -1h..now'"))).toBe(true);
    expect(lines.some((l) => /slack 'journey orders [0-9A-F]{32}'/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes(`dingtalk '轨迹 orders-5x `))).toBe(true);
    expect(lines.some((l) => l.includes("feishu '查找 orders key:order-20261201-0042'"))).toBe(true);
    expect(lines.some((l) => /wecom 'journey orders-5x [0-9A-F]+ rmq-/.test(l))).toBe(true);
  });

  it('prints nothing without an emulator (real credentials)', () => {
    expect(findJourneyExamples({ url: 'http://127.0.0.1:9000', emulator: undefined } as unknown as LocalStack)).toEqual([]);
  });
});
