import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../../shared/deadline';
import { createDingTalkRobotDestination, judgeDingTalkAnswer, signDingTalkRobotUrl } from '../../../../../shared/platforms/dingtalk/alert-robot';
import { HttpPostError, type HttpAnswer } from '../../../../../shared/outbound/http-client';
import { buildAlertContent } from '../../../../builders/build-spot-check';
import { buildFakeClock } from '../../../../builders/fake-clock';

const WEBHOOK = 'https://oapi.dingtalk.com/robot/send?access_token=test-token';
const SECRET = 'SEC0123456789abcdef-test-secret';
const ok = (errcode: number, errmsg = 'x'): HttpAnswer => ({ status: 200, retryAfter: null, text: JSON.stringify({ errcode, errmsg }) });

function setup(answers: Array<HttpAnswer | Error>, budgetMs = 10_000) {
  const clock = buildFakeClock();
  const posts: Array<{ url: string; body: string; timeoutMs: number }> = [];
  const destination = createDingTalkRobotDestination({
    webhookUrl: WEBHOOK,
    secret: SECRET,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 1,
    post: async (url, body, options) => {
      posts.push({ url, body, timeoutMs: options.timeoutMs });
      const next = answers.shift();
      if (!next) throw new Error('no scripted answer');
      if (next instanceof Error) throw next;
      return next;
    },
  });
  return { clock, posts, deliver: () => destination.deliver(buildAlertContent(), { deadline: createDeadline(budgetMs, clock.now) }) };
}

describe('Function: signDingTalkRobotUrl()', () => {
  it('matches a known answer computed independently (HMAC-SHA256 of "timestamp\\nsecret", base64, URL-encoded)', () => {
    const url = signDingTalkRobotUrl(WEBHOOK, SECRET, 1761364800000);

    expect(url).toBe(`${WEBHOOK}&timestamp=1761364800000&sign=qc2Nwsdi7fM9qe5VJ0RXELZprZXf5qanIriHRZ2%2F%2FWg%3D`);
  });

  it('replaces an earlier signature instead of appending another', () => {
    const once = signDingTalkRobotUrl(WEBHOOK, SECRET, 1);
    const twice = signDingTalkRobotUrl(once, SECRET, 1761364800000);

    expect(new URL(twice).searchParams.getAll('sign')).toHaveLength(1);
    expect(twice).toBe(signDingTalkRobotUrl(WEBHOOK, SECRET, 1761364800000));
  });
});

describe('Function: judgeDingTalkAnswer()', () => {
  it.each([
    [ok(0, 'ok'), { ok: true }],
    [ok(130101, 'send too fast'), { ok: false, outcome: 'errcode_130101', retry: 'backoff' }],
    [ok(310000, 'sign not match'), { ok: false, outcome: 'errcode_310000', retry: 'never' }],
    [ok(300001, 'token is not exist'), { ok: false, outcome: 'errcode_300001', retry: 'never' }],
    [{ status: 200, retryAfter: null, text: '<html>' }, { ok: false, outcome: 'BAD_RESPONSE', retry: 'never' }],
    [{ status: 502, retryAfter: null, text: '' }, { ok: false, outcome: 'HTTP_502', retry: 'backoff' }],
    [{ status: 404, retryAfter: null, text: '' }, { ok: false, outcome: 'HTTP_404', retry: 'never' }],
  ])('judges %j', (answer, result) => {
    expect(judgeDingTalkAnswer(answer)).toEqual(result);
  });
});

describe('Function: createDingTalkRobotDestination', () => {
  it('posts a signed markdown message that carries the keyword "mqtrace"', async () => {
    const { clock, posts, deliver } = setup([ok(0)]);

    const report = await deliver();

    expect(report).toEqual({ destination: 'dingtalk', delivered: true, attempts: 1, outcome: 'OK' });
    expect(posts[0]?.url).toBe(signDingTalkRobotUrl(WEBHOOK, SECRET, clock.now()));
    const body = JSON.parse(posts[0]!.body) as { msgtype: string; markdown: { title: string; text: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.text).toContain('mqtrace');
  });

  it('retries a rate-limited post (130101) with backoff, signing each attempt afresh', async () => {
    const { clock, posts, deliver } = setup([ok(130101), ok(130101), ok(0)]);

    const report = await deliver();

    expect(report).toEqual({ destination: 'dingtalk', delivered: true, attempts: 3, outcome: 'OK' });
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(new Set(posts.map((p) => new URL(p.url).searchParams.get('timestamp'))).size).toBe(3);
  });

  it('gives up on a rate limit that outlasts the deadline and reports the errcode', async () => {
    const { deliver } = setup([ok(130101), ok(130101), ok(130101)], 2000);

    expect(await deliver()).toEqual({ destination: 'dingtalk', delivered: false, attempts: 2, outcome: 'errcode_130101' });
  });

  it('does not retry a sign or keyword error (310000)', async () => {
    const { posts, deliver } = setup([ok(310000)]);

    expect(await deliver()).toEqual({ destination: 'dingtalk', delivered: false, attempts: 1, outcome: 'errcode_310000' });
    expect(posts).toHaveLength(1);
  });

  it('retries a timeout, each attempt within what the deadline leaves', async () => {
    const { posts, deliver } = setup([new HttpPostError('TIMEOUT'), ok(0)], 3500);

    expect(await deliver()).toMatchObject({ delivered: true, attempts: 2 });
    expect(posts.map((p) => p.timeoutMs)).toEqual([3000, 2500]);
  });
});
