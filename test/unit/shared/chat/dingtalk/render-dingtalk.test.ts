import { describe, expect, it } from 'vitest';
import { DINGTALK_MAX_BYTES, escapeDingTalk, renderDingTalkMessage } from '../../../../../shared/chat/dingtalk/render-dingtalk';
import { buildHelp } from '../../../../../shared/chat/command-registry';
import type { MessageTrack } from '../../../../../shared/ons/message-trace';
import { buildTraceReport, TRACKS_BY_VERDICT } from '../../../../builders/build-trace-report';

const HEADING = {
  CONSUMED: '### ✅ Consumed',
  PARTIALLY_CONSUMED: '### 🟡 Partially consumed',
  NOT_CONSUMED: '### 🔴 Not consumed yet',
  NO_SUBSCRIBERS: '### 🚫 No subscribers',
  UNKNOWN: '### ❓ Unknown',
} as const;
const mention = { staffId: 'manager4220' };

describe('Function: renderDingTalkMessage', () => {
  describe.each(Object.keys(TRACKS_BY_VERDICT) as Array<keyof typeof TRACKS_BY_VERDICT>)('Given a %s report', (verdict) => {
    it('renders the verdict, one line per group, the message-ID facts, the caveats and the request ids, and @-mentions the sender', async () => {
      // Arrange
      const report = await buildTraceReport(TRACKS_BY_VERDICT[verdict]);
      // Act
      const message = renderDingTalkMessage({ kind: 'report', report }, mention);
      // Assert
      const { text, title } = message.markdown;
      expect(message.msgtype).toBe('markdown');
      expect(title).toBe(`${HEADING[verdict].slice(4)} · orders`);
      expect(text.startsWith(`${HEADING[verdict]}\n\n**Topic** orders · **Message ID** 0A000C22303918B4AAC244F9ABC301A3 · **Instance** MQ_INST_1234567890123456_BXhFHryi\n\n${report.summary}`)).toBe(true);
      for (const group of report.groups) {
        expect(text).toContain(`- **${group.consumerGroup}** · ${group.trackType}: ${group.meaning} *${group.advice}*`);
        if (group.exceptionDesc) expect(text).toContain(`(${escapeDingTalk(group.exceptionDesc)})`);
      }
      expect(text).toContain('#### Message ID\n\n- 4.x client message ID (UNIQ_KEY), created by the producer.\n- Producer 10.0.12.34, PID 12345');
      for (const caveat of report.caveats) expect(text).toContain(`- ${caveat.text}`);
      expect(text).toContain(`> Checked ${report.checkedAt} · request REQ-0001 · upstream request UP-REQ-0001`);
      expect(text.endsWith('\n\n@manager4220')).toBe(true);
      expect(message.at).toEqual({ atUserIds: ['manager4220'], isAtAll: false });
      // Only the documented subset: no tables, no fenced code.
      expect(text).not.toMatch(/```|\|\s*---/);
      if (report.groups.length === 0) expect(text).toContain('*No consumer group reported on this message.*');
    });
  });

  it('mentions nobody when DingTalk gave no staff id', async () => {
    const message = renderDingTalkMessage({ kind: 'report', report: await buildTraceReport(TRACKS_BY_VERDICT.CONSUMED) }, { staffId: undefined });
    expect(message.at.atUserIds).toEqual([]);
    expect(message.markdown.text).not.toMatch(/\n@/);
  });

  it('neutralises markdown and HTML that came from upstream', async () => {
    const report = await buildTraceReport([{ consumerGroup: 'GID_x', trackType: 'NOT_ONLINE', exceptionDesc: '<font color=red>**boom**</font> [link](http://evil) `x`' }]);
    const { text } = renderDingTalkMessage({ kind: 'report', report }, mention).markdown;
    expect(text).toContain('(＜font color=red＞\\*\\*boom\\*\\*＜/font＞ \\[link\\](http://evil) \\`x\\`)');
    expect(text).not.toContain('<font');
  });

  it('renders extra sections, such as diagnosis findings, before the caveats', async () => {
    const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
    const { text } = renderDingTalkMessage({ kind: 'report', report, sections: [{ title: 'Findings', lines: ['GID_shipping is 1,204 messages behind'] }] }, mention).markdown;
    expect(text).toContain('#### Findings\n\n- GID_shipping is 1,204 messages behind');
    expect(text.indexOf('#### Findings')).toBeLessThan(text.indexOf('#### Caveats'));
  });

  describe('Given more groups than fit', () => {
    it.each([
      ['300 short groups', 300, undefined],
      ['40 groups with long exception texts', 40, '异常'.repeat(300)],
    ])('keeps %s within the byte budget and says how many were cut', async (_name, count, desc) => {
      // Arrange
      const tracks: MessageTrack[] = Array.from({ length: count }, (_, i) => ({ consumerGroup: `GID_group_${i}`, trackType: 'NOT_CONSUME_YET', ...(desc ? { exceptionDesc: desc } : {}) }));
      const report = await buildTraceReport(tracks);
      // Act
      const { text } = renderDingTalkMessage({ kind: 'report', report }, mention).markdown;
      // Assert
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(DINGTALK_MAX_BYTES);
      const shown = text.split('\n').filter((l) => l.startsWith('- **GID_group_')).length;
      expect(shown).toBeGreaterThan(0);
      expect(text).toContain(`- *… and ${count - shown} more groups*`);
      expect(text).toContain('#### Caveats');
      expect(text.endsWith('@manager4220')).toBe(true);
    });
  });

  describe('Given answers other than a report', () => {
    const help = buildHelp({ invocation: '@mqtrace', platform: 'dingtalk', aliases: [], defaultInstanceId: 'MQ_INST_1234567890123456_BXhFHryi' });
    it.each([
      ['pending', { kind: 'pending' as const, target: { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'orders', msgId: 'AB' } }, '🔎 Looking up **AB** in **orders**'],
      ['help', { kind: 'help' as const, help }, '- **@mqtrace trace <topic> <msgId> \\[instance\\] \\[why\\]**'.replace('<topic> <msgId>', '＜topic＞ ＜msgId＞')],
      ['usage', { kind: 'usage' as const, problem: 'Missing msgId.', help }, '⚠️ Missing msgId.'],
      ['failure', { kind: 'failure' as const, title: 'Not found', text: 'No such message.', ref: { requestId: 'R1', upstreamCode: 'BIZ_NO_MESSAGE' } }, '#### ⚠️ Not found\n\nNo such message.\n\n> request R1 · upstream code BIZ_NO_MESSAGE'],
      ['denied', { kind: 'denied' as const, text: 'Not allowed.' }, '⛔ Not allowed.'],
    ])('renders %s with the mention', (_name, answer, expected) => {
      const message = renderDingTalkMessage(answer, mention);
      expect(message.markdown.text).toContain(expected);
      expect(message.markdown.text.endsWith('@manager4220')).toBe(true);
      expect(message.markdown.title.length).toBeGreaterThan(3);
    });
  });
});
