import { buildSlashCommandBody, signSlackRequest } from '../local/fakes/chat-signing';
import { startLocalStack } from '../local/runner/local-stack';
import { percentile } from './bench-env';

/** Slack's own deadline for the first response (chat.md §3.4). */
export const SLACK_ACK_DEADLINE_MS = 3000;

export interface ChatAckResult {
  upstreamLatencyMs: number;
  acksMs: number[];
  finalAnswers: number;
}

/**
 * Times the HTTP answer (the ack) to signed Slack slash commands through the local stack, with the
 * emulator adding `upstreamLatencyMs` to every OnsMessageTrace call, and waits for every final answer.
 * Commands are `spacingMs` apart: faster than OnsMessageTrace's 10/s, the account's rate limit (not
 * the ack path) would decide the figure.
 */
export async function measureSlackAcks(options: { latenciesMs: number[]; commands: number; spacingMs: number }): Promise<ChatAckResult[]> {
  // Enough simulated instances that background (deferred) runs never hold up an ack, as on FC.
  // No verdict cache: every command must reach the (slow) broker, as the first one about a message does.
  const stack = await startLocalStack({ port: 0, env: { PATH: process.env.PATH }, functionEnv: { MQTRACE_VERDICT_CACHE_TTL_MS: '0' }, maxInstances: options.commands + 4 });
  const emulator = stack.emulator?.handle;
  const seed = stack.emulator?.seed;
  const instance = seed?.instances[0];
  const topic = instance?.topics[0];
  const message = topic?.messages[0];
  if (!emulator || !instance || !topic || !message) throw new Error('the chat bench needs the embedded emulator and demo data');
  const text = `trace ${topic.topic} ${message.msgId} ${instance.instanceId}`;
  const results: ChatAckResult[] = [];
  try {
    for (const latencyMs of options.latenciesMs) {
      emulator.setFault('OnsMessageTrace', latencyMs > 0 ? { latencyMs } : undefined);
      const send = async () => {
        const responseUrl = stack.chat.fakes.slack.mint();
        const body = buildSlashCommandBody({ text, responseUrl });
        const started = performance.now();
        const response = await fetch(`${stack.url}/chat/slack`, { method: 'POST', headers: signSlackRequest(body), body });
        const ack = await response.text();
        const ackMs = performance.now() - started;
        if (response.status !== 200) throw new Error(`slash command answered ${response.status}`);
        // An inline answer is the ack itself; a deferred one acks with "Looking up …" and posts later.
        return { ackMs, responseUrl, inline: !ack.includes('Looking up') };
      };
      await send(); // the first request of a latency setting starts instances; not counted
      const sent: Array<{ ackMs: number; responseUrl: string; inline: boolean }> = [];
      for (let i = 0; i < options.commands; i++) {
        const started = performance.now();
        sent.push(await send());
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, options.spacingMs - (performance.now() - started))));
      }
      // Every command must get its final answer, inline or on the fake response_url.
      const answered = await Promise.all(
        sent.map((s) => (s.inline ? 1 : stack.chat.fakes.waitForPosts(s.responseUrl, 1, 30_000).then((p) => p.length))),
      );
      results.push({ upstreamLatencyMs: latencyMs, acksMs: sent.map((s) => s.ackMs), finalAnswers: answered.filter((n) => n > 0).length });
    }
  } finally {
    emulator.setFault('OnsMessageTrace', undefined);
    await stack.close();
  }
  return results;
}

export const p99 = (values: number[]) => percentile(values, 99);
