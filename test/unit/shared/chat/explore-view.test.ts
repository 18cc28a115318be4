import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatAnswer } from '../../../../shared/chat/chat-answer';
import { exploreButtons, findView, journeyActions, journeyView } from '../../../../shared/chat/explore-view';
import { parseChatCommand } from '../../../../shared/chat/parse-command';
import { DINGTALK_MAX_BYTES, renderDingTalkMessage } from '../../../../shared/platforms/dingtalk/render-chat';
import { FEISHU_MAX_REQUEST_BYTES, feishuRequestBytes, renderFeishuCard } from '../../../../shared/platforms/feishu/render-card';
import { SLACK_LIMITS } from '../../../../shared/platforms/slack/block-kit';
import { renderSlackMessage } from '../../../../shared/platforms/slack/render-chat';
import { renderWeComMessage, WECOM_APP_MAX_BYTES } from '../../../../shared/platforms/wecom/render';
import type { FindReport } from '../../../../shared/trace/find-schema';
import type { JourneyReport } from '../../../../shared/trace/journey-schema';
import { buildRenderView, EN_UTC, ZH_SHANGHAI } from '../../../builders/build-presenter';

const SENT = Date.parse('2026-12-01T04:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
const id = (n: number) => `0A000C2435F118B4AAC2452C3D77${n.toString(16).toUpperCase().padStart(4, '0')}`;

function journey(attempts: number): JourneyReport {
  return {
    requestId: 'req-1',
    checkedAt: iso(SENT + 8 * 3_600_000),
    instanceId: INSTANCE,
    broker: 'ons-4x',
    topic: 'orders',
    msgId: id(1),
    status: 'complete',
    send: { producerHost: '10.0.12.36', producerGroup: 'GID_order_service', at: iso(SENT), sinceSendMs: 0, durationMs: 6, status: 'SEND_SUCCESS', statusText: 'Sent: the broker stored the message.' },
    store: { at: iso(SENT + 3), sinceSendMs: 3, broker: '10.0.8.15:10911' },
    groups: [
      {
        consumerGroup: 'GID_billing',
        trackType: 'CONSUMED',
        attempts: Array.from({ length: attempts }, (_, r) => ({
          clientHost: r % 2 ? '10.0.3.22' : '10.0.3.21',
          at: iso(SENT + 100 + r * 60_000),
          sinceSendMs: 100 + r * 60_000,
          durationMs: 480,
          status: 'CONSUME_FAILED',
          statusText: 'The handler failed.',
          outcome: 'FAILED' as const,
          reconsumeTimes: r,
        })),
        deadLettered: { at: iso(SENT + 7_200_000), sinceSendMs: 7_200_000, topic: '%DLQ%GID_billing' },
        firstDeliveryMs: 100,
      },
      {
        consumerGroup: 'GID_shipping',
        trackType: 'CONSUMED',
        attempts: [{ clientHost: '10.0.4.11', at: iso(SENT + 130), sinceSendMs: 130, durationMs: 20, status: 'CONSUME_SUCCESS', statusText: 'Consumed.', outcome: 'SUCCEEDED', reconsumeTimes: 0 }],
        firstDeliveryMs: 130,
        consumedAfterMs: 150,
      },
    ],
    verdict: 'CONSUMED',
    summary: 'All 2 subscribing group(s) consumed the message.',
    findings: [
      {
        code: 'CONSUMED_BUT_LAST_ATTEMPT_FAILED',
        severity: 'CRITICAL',
        group: 'GID_billing',
        title: 'GID_billing shows CONSUMED, but its last attempt failed',
        detail: 'Read the logs.',
        evidence: { lastAttemptStatus: 'CONSUME_FAILED', deadLettered: true },
      },
    ],
    caveats: [{ code: 'OFFSET_BASED', text: 'The answer comes from consumer offsets: if an offset was reset or messages were purged, it may be wrong.' }],
    upstreamRequestIds: ['UP-1'],
  };
}

const partial = (): JourneyReport => ({
  ...journey(1),
  status: 'partial',
  partial: {
    reason: 'TASK_WORKING_AT_DEADLINE',
    text: 'The trace query task was still working when the time ran out (after 2 poll(s)); ask again in a few seconds: the same task is polled, no new one is created.',
  },
});

function find(messages: number, detail = 'All 3 subscribing group(s) consumed the message.'): FindReport {
  return {
    requestId: 'req-2',
    checkedAt: iso(SENT),
    instanceId: INSTANCE,
    broker: 'ons-4x',
    topic: 'orders',
    query: { kind: 'key', key: 'order-20261201-0042' },
    summary: { found: messages + 5, examined: messages, failed: 0, byVerdict: { CONSUMED: messages, PARTIALLY_CONSUMED: 0, NOT_CONSUMED: 0, NO_SUBSCRIBERS: 0, UNKNOWN: 0 } },
    messages: Array.from({ length: messages }, (_, n) => ({ msgId: id(n), storedAt: iso(SENT - n * 1000), tag: 'order-paid', verdict: 'CONSUMED' as const, summary: detail })),
    more: 5,
    truncated: { reason: 'CAP', hint: 'Stopped at 20 message(s). Search a time window instead (from/to, e.g. the hour it was sent), or raise limit (at most 50).' },
    caveats: [{ code: 'OFFSET_BASED', text: 'The answer comes from consumer offsets: if an offset was reset or messages were purged, it may be wrong.' }],
  };
}

const slackTexts = (message: ReturnType<typeof renderSlackMessage>) =>
  message.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : b.type === 'context' ? b.elements.map((e) => e.text) : b.type === 'header' ? [b.text.text] : []));
