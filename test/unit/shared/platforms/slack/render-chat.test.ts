import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS, type SlackBlock } from '../../../../../shared/platforms/slack/block-kit';
import { renderSlackMessage, type SlackMessage } from '../../../../../shared/platforms/slack/render-chat';
import { buildRenderView, ZH_SHANGHAI } from '../../../../builders/build-presenter';
import { buildHelp } from '../../../../../shared/chat/command-registry';
import type { MessageTrack } from '../../../../../shared/ons/message-trace';
import { buildTraceReport, TRACKS_BY_VERDICT } from '../../../../builders/build-trace-report';

const VIEW = buildRenderView();

const texts = (message: SlackMessage) =>
  message.blocks.map((b) => (b.type === 'header' || b.type === 'section' ? b.text.text : b.type === 'context' ? b.elements.map((e) => e.text).join(' ') : ''));
const allText = (message: SlackMessage) =>
  message.blocks
    .flatMap((b) => [
      ...(b.type === 'header' || b.type === 'section' ? [b.text.text] : []),
      ...(b.type === 'section' ? (b.fields ?? []).map((f) => f.text) : []),
      ...(b.type === 'context' ? b.elements.map((e) => e.text) : []),
    ])
    .join('\n');
const sections = (message: SlackMessage) => message.blocks.filter((b): b is Extract<SlackBlock, { type: 'section' }> => b.type === 'section');

const TITLE = {
  CONSUMED: 'Consumed',
  PARTIALLY_CONSUMED: 'Partially consumed',
  NOT_CONSUMED: 'Not consumed yet',
  NO_SUBSCRIBERS: 'No subscribers',
  UNKNOWN: 'Unknown',
} as const;

const EMOJI = {
  CONSUMED: ':white_check_mark:',
  PARTIALLY_CONSUMED: ':large_yellow_circle:',
  NOT_CONSUMED: ':red_circle:',
  NO_SUBSCRIBERS: ':no_entry_sign:',
  UNKNOWN: ':grey_question:',
} as const;

