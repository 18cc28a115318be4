import { DEMO_CURL_AUTH } from './demo-access';
import type { LocalStack } from './local-stack';

/** The lines `npm start` prints for explain and waitSeconds, picked from the emulator's seed. */
export function explainExamples(stack: LocalStack): string[] {
  const seed = stack.emulator?.seed;
  if (!seed) return [];
  const own = seed.instances.filter((i) => i.accountId === seed.accounts[0]?.accountId);
  const all = own.flatMap((i) => i.topics.flatMap((t) => t.messages.map((m) => ({ instanceId: i.instanceId, topic: t.topic, message: m }))));
  const url = (entry: (typeof all)[number], extra: Record<string, string>) =>
    `${stack.url}/v1/trace?${new URLSearchParams({ instanceId: entry.instanceId, topic: entry.topic, msgId: entry.message.msgId, ...extra })}`;
  const lines: string[] = [];
  const unconsumed = all.find((e) => e.message.tracks.length > 0 && e.message.tracks.every((t) => t.trackType !== 'CONSUMED' && !t.timeline));
  if (unconsumed) {
    lines.push('  # why has no group consumed it? findings with evidence (explain)', `  curl -s ${DEMO_CURL_AUTH} '${url(unconsumed, { explain: 'true' })}'`);
  }
  for (const entry of all.filter((e) => e.message.note?.startsWith('Explain:'))) {
    lines.push(`  # ${entry.message.note}`, `  curl -s ${DEMO_CURL_AUTH} '${url(entry, { explain: 'true' })}'`);
  }
  const flipping = all.find((e) => e.message.tracks.some((t) => t.timeline?.some((s) => s.trackType === 'CONSUMED')));
  if (flipping) {
    lines.push('  # wait up to 10 s: it flips to CONSUMED 3 s after its first lookup, so this shows a real wait', `  curl -s ${DEMO_CURL_AUTH} '${url(flipping, { waitSeconds: '10' })}'`);
  }
  return lines;
}

/**
 * The lines `npm start` prints for the 5.x demo instance. Its message IDs embed their born time,
 * which is relative to the emulator's start, so they are read from the running emulator.
 */
export function rocketMq5Examples(stack: LocalStack): string[] {
  const messages = stack.emulator?.handle.rocketMq5Messages() ?? [];
  const own = messages.filter((m) => !m.topicName.startsWith('%DLQ%') && m.instanceId === DEMO_5X_INSTANCE);
  if (own.length === 0) return [];
  const url = (m: (typeof own)[number], extra: Record<string, string> = {}) =>
    `${stack.url}/v1/trace?${new URLSearchParams({ instanceId: m.instanceId, topic: m.topicName, msgId: m.messageId, ...extra })}`;
  const lines = ['', `RocketMQ 5.x (${DEMO_5X_INSTANCE}, the rocketmq 2022-08-01 API, ACS3 signatures):`];
  for (const m of own) {
    lines.push(`  # ${m.note ?? `${m.topicName} / ${m.messageId}`}`, `  curl -s ${DEMO_CURL_AUTH} '${url(m)}'`);
  }
  const dead = own.find((m) => /dead-letter/i.test(m.note ?? ''));
  if (dead) lines.push('  # why: dead-lettered after retries, with the evidence', `  curl -s ${DEMO_CURL_AUTH} '${url(dead, { explain: 'true' })}'`);
  const noRecord = own.find((m) => /no trace record/i.test(m.note ?? ''));
  if (noRecord) {
    lines.push(
      "  # wait: billing's trace record appears ~5 s after start; the offline analytics group keeps it from CONSUMED, so the wait times out",
      `  curl -s ${DEMO_CURL_AUTH} '${url(noRecord, { waitSeconds: '10' })}'`,
    );
  }
  return lines;
}

/** The demo seed's 5.x instance. */
export const DEMO_5X_INSTANCE = 'rmq-cn-demo5x0001';
