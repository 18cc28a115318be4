import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_FEISHU, DEMO_WECOM } from './chat-signing';
import { createDingTalkSessionWebhookFake, type DingTalkSessionWebhookFake } from './dingtalk-session-webhook';
import { createFeishuApiFake, type FeishuApiFake } from './feishu-api-fake';
import { createWeComApiFake, type WeComApiFake } from './wecom-api-fake';
import type { FakeAnswer, RecordedPost } from './recorded-post';
import { createSlackResponseUrlFake, type SlackResponseUrlFake } from './slack-response-url';

export type { RecordedPost } from './recorded-post';

/**
 * The chat platforms' reply endpoints on one loopback server: Slack `response_url`s, DingTalk
 * `sessionWebhook`s, Feishu's token and reply APIs, WeCom's token and message-send APIs. A small admin surface (`/__fakes/…`) lets
 * another process (the chat helper CLI) mint URLs and message IDs and read what was posted.
 */
export interface ChatFakes {
  /** The server's origin, e.g. http://127.0.0.1:40123; allow it with MQTRACE_CHAT_EXTRA_REPLY_ORIGINS. */
  origin: string;
  slack: SlackResponseUrlFake;
  dingtalk: DingTalkSessionWebhookFake;
  feishu: FeishuApiFake;
  wecom: WeComApiFake;
  /** Resolves with the first `count` posts accepted at `url`, as soon as they have arrived. */
  waitForPosts(url: string, count?: number, timeoutMs?: number): Promise<RecordedPost[]>;
  close(): Promise<void>;
}

const MAX_BODY = 256 * 1024;

/** Starts the fakes on 127.0.0.1 (port 0 picks a free one). */
export async function startChatFakes(options: { port?: number; now?: () => number } = {}): Promise<ChatFakes> {
  const now = options.now ?? Date.now;
  let origin = '';
  const slack = createSlackResponseUrlFake({ origin: () => origin, now });
  const dingtalk = createDingTalkSessionWebhookFake({ origin: () => origin, now });
  const feishu = createFeishuApiFake({ appId: DEMO_FEISHU.appId, appSecret: DEMO_FEISHU.appSecret, origin: () => origin, now });
  const wecom = createWeComApiFake({ corpId: DEMO_WECOM.corpId, secret: DEMO_WECOM.secret, agentId: DEMO_WECOM.agentId, now });
  // A WeCom send is found by the member it went to.
  const allPosts = (url?: string) => [...slack.posts(url), ...dingtalk.posts(url), ...feishu.posts(url), ...(url === undefined || !url.includes('/') ? wecom.posts(url) : [])];
  const waiters = new Set<() => void>();

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const body = await readBody(req);
    if (url.pathname.startsWith('/__fakes/')) return admin(req.method ?? 'GET', url, body, res);
    const method = req.method ?? 'GET';
    const platformApi = url.pathname.startsWith('/open-apis/')
      ? feishu.handle(method, url, body, req.headers)
      : url.pathname.startsWith('/cgi-bin/')
        ? wecom.handle(method, url, body)
        : undefined;
    if (platformApi) send(res, platformApi);
    else if (method !== 'POST') return send(res, { status: 405, body: { ok: false, error: 'method_not_allowed' } });
    else if (url.pathname.startsWith('/commands/')) send(res, slack.handle(url, body));
    else if (url.pathname === '/robot/sendBySession') send(res, dingtalk.handle(url, body));
    else send(res, { status: 404, body: { ok: false, error: 'not_found' } });
    for (const wake of [...waiters]) wake();
  }

  function admin(method: string, url: URL, body: string, res: ServerResponse): void {
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (method === 'POST' && url.pathname === '/__fakes/slack/response-urls') {
      return send(res, { status: 201, body: { url: slack.mint(typeof input.teamId === 'string' ? { teamId: input.teamId } : {}) } });
    }
    if (method === 'POST' && url.pathname === '/__fakes/dingtalk/sessions') {
      return send(res, { status: 201, body: dingtalk.mint(typeof input.ttlMs === 'number' ? { ttlMs: input.ttlMs } : {}) });
    }
    if (method === 'POST' && url.pathname === '/__fakes/feishu/messages') {
      return send(res, { status: 201, body: { messageId: feishu.mintMessage(typeof input.chatId === 'string' ? input.chatId : DEMO_FEISHU.chatId) } });
    }
    if (method === 'GET' && url.pathname === '/__fakes/posts') {
      const target = url.searchParams.get('url') ?? undefined;
      return send(res, { status: 200, body: { posts: allPosts(target) } });
    }
    send(res, { status: 404, body: { ok: false, error: 'not_found' } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const accepted = (url: string) => allPosts(url).filter((p) => p.accepted);
  return {
    origin,
    slack,
    dingtalk,
    feishu,
    wecom,
    waitForPosts(url, count = 1, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const posts = accepted(url);
          if (posts.length < count) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(posts.slice(0, count));
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${count} accepted post(s) at ${url} within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, answer: FakeAnswer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(answer.body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
