import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply, startFakeServer } from './fake-server';

/**
 * A local DingTalk custom robot (自定义机器人, chat.md §2). Like the real one it always answers
 * HTTP 200 and reports failures in `errcode`:
 * - 300001 for an unknown `access_token`;
 * - 310000 for a missing, stale (over 1 hour) or wrong `timestamp`/`sign`, or a missing keyword;
 * - 130101 beyond `limitPerMinute` accepted messages in any 60 s, and for `penaltyMs` after that;
 * - 460101 for a body over 20,000 bytes.
 * Accepted messages are recorded in `posts`; every answer in `answers`.
 */
export interface DingTalkRobotFakeOptions {
  accessToken: string;
  /** The 加签 secret; when set, requests must carry a valid `timestamp` and `sign`. */
  secret?: string;
  /** Custom keywords; when set, the message text must contain one. */
  keywords?: string[];
  limitPerMinute?: number;
  /** How long the robot stays blocked after the limit is hit; people report 10 minutes. Default 0. */
  penaltyMs?: number;
  now?: () => number;
  port?: number;
}

export interface DingTalkPost {
  at: number;
  body: { msgtype?: string; markdown?: { title?: string; text?: string }; text?: { content?: string } };
}

export interface DingTalkRobotFake {
  /** The webhook URL to configure: `<fake>/robot/send?access_token=…`. */
  webhookUrl: string;
  posts: DingTalkPost[];
  answers: Array<{ at: number; errcode: number }>;
  /** Counts `count` messages from other senders against this minute's limit. */
  consumeQuota(count: number): void;
  close(): Promise<void>;
}

/** The robot's documented limits. */
export const DINGTALK_ROBOT_LIMITS = { perMinute: 20, timestampWindowMs: 3600_000, maxBodyBytes: 20_000 } as const;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Starts the fake on 127.0.0.1. */
export async function startDingTalkRobotFake(options: DingTalkRobotFakeOptions): Promise<DingTalkRobotFake> {
  const now = options.now ?? Date.now;
  const limit = options.limitPerMinute ?? DINGTALK_ROBOT_LIMITS.perMinute;
  const posts: DingTalkPost[] = [];
  const answers: DingTalkRobotFake['answers'] = [];
  const accepted: number[] = [];
  let blockedUntil = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => {
    const at = now();
    const answer = (errcode: number, errmsg: string) => {
      answers.push({ at, errcode });
      reply(res, 200, 'application/json', JSON.stringify({ errcode, errmsg }));
    };
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method !== 'POST' || url.pathname !== '/robot/send') return answer(300001, 'token is not exist');
    if (url.searchParams.get('access_token') !== options.accessToken) return answer(300001, 'token is not exist');
    if (options.secret !== undefined) {
      const timestamp = url.searchParams.get('timestamp') ?? '';
      const sign = url.searchParams.get('sign') ?? '';
      if (!/^\d{13}$/.test(timestamp) || Math.abs(at - Number(timestamp)) > DINGTALK_ROBOT_LIMITS.timestampWindowMs) {
        return answer(310000, 'invalid timestamp');
      }
      const expected = createHmac('sha256', options.secret).update(`${timestamp}\n${options.secret}`).digest('base64');
      if (!sameText(expected, sign)) return answer(310000, 'sign not match');
    }
    if (body === undefined || body.length > DINGTALK_ROBOT_LIMITS.maxBodyBytes) return answer(460101, 'message too long, exceed 20000 bytes');
    let message: DingTalkPost['body'];
    try {
      message = JSON.parse(body.toString('utf8')) as DingTalkPost['body'];
    } catch {
      // UNVERIFIED: the robot's code for a body that is not JSON.
      return answer(40035, 'invalid json');
    }
    const text = `${message.markdown?.title ?? ''}\n${message.markdown?.text ?? ''}\n${message.text?.content ?? ''}`;
    if (options.keywords && !options.keywords.some((k) => text.includes(k))) return answer(310000, 'keywords not in content');
    while (accepted.length > 0 && (accepted[0] as number) <= at - 60_000) accepted.shift();
    if (at < blockedUntil || accepted.length >= limit) {
      if (at >= blockedUntil) blockedUntil = at + (options.penaltyMs ?? 0);
      return answer(130101, `send too fast, exceed ${limit} times per minute`);
    }
    accepted.push(at);
    posts.push({ at, body: message });
    answer(0, 'ok');
  };

  const server = await startFakeServer(handle, options.port);
  return {
    webhookUrl: `${server.url}/robot/send?access_token=${encodeURIComponent(options.accessToken)}`,
    posts,
    answers,
    consumeQuota: (count) => {
      for (let i = 0; i < count; i++) accepted.push(now());
    },
    close: server.close,
  };
}
