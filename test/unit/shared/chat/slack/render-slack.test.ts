import { describe, expect, it } from 'vitest';
import { renderSlackMessage, SLACK_LIMITS, type SlackBlock, type SlackMessage } from '../../../../../shared/chat/slack/render-slack';
import { buildHelp } from '../../../../../shared/chat/command-registry';
import type { MessageTrack } from '../../../../../shared/ons/message-trace';
import { buildTraceReport, TRACKS_BY_VERDICT } from '../../../../builders/build-trace-report';

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
      const message = renderSlackMessage({ kind: 'report', report });
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
        elements: [{ type: 'mrkdwn', text: `Checked ${report.checkedAt} · request REQ-0001 · upstream request UP-REQ-0001` }],
      });
      expect(message.text).toBe(`${TITLE[verdict]}: ${report.summary}`);
      if (report.groups.length === 0) expect(text).toContain('_No consumer group reported on this message._');
    });
  });

  it('posts to the channel when asked to', async () => {
    const report = await buildTraceReport(TRACKS_BY_VERDICT.CONSUMED);
    expect(renderSlackMessage({ kind: 'report', report }, 'in_channel').response_type).toBe('in_channel');
  });

  it('escapes what came from upstream, so an exception text cannot ping @channel or forge a link', async () => {
    const report = await buildTraceReport([{ consumerGroup: 'GID_x', trackType: 'NOT_ONLINE', exceptionDesc: '<!channel> <https://evil.example|click> & more' }]);
    const text = allText(renderSlackMessage({ kind: 'report', report }));
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; more');
    expect(text).not.toContain('<!channel>');
  });

  it('renders extra sections, such as diagnosis findings, between the message ID and the caveats', async () => {
    const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
    const message = renderSlackMessage({ kind: 'report', report, sections: [{ title: 'Findings', lines: ['GID_shipping is 1,204 messages behind', 'Its consumers stopped at 09:12'] }] });
    const all = texts(message);
    const findings = all.indexOf('*Findings*\nGID_shipping is 1,204 messages behind\nIts consumers stopped at 09:12');
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
      const message = renderSlackMessage({ kind: 'report', report });
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
      const message = renderSlackMessage({ kind: 'report', report });
      expect(texts(message).filter((t) => t.startsWith('*GID_group_'))).toHaveLength(20);
      expect(allText(message)).not.toContain('more groups');
    });

    it('cuts a section text over 3,000 characters and marks the cut', async () => {
      const report = await buildTraceReport([{ consumerGroup: 'GID_a', trackType: 'NOT_ONLINE', exceptionDesc: 'y'.repeat(5000) }]);
      const group = sections(renderSlackMessage({ kind: 'report', report })).find((s) => s.text.text.startsWith('*GID_a*'));
      expect(group?.text.text).toHaveLength(SLACK_LIMITS.sectionText);
      expect(group?.text.text.endsWith('…')).toBe(true);
    });
  });

  describe('Given answers other than a report', () => {
    const help = buildHelp({ invocation: '/mqtrace', platform: 'slack', aliases: ['prod'], defaultInstanceId: undefined });

    it.each([
      ['pending', { kind: 'pending' as const, target: { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'orders', msgId: 'AB' } }, ['Looking up `AB` in *orders*', 'the answer will be posted here']],
      ['help', { kind: 'help' as const, help }, ['`/mqtrace trace &lt;topic&gt; &lt;msgId&gt; [instance] [why]`', '`--public`', 'Instance aliases: prod']],
      ['usage', { kind: 'usage' as const, problem: 'Missing msgId.', help }, [':warning: Missing msgId.', '`/mqtrace help`']],
      [
        'failure',
        { kind: 'failure' as const, title: 'Not found', text: 'ONS has no such message.', ref: { requestId: 'R1', upstreamCode: 'BIZ_NO_MESSAGE', upstreamRequestId: 'U1' } },
        [':warning: *Not found*\nONS has no such message.', 'request R1 · upstream code BIZ_NO_MESSAGE · upstream request U1'],
      ],
      ['denied', { kind: 'denied' as const, text: 'Not on the allow-list.' }, [':no_entry: Not on the allow-list.']],
    ])('renders %s ephemerally', (_name, answer, expected) => {
      const message = renderSlackMessage(answer, 'in_channel');
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
    const message = renderSlackMessage({ kind: 'pending', target, because });
    expect(JSON.stringify(message.blocks)).toContain(reason);
    expect(JSON.stringify(message.blocks)).not.toContain('ONS is taking a while');
  });
});
