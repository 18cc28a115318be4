import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatFakes, type ChatFakes } from '../../../local/fakes/chat-fakes';
import { buildFakeClock } from '../../builders/fake-clock';

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('Local fakes: Slack response_url and DingTalk sessionWebhook', () => {
  const clock = buildFakeClock();
  let fakes: ChatFakes;

  beforeAll(async () => {
    fakes = await startChatFakes({ now: clock.now });
  });

  afterAll(async () => {
    await fakes.close();
  });

  describe('Given a Slack response_url', () => {
    it('accepts 5 posts, then refuses the 6th, and records all of them', async () => {
      const url = fakes.slack.mint();
      const statuses: number[] = [];
      for (let i = 1; i <= 6; i++) statuses.push((await post(url, { text: `post ${i}` })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
      expect(fakes.slack.posts(url).map((p) => [p.accepted, (p.body as { text: string }).text])).toEqual([
        [true, 'post 1'],
        [true, 'post 2'],
        [true, 'post 3'],
        [true, 'post 4'],
        [true, 'post 5'],
        [false, 'post 6'],
      ]);
    });

    it('refuses posts more than 30 minutes after the command', async () => {
      const url = fakes.slack.mint();
      clock.advance(30 * 60_000);
      expect((await post(url, { text: 'just in time' })).status).toBe(200);
      clock.advance(1);
      expect(await post(url, { text: 'too late' })).toEqual({ status: 404, body: { ok: false, error: 'expired_url' } });
    });

    it.each([
      ['more than 50 blocks', { text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }, 'invalid_blocks'],
      ['a section over 3,000 characters', { text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }] }, 'invalid_blocks'],
      ['a header over 150 characters', { text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }, 'invalid_blocks'],
      ['neither text nor blocks', { response_type: 'ephemeral' }, 'no_text'],
      ['a body that is not JSON', 'not json', 'invalid_payload'],
    ])('refuses %s with 400', async (_name, body, error) => {
      const url = fakes.slack.mint();
      expect(await post(url, body)).toEqual({ status: 400, body: { ok: false, error } });
    });

    it('answers 404 for a URL it never handed out', async () => {
      expect((await post(`${fakes.origin}/commands/T1/1/unknown`, { text: 'x' })).status).toBe(404);
    });
  });

  describe('Given a DingTalk sessionWebhook', () => {
    const markdown = { msgtype: 'markdown', markdown: { title: 't', text: 'hello' }, at: { atUserIds: [] } };

    it('accepts messages until the session expires, then answers errcode 300001 with HTTP 200', async () => {
      const { url, expiresAtMs } = fakes.dingtalk.mint({ ttlMs: 60_000 });
      expect(expiresAtMs).toBe(clock.now() + 60_000);
      expect(await post(url, markdown)).toEqual({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
      clock.advance(60_000);
      expect(await post(url, markdown)).toEqual({ status: 200, body: { errcode: 300001, errmsg: 'session 不存在' } });
      expect(fakes.dingtalk.posts(url).map((p) => p.accepted)).toEqual([true, false]);
    });

    it.each([
      ['an unknown session', () => `${fakes.origin}/robot/sendBySession?session=nope`, markdown, 300001],
      ['a message over 20,000 bytes', () => fakes.dingtalk.mint().url, { msgtype: 'text', text: { content: '长'.repeat(7000) } }, 460101],
      ['a message without its content', () => fakes.dingtalk.mint().url, { msgtype: 'markdown', markdown: { title: 't' } }, 40035],
    ])('answers %s with errcode %i', async (_name, url, body, errcode) => {
      const answer = await post(url(), body);
      expect(answer.status).toBe(200);
      expect(answer.body.errcode).toBe(errcode);
    });
  });

  it('lets another process mint URLs and read the recorded posts over HTTP', async () => {
    const { url } = (await post(`${fakes.origin}/__fakes/slack/response-urls`, {})).body as { url: string };
    await post(url, { text: 'hi' });
    const listed = (await (await fetch(`${fakes.origin}/__fakes/posts?${new URLSearchParams({ url })}`)).json()) as { posts: Array<{ body: unknown }> };
    expect(listed.posts.map((p) => p.body)).toEqual([{ text: 'hi' }]);
    await expect(fakes.waitForPosts(url, 1)).resolves.toHaveLength(1);
  });
});
