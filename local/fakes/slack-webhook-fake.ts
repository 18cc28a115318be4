import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply, startFakeServer } from './fake-server';

/**
 * A local Slack incoming webhook (chat.md §3.7). Only its secret path is accepted (404
 * `no_service` otherwise). Posting is rate limited like Slack's "1 per second, short bursts
 * allowed": a token bucket of `burst` tokens refilled at `perSecond`; an empty bucket answers 429
 * with `Retry-After` in whole seconds. Payloads are checked against the Block Kit limits (400
 * `invalid_payload`, `no_text`, `invalid_blocks`). Accepted messages are recorded in `posts`.
 */
export interface SlackWebhookFakeOptions {
  /** The secret path, e.g. `/services/T000/B000/XXXX`. */
  path?: string;
  burst?: number;
  perSecond?: number;
  now?: () => number;
  port?: number;
}

export interface SlackPost {
  at: number;
  body: { text?: string; blocks?: Array<Record<string, unknown>> };
}

export interface SlackWebhookFake {
  webhookUrl: string;
  posts: SlackPost[];
  answers: Array<{ at: number; status: number; retryAfter?: number }>;
  /** Spends `count` tokens, as posts from other senders would. */
  consumeQuota(count: number): void;
  /** Answers the next post 429 with this `Retry-After`, whatever the bucket holds (a busy workspace). */
  throttleNext(retryAfterSeconds: number): void;
  close(): Promise<void>;
}

const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
const MAX_HEADER_TEXT = 150;

function invalidBlocks(blocks: unknown): boolean {
  if (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS) return true;
  return blocks.some((block: { type?: unknown; text?: { text?: unknown } }) => {
    const text = typeof block?.text?.text === 'string' ? block.text.text : '';
    if (block?.type === 'header') return text.length === 0 || text.length > MAX_HEADER_TEXT;
    if (block?.type === 'section') return text.length > MAX_SECTION_TEXT;
    return !['context', 'divider', 'actions'].includes(String(block?.type));
  });
}

/** Starts the fake on 127.0.0.1. */
export async function startSlackWebhookFake(options: SlackWebhookFakeOptions = {}): Promise<SlackWebhookFake> {
  const now = options.now ?? Date.now;
  const path = options.path ?? '/services/T0MQTRACE/B0SPOTCHK/fake-webhook-secret';
  const burst = options.burst ?? 3;
  const perSecond = options.perSecond ?? 1;
  const posts: SlackPost[] = [];
  const answers: SlackWebhookFake['answers'] = [];
  let tokens = burst;
  let forced: number | undefined;
  let refilledAt = now();
  const refill = (at: number) => {
    tokens = Math.min(burst, tokens + ((at - refilledAt) / 1000) * perSecond);
    refilledAt = Math.max(refilledAt, at);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => {
    const at = now();
    const answer = (status: number, text: string, retryAfter?: number) => {
      answers.push({ at, status, ...(retryAfter !== undefined ? { retryAfter } : {}) });
      reply(res, status, 'text/html', text, retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {});
    };
    if (req.method !== 'POST' || (req.url ?? '') !== path) return answer(404, 'no_service');
    refill(at);
    if (forced !== undefined) {
      const retryAfter = forced;
      forced = undefined;
      return answer(429, 'rate_limited', retryAfter);
    }
    if (tokens < 1) return answer(429, 'rate_limited', Math.max(1, Math.ceil((1 - tokens) / perSecond)));
    let message: SlackPost['body'];
    try {
      message = JSON.parse((body ?? Buffer.alloc(0)).toString('utf8')) as SlackPost['body'];
    } catch {
      return answer(400, 'invalid_payload');
    }
    if (typeof message !== 'object' || message === null) return answer(400, 'invalid_payload');
    if (!message.text && !message.blocks) return answer(400, 'no_text');
    if (message.blocks !== undefined && invalidBlocks(message.blocks)) return answer(400, 'invalid_blocks');
    tokens -= 1;
    posts.push({ at, body: message });
    answer(200, 'ok');
  };

  const server = await startFakeServer(handle, options.port);
  return {
    webhookUrl: `${server.url}${path}`,
    posts,
    answers,
    consumeQuota: (count) => {
      refill(now());
      tokens -= count;
    },
    throttleNext: (retryAfterSeconds) => {
      forced = retryAfterSeconds;
    },
    close: server.close,
  };
}