const slackButtons = (message: ReturnType<typeof renderSlackMessage>) => message.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));

/** Every platform's rendering of one answer, with the check of its own limit. */
const RENDERERS = [
  {
    name: 'Slack',
    render: (a: ChatAnswer, p = EN_UTC) => renderSlackMessage(a, buildRenderView(p, '/mqtrace'), 'ephemeral'),
    text: (m: unknown) => slackTexts(m as ReturnType<typeof renderSlackMessage>).join('\n'),
    fits: (m: unknown) => {
      const message = m as ReturnType<typeof renderSlackMessage>;
      return message.blocks.length <= SLACK_LIMITS.blocks && slackTexts(message).every((t) => t.length <= SLACK_LIMITS.sectionText) && slackTexts(message).join('').length <= SLACK_LIMITS.totalText;
    },
  },
  {
    name: 'DingTalk',
    render: (a: ChatAnswer, p = EN_UTC) => renderDingTalkMessage(a, buildRenderView(p, '@mqtrace'), { staffId: 'staff-1' }),
    text: (m: unknown) => (m as ReturnType<typeof renderDingTalkMessage>).markdown.text,
    fits: (m: unknown) => Buffer.byteLength((m as ReturnType<typeof renderDingTalkMessage>).markdown.text) <= DINGTALK_MAX_BYTES,
  },
  {
    name: 'Feishu/Lark',
    render: (a: ChatAnswer, p = EN_UTC) => renderFeishuCard(a, buildRenderView(p, '@mqtrace')),
    text: (m: unknown) => JSON.stringify(m),
    fits: (m: unknown) => feishuRequestBytes(m) <= FEISHU_MAX_REQUEST_BYTES,
  },
  {
    name: 'WeCom',
    render: (a: ChatAnswer, p = EN_UTC) => renderWeComMessage(a, buildRenderView(p, '@mqtrace'), 'markdown'),
    text: (m: unknown) => m as string,
    fits: (m: unknown) => Buffer.byteLength(m as string) <= WECOM_APP_MAX_BYTES,
  },
] as const;

