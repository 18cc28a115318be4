import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FakeAnswer, RecordedPost } from './recorded-post';

/** What the fake enforces of WeCom's app API. */
export const WECOM_API = {
  tokenTtlSeconds: 7200,
  /** App markdown and text content cap, UTF-8 bytes (UNVERIFIED for markdown; see render.ts). */
  maxContentBytes: 2048,
  /** Messages per minute to one member; the real per-member limit is not documented here: UNVERIFIED. */
  perUserPerMinute: 30,
  errcodes: { OK: 0, INVALID_SECRET: 40001, INVALID_CORPID: 40013, INVALID_TOKEN: 40014, EXPIRED_TOKEN: 42001, CONTENT_TOO_LONG: 45002, RATE_LIMITED: 45009, INVALID_AGENT: 40056 },
} as const;

export interface WeComApiFakeOptions {
  corpId: string;
  secret: string;
  agentId: number;
  now: () => number;
  tokenTtlSeconds?: number;
}

/**
 * WeCom's app API, faked: `GET /cgi-bin/gettoken` (CorpID and app secret, a token that expires)
 * and `POST /cgi-bin/message/send`, which checks the token (40014 invalid, 42001 expired), the
 * AgentId (40056), the 2,048-byte content cap (45002) and a per-member rate (45009). Always HTTP
 * 200 with `{errcode, errmsg}`, as WeCom answers.
 */
export interface WeComApiFake {
  handle(method: string, url: URL, rawBody: string): FakeAnswer | undefined;
  expireTokens(): void;
  /** Accepted and refused sends; `url` filters by the receiving member. */
  posts(userId?: string): RecordedPost[];
  tokensIssued(): number;
}

export function createWeComApiFake(options: WeComApiFakeOptions): WeComApiFake {
  const ttl = options.tokenTtlSeconds ?? WECOM_API.tokenTtlSeconds;
  const tokens = new Map<string, number>();
  const sent = new Map<string, number[]>();
  const recorded: Array<RecordedPost & { userId?: string }> = [];
  let issued = 0;
  const ok = (body: Record<string, unknown> = {}): FakeAnswer => ({ status: 200, body: { errcode: 0, errmsg: 'ok', ...body } });
  const fail = (errcode: number, errmsg: string): FakeAnswer => ({ status: 200, body: { errcode, errmsg } });
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

  return {
    handle(method, url, rawBody) {
      if (method === 'GET' && url.pathname === '/cgi-bin/gettoken') {
        if (url.searchParams.get('corpid') !== options.corpId) return fail(WECOM_API.errcodes.INVALID_CORPID, 'invalid corpid');
        if (!same(url.searchParams.get('corpsecret') ?? '', options.secret)) return fail(WECOM_API.errcodes.INVALID_SECRET, 'invalid credential');
        const token = randomBytes(24).toString('base64url');
        tokens.set(token, options.now() + ttl * 1000);
        issued++;
        return ok({ access_token: token, expires_in: ttl });
      }
      if (method !== 'POST' || url.pathname !== '/cgi-bin/message/send') return undefined;
      let body: { touser?: unknown; msgtype?: unknown; agentid?: unknown; markdown?: { content?: unknown }; text?: { content?: unknown } } = {};
      try {
        body = JSON.parse(rawBody) as typeof body;
      } catch {
        return fail(40003, 'invalid json');
      }
      const record = (answer: FakeAnswer): FakeAnswer => {
        const accepted = (answer.body as { errcode: number }).errcode === 0;
        recorded.push({ url: url.toString().replace(/access_token=[^&]+/, 'access_token=…'), at: options.now(), status: 200, accepted, body, ...(typeof body.touser === 'string' ? { userId: body.touser } : {}) });
        return answer;
      };
      const token = url.searchParams.get('access_token') ?? '';
      const expiresAt = tokens.get(token);
      if (expiresAt === undefined) return record(fail(WECOM_API.errcodes.INVALID_TOKEN, 'invalid access_token'));
      if (options.now() >= expiresAt) return record(fail(WECOM_API.errcodes.EXPIRED_TOKEN, 'access_token expired'));
      if (body.agentid !== options.agentId) return record(fail(WECOM_API.errcodes.INVALID_AGENT, 'invalid agentid'));
      const content = body.msgtype === 'markdown' ? body.markdown?.content : body.msgtype === 'text' ? body.text?.content : undefined;
      if (typeof content !== 'string' || typeof body.touser !== 'string') return record(fail(40008, 'invalid message type'));
      if (Buffer.byteLength(content, 'utf8') > WECOM_API.maxContentBytes) return record(fail(WECOM_API.errcodes.CONTENT_TOO_LONG, 'content size out of limit'));
      const at = options.now();
      const recent = (sent.get(body.touser) ?? []).filter((t) => t > at - 60_000);
      if (recent.length >= WECOM_API.perUserPerMinute) return record(fail(WECOM_API.errcodes.RATE_LIMITED, 'api freq out of limit'));
      sent.set(body.touser, [...recent, at]);
      return record(ok({ invaliduser: '', msgid: randomBytes(8).toString('hex') }));
    },
    expireTokens() {
      for (const key of tokens.keys()) tokens.set(key, 0);
    },
    posts: (userId) => recorded.filter((p) => userId === undefined || p.userId === userId),
    tokensIssued: () => issued,
  };
}
