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
    lines.push('  # wait up to 10 s for it to be consumed (flips shortly after start)', `  curl -s ${DEMO_CURL_AUTH} '${url(flipping, { waitSeconds: '10' })}'`);
  }
  return lines;
}