describe('Function: journeyView', () => {
  it('shows the first and last attempts in full and counts the ones between, times in the zone', () => {
    // Act
    const view = journeyView(EN_UTC, journey(17));

    // Assert
    const texts = view.entries.map((e) => e.text);
    expect(texts[0]).toBe('Sent 2026-12-01 04:00:00 UTC from 10.0.12.36 (GID_order_service) · SEND_SUCCESS in 6 ms');
    expect(texts[1]).toBe('Stored +3 ms on 10.0.8.15:10911');
    expect(texts).toContain('GID_billing · CONSUMED · 17 attempts · first delivery +100 ms');
    expect(texts).toContain('#0 +100 ms on 10.0.3.21 · CONSUME_FAILED (480 ms)');
    expect(texts).toContain('… 15 attempts between: 15 CONSUME_FAILED');
    expect(texts).toContain('#16 +16 min on 10.0.3.21 · CONSUME_FAILED (480 ms)');
    expect(texts).toContain('Dead-lettered +2 h to %DLQ%GID_billing');
    expect(texts).toContain('GID_shipping · CONSUMED · 1 attempt · first delivery +130 ms · consumed +150 ms');
    expect(view.headline).toBe('Consumed: All 2 subscribing group(s) consumed the message.');
    expect(view.notes[0]).toEqual({ marker: 'CRITICAL', text: 'GID_billing shows CONSUMED, but its last attempt failed: Read the logs.' });
    expect(view.reference).toBe(`Checked 2026-12-01 12:00:00 UTC · ${INSTANCE} (ons-4x) · request req-1`);
  });

  it('shows every attempt when there are three or fewer', () => {
    const view = journeyView(EN_UTC, journey(3));
    expect(view.entries.filter((e) => e.nested && e.text.startsWith('#')).map((e) => e.text.split(' ')[0])).toEqual(['#0', '#1', '#2', '#0']);
  });

  it('says a partial answer is partial, and offers to ask again before the re-check', () => {
    const report = partial();
    const view = journeyView(EN_UTC, report, journeyActions(report));
    expect(view.headline).toContain('Partial: The trace query task was still working');
    expect(view.actions).toEqual([
      { id: 'journey', label: 'action.askAgain', command: `journey orders ${id(1)} ${INSTANCE}` },
      { id: 'recheck', label: 'action.recheck', command: `trace orders ${id(1)} ${INSTANCE}` },
    ]);
    expect(journeyActions(journey(1)).map((a) => a.id)).toEqual(['recheck']);
    expect(view.actions.map((a) => parseChatCommand(a.command).name)).toEqual(['journey', 'trace']);
  });

  it('words the timeline in Chinese with times in UTC+8', () => {
    const view = journeyView(ZH_SHANGHAI, partial());
    expect(view.title).toBe(`消息轨迹 · orders · ${id(1)}`);
    expect(view.entries[0]?.text).toBe('发送于 2026-12-01 12:00:00 UTC+08:00 来自 10.0.12.36 (GID_order_service) · SEND_SUCCESS 耗时 6 毫秒');
    expect(view.entries[0]?.detail).toBe('已发送：Broker 已存储这条消息。');
    expect(view.headline).toMatch(/^已消费：订阅的 2 个消费组都已消费这条消息。 不完整：时间用完时轨迹查询任务仍在运行（已轮询 2 次）/);
    expect(view.notes[0]?.text).toMatch(/^GID_billing 显示 CONSUMED，但最近一次投递失败了/);
  });
});

describe('Function: findView', () => {
  it('gives one line per message with the journey that looks closer', () => {
    const view = findView(EN_UTC, find(3));
    expect(view.headline).toBe('8 message(s) with key order-20261201-0042; 3 checked: 3 CONSUMED.');
    expect(view.entries[0]).toMatchObject({
      icon: 'verdict:CONSUMED',
      text: `${id(0)} · CONSUMED · stored 2026-12-01 04:00:00 UTC · tag order-paid`,
      follow: { id: 'journey', label: 'action.journey', command: `journey orders ${id(0)} ${INSTANCE}`, subject: `…${id(0).slice(-8)}` },
    });
    expect(view.notes[0]?.text).toBe('5 more not checked: Stopped at 20 message(s). Search a time window instead (from/to, e.g. the hour it was sent), or raise limit (at most 50).');
  });

  it('gives the first five messages a Journey button, and the rest their command only', () => {
    const view = findView(EN_UTC, find(8));
    expect(exploreButtons(view).map((b) => b.command)).toEqual([0, 1, 2, 3, 4].map((n) => `journey orders ${id(n)} ${INSTANCE}`));
  });

  it('words a window in Chinese, its ends in the zone', () => {
    const report: FindReport = { ...find(0), query: { kind: 'window', from: iso(SENT - 3_600_000), to: iso(SENT) }, summary: { found: 0, examined: 0, failed: 0, byVerdict: { CONSUMED: 0, PARTIALLY_CONSUMED: 0, NOT_CONSUMED: 0, NO_SUBSCRIBERS: 0, UNKNOWN: 0 } }, truncated: undefined, more: 0 };
    const view = findView(ZH_SHANGHAI, report);
    expect(view.title).toBe('查找 · orders · 2026-12-01 11:00:00 UTC+08:00 … 2026-12-01 12:00:00 UTC+08:00');
    expect(view.headline).toBe('orders 在这个时间窗口内没有存储消息。');
  });
});

