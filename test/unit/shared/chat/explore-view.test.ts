import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DINGTALK_MAX_BYTES, renderDingTalkMessage } from '../../../../shared/chat/dingtalk/render-dingtalk';
import { findView, journeyView } from '../../../../shared/chat/explore-view';
import { renderSlackMessage, SLACK_LIMITS } from '../../../../shared/chat/slack/render-slack';
import type { FindReport } from '../../../../shared/trace/find-schema';
import type { JourneyReport } from '../../../../shared/trace/journey-schema';

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
    send: { producerHost: '10.0.12.36', producerGroup: 'GID_order_service', at: iso(SENT), sinceSendMs: 0, durationMs: 6, status: 'SEND_SUCCESS', statusText: 'Sent.' },
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
      { code: 'CONSUMED_BUT_LAST_ATTEMPT_FAILED', severity: 'CRITICAL', group: 'GID_billing', title: 'GID_billing shows CONSUMED, but its last attempt failed', detail: 'Read the logs.', evidence: {} },
    ],
    caveats: [{ code: 'OFFSET_BASED', text: 'The answer comes from consumer offsets.' }],
    upstreamRequestIds: ['UP-1'],
  };
}

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
    truncated: { reason: 'CAP', hint: 'Stopped at 20 message(s). Search a time window instead.' },
    caveats: [{ code: 'OFFSET_BASED', text: 'The answer comes from consumer offsets.' }],
  };
}

const slackSize = (message: ReturnType<typeof renderSlackMessage>) => JSON.stringify(message.blocks).length;
const sectionTexts = (message: ReturnType<typeof renderSlackMessage>) =>
  message.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : b.type === 'context' ? b.elements.map((e) => e.text) : []));

describe('Function: journeyView', () => {
  it('shows the first and last attempts in full and counts the ones between', () => {
    // Act
    const view = journeyView(journey(17), { invocation: '/mqtrace' });

    // Assert
    const texts = view.entries.map((e) => e.text);
    expect(texts[0]).toBe('Sent 2026-12-01T04:00:00.000Z from 10.0.12.36 (GID_order_service) · SEND_SUCCESS in 6 ms');
    expect(texts[1]).toBe('Stored +3 ms on 10.0.8.15:10911');
    expect(texts).toContain('GID_billing · CONSUMED · 17 attempts · first delivery +100 ms');
    expect(texts).toContain('#0 +100 ms on 10.0.3.21 · CONSUME_FAILED (480 ms)');
    expect(texts).toContain('… 15 attempts between: 15 CONSUME_FAILED');
    expect(texts).toContain('#16 +16 min on 10.0.3.21 · CONSUME_FAILED (480 ms)');
    expect(texts).toContain('Dead-lettered +2 h to %DLQ%GID_billing');
    expect(texts).toContain('GID_shipping · CONSUMED · 1 attempt · first delivery +130 ms · consumed +150 ms');
    expect(view.headline).toBe('Consumed: All 2 subscribing group(s) consumed the message.');
    expect(view.notes[0]).toMatch(/^🔴 GID_billing shows CONSUMED, but its last attempt failed/);
  });

  it('shows every attempt when there are three or fewer', () => {
    const view = journeyView(journey(3), { invocation: '/mqtrace' });
    expect(view.entries.filter((e) => e.nested && e.text.startsWith('#')).map((e) => e.text.split(' ')[0])).toEqual(['#0', '#1', '#2', '#0']);
  });

  it('says a partial answer is partial and how to ask again', () => {
    const report: JourneyReport = { ...journey(1), status: 'partial', partial: { reason: 'TASK_WORKING_AT_DEADLINE', text: 'The trace query task was still working.' } };
    const view = journeyView(report, { invocation: '@mqtrace' });
    expect(view.headline).toContain('Partial: The trace query task was still working.');
    expect(view.notes.at(-1)).toBe(`Ask again: @mqtrace journey orders ${id(1)} ${INSTANCE}`);
  });
});

describe('Function: findView', () => {
  it('gives one line per message with the command that looks closer', () => {
    const view = findView(find(3), { invocation: '/mqtrace' });
    expect(view.headline).toBe('8 message(s) with key order-20261201-0042; 3 checked: 3 CONSUMED.');
    expect(view.entries[0]).toMatchObject({
      text: `${id(0)} · CONSUMED · stored ${iso(SENT)} · tag order-paid`,
      command: `/mqtrace journey orders ${id(0)} ${INSTANCE}`,
    });
    expect(view.notes[0]).toBe('5 more not checked: Stopped at 20 message(s). Search a time window instead.');
  });
});

describe('Renderers: Slack and DingTalk stay within their limits', () => {
  it('render a 17-attempt journey and a 50-message find within them, cutting with "… and N more"', () => {
    for (const view of [journeyView(journey(17), { invocation: '/mqtrace' }), findView(find(50), { invocation: '/mqtrace' })]) {
      const slack = renderSlackMessage({ kind: 'explore', view });
      expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      expect(sectionTexts(slack).every((t) => t.length <= SLACK_LIMITS.sectionText)).toBe(true);
      expect(sectionTexts(slack).join('').length).toBeLessThanOrEqual(SLACK_LIMITS.totalText);
      const dingtalk = renderDingTalkMessage({ kind: 'explore', view }, { staffId: 'staff-1' });
      expect(Buffer.byteLength(dingtalk.markdown.text)).toBeLessThanOrEqual(DINGTALK_MAX_BYTES);
    }
  });

  it('keep every line of a small journey', () => {
    const slack = sectionTexts(renderSlackMessage({ kind: 'explore', view: journeyView(journey(17), { invocation: '/mqtrace' }) })).join('\n');
    expect(slack).toContain('… 15 attempts between');
    expect(slack).toContain(':skull: Dead-lettered +2 h');
    const dingtalk = renderDingTalkMessage({ kind: 'explore', view: journeyView(journey(17), { invocation: '@mqtrace' }) }, { staffId: undefined }).markdown.text;
    expect(dingtalk).toContain('- ↳ 💀 Dead-lettered +2 h to %DLQ%GID_billing');
  });

  it('stay within them for any number of long messages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.string({ minLength: 0, maxLength: 900 }), (n, detail) => {
        const view = findView(find(n, detail), { invocation: '/mqtrace' });
        const slack = renderSlackMessage({ kind: 'explore', view });
        expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
        expect(sectionTexts(slack).every((t) => t.length <= SLACK_LIMITS.sectionText)).toBe(true);
        expect(slackSize(slack)).toBeLessThan(20_000);
        expect(Buffer.byteLength(renderDingTalkMessage({ kind: 'explore', view }, { staffId: undefined }).markdown.text)).toBeLessThanOrEqual(DINGTALK_MAX_BYTES);
      }),
      { numRuns: 60 },
    );
  });
});
