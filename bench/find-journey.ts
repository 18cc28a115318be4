import { buildSlashCommandBody, signSlackRequest } from '../local/fakes/chat-signing';
import { DEMO_AUTH_HEADERS } from '../local/runner/demo-access';
import { findDemos } from '../local/runner/find-examples';
import { startLocalStack } from '../local/runner/local-stack';
import { median } from './bench-env';

/** One command's cost on the demo data: upstream calls per run (by action) and latency. */
export interface CommandCost {
  command: string;
  runs: number;
  /** Upstream requests of one run, by action (the median run's, they do not vary). */
  calls: Record<string, number>;
  latenciesMs: number[];
  /** Chat: how long until the final answer was posted, when it was deferred. */
  finalAnswerMs?: number[];
}

const HOUR = 3_600_000;
const SPACING_MS = 1100;

/**
 * Runs every find and journey command through the local stack as `npm start` runs it (the built
 * HTTP bundle in the local FC runner, pop-core and the 5.x SDK, the emulator with the demo seed
 * and its documented limits and trace task delay, the chat fakes), one at a time, and counts the
 * emulator's requests per run. No limit is lifted; runs are spaced so that each starts with the
 * per-second budgets full (a command's own pacing is in its figure, an earlier one's is not).
 */
export async function measureFindJourney(): Promise<CommandCost[]> {
  const stack = await startLocalStack({ port: 0, env: { PATH: process.env.PATH }, maxInstances: 1 });
  const emulator = stack.emulator?.handle;
  const { v4, v5 } = findDemos(stack);
  if (!emulator || !v4?.key || !v4.deadMsgId || !v5?.key || !v5.deadMsgId) throw new Error('the find bench needs the embedded emulator and the demo seed');
  const noTrace = stack.emulator?.seed.instances[0]?.topics[0]?.messages.find((m) => (m.keys ?? []).includes('order-20261201-0100'))?.msgId;
  const retried = stack.emulator?.seed.instances[0]?.topics[0]?.messages.find((m) => /failed twice/.test(m.note ?? ''))?.msgId;
  const results: CommandCost[] = [];
  const byAction = () => Object.fromEntries(Object.entries(emulator.stats().byAction).map(([a, s]) => [a, Object.values(s.byCode).reduce((n, c) => n + c, 0)]));

  const measure = async (command: string, runs: number, run: () => Promise<number | undefined>) => {
    const latenciesMs: number[] = [];
    const finals: number[] = [];
    const perRun: Array<Record<string, number>> = [];
    for (let i = 0; i < runs; i++) {
      // The budgets refill (10 per second per action) between runs, so one run's pacing never lands on the next.
      await new Promise((resolve) => setTimeout(resolve, SPACING_MS));
      emulator.resetStats();
      const started = performance.now();
      const final = await run();
      latenciesMs.push(performance.now() - started);
      if (final !== undefined) finals.push(final);
      perRun.push(byAction());
    }
    const totals = perRun.map((c) => Object.values(c).reduce((a, b) => a + b, 0));
    const middle = perRun[totals.indexOf(median(totals))] ?? {};
    results.push({ command, runs, calls: middle, latenciesMs, ...(finals.length > 0 ? { finalAnswerMs: finals } : {}) });
  };
  const http = (path: string, query: Record<string, string>) => async () => {
    const response = await fetch(`${stack.url}${path}?${new URLSearchParams(query)}`, { headers: DEMO_AUTH_HEADERS });
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    await response.json();
    return undefined;
  };
  const slack = (text: string) => async () => {
    const responseUrl = stack.chat.fakes.slack.mint();
    const body = buildSlashCommandBody({ text, responseUrl });
    const started = performance.now();
    const response = await fetch(`${stack.url}/chat/slack`, { method: 'POST', headers: signSlackRequest(body), body });
    const ack = await response.text();
    if (response.status !== 200) throw new Error(`slash command answered ${response.status}`);
    if (!ack.includes('Looking up')) return undefined;
    await stack.chat.fakes.waitForPosts(responseUrl, 1, 30_000);
    return performance.now() - started;
  };
  const window = () => ({ from: new Date(Date.now() - HOUR).toISOString(), to: new Date().toISOString() });

  try {
    // Warm the instance, both adapters and the lazily loaded find module first.
    await http('/v1/messages', { instanceId: v5.instanceId, topic: v5.topic, key: 'warm-up' })();
    await http('/v1/messages', { instanceId: v4.instanceId, topic: v4.topic, key: 'warm-up' })();

    await measure(`4.x find key ${v4.key} (3 messages)`, 5, http('/v1/messages', { instanceId: v4.instanceId, topic: v4.topic, key: v4.key }));
    // OnsMessagePageQueryByTopic is limited to 10 per minute per account: few runs.
    await measure(`4.x find window: last hour of ${v4.topic}`, 2, async () => http('/v1/messages', { instanceId: v4.instanceId, topic: v4.topic, ...window() })());
    await measure('4.x journey, first look (dead-lettered, 17 attempts: new trace task)', 1, http('/v1/journey', { instanceId: v4.instanceId, topic: v4.deadTopic ?? v4.topic, msgId: v4.deadMsgId }));
    await measure('4.x journey, second look (same task reused)', 5, http('/v1/journey', { instanceId: v4.instanceId, topic: v4.deadTopic ?? v4.topic, msgId: v4.deadMsgId }));
    if (noTrace) await measure('4.x journey, no trace data (first look)', 1, http('/v1/journey', { instanceId: v4.instanceId, topic: v4.topic, msgId: noTrace }));
    await measure(`5.x find key ${v5.key} (2 messages)`, 5, http('/v1/messages', { instanceId: v5.instanceId, topic: v5.topic, key: v5.key }));
    await measure(`5.x find window: last hour of ${v5.deadTopic ?? v5.topic}`, 5, async () => http('/v1/messages', { instanceId: v5.instanceId, topic: v5.deadTopic ?? v5.topic, ...window() })());
    await measure('5.x journey (dead-lettered)', 5, http('/v1/journey', { instanceId: v5.instanceId, topic: v5.deadTopic ?? v5.topic, msgId: v5.deadMsgId }));
    await measure(`Slack find ${v4.topic} key:${v4.key}`, 3, slack(`find ${v4.topic} key:${v4.key}`));
    await measure('Slack journey (4.x, task reused: inline)', 3, slack(`journey ${v4.deadTopic ?? v4.topic} ${v4.deadMsgId}`));
    if (retried) await measure('Slack journey (4.x, first look: deferred, answer on the response_url)', 1, slack(`journey ${v4.topic} ${retried}`));
    await measure(`Slack journey (5.x)`, 3, slack(`journey ${v5.deadTopic ?? v5.topic} ${v5.deadMsgId} ${v5.instanceId}`));
  } finally {
    await stack.close();
  }
  return results;
}

/** The costs as a markdown table. */
export function costTable(costs: readonly CommandCost[]): string {
  const rows = costs.map((c) => {
    const total = Object.values(c.calls).reduce((a, b) => a + b, 0);
    const calls = Object.entries(c.calls)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([a, n]) => `${a} ${n}`)
      .join(', ');
    const latency = `${median(c.latenciesMs).toFixed(0)} ms${c.runs > 1 ? ` (max ${Math.max(...c.latenciesMs).toFixed(0)})` : ''}`;
    const final = c.finalAnswerMs ? `; answer posted after ${median(c.finalAnswerMs).toFixed(0)} ms` : '';
    return [c.command, String(c.runs), `${total}: ${calls}`, `${latency}${final}`];
  });
  const header = ['command', 'runs', 'upstream calls per run', 'latency (p50)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
