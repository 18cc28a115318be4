import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../../shared/deadline';
import type { HttpAnswer } from '../../../../../shared/outbound/http-client';
import { createFeishuBotDestination, feishuBotSign, FEISHU_BOT_MAX_BYTES, judgeFeishuBotAnswer, renderFeishuAlert } from '../../../../../shared/platforms/feishu/alert-bot';
import { FEISHU_MAX_REQUEST_BYTES, feishuRequestBytes, renderFeishuCard } from '../../../../../shared/platforms/feishu/render-card';
import { buildAlertContent, buildAlertFailingCheck, buildMsgId, CHECK_INSTANCE } from '../../../../builders/build-spot-check';
import { buildFakeClock } from '../../../../builders/fake-clock';
import { buildRenderView, EN_UTC, ZH_SHANGHAI } from '../../../../builders/build-presenter';
import { buildTraceReport } from '../../../../builders/build-trace-report';

describe('Function: renderFeishuCard', () => {
  it('keeps any report within the 30 KB request limit, Chinese text included, and says how many groups it cut', async () => {
    const cjk = fc.string({ unit: fc.constantFrom('消', '费', '组', '异', '常', '🔴', 'a', '"', '\\', '\n'), minLength: 0, maxLength: 900 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 250 }), cjk, async (count, desc) => {
        const tracks = Array.from({ length: count }, (_, i) => ({ consumerGroup: `GID_消费组_${i}`, trackType: 'NOT_CONSUME_YET', ...(desc ? { exceptionDesc: desc } : {}) }));
        const report = await buildTraceReport(tracks);
        const card = renderFeishuCard({ kind: 'report', report }, buildRenderView(ZH_SHANGHAI, '@mqtrace'));
        expect(feishuRequestBytes(card)).toBeLessThanOrEqual(FEISHU_MAX_REQUEST_BYTES);
        const text = JSON.stringify(card);
        const shown = (text.match(/GID_消费组_\d+ · NOT_CONSUME_YET/g) ?? []).length;
        if (shown < count) expect(text).toContain(`… 还有 ${count - shown} 个消费组`);
        expect(text).toContain('注意事项');
      }),
      { numRuns: 25 },
    );
  });

  it('puts what came from outside in plain_text, so lark_md never interprets it', async () => {
    const report = await buildTraceReport([{ consumerGroup: 'GID_x', trackType: 'NOT_ONLINE', exceptionDesc: '**boom** <at id=all></at> [link](http://evil)' }]);
    const card = renderFeishuCard({ kind: 'report', report }, buildRenderView(EN_UTC, '@mqtrace'));
    const holder = card.elements.find((e) => e.tag === 'div' && e.text?.content.includes('**boom**'));
    expect(holder && holder.tag === 'div' ? holder.text?.tag : undefined).toBe('plain_text');
    expect(JSON.stringify(card.elements.filter((e) => e.tag === 'div' && e.text?.tag === 'lark_md'))).not.toContain('<at');
  });

  it('shows paste-ready commands instead of buttons where the card cannot call back', async () => {
    const report = await buildTraceReport([{ consumerGroup: 'GID_a', trackType: 'NOT_ONLINE' }]);
    const actions = [{ id: 'recheck', label: 'action.recheck' as const, command: 'trace orders X' }];
    const card = renderFeishuCard({ kind: 'report', report, actions }, buildRenderView(EN_UTC, '@mqtrace'), { buttons: false });
    expect(card.elements.some((e) => e.tag === 'action')).toBe(false);
    expect(JSON.stringify(card)).toContain('Re-check: @mqtrace trace orders X');
  });
});

describe('Function: feishuBotSign', () => {
  it('matches a known answer: base64 HMAC-SHA256 keyed by "timestamp\\nsecret" over the empty string (openssl)', () => {
    // printf '' | openssl dgst -sha256 -hmac "$(printf '1700000000\nfeishu-bot-secret-for-tests')" -binary | base64
    expect(feishuBotSign('feishu-bot-secret-for-tests', '1700000000')).toBe('a41SFtogec26X9iTDTZfKx20H4hkMZR1vmnR+Va5cv0=');
  });

  it('is the documented formula for any secret and timestamp', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 0, max: 4_000_000_000 }), (secret, ts) => {
        expect(feishuBotSign(secret, String(ts))).toBe(createHmac('sha256', `${ts}\n${secret}`).update('').digest('base64'));
      }),
      { numRuns: 100 },
    );
  });
});

describe('Function: renderFeishuAlert', () => {
  it('stays under 20 KB for many failing checks and says how many it left out', () => {
    const failing = Array.from({ length: 80 }, (_, i) =>
      buildAlertFailingCheck({ name: `检查-${i}`, failed: 40, examples: Array.from({ length: 5 }, (_, j) => ({ msgId: buildMsgId(i * 10 + j), reasons: 'GID_a NOT_CONSUME_YET, 消费组 GID_b NOT_ONLINE' })) }),
    );
    const card = renderFeishuAlert(buildAlertContent({ failing }), ZH_SHANGHAI);
    expect(Buffer.byteLength(JSON.stringify({ msg_type: 'interactive', card }))).toBeLessThanOrEqual(FEISHU_BOT_MAX_BYTES - 200);
    expect(JSON.stringify(card)).toMatch(/…还有 \d+ 项失败的抽查/);
  });

  it('carries each example with its paste-ready command', () => {
    const card = renderFeishuAlert(buildAlertContent(), EN_UTC);
    expect(JSON.stringify(card)).toContain(`re-check: @mqtrace trace orders ${buildMsgId(1)} ${CHECK_INSTANCE}`);
  });
});

describe('Function: createFeishuBotDestination', () => {
  const ok = (code: number): HttpAnswer => ({ status: 200, retryAfter: null, text: JSON.stringify({ code, msg: 'x' }) });

  it('signs every attempt in the body and retries a rate limit (11232) with backoff, not a sign failure', async () => {
    const clock = buildFakeClock({ startMs: 1_700_000_000_000 });
    const answers = [ok(11232), ok(0)];
    const bodies: Array<Record<string, unknown>> = [];
    const destination = createFeishuBotDestination({
      webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/test-hook',
      secret: 'feishu-bot-secret-for-tests',
      now: clock.now,
      sleep: clock.sleep,
      random: () => 1,
      presenter: EN_UTC,
      post: async (_url, body) => {
        bodies.push(JSON.parse(body) as Record<string, unknown>);
        return answers.shift() ?? ok(0);
      },
    });
    const report = await destination.deliver(buildAlertContent(), { deadline: createDeadline(10_000, clock.now) });
    expect(report).toMatchObject({ destination: 'feishu', delivered: true, attempts: 2 });
    expect(bodies[0]).toMatchObject({ timestamp: '1700000000', sign: 'a41SFtogec26X9iTDTZfKx20H4hkMZR1vmnR+Va5cv0=', msg_type: 'interactive' });
    expect(judgeFeishuBotAnswer(ok(19021))).toEqual({ ok: false, outcome: 'code_19021', retry: 'never' });
  });
});
