import { afterEach, describe, expect, it } from 'vitest';
import { alignSeedClientIds, isClientId4x } from '../../../local/emulator/align-client-ids';
import { createSeedIndex } from '../../../local/emulator/seed-index';
import { DEMO_SEED_PATH, loadSeedFile } from '../../../local/emulator/load-seed';
import type { Seed } from '../../../local/emulator/seed-schema';
import { decodeMessageId } from '../../../shared/trace/message-id';
import { buildManualClock, callAction, closeAllEmulators, createClient, startEmulator } from './harness';

const messagesOf = (seed: Seed) =>
  seed.instances.flatMap((instance) => instance.topics.flatMap((topic) => topic.messages.map((message) => ({ instance, topic: topic.topic, message }))));

async function demoSeed(): Promise<Seed> {
  const seed = await loadSeedFile(DEMO_SEED_PATH);
  // Content, not limits: one lookup per demo message.
  return { ...seed, limits: { ...seed.limits, OnsMessageGetByMsgId: { count: 100, windowMs: 1000 } } };
}

describe('Emulator: alignClientIds', () => {
  afterEach(closeAllEmulators);

  it("rewrites every 4.x client id so it decodes to the message's BornTimestamp, keeping the other fields", async () => {
    // Arrange
    const seed = await demoSeed();
    const clock = buildManualClock();

    // Act
    const { emulator, url } = await startEmulator({ seed, now: clock.now });
    // A "request" message is born relative to each request; its fixed id can only reflect the start.
    clock.advance(20_000);

    // Assert
    expect(seed.alignClientIds).toBe(true);
    const before = messagesOf(seed);
    const after = messagesOf(emulator.seed);
    expect(after).toHaveLength(before.length);
    let aligned = 0;
    for (const [i, { instance, topic, message }] of after.entries()) {
      const original = before[i]?.message.msgId ?? '';
      if (!isClientId4x(original)) {
        expect(message.msgId).toBe(original);
        continue;
      }
      expect(message.msgId.slice(0, 20)).toBe(original.slice(0, 20));
      expect(message.msgId.slice(28)).toBe(original.slice(28));
      const credential = seed.accounts.find((a) => a.accountId === instance.accountId)?.credentials.find((c) => c.allowedActions.includes('*'));
      const client = createClient(url, { accessKeyId: credential?.accessKeyId ?? '', accessKeySecret: credential?.accessKeySecret ?? '' });
      const body = await callAction(client, { InstanceId: instance.instanceId, Topic: topic, MsgId: message.msgId }, { action: 'OnsMessageGetByMsgId' });
      const bornAt = (body.Data as { BornTimestamp: number }).BornTimestamp;
      const decoded = decodeMessageId(message.msgId, { nowMs: clock.now(), producerUtcOffsetMinutes: 480 });
      expect(decoded?.kind).toBe('CLIENT_ID_4X');
      const sentAt = Date.parse(decoded?.kind === 'CLIENT_ID_4X' ? decoded.approxSentAt : '');
      expect(Math.abs(sentAt - bornAt), `${original} → ${message.msgId}`).toBeLessThan(60_000);
      aligned += 1;
    }
    expect(aligned).toBeGreaterThan(5);
    const dlq = emulator.seed.instances.flatMap((instance) => (instance.consumerGroups ?? []).flatMap((group) => group.dlq ?? []));
    const ids = new Set(after.map((entry) => entry.message.msgId.toUpperCase()));
    expect(dlq.length).toBeGreaterThan(0);
    expect(dlq.every((entry) => ids.has(entry.msgId.toUpperCase()))).toBe(true);
  });

  it('keeps the seeded ids without the flag', async () => {
    const seed = await demoSeed();
    delete seed.alignClientIds;

    const { emulator, url } = await startEmulator({ seed });

    expect(messagesOf(emulator.seed).map((entry) => entry.message.msgId)).toStrictEqual(messagesOf(seed).map((entry) => entry.message.msgId));
    const [first] = messagesOf(seed);
    const credential = seed.accounts[0]?.credentials.find((c) => c.allowedActions.includes('*'));
    const client = createClient(url, { accessKeyId: credential?.accessKeyId ?? '', accessKeySecret: credential?.accessKeySecret ?? '' });
    const body = await callAction(client, { InstanceId: first?.instance.instanceId ?? '', Topic: first?.topic ?? '', MsgId: first?.message.msgId ?? '' }, { action: 'OnsMessageGetByMsgId' });
    expect(body).toHaveProperty('Data.MsgId', first?.message.msgId);
  });
});

describe('Function: alignSeedClientIds (the IDs written down before the rewrite)', () => {
  it("keeps answering to the seed's own IDs, so documented commands keep working", async () => {
    const seed = await loadSeedFile(DEMO_SEED_PATH);
    const aligned = alignSeedClientIds(seed, Date.parse('2026-12-01T00:00:00.000Z'));
    const pairs = seed.instances.flatMap((instance, i) =>
      instance.topics.flatMap((topic, t) => topic.messages.map((message, m) => [message.msgId, aligned.instances[i]?.topics[t]?.messages[m]] as const)),
    );
    const rewritten = pairs.filter(([original, now]) => now?.msgId !== original);
    expect(rewritten.length).toBeGreaterThan(3);
    for (const [original, now] of rewritten) expect(now?.alsoKnownAs).toEqual([original]);
    const index = createSeedIndex(aligned);
    for (const [original, now] of rewritten) {
      const found = [...index.instances.values()].flatMap((instance) => [...instance.topics.values()]).find((topic) => topic.has(original));
      expect(found?.get(original)).toBe(now);
    }
  });
});