describe('Renderers: every platform shows find and journey within its limits', () => {
  it.each(RENDERERS.map((r) => [r.name, r] as const))('%s renders a 17-attempt journey and a 50-message find within them, cutting with "… and N more"', (_name, r) => {
    for (const answer of [{ kind: 'journey', report: journey(17) }, { kind: 'find', report: find(50) }, { kind: 'find', report: find(50, 'x'.repeat(900)) }] satisfies ChatAnswer[]) {
      const message = r.render(answer);
      expect(r.fits(message)).toBe(true);
      // Nothing is lost silently: every message is shown, or the cut says how many lines it left out.
      const text = r.text(message);
      if (answer.kind === 'find' && !answer.report.messages.every((m) => text.includes(m.msgId))) expect(text).toMatch(/… and \d+ more lines/);
    }
  });

  it.each(RENDERERS.map((r) => [r.name, r] as const))('%s keeps the compact timeline of a 17-attempt journey', (_name, r) => {
    const text = r.text(r.render({ kind: 'journey', report: journey(17) }));
    expect(text).toContain('… 15 attempts between: 15 CONSUME_FAILED');
    // WeCom's markdown shows "#" as its full-width look-alike.
    expect(text).toMatch(/[#＃]16 \+16 min/);
    expect(text).toContain('Dead-lettered +2 h to %DLQ%GID_billing');
  });

  it.each(RENDERERS.map((r) => [r.name, r] as const))('%s stays within them for any number of long messages, in both languages', (_name, r) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.string({ minLength: 0, maxLength: 900 }), fc.boolean(), (n, detail, zh) => {
        expect(r.fits(r.render({ kind: 'find', report: find(n, detail) }, zh ? ZH_SHANGHAI : EN_UTC))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('Slack shows the journey symbols, the found messages\' commands and Journey buttons', () => {
    const journeyMessage = renderSlackMessage({ kind: 'journey', report: journey(17) }, buildRenderView(), 'ephemeral');
    expect(slackTexts(journeyMessage).join('\n')).toContain(':skull: Dead-lettered +2 h');
    const findMessage = renderSlackMessage({ kind: 'find', report: find(3) }, buildRenderView(), 'in_channel');
    expect(slackTexts(findMessage).join('\n').match(/`\/mqtrace journey orders [0-9A-F]{32} MQ_INST_1234567890123456_BXdemo01`/g)).toHaveLength(3);
    expect(slackButtons(findMessage).map((b) => [b.action_id, b.text.text, b.value])).toEqual(
      [0, 1, 2].map((n) => ['mqtrace.journey', `Journey · …${id(n).slice(-8)}`, `journey orders ${id(n)} ${INSTANCE}`]),
    );
    expect(findMessage.response_type).toBe('in_channel');
  });

  it('DingTalk marks the steps under a group and gives each message its paste-ready journey', () => {
    const text = renderDingTalkMessage({ kind: 'journey', report: journey(17) }, buildRenderView(EN_UTC, '@mqtrace'), { staffId: undefined }).markdown.text;
    expect(text).toContain('- ↳ 💀 Dead-lettered +2 h to %DLQ%GID_billing');
    const found = renderDingTalkMessage({ kind: 'find', report: find(2) }, buildRenderView(EN_UTC, '@mqtrace'), { staffId: undefined }).markdown.text;
    expect(found).toContain(`· @mqtrace journey orders ${id(1)} ${INSTANCE}`);
  });

  it('Feishu gives found messages Journey buttons, and the custom bot paste-ready commands instead', () => {
    const card = renderFeishuCard({ kind: 'find', report: find(2) }, buildRenderView(EN_UTC, '@mqtrace'));
    const buttons = card.elements.flatMap((e) => (e.tag === 'action' ? e.actions : []));
    expect(buttons.map((b) => b.text.content)).toEqual([`Journey · …${id(0).slice(-8)}`, `Journey · …${id(1).slice(-8)}`]);
    const plain = renderFeishuCard({ kind: 'journey', report: partial(), actions: journeyActions(partial()) }, buildRenderView(EN_UTC, '@mqtrace'), { buttons: false });
    expect(plain.elements.some((e) => e.tag === 'action')).toBe(false);
    expect(JSON.stringify(plain)).toContain(`Ask again: @mqtrace journey orders ${id(1)} ${INSTANCE}`);
  });

  it('WeCom and DingTalk offer a partial journey\'s "ask again" as the command to paste', () => {
    const answer: ChatAnswer = { kind: 'journey', report: partial(), actions: journeyActions(partial()) };
    expect(renderWeComMessage(answer, buildRenderView(EN_UTC, '@mqtrace'), 'text')).toContain(`Ask again @mqtrace journey orders ${id(1)} ${INSTANCE}`);
    expect(renderDingTalkMessage(answer, buildRenderView(EN_UTC, '@mqtrace'), { staffId: undefined }).markdown.text).toContain(`- Ask again @mqtrace journey orders ${id(1)} ${INSTANCE}`);
  });
});
