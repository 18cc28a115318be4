import { describe, expect, it } from 'vitest';
import { DEMO_SEED_PATH, loadSeedFile } from '../../../local/emulator/load-seed';
import { bornMsOf, buildTraceMapDo } from '../../../local/emulator/ons-trace-map';
import { createSeedIndex } from '../../../local/emulator/seed-index';
import type { Seed } from '../../../local/emulator/seed-schema';

type DecodedId =
  | { kind: 'uniq'; ip: string; pid: number; classLoaderHash: string; msSinceMonthStart: number }
  | { kind: 'offset'; ip: string; port: number; commitLogOffset: bigint }
  | { kind: 'v5'; mac: string; pid: number; bornAt: Date };

const V5_EPOCH_UTC8 = Date.UTC(2021, 0, 1) - 8 * 3600 * 1000;

function ipOf(hex: string): string {
  return (hex.match(/../g) ?? []).map((byte) => Number.parseInt(byte, 16)).join('.');
}

/** Decodes per ons-api.md §6; the offset-id heuristic is bytes 4..7 == 00002A9F (port 10911). */
function decodeMsgId(msgId: string): DecodedId {
  const id = msgId.toUpperCase();
  if (id.length === 34 && id.startsWith('01')) {
    return {
      kind: 'v5',
      mac: id.slice(2, 14),
      pid: Number.parseInt(id.slice(14, 18), 16),
      bornAt: new Date(V5_EPOCH_UTC8 + Number.parseInt(id.slice(18, 26), 16) * 1000),
    };
  }
  if (id.slice(8, 16) === '00002A9F') {
    return { kind: 'offset', ip: ipOf(id.slice(0, 8)), port: Number.parseInt(id.slice(8, 16), 16), commitLogOffset: BigInt(`0x${id.slice(16)}`) };
  }
  return {
    kind: 'uniq',
    ip: ipOf(id.slice(0, 8)),
    pid: Number.parseInt(id.slice(8, 12), 16),
    classLoaderHash: id.slice(12, 20),
    msSinceMonthStart: Number.parseInt(id.slice(20, 28), 16),
  };
}

