/**
 * Sends one signed Slack slash command or DingTalk callback to a running local stack (`npm start`),
 * then prints the immediate answer, how long it took, and whatever reached the fake reply endpoint.
 *
 *   npx tsx local/fakes/send-chat.ts slack 'trace orders 0A000C22303918B4AAC244F9ABC301A3' --fakes http://127.0.0.1:PORT
 *   npx tsx local/fakes/send-chat.ts dingtalk 'trace orders 0A000C22303918B4AAC244F9ABC301A3' --fakes http://127.0.0.1:PORT
 *
 * Options: --stack URL (default http://127.0.0.1:9000), --wait SECONDS for a delayed answer (default 30).
 * An inline Slack answer ends it at once; otherwise it says what it waits for while it waits.
 * The secrets are the local stack's demo values, never real ones.
 */
import { buildDingTalkCallbackBody, buildSlashCommandBody, signDingTalkRequest, signSlackRequest } from './chat-signing';
import type { RecordedPost } from './recorded-post';

interface Args {
  platform: 'slack' | 'dingtalk';
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
  if ((platform !== 'slack' && platform !== 'dingtalk') || !options.fakes) {
    console.error("usage: send-chat.ts slack|dingtalk '<command text>' --fakes http://127.0.0.1:PORT [--stack URL] [--wait SECONDS]");
    process.exit(2);
  }
  return {
    platform,
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

function show(body: unknown): string {
  const b = body as { text?: string; blocks?: Array<{ text?: { text?: string }; elements?: Array<{ text?: string }> }>; markdown?: { text?: string } };
  if (b?.markdown?.text) return b.markdown.text;
  if (Array.isArray(b?.blocks)) {
    return b.blocks.map((block) => block.text?.text ?? block.elements?.map((e) => e.text).join(' ') ?? '—').join('\n');
  }
  return JSON.stringify(body);
}

const args = parseArgs(process.argv.slice(2));
let replyUrl: string;
let request: { path: string; headers: Record<string, string>; body: string };
if (args.platform === 'slack') {
  replyUrl = ((await postJson(`${args.fakes}/__fakes/slack/response-urls`, {})) as { url: string }).url;
  const body = buildSlashCommandBody({ text: args.text, responseUrl: replyUrl });
  request = { path: '/chat/slack', headers: signSlackRequest(body), body };
} else {
  const session = (await postJson(`${args.fakes}/__fakes/dingtalk/sessions`, {})) as { url: string; expiresAtMs: number };
  replyUrl = session.url;
  const body = JSON.stringify(buildDingTalkCallbackBody({ text: args.text, sessionWebhook: session.url, sessionWebhookExpiredTime: session.expiresAtMs }));
  request = { path: '/chat/dingtalk', headers: signDingTalkRequest(), body };
}

const started = performance.now();
const startedAt = Date.now();
const response = await fetch(`${args.stack}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
const ackMs = performance.now() - started;
const ackText = await response.text();
console.log(`HTTP ${response.status} after ${ackMs.toFixed(0)} ms`);
if (ackText) console.log(args.platform === 'slack' && ackText.startsWith('{') ? show(JSON.parse(ackText)) : ackText);

// A Slack answer that came back in the ack is the whole answer; only "Looking up…" promises more.
// DingTalk always acks empty and answers on the sessionWebhook.
const ackBody = args.platform === 'slack' && ackText.startsWith('{') ? (JSON.parse(ackText) as { text?: unknown }) : undefined;
if (args.platform === 'slack' && !(typeof ackBody?.text === 'string' && ackBody.text.startsWith('Looking up '))) process.exit(response.ok ? 0 : 1);
const where = args.platform === 'slack' ? 'response_url' : 'sessionWebhook';
console.log(`(waiting up to ${args.waitSeconds} s for the answer on the fake ${where}…)`);

const deadline = Date.now() + args.waitSeconds * 1000;
let posts: RecordedPost[] = [];
while (Date.now() < deadline) {
  const answer = (await (await fetch(`${args.fakes}/__fakes/posts?${new URLSearchParams({ url: replyUrl })}`)).json()) as { posts: RecordedPost[] };
  posts = answer.posts;
  if (posts.length > 0) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
if (posts.length === 0) {
  console.log(args.platform === 'slack' ? '(nothing was posted to the response_url)' : '(nothing was posted to the sessionWebhook)');
} else {
  for (const post of posts) {
    console.log(`\nposted to the fake ${args.platform === 'slack' ? 'response_url' : 'sessionWebhook'} ${post.at - startedAt} ms after the request (${post.accepted ? 'accepted' : `refused, HTTP ${post.status}`}):`);
    console.log(show(post.body));
  }
}
