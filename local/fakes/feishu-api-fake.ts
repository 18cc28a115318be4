import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FakeAnswer, RecordedPost } from './recorded-post';

/** Documented limits and codes of the Feishu OpenAPI parts the app bot uses (round2.md §6.1). */
export const FEISHU_API = {
  /** "卡片及富文本消息请求体最大不能超过30KB". */
  maxCardRequestBytes: 30_000,
  tokenTtlSeconds: 7200,
  codes: { OK: 0, MISSING_TOKEN: 99991661, INVALID_TOKEN: 99991663, TOO_LONG: 230025, RATE_LIMITED: 230020, APP_SECRET_INVALID: 10014, BAD_MESSAGE: 230001 },
  /** "向同一群组发送消息的限频为群内机器人共享 5 QPS". */
  perChatPerSecond: 5,
} as const;

export interface FeishuApiFakeOptions {
  appId: string;
  appSecret: string;
  origin: () => string;
  now: () => number;
  /** How long a minted token lives, in seconds; default Feishu's 7200. */
  tokenTtlSeconds?: number;
}

/**
 * Feishu's OpenAPI for the app bot, faked: `tenant_access_token/internal` (app ID and secret, a
 * token that expires), and `im/v1/messages/:message_id/reply`, which checks the bearer token
 * (99991661 missing, 99991663 invalid or expired), the 30 KB request limit (230025), a readable
 * interactive card, and 5 replies a second per chat (230020). Message IDs are those `mintMessage`
 * handed out (as Feishu knows the messages it delivered). The HTTP statuses of the error answers
 * are UNVERIFIED (400 here); the codes are documented.
 */
export interface FeishuApiFake {
  handle(method: string, url: URL, rawBody: string, headers: Readonly<Record<string, string | string[] | undefined>>): FakeAnswer | undefined;
  /** A message the bot could reply to, in `chatId`. */
  mintMessage(chatId: string): string;
  /** Expires every token now, as if two hours had passed. */
  expireTokens(): void;
  posts(url?: string): RecordedPost[];
  /** How many tokens were handed out. */
  tokensIssued(): number;
}

export function createFeishuApiFake(options: FeishuApiFakeOptions): FeishuApiFake {
  const ttl = options.tokenTtlSeconds ?? FEISHU_API.tokenTtlSeconds;
  const tokens = new Map<string, number>();
  const messages = new Map<string, string>();
  const sent = new Map<string, number[]>();
  const recorded: RecordedPost[] = [];
  let issued = 0;
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  const answer = (url: URL, body: unknown, status: number, code: number, msg: string, extra: Record<string, unknown> = {}): FakeAnswer => {
    if (url.pathname.endsWith('/reply')) recorded.push({ url: url.toString(), at: options.now(), status, accepted: code === 0, body });
    return { status, body: { code, msg, ...extra } };
  };

  return {
    handle(method, url, rawBody, headers) {
      if (method !== 'POST') return undefined;
      if (url.pathname === '/open-apis/auth/v3/tenant_access_token/internal') {
        let body: { app_id?: unknown; app_secret?: unknown };
        try {
          body = JSON.parse(rawBody) as typeof body;
        } catch {
          return answer(url, rawBody, 400, 10003, 'invalid param');
        }
        if (body.app_id !== options.appId || typeof body.app_secret !== 'string' || !same(body.app_secret, options.appSecret)) {
          return answer(url, { app_id: body.app_id }, 400, FEISHU_API.codes.APP_SECRET_INVALID, 'app secret invalid');
        }
        const token = `t-${randomBytes(16).toString('hex')}`;
        tokens.set(token, options.now() + ttl * 1000);
        issued++;
        return answer(url, {}, 200, 0, 'ok', { tenant_access_token: token, expire: ttl });
      }
      const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(url.pathname);
      if (!reply) return undefined;
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
      const auth = typeof headers.authorization === 'string' ? headers.authorization : '';
      const token = /^Bearer (\S+)$/.exec(auth)?.[1];
      if (!token) return answer(url, body, 400, FEISHU_API.codes.MISSING_TOKEN, 'Missing access token for authorization.');
      const expiresAt = tokens.get(token);
      if (expiresAt === undefined || options.now() >= expiresAt) return answer(url, body, 400, FEISHU_API.codes.INVALID_TOKEN, 'Invalid access token for authorization.');
      if (Buffer.byteLength(rawBody, 'utf8') > FEISHU_API.maxCardRequestBytes) return answer(url, body, 400, FEISHU_API.codes.TOO_LONG, 'The length of the message content reaches its limit.');
      const chatId = messages.get(decodeURIComponent(reply[1] as string));
      if (!chatId) return answer(url, body, 400, FEISHU_API.codes.BAD_MESSAGE, 'invalid message_id');
      const b = body as { msg_type?: unknown; content?: unknown };
      let card: unknown;
      try {
        card = typeof b.content === 'string' ? JSON.parse(b.content) : undefined;
      } catch {
        card = undefined;
      }
      if (b.msg_type !== 'interactive' || !isCard(card)) return answer(url, body, 400, 9499, 'Bad Request: not an interactive card');
      const at = options.now();
      const recent = (sent.get(chatId) ?? []).filter((t) => t > at - 1000);
      if (recent.length >= FEISHU_API.perChatPerSecond) return answer(url, body, 400, FEISHU_API.codes.RATE_LIMITED, 'Bot send message rate limited.');
      sent.set(chatId, [...recent, at]);
      return answer(url, body, 200, 0, 'success', { data: { message_id: `om_${randomBytes(12).toString('hex')}`, chat_id: chatId } });
    },
    mintMessage(chatId) {
      const id = `om_${randomBytes(12).toString('hex')}`;
      messages.set(id, chatId);
      return id;
    },
    expireTokens() {
      for (const key of tokens.keys()) tokens.set(key, 0);
    },
    posts: (url) => recorded.filter((p) => url === undefined || p.url === url || p.url.includes(`/messages/${url}/`)),
    tokensIssued: () => issued,
  };
}

function isCard(card: unknown): boolean {
  if (typeof card !== 'object' || card === null) return false;
  const c = card as { elements?: unknown; header?: { title?: { content?: unknown } } };
  return Array.isArray(c.elements) && typeof c.header?.title?.content === 'string';
}
