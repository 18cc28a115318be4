import { randomBytes } from 'node:crypto';
import type { FakeAnswer, RecordedPost } from './recorded-post';

/** Official samples put sessionWebhookExpiredTime about 90 minutes after createAt (chat.md §1.3). */
export const SESSION_TTL_MS = 90 * 60 * 1000;
/** The limit the custom robot enforces; the sessionWebhook's own is not documented. */
const MAX_BYTES = 20_000;

/**
 * DingTalk's `sessionWebhook`, faked: `mint()` hands out `/robot/sendBySession?session=…` with an
 * expiry. It answers HTTP 200 always, with `errcode` 0 on success and 300001 for an unknown or
 * expired session (chat.md §1.3); a message over 20,000 bytes gets 460101 and a malformed one
 * 40035 (both UNVERIFIED for sessionWebhook).
 */
export interface DingTalkSessionWebhookFake {
  mint(options?: { ttlMs?: number }): { url: string; expiresAtMs: number };
  handle(url: URL, rawBody: string): FakeAnswer;
  posts(url?: string): RecordedPost[];
}

export function createDingTalkSessionWebhookFake(options: { origin: () => string; now: () => number }): DingTalkSessionWebhookFake {
  const sessions = new Map<string, number>();
  const recorded: RecordedPost[] = [];

  const answer = (url: URL, body: unknown, errcode: number, errmsg: string): FakeAnswer => {
    recorded.push({ url: url.toString(), at: options.now(), status: 200, accepted: errcode === 0, body });
    return { status: 200, body: { errcode, errmsg } };
  };

  return {
    mint({ ttlMs = SESSION_TTL_MS } = {}) {
      const session = randomBytes(16).toString('hex');
      const expiresAtMs = options.now() + ttlMs;
      sessions.set(session, expiresAtMs);
      return { url: `${options.origin()}/robot/sendBySession?session=${session}`, expiresAtMs };
    },
    handle(url, rawBody) {
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        return answer(url, rawBody, 40035, 'invalid json');
      }
      const expiresAt = sessions.get(url.searchParams.get('session') ?? '');
      if (expiresAt === undefined || options.now() >= expiresAt) return answer(url, body, 300001, 'session 不存在');
      if (Buffer.byteLength(rawBody, 'utf8') > MAX_BYTES) return answer(url, body, 460101, 'message too long, exceed 20000 bytes');
      if (!isMessage(body)) return answer(url, body, 40035, 'invalid message');
      return answer(url, body, 0, 'ok');
    },
    posts: (url) => recorded.filter((p) => url === undefined || p.url === url),
  };
}

function isMessage(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as { msgtype?: unknown; text?: { content?: unknown }; markdown?: { title?: unknown; text?: unknown } };
  if (b.msgtype === 'text') return typeof b.text?.content === 'string';
  if (b.msgtype === 'markdown') return typeof b.markdown?.title === 'string' && typeof b.markdown?.text === 'string';
  return false;
}
