import { DEMO_CURL_AUTH } from './demo-access';
import { DEMO_5X_INSTANCE } from './explain-examples';
import type { LocalStack } from './local-stack';

/** A demo pick: where to search, and the message or key it shows. */
export interface FindDemo {
  instanceId: string;
  topic: string;
  /** The key most messages of the topic share. */
  key?: string;
  /** A retried, dead-lettered message, for the journey, and its topic. */
  deadMsgId?: string;
  deadTopic?: string;
}

/**
 * The key shared by the most messages of one topic (at least two), or undefined; a key that a
 * message's note names ("Key order-…") wins: the seed says it demonstrates it.
 */
function sharedKey(messages: ReadonlyArray<{ keys: readonly string[]; note?: string | undefined }>): { key: string; score: number } | undefined {
  const counts = new Map<string, number>();
  for (const m of messages) for (const k of new Set(m.keys)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const named = (k: string) => messages.some((m) => (m.note ?? '').includes(`Key ${k}`));
  const ranked = [...counts]
    .filter(([, n]) => n > 1)
    .map(([key, n]) => ({ key, score: n + (named(key) ? 100 : 0) }))
    .sort((a, b) => b.score - a.score || a.key.localeCompare(b.key));
  return ranked[0];
}

const DEAD_NOTE = /%DLQ%|dead-letter/i;

/**
 * What `npm start` demonstrates find and journey with, read from the running emulator (4.x IDs
 * are re-minted with `alignClientIds`, 5.x IDs embed the start time): per broker the topic with a
 * key shared by several messages, and a message that was retried, then dead-lettered.
 */
export function findDemos(stack: LocalStack): { v4?: FindDemo; v5?: FindDemo } {
  const seed = stack.emulator?.seed;
  if (!seed) return {};
  const own = seed.instances.filter((i) => i.accountId === seed.accounts[0]?.accountId);
  const best = <T extends { score: number }>(list: T[]): T | undefined => [...list].sort((a, b) => b.score - a.score)[0];
  const v4Keyed = best(
    own.flatMap((instance) =>
      instance.topics.flatMap((topic) => {
        const shared = sharedKey(topic.messages.map((m) => ({ keys: m.keys ?? [], note: m.note })));
        return shared ? [{ instance, topic, ...shared }] : [];
      }),
    ),
  );
  let v4: FindDemo | undefined;
  if (v4Keyed) {
    const messages = v4Keyed.topic.messages;
    // A dead-lettered message the seed also gave a key: the one a find would lead to.
    const keyed = messages.filter((m) => (m.keys ?? []).length > 0);
    const dead = keyed.find((m) => (m.note ?? '').includes('%DLQ%')) ?? keyed.find((m) => DEAD_NOTE.test(m.note ?? '')) ?? messages.find((m) => DEAD_NOTE.test(m.note ?? ''));
    v4 = { instanceId: v4Keyed.instance.instanceId, topic: v4Keyed.topic.topic, key: v4Keyed.key, ...(dead ? { deadMsgId: dead.msgId, deadTopic: v4Keyed.topic.topic } : {}) };
  }
  const messages = (stack.emulator?.handle.rocketMq5Messages() ?? []).filter((m) => m.instanceId === DEMO_5X_INSTANCE && !m.topicName.startsWith('%DLQ%'));
  const topics = [...new Set(messages.map((m) => m.topicName))];
  const keyed = best(
    topics.flatMap((topic) => {
      const shared = sharedKey(messages.filter((m) => m.topicName === topic).map((m) => ({ keys: m.messageKeys, note: m.note })));
      return shared ? [{ topic, ...shared }] : [];
    }),
  );
  const dead = messages.find((m) => DEAD_NOTE.test(m.note ?? ''));
  const topic = keyed?.topic ?? dead?.topicName;
  const v5: FindDemo | undefined =
    topic === undefined
      ? undefined
      : { instanceId: DEMO_5X_INSTANCE, topic, ...(keyed?.key ? { key: keyed.key } : {}), ...(dead ? { deadMsgId: dead.messageId, deadTopic: dead.topicName } : {}) };
  return { ...(v4 ? { v4 } : {}), ...(v5 ? { v5 } : {}) };
}

/** The lines `npm start` prints for GET /v1/messages and GET /v1/journey on both brokers. */
export function findJourneyExamples(stack: LocalStack, nowMs: number = Date.now()): string[] {
  const { v4, v5 } = findDemos(stack);
  if (!v4 && !v5) return [];
  const url = (path: string, query: Record<string, string>) => `  curl -s ${DEMO_CURL_AUTH} '${stack.url}${path}?${new URLSearchParams(query)}'`;
  const lastHour = { from: new Date(nowMs - 3_600_000).toISOString(), to: new Date(nowMs).toISOString() };
  const lines = ['', 'Find a message without its ID, and its whole journey (GET /v1/messages, GET /v1/journey):'];
  for (const [label, demo] of [['4.x', v4], ['5.x', v5]] as const) {
    if (!demo) continue;
    const base = { instanceId: demo.instanceId, topic: demo.topic };
    if (demo.key) lines.push(`  # ${label}: the messages with key ${demo.key}, newest first, each with its verdict`, url('/v1/messages', { ...base, key: demo.key }));
    lines.push(`  # ${label}: the hour before the stack started, counts per verdict, then the messages not CONSUMED`, url('/v1/messages', { ...base, ...lastHour }));
    if (demo.deadMsgId) {
      const topic = demo.deadTopic ?? demo.topic;
      lines.push(
        `  # ${label}: a retried, then dead-lettered message, attempt by attempt${label === '4.x' ? ' (the first look runs a trace task for a second or two; a second look reuses it)' : ''}`,
        url('/v1/journey', { instanceId: demo.instanceId, topic, msgId: demo.deadMsgId }),
      );
    }
  }
  return lines;
}
