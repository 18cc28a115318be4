import { describe, expect, it } from 'vitest';
import { DINGTALK_MAX_BYTES, escapeDingTalk, renderDingTalkMessage } from '../../../../../shared/platforms/dingtalk/render-chat';
import { buildHelp } from '../../../../../shared/chat/command-registry';
import type { MessageTrack } from '../../../../../shared/ons/message-trace';
import { buildTraceReport, TRACKS_BY_VERDICT } from '../../../../builders/build-trace-report';
import { buildRenderView, ZH_SHANGHAI } from '../../../../builders/build-presenter';

const VIEW = buildRenderView(undefined, '@mqtrace');

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
      const message = renderDingTalkMessage({ kind: 'report', report }, VIEW, mention);
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
      expect(text).toContain(`> Checked ${VIEW.presenter.time.format(report.checkedAt)} · request REQ-0001 · upstream request UP-REQ-0001`);
      expect(text.endsWith('\n\n@manager4220')).toBe(true);
      expect(message.at).toEqual({ atUserIds: ['manager4220'], isAtAll: false });
      // Only the documented subset: no tables, no fenced code.
      expect(text).not.toMatch(/```|\|\s*---/);
      if (report.groups.length === 0) expect(text).toContain('*No consumer group reported on this message.*');
    });
  });

  it('mentions nobody when DingTalk gave no staff id', async () => {
    const message = renderDingTalkMessage({ kind: 'report', report: await buildTraceReport(TRACKS_BY_VERDICT.CONSUMED) }, VIEW, { staffId: undefined });
    expect(message.at.atUserIds).toEqual([]);
    expect(message.markdown.text).not.toMatch(/\n@/);
  });

  it('neutralises markdown and HTML that came from upstream', async () => {
    const report = await buildTraceReport([{ consumerGroup: 'GID_x', trackType: 'NOT_ONLINE', exceptionDesc: '<font color=red>**boom**</font> [link](http://evil) `x`' }]);
    const { text } = renderDingTalkMessage({ kind: 'report', report }, VIEW, mention).markdown;
    expect(text).toContain('(＜font color=red＞\\*\\*boom\\*\\*＜/font＞ \\[link\\](http://evil) \\`x\\`)');
    expect(text).not.toContain('<font');
  });

  it('renders the diagnosis before the caveats', async () => {
    const report = { ...(await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED)), diagnosis: { message: null, findings: [], skippedChecks: [] } };
    const { text } = renderDingTalkMessage({ kind: 'report', report }, VIEW, mention).markdown;
    expect(text).toContain('#### Why\n\n- Nothing to explain: no check found a problem.');
    expect(text.indexOf('#### Why')).toBeLessThan(text.indexOf('#### Caveats'));
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
      const { text } = renderDingTalkMessage({ kind: 'report', report }, VIEW, mention).markdown;
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
      ['usage', { kind: 'usage' as const, problem: { key: 'problem.missing' as const, params: { missing: { and: ['msgId'] } } }, help }, '⚠️ Missing msgId.'],
      ['failure', { kind: 'failure' as const, code: 'NOT_FOUND' as const, message: 'no such message', ref: { requestId: 'R1', upstreamCode: 'BIZ_NO_MESSAGE' } }, '#### ⚠️ Not found\n\nNo such message. Check the topic, the message ID and the instance (or its alias).\n\n> request R1 · upstream code BIZ_NO_MESSAGE'],
      ['denied', { kind: 'denied' as const }, '⛔ Sorry, mqtrace cannot answer this request here.'],
    ])('renders %s with the mention', (_name, answer, expected) => {
      const message = renderDingTalkMessage(answer, VIEW, mention);
      expect(message.markdown.text).toContain(expected);
      expect(message.markdown.text.endsWith('@manager4220')).toBe(true);
      expect(message.markdown.title.length).toBeGreaterThan(3);
    });
  });
});

describe('Function: renderDingTalkMessage (follow-ups and Chinese)', () => {
  const actions = [{ id: 'recheck', label: 'action.recheck' as const, command: 'trace orders 0A000C22303918B4AAC244F9ABC301A3 MQ_INST_1234567890123456_BXhFHryi' }];

  it('shows follow-ups as paste-ready commands, since the robot cannot call back', async () => {
    const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
    const { text } = renderDingTalkMessage({ kind: 'report', report, actions }, VIEW, mention).markdown;
    expect(text).toContain('**Next:**\n- Re-check @mqtrace trace orders 0A000C22303918B4AAC244F9ABC301A3 MQ_INST_1234567890123456_BXhFHryi');
  });

  it('renders the report in Chinese, meanings and caveats included, with times in UTC+8', async () => {
    const report = await buildTraceReport(TRACKS_BY_VERDICT.PARTIALLY_CONSUMED);
    const { text, title } = renderDingTalkMessage({ kind: 'report', report, actions }, buildRenderView(ZH_SHANGHAI, '@mqtrace'), mention).markdown;
    expect(title).toBe('🟡 部分消费 · orders');
    expect(text).toContain('**Topic** orders · **消息 ID**');
    expect(text).toContain('该消费组已提交的位点已越过这条消息。');
    expect(text).toContain('#### 注意事项');
    expect(text).toContain('- 重新检查 @mqtrace trace orders');
    expect(text).toMatch(/查询时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+08:00/);
    expect(text).not.toContain('Caveats');
  });
});