describe('Function: renderSlackMessage', () => {
  describe.each(Object.keys(TRACKS_BY_VERDICT) as Array<keyof typeof TRACKS_BY_VERDICT>)('Given a %s report', (verdict) => {
    it('renders the verdict, one line per group, the message-ID facts, the caveats and the request ids', async () => {
      // Arrange
      const report = await buildTraceReport(TRACKS_BY_VERDICT[verdict]);
      expect(report.verdict).toBe(verdict);
      // Act
      const message = renderSlackMessage({ kind: 'report', report }, VIEW);
      // Assert
      expect(message.response_type).toBe('ephemeral');
      expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Message trace: orders', emoji: true } });
      const verdictSection = sections(message)[0];
      expect(verdictSection?.text.text).toBe(`${EMOJI[verdict]} *${TITLE[verdict]}*  ${report.summary}`);
      expect(verdictSection?.fields?.map((f) => f.text)).toEqual([
        '*Topic*\norders',
        '*Message ID*\n0A000C22303918B4AAC244F9ABC301A3',
        '*Instance*\nMQ_INST_1234567890123456_BXhFHryi',
      ]);
      for (const group of report.groups) {
        const line = texts(message).find((t) => t.startsWith(`*${group.consumerGroup}*`));
        expect(line, group.consumerGroup).toBe(`*${group.consumerGroup}* · \`${group.trackType}\`\n${group.meaning}\n_${group.advice.replace(/&/g, '&amp;')}_${group.exceptionDesc ? `\n> ${group.exceptionDesc}` : ''}`);
      }
      const text = allText(message);
      expect(text).toContain('*Message ID*\n4.x client message ID (UNIQ_KEY), created by the producer.\nProducer 10.0.12.34, PID 12345');
      for (const caveat of report.caveats) expect(text).toContain(`• ${caveat.text}`);
      expect(message.blocks.at(-1)).toEqual({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `Checked ${VIEW.presenter.time.format(report.checkedAt)} · request REQ-0001 · upstream request UP-REQ-0001` }],
      });
      expect(message.text).toBe(`${TITLE[verdict]}: ${report.summary}`);
      if (report.groups.length === 0) expect(text).toContain('_No consumer group reported on this message._');
    });
  });

  it('posts to the channel when asked to', async () => {
    const report = await buildTraceReport(TRACKS_BY_VERDICT.CONSUMED);
    expect(renderSlackMessage({ kind: 'report', report }, VIEW, 'in_channel').response_type).toBe('in_channel');
  });

  it('escapes what came from upstream, so an exception text cannot ping @channel or forge a link', async () => {
    const report = await buildTraceReport([{ consumerGroup: 'GID_x', trackType: 'NOT_ONLINE', exceptionDesc: '<!channel> <https://evil.example|click> & more' }]);
    const text = allText(renderSlackMessage({ kind: 'report', report }, VIEW));
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; more');
    expect(text).not.toContain('<!channel>');
  });

  it('renders the diagnosis between the message ID and the caveats', async () => {
    const report = { ...(await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED)), diagnosis: { message: null, findings: [], skippedChecks: [] } };
    const message = renderSlackMessage({ kind: 'report', report }, VIEW);
    const all = texts(message);
    const findings = all.indexOf('*Why*\nNothing to explain: no check found a problem.');
    expect(findings).toBeGreaterThan(all.findIndex((t) => t.startsWith('*Message ID*')));
    expect(findings).toBeLessThan(all.findIndex((t) => t.startsWith('*Caveats*')));
  });

  describe('Given more than fits', () => {
    const many = (count: number, desc?: string): MessageTrack[] =>
      Array.from({ length: count }, (_, i) => ({ consumerGroup: `GID_group_${String(i).padStart(3, '0')}`, trackType: 'NOT_CONSUME_YET', ...(desc ? { exceptionDesc: desc } : {}) }));

    it.each([
      ['100 groups (the 50-block limit)', 100, undefined],
      ['60 groups with long exception texts (the character budget)', 60, 'x'.repeat(900)],
    ])('keeps %s within the limits and says how many were cut', async (_name, count, desc) => {
      // Arrange
      const report = await buildTraceReport(many(count, desc));
      // Act
      const message = renderSlackMessage({ kind: 'report', report }, VIEW);
      // Assert
      expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      expect(allText(message).length).toBeLessThanOrEqual(SLACK_LIMITS.totalText);
      const shown = texts(message).filter((t) => t.startsWith('*GID_group_')).length;
      expect(shown).toBeGreaterThan(0);
      expect(texts(message)).toContain(`_… and ${count - shown} more groups_`);
      expect(message.blocks.at(-1)?.type).toBe('context');
    });

    it('shows every group when they fit, with no truncation line', async () => {
      const report = await buildTraceReport(many(20));
      const message = renderSlackMessage({ kind: 'report', report }, VIEW);
      expect(texts(message).filter((t) => t.startsWith('*GID_group_'))).toHaveLength(20);
      expect(allText(message)).not.toContain('more groups');
    });

    it('cuts a section text over 3,000 characters and marks the cut', async () => {
      const report = await buildTraceReport([{ consumerGroup: 'GID_a', trackType: 'NOT_ONLINE', exceptionDesc: 'y'.repeat(5000) }]);
      const group = sections(renderSlackMessage({ kind: 'report', report }, VIEW)).find((s) => s.text.text.startsWith('*GID_a*'));
      expect(group?.text.text).toHaveLength(SLACK_LIMITS.sectionText);
      expect(group?.text.text.endsWith('…')).toBe(true);
    });
  });

  describe('Given answers other than a report', () => {
    const help = buildHelp({ invocation: '/mqtrace', platform: 'slack', aliases: ['prod'], defaultInstanceId: undefined });

    it.each([
      ['pending', { kind: 'pending' as const, target: { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'orders', msgId: 'AB' } }, ['Looking up `AB` in *orders*', 'the answer will be posted here']],
      ['help', { kind: 'help' as const, help }, ['`/mqtrace trace &lt;topic&gt; &lt;msgId&gt; [instance] [why]`', '`--public`', 'Instance aliases: prod']],
      ['usage', { kind: 'usage' as const, problem: { key: 'problem.missing' as const, params: { missing: { and: ['msgId'] } } }, help }, [':warning: Missing msgId.', '`/mqtrace help`']],
      [
        'failure',
        { kind: 'failure' as const, code: 'NOT_FOUND' as const, message: 'ONS has no such message', ref: { requestId: 'R1', upstreamCode: 'BIZ_NO_MESSAGE', upstreamRequestId: 'U1' } },
        [':warning: *Not found*\nONS has no such message. Check the topic', 'request R1 · upstream code BIZ_NO_MESSAGE · upstream request U1'],
      ],
      ['denied', { kind: 'denied' as const }, [':no_entry: Sorry, mqtrace cannot answer this request here.']],
    ])('renders %s ephemerally', (_name, answer, expected) => {
      const message = renderSlackMessage(answer, VIEW, 'in_channel');
      expect(message.response_type).toBe('ephemeral');
      for (const e of expected) expect(allText(message)).toContain(e);
      expect(message.text.length).toBeGreaterThan(5);
    });
  });
});

