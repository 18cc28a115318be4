import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply, startFakeServer } from './fake-server';

/** The group robot's documented limits (round2.md §6.4). */
export const WECOM_ROBOT_LIMITS = { perMinute: 20, markdownBytes: 4096, textBytes: 2048 } as const;

export interface WeComRobotFakeOptions {
  key: string;
  limitPerMinute?: number;
  now?: () => number;
  port?: number;
}

export interface WeComRobotPost {
  at: number;
  body: { msgtype?: string; markdown?: { content?: string }; text?: { content?: string } };
}

export interface WeComRobotFake {
  webhookUrl: string;
  posts: WeComRobotPost[];
  answers: Array<{ at: number; errcode: number }>;
  /** Counts `count` messages from other senders against this minute's limit. */
  consumeQuota(count: number): void;
  close(): Promise<void>;
}

/**
 * A local WeCom group robot (`/cgi-bin/webhook/send?key=…`). HTTP 200 with `{errcode, errmsg}`:
 * 93000 for an unknown key; 45009 `api freq out of limit` beyond 20 accepted messages in any 60 s;
 * 40058 for markdown over 4,096 bytes or text over 2,048 (UNVERIFIED which code the size gets);
 * 40008 for a body that is not a text or markdown message.
 */
export async function startWeComRobotFake(options: WeComRobotFakeOptions): Promise<WeComRobotFake> {
  const now = options.now ?? Date.now;
  const limit = options.limitPerMinute ?? WECOM_ROBOT_LIMITS.perMinute;
  const posts: WeComRobotPost[] = [];
  const answers: WeComRobotFake['answers'] = [];
  const accepted: number[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer | undefined) => {
    const at = now();
    const answer = (errcode: number, errmsg: string) => {
      answers.push({ at, errcode });
      reply(res, 200, 'application/json', JSON.stringify({ errcode, errmsg }));
    };
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method !== 'POST' || url.pathname !== '/cgi-bin/webhook/send' || url.searchParams.get('key') !== options.key) return answer(93000, 'invalid webhook url');
    let body: WeComRobotPost['body'];
    try {
      body = JSON.parse((raw ?? Buffer.alloc(0)).toString('utf8')) as WeComRobotPost['body'];
    } catch {
      return answer(40008, 'invalid message type');
    }
    const markdown = body.msgtype === 'markdown' ? body.markdown?.content : undefined;
    const text = body.msgtype === 'text' ? body.text?.content : undefined;
    if (typeof markdown !== 'string' && typeof text !== 'string') return answer(40008, 'invalid message type');
    if (typeof markdown === 'string' && Buffer.byteLength(markdown, 'utf8') > WECOM_ROBOT_LIMITS.markdownBytes) return answer(40058, 'markdown.content exceed max length 4096');
    if (typeof text === 'string' && Buffer.byteLength(text, 'utf8') > WECOM_ROBOT_LIMITS.textBytes) return answer(40058, 'text.content exceed max length 2048');
    while (accepted.length > 0 && (accepted[0] as number) <= at - 60_000) accepted.shift();
    if (accepted.length >= limit) return answer(45009, 'api freq out of limit');
    accepted.push(at);
    posts.push({ at, body });
    answer(0, 'ok');
  };
  const server = await startFakeServer(handle, options.port);
  return {
    webhookUrl: `${server.url}/cgi-bin/webhook/send?key=${encodeURIComponent(options.key)}`,
    posts,
    answers,
    consumeQuota: (count) => {
      for (let i = 0; i < count; i++) accepted.push(now());
    },
    close: server.close,
  };
}
