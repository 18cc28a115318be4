import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../../shared/deadline';
import { HttpPostError, type HttpAnswer } from '../../../../../shared/outbound/http-client';
import { createSlackWebhookDestination, judgeSlackAnswer, retryAfterMs } from '../../../../../shared/platforms/slack/alert-webhook';
import { buildAlertContent } from '../../../../builders/build-spot-check';
import { buildFakeClock } from '../../../../builders/fake-clock';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/secret';
const answer = (status: number, text = '', retryAfter: string | null = null): HttpAnswer => ({ status, text, retryAfter });

function setup(answers: Array<HttpAnswer | Error>, budgetMs = 10_000) {
  const clock = buildFakeClock();
  const posts: Array<{ url: string; body: string; contentType: string }> = [];
  const destination = createSlackWebhookDestination({
    webhookUrl: WEBHOOK,
    sleep: clock.sleep,
    random: () => 1,
    post: async (url, body, options) => {
      posts.push({ url, body, contentType: options.contentType });
      const next = answers.shift();
      if (!next) throw new Error('no scripted answer');
      if (next instanceof Error) throw next;
      return next;
    },
  });
  return { clock, posts, deliver: () => destination.deliver(buildAlertContent(), { deadline: createDeadline(budgetMs, clock.now) }) };
}

describe('Function: retryAfterMs()', () => {
  it.each([
    ['3', 3000],
    [' 12 ', 12_000],
    [null, 1000],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 1000],
  ])('reads Retry-After %j as %i ms', (header, ms) => {
    expect(retryAfterMs(header)).toBe(ms);
  });
});

describe('Function: judgeSlackAnswer()', () => {
  it.each([
    [answer(200, 'ok'), { ok: true }],
    [answer(429, 'rate_limited', '2'), { ok: false, outcome: 'HTTP_429_rate_limited', retry: 2000 }],
    [answer(500, 'rollup_error'), { ok: false, outcome: 'HTTP_500_rollup_error', retry: 'backoff' }],
    [answer(400, 'invalid_payload'), { ok: false, outcome: 'HTTP_400_invalid_payload', retry: 'never' }],
    [answer(404, 'channel_not_found'), { ok: false, outcome: 'HTTP_404_channel_not_found', retry: 'never' }],
    [answer(410, 'channel_is_archived'), { ok: false, outcome: 'HTTP_410_channel_is_archived', retry: 'never' }],
    [answer(403, '<html>secret stuff</html>'), { ok: false, outcome: 'HTTP_403', retry: 'never' }],
  ])('judges %j', (a, result) => {
    expect(judgeSlackAnswer(a)).toEqual(result);
  });
});

describe('Function: createSlackWebhookDestination', () => {
  it('posts Block Kit JSON with a text fallback', async () => {
    const { posts, deliver } = setup([answer(200, 'ok')]);

    expect(await deliver()).toEqual({ destination: 'slack', delivered: true, attempts: 1, outcome: 'OK' });
    expect(posts[0]).toMatchObject({ url: WEBHOOK, contentType: 'application/json' });
    const body = JSON.parse(posts[0]!.body) as { text: string; blocks: unknown[] };
    expect(body.text).toBe('mqtrace: 1 spot check failing');
    expect(body.blocks.length).toBeGreaterThan(1);
  });

  it('honours a 429 by waiting exactly its Retry-After, then delivers', async () => {
    const { clock, posts, deliver } = setup([answer(429, 'rate_limited', '2'), answer(200, 'ok')]);

    expect(await deliver()).toEqual({ destination: 'slack', delivered: true, attempts: 2, outcome: 'OK' });
    expect(clock.sleeps).toEqual([2000]);
    expect(posts).toHaveLength(2);
  });

  it('does not wait past the deadline for a long Retry-After, and reports the 429', async () => {
    const { clock, posts, deliver } = setup([answer(429, 'rate_limited', '30')], 5000);

    expect(await deliver()).toEqual({ destination: 'slack', delivered: false, attempts: 1, outcome: 'HTTP_429_rate_limited' });
    expect(clock.sleeps).toEqual([]);
    expect(posts).toHaveLength(1);
  });

  it('retries 5xx and network failures with backoff, up to three attempts', async () => {
    const { clock, deliver } = setup([answer(503), new HttpPostError('NETWORK'), answer(500, 'rollup_error')]);

    expect(await deliver()).toEqual({ destination: 'slack', delivered: false, attempts: 3, outcome: 'HTTP_500_rollup_error' });
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it('does not retry a rejected payload', async () => {
    const { posts, deliver } = setup([answer(400, 'invalid_blocks')]);

    expect(await deliver()).toMatchObject({ delivered: false, attempts: 1, outcome: 'HTTP_400_invalid_blocks' });
    expect(posts).toHaveLength(1);
  });
});