describe('Function: renderSlackMessage (pending)', () => {
  const target = { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'orders', msgId: '0A000C22303918B4AAC244F9ABC301A3' };
  it.each([
    ['EXPLAIN_BUDGET', 'Working out why takes a few more API calls'],
    ['UPSTREAM_TIMEOUT', 'The broker API is answering slowly'],
    ['UPSTREAM_SLOW', 'The broker API is answering slowly'],
    ['THROTTLED', 'asked mqtrace to slow down'],
  ])('says the real reason a %s hand-off takes longer', (because, reason) => {
    const message = renderSlackMessage({ kind: 'pending', target, because }, VIEW);
    expect(JSON.stringify(message.blocks)).toContain(reason);
    expect(JSON.stringify(message.blocks)).not.toContain('ONS is taking a while');
  });
});

describe('Function: renderSlackMessage (follow-ups and language)', () => {
  const actions = [
    { id: 'recheck', label: 'action.recheck' as const, command: 'trace orders 0A000C22303918B4AAC244F9ABC301A3 MQ_INST_1234567890123456_BXhFHryi' },
    { id: 'why', label: 'action.why' as const, command: 'trace orders 0A000C22303918B4AAC244F9ABC301A3 MQ_INST_1234567890123456_BXhFHryi why' },
  ];

  it('renders follow-ups as buttons carrying the exact command, before the reference line', async () => {
    // Arrange
    const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
    // Act
    const message = renderSlackMessage({ kind: 'report', report, actions }, VIEW);
    // Assert
    const block = message.blocks.find((b) => b.type === 'actions');
    expect(block).toEqual({
      type: 'actions',
      block_id: 'mqtrace.followups',
      elements: [
        { type: 'button', action_id: 'mqtrace.recheck', text: { type: 'plain_text', text: 'Re-check', emoji: true }, value: actions[0]?.command },
        { type: 'button', action_id: 'mqtrace.why', text: { type: 'plain_text', text: 'Why?', emoji: true }, value: actions[1]?.command },
      ],
    });
    expect(message.blocks.at(-1)?.type).toBe('context');
  });

  it('speaks Chinese with times in UTC+8 when the conversation is zh-CN', async () => {
    const report = await buildTraceReport(TRACKS_BY_VERDICT.PARTIALLY_CONSUMED);
    const message = renderSlackMessage({ kind: 'report', report, actions }, buildRenderView(ZH_SHANGHAI));
    const text = allText(message);
    expect(message.blocks[0]).toMatchObject({ text: { text: '消息轨迹：orders' } });
    expect(text).toContain('*部分消费*');
    expect(text).toContain('*注意事项*');
    expect(text).toContain('UTC+08:00');
    expect(text).not.toContain(report.checkedAt);
    expect(JSON.stringify(message.blocks)).toContain('"text":"重新检查"');
    expect(message.text.startsWith('部分消费：') || message.text.startsWith('部分消费:')).toBe(true);
  });
});
