/**
 * Sends one signed chat request to a running local stack (`npm start`), as the platform would,
 * then prints the immediate answer, how long it took, and whatever reached the fake reply endpoint.
 *
 *   npx tsx local/fakes/send-chat.ts slack 'trace orders 0A000C22303918B4AAC244F9ABC301A3' --fakes http://127.0.0.1:PORT
 *   npx tsx local/fakes/send-chat.ts slack-button 'trace orders 0A000C22303918B4AAC244F9ABC301A3 why' --fakes …
 *   npx tsx local/fakes/send-chat.ts dingtalk '查询 orders 0A000C22303918B4AAC244F9ABC301A3' --fakes …
 *   npx tsx local/fakes/send-chat.ts feishu 'trace orders 0A000C22303918B4AAC244F9ABC301A3' --fakes …
 *   npx tsx local/fakes/send-chat.ts feishu-button 'trace orders 0A000C22303918B4AAC244F9ABC301A3 why' --fakes …
 *   npx tsx local/fakes/send-chat.ts wecom 'trace orders 0A000C22303918B4AAC244F9ABC301A3' --fakes …
 *
 * `*-button` sends what pressing a button that carries the text does. Options: --stack URL (default
 * http://127.0.0.1:9000), --wait SECONDS for a delayed answer (default 30). The secrets are the
 * local stack's demo values, never real ones.
 */
import {
  buildDingTalkCallbackBody,
  buildFeishuCardAction,
  buildFeishuMessageEvent,
  buildSlackButtonBody,
  buildSlashCommandBody,
  buildWeComTextMessage,
  DEMO_FEISHU,
  DEMO_WECOM,
  openWeComReply,
  signDingTalkRequest,
  signFeishuRequest,
  signSlackRequest,
  signWeComCallback,
} from './chat-signing';
import type { RecordedPost } from './recorded-post';

const PLATFORMS = ['slack', 'slack-button', 'dingtalk', 'feishu', 'feishu-button', 'wecom'] as const;
type Platform = (typeof PLATFORMS)[number];

interface Args {
  platform: Platform;
  text: string;
  stack: string;
  fakes: string;
  waitSeconds: number;
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--') && ['--stack', '--fakes', '--wait'].includes(arg)) options[arg.slice(2)] = argv[++i] ?? '';
    else positional.push(arg);
  }
  const [platform, ...words] = positional;
  if (!(PLATFORMS as readonly string[]).includes(platform ?? '') || !options.fakes) {
    console.error(`usage: send-chat.ts ${PLATFORMS.join('|')} '<command text>' --fakes http://127.0.0.1:PORT [--stack URL] [--wait SECONDS]`);
    process.exit(2);
  }
  return {
    platform: platform as Platform,
    text: words.join(' '),
    stack: options.stack ?? process.env.MQTRACE_URL ?? 'http://127.0.0.1:9000',
    fakes: options.fakes,
    waitSeconds: Number(options.wait ?? '30'),
  };
}

async function postJson(url: string, body: unknown): Promise<any> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}

/** A reply as a person would read it, whichever platform's format it is in. */
function show(body: unknown): string {
  const b = body as {
    text?: string;
    blocks?: Array<{ text?: { text?: string }; elements?: Array<{ text?: string }> }>;
    markdown?: { text?: string; content?: string };
    content?: string;
  };
  if (b?.markdown?.text) return b.markdown.text;
  if (b?.markdown?.content) return b.markdown.content;
  if (Array.isArray(b?.blocks)) return b.blocks.map((block) => block.text?.text ?? block.elements?.map((e) => e.text).join(' ') ?? '—').join('\n');
  if (typeof b?.content === 'string') {
    // A Feishu card: its title and every text.
    const card = JSON.parse(b.content) as { header?: { title?: { content?: string } }; elements?: unknown[] };
    const texts = JSON.stringify(card.elements ?? []).match(/"content":"((?:[^"\\]|\\.)*)"/g) ?? [];
    return [card.header?.title?.content, ...texts.map((t) => JSON.parse(t.slice('"content":'.length)) as string)].filter(Boolean).join('\n');
  }
  return JSON.stringify(body);
}

