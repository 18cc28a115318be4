import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply, startFakeServer } from './fake-server';

/** The custom bot's documented limits (chat.md §4.1). */
export const FEISHU_BOT_LIMITS = { perMinute: 100, perSecond: 5, timestampWindowMs: 3600_000, maxBodyBytes: 20_000 } as const;

export interface FeishuBotFakeOptions {
  /** The token in the hook's path, `/open-apis/bot/v2/hook/<token>`. */
  token: string;
  /** The signing secret; when set, bodies must carry a valid `timestamp` (seconds, within 1 h) and `sign`. */
  secret?: string;
  now?: () => number;
  port?: number;
}

export interface FeishuBotPost {
  at: number;
  body: { msg_type?: string; card?: { header?: { title?: { content?: string } }; elements?: unknown[] }; content?: { text?: string } };
}

export interface FeishuBotFake {
  webhookUrl: string;
  posts: FeishuBotPost[];
  answers: Array<{ at: number; code: number }>;
  close(): Promise<void>;
}

/**
 * A local Feishu/Lark custom bot. Like the real one it answers `{code, msg}`: 19001 for an unknown
 * hook, 19021 for a missing, stale or wrong `timestamp`/`sign` (HMAC-SHA256 keyed by
 * `timestamp + "\n" + secret` over the empty string), 9499 for a body that is not a message or is
 * over 20 KB (UNVERIFIED which code the size limit gets), 11232 beyond 5 a second or 100 a minute.
 * HTTP 200 for all, as the bot documents its codes in the body (UNVERIFIED for every code).
 */
export async function startFeishuBotFake(options: FeishuBotFakeOptions): Promise<FeishuBotFake> {
  const now = options.now ?? Date.now;
  const posts: FeishuBotPost[] = [];
  const answers: FeishuBotFake['answers'] = [];
  const accepted: number[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer | undefined) => {
    const at = now();
    const answer = (code: number, msg: string) => {
      answers.push({ at, code });
      reply(res, 200, 'application/json', JSON.stringify(code === 0 ? { code, msg, data: {}, StatusCode: 0, StatusMessage: msg } : { code, msg, data: {} }));
    };
    if (req.method !== 'POST' || req.url !== `/open-apis/bot/v2/hook/${options.token}`) return answer(19001, 'param invalid: incoming webhook access token invalid');
    if (raw === undefined || raw.length > FEISHU_BOT_LIMITS.maxBodyBytes) return answer(9499, 'Bad Request: request body too large');
    let body: FeishuBotPost['body'] & { timestamp?: unknown; sign?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      return answer(9499, 'Bad Request');
    }
    if (options.secret !== undefined) {
      const ts = typeof body.timestamp === 'string' || typeof body.timestamp === 'number' ? String(body.timestamp) : '';
      if (!/^\d{10}$/.test(ts) || Math.abs(at - Number(ts) * 1000) > FEISHU_BOT_LIMITS.timestampWindowMs) return answer(19021, 'sign match fail or timestamp is not within one hour from current time');
      const expected = createHmac('sha256', `${ts}\n${options.secret}`).update('').digest('base64');
      const given = typeof body.sign === 'string' ? body.sign : '';
      if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return answer(19021, 'sign match fail or timestamp is not within one hour from current time');
    }
    const isMessage = (body.msg_type === 'interactive' && typeof body.card === 'object') || (body.msg_type === 'text' && typeof body.content?.text === 'string');
    if (!isMessage) return answer(9499, 'Bad Request');
    while (accepted.length > 0 && (accepted[0] as number) <= at - 60_000) accepted.shift();
    if (accepted.length >= FEISHU_BOT_LIMITS.perMinute || accepted.filter((t) => t > at - 1000).length >= FEISHU_BOT_LIMITS.perSecond) return answer(11232, 'frequency limited');
    accepted.push(at);
    posts.push({ at, body });
    answer(0, 'success');
  };
  const server = await startFakeServer(handle, options.port);
  return { webhookUrl: `${server.url}/open-apis/bot/v2/hook/${options.token}`, posts, answers, close: server.close };
}