function isPrivateIpv4(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  return a === 10 || (a === 172 && b !== undefined && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function allMessages(seed: Seed): Seed['instances'][number]['topics'][number]['messages'] {
  return seed.instances.flatMap((instance) => instance.topics.flatMap((topic) => topic.messages));
}

describe('Seed: seeds/demo.json', async () => {
  const seed = await loadSeedFile(DEMO_SEED_PATH);
  const messages = allMessages(seed);

  it('has message ids that decode to plausible producers, brokers and times', () => {
    const decoded = messages.map((message) => decodeMsgId(message.msgId));

    for (const id of decoded) {
      if (id.kind === 'uniq') {
        expect(isPrivateIpv4(id.ip)).toBe(true);
        expect(id.pid).toBeGreaterThan(0);
        expect(id.classLoaderHash).toBe('18B4AAC2');
        expect(id.msSinceMonthStart).toBeLessThan(31 * 24 * 3600 * 1000);
      } else if (id.kind === 'offset') {
        expect(isPrivateIpv4(id.ip)).toBe(true);
        expect(id.port).toBe(10911);
        expect(id.commitLogOffset > 0n).toBe(true);
      } else {
        expect(id.mac.startsWith('00163E')).toBe(true);
        expect(id.bornAt.getTime()).toBeGreaterThan(Date.UTC(2024, 0, 1));
      }
    }
    expect(new Set(decoded.map((id) => id.kind))).toStrictEqual(new Set(['uniq', 'offset', 'v5']));
  });

  it('covers every track type, documented or not', () => {
    const types = new Set(
      messages.flatMap((message) => message.tracks.flatMap((track) => [track.trackType, ...(track.timeline ?? []).map((entry) => entry.trackType)])),
    );

    expect([...types].sort()).toStrictEqual(
      ['CONSUMED', 'CONSUMED_BUT_FILTERED', 'CONSUME_BROADCASTING', 'NOT_CONSUME_YET', 'NOT_ONLINE', 'PULL', 'UNKNOWN'].sort(),
    );
  });

  it('has the all-consumed, partial, unconsumed, no-subscriber and flipping scenarios', () => {
    const states = messages.map((message) => message.tracks.map((track) => track.trackType));

    expect(states.some((s) => s.length > 1 && s.every((t) => t === 'CONSUMED'))).toBe(true);
    expect(states.some((s) => s.includes('CONSUMED') && s.some((t) => t !== 'CONSUMED'))).toBe(true);
    expect(states.some((s) => s.length > 1 && s.every((t) => t === 'NOT_CONSUME_YET' || t === 'NOT_ONLINE'))).toBe(true);
    expect(states.some((s) => s.length === 0)).toBe(true);
    const flip = messages.flatMap((message) => message.tracks).find((track) => track.timeline !== undefined);
    expect(flip).toMatchObject({ trackType: 'NOT_CONSUME_YET', timeline: [{ afterMs: 3000, trackType: 'CONSUMED' }] });
  });

  it("keeps the offline GID_analytics's story: nothing born after its last-consumed point is CONSUMED, and nothing is NOT_CONSUME_YET", () => {
    // Offsets are per queue, so an older message on a lagging queue may still be unconsumed; but an
    // offline group is reported NOT_ONLINE, never NOT_CONSUME_YET (that means online and behind).
    const instance = seed.instances.find((i) => i.consumerGroups?.some((g) => g.groupId === 'GID_analytics'));
    const group = instance?.consumerGroups?.find((g) => g.groupId === 'GID_analytics');
    expect(group?.connections).toEqual([]);
    let checked = 0;
    for (const topic of instance?.topics ?? []) {
      const lastConsumedAgoMs = group?.topics?.find((t) => t.topic === topic.topic)?.lastConsumedAgoMs ?? 1000;
      for (const message of topic.messages) {
        const track = message.tracks.find((t) => t.consumerGroup === 'GID_analytics');
        if (track === undefined) continue;
        const states = [track.trackType, ...(track.timeline ?? []).map((entry) => entry.trackType)];
        // A "request" message is born moments before each request, so after any point before start.
        const bornAfter = message.bornRelativeTo === 'request' || (message.bornAgoMs ?? 600_000) < lastConsumedAgoMs;
        expect({ msgId: message.msgId, states }).not.toEqual({ msgId: message.msgId, states: expect.arrayContaining(['NOT_CONSUME_YET']) });
        if (bornAfter) expect({ msgId: message.msgId, states }).not.toEqual({ msgId: message.msgId, states: expect.arrayContaining(['CONSUMED']) });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('has a key shared by three messages with different outcomes, a dead-lettered retry story and a message without trace', () => {
    const orders = seed.instances[0]?.topics.find((topic) => topic.topic === 'orders')?.messages ?? [];
    const shared = orders.filter((message) => message.keys?.includes('order-20261201-0042'));
    const dead = orders.find((message) => message.keys?.includes('order-20261201-0099'));
    const billing = seed.instances[0]?.consumerGroups?.find((group) => group.groupId === 'GID_billing');

    expect(shared).toHaveLength(3);
    expect(new Set(shared.map((message) => message.bornAgoMs)).size).toBe(3);
    expect(shared.some((message) => message.tracks.every((track) => track.trackType === 'CONSUMED') && message.trace?.consumers === undefined)).toBe(true);
    expect(shared.some((message) => message.tracks.some((track) => track.trackType === 'NOT_CONSUME_YET'))).toBe(true);
    expect(shared.some((message) => message.trace?.consumers?.some((c) => c.attempts.some((a) => a.status === 'CONSUME_FAILED')))).toBe(true);
    expect(billing?.dlq?.map((entry) => entry.msgId)).toContain(dead?.msgId);
    expect(orders.filter((message) => message.trace?.recorded === false)).toHaveLength(1);
  });

  it('agrees with itself: at start, every 4.x trace matches the tracks and the dead-letter queues', () => {
    const index = createSeedIndex(seed);
    const startedAt = Date.UTC(2026, 11, 1, 4, 0, 0);
    let checked = 0;
    for (const instance of seed.instances) {
      const indexed = index.instances.get(instance.instanceId);
      for (const topic of instance.topics) {
        for (const message of topic.messages) {
          const bornMs = bornMsOf(message, startedAt, startedAt);
          const trace = buildTraceMapDo({ message, topic: topic.topic, groups: indexed?.consumerGroups ?? new Map(), bornMs, startedAtMs: startedAt, firstLookupMs: undefined, atMs: startedAt });
          if (trace === undefined) continue;
          const subs = new Map(trace.SubList.SubMapDo.map((sub) => [sub.SubGroupName, sub]));
          // Consumed less than the 5 s offset-commit interval ago: the offset may not show it yet.
          const committing = startedAt - bornMs < 5000;
          for (const track of message.tracks) {
            const sub = subs.get(track.consumerGroup);
            const dlq = indexed?.consumerGroups.get(track.consumerGroup)?.dlq?.find((entry) => entry.msgId === message.msgId);
            const context = `${message.msgId} / ${track.consumerGroup}`;
            if (dlq !== undefined) {
              const attempts = sub?.ClientList.SubClientInfoDo ?? [];
              expect(sub?.SuccessCount, context).toBe(0);
              expect(attempts.at(-1)?.ReconsumeTimes, context).toBe(dlq.reconsumeTimes);
              const lastEnd = Math.max(...attempts.map((a) => a.SubTime + a.CostTime));
              expect(lastEnd, context).toBeLessThanOrEqual(startedAt - (dlq.deadLetteredAgoMs ?? 60_000));
            } else if (track.trackType === 'CONSUMED' && track.timeline === undefined) {
              expect(sub?.SuccessCount, context).toBe(1);
            } else if (track.trackType !== 'CONSUMED' && !committing) {
              expect(sub?.SuccessCount ?? 0, context).toBe(0);
            }
            checked += 1;
          }
          for (const sub of subs.values()) {
            const failures = sub.ClientList.SubClientInfoDo.filter((a) => a.Status === 'CONSUME_FAILED').length;
            if (message.reconsumeTimes !== undefined && sub.SuccessCount === 1) expect(failures, message.msgId).toBeLessThanOrEqual(message.reconsumeTimes);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('describes every message and names groups GID_*', () => {
    for (const message of messages) {
      expect(message.note?.length ?? 0).toBeGreaterThan(10);
      for (const track of message.tracks) {
        expect(track.consumerGroup.startsWith('GID_')).toBe(true);
      }
    }
  });

  it('gives the demo account a plain key and an STS key, and another account its own instance', () => {
    const [demo, other] = seed.accounts;
    const credentials = demo?.credentials ?? [];

    expect(credentials).toHaveLength(2);
    expect(credentials.some((c) => c.securityToken === undefined && c.allowedActions.includes('*'))).toBe(true);
    expect(credentials.some((c) => c.securityToken !== undefined && c.expiresAt !== undefined)).toBe(true);
    expect(seed.instances.filter((instance) => instance.accountId === demo?.accountId).length).toBeGreaterThanOrEqual(2);
    expect(seed.instances.some((instance) => instance.accountId === other?.accountId)).toBe(true);
    expect(JSON.stringify(seed)).not.toMatch(/LTAI/i);
  });
});