const args = parseArgs(process.argv.slice(2));
let replyKey: string;
let request: { path: string; headers: Record<string, string>; body: string };
switch (args.platform) {
  case 'slack':
  case 'slack-button': {
    replyKey = ((await postJson(`${args.fakes}/__fakes/slack/response-urls`, {})) as { url: string }).url;
    const body = args.platform === 'slack' ? buildSlashCommandBody({ text: args.text, responseUrl: replyKey }) : buildSlackButtonBody({ command: args.text, responseUrl: replyKey });
    request = { path: '/chat/slack', headers: signSlackRequest(body), body };
    break;
  }
  case 'dingtalk': {
    const session = (await postJson(`${args.fakes}/__fakes/dingtalk/sessions`, {})) as { url: string; expiresAtMs: number };
    replyKey = session.url;
    const body = JSON.stringify(buildDingTalkCallbackBody({ text: args.text, sessionWebhook: session.url, sessionWebhookExpiredTime: session.expiresAtMs }));
    request = { path: '/chat/dingtalk', headers: signDingTalkRequest(), body };
    break;
  }
  case 'feishu':
  case 'feishu-button': {
    replyKey = ((await postJson(`${args.fakes}/__fakes/feishu/messages`, { chatId: DEMO_FEISHU.chatId })) as { messageId: string }).messageId;
    const event = args.platform === 'feishu' ? buildFeishuMessageEvent({ text: args.text, messageId: replyKey }) : buildFeishuCardAction({ command: args.text, messageId: replyKey });
    request = { path: '/chat/feishu', ...signFeishuRequest(event, { encryptKey: DEMO_FEISHU.encryptKey }) };
    break;
  }
  case 'wecom': {
    replyKey = DEMO_WECOM.userId;
    const signed = signWeComCallback(buildWeComTextMessage({ text: args.text }));
    request = { path: `/chat/wecom?${new URLSearchParams(signed.query)}`, headers: { 'content-type': 'text/xml' }, body: signed.body };
    break;
  }
}

const started = performance.now();
const startedAt = Date.now();
const response = await fetch(`${args.stack}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
const ackMs = performance.now() - started;
const ackText = await response.text();
console.log(`HTTP ${response.status} after ${ackMs.toFixed(0)} ms`);
if (args.platform === 'wecom' && ackText) {
  console.log('passive reply (decrypted):');
  console.log(openWeComReply(ackText)?.Content ?? ackText);
} else if (ackText) {
  console.log(ackText.startsWith('{') && args.platform === 'slack' ? show(JSON.parse(ackText)) : ackText);
}

// A slash command's inline answer and WeCom's passive reply are the whole answer, unless they say "Looking up".
const inline = args.platform === 'slack' ? (JSON.parse(ackText || '{}') as { text?: string }).text : args.platform === 'wecom' ? openWeComReply(ackText)?.Content : undefined;
if (inline !== undefined && !/^(?:Looking up|🔎|正在查询)/.test(inline) && !inline.includes('🔎')) process.exit(response.ok ? 0 : 1);
if (!response.ok) process.exit(1);
console.log(`(waiting up to ${args.waitSeconds} s for the answer at the fake…)`);

const deadline = Date.now() + args.waitSeconds * 1000;
let posts: RecordedPost[] = [];
while (Date.now() < deadline) {
  const answer = (await (await fetch(`${args.fakes}/__fakes/posts?${new URLSearchParams({ url: replyKey })}`)).json()) as { posts: RecordedPost[] };
  posts = answer.posts.filter((p) => p.at >= startedAt);
  // The answer is in once a post is not the "Looking up…" note.
  if (posts.some((p) => !/🔎|Looking up|正在查询/.test(show(p.body).split('\n')[0] ?? ''))) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
if (posts.length === 0) console.log('(nothing was posted to the fake)');
for (const post of posts) {
  console.log(`\nposted to the fake ${post.at - startedAt} ms after the request (${post.accepted ? 'accepted' : `refused, HTTP ${post.status}`}):`);
  console.log(show(post.body));
}
