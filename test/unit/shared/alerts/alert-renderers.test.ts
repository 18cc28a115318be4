import { describe, expect, it } from 'vitest';
import { alertHeadline } from '../../../../shared/alerts/alert-content';
import { DINGTALK_MAX_TEXT_BYTES, renderDingTalkAlert } from '../../../../shared/platforms/dingtalk/render-alert';
import { journeyCommand, recheckCommand } from '../../../../shared/alerts/recheck-command';
import { parseChatCommand } from '../../../../shared/chat/parse-command';
import { SLACK_LIMITS } from '../../../../shared/platforms/slack/block-kit';
import { renderFeishuAlert } from '../../../../shared/platforms/feishu/alert-bot';
import { escapeSlack, renderSlackAlert } from '../../../../shared/platforms/slack/render-alert';
import { renderWeComAlert } from '../../../../shared/platforms/wecom/render';
import { EN_UTC, ZH_SHANGHAI } from '../../../builders/build-presenter';
import { buildAlertContent, buildAlertFailingCheck, buildMsgId, CHECK_INSTANCE } from '../../../builders/build-spot-check';

const manyChecks = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    buildAlertFailingCheck({
      name: `check-${i}`,
      failed: 40,
      examples: Array.from({ length: 5 }, (_, j) => ({ msgId: buildMsgId(i * 10 + j), reasons: 'GID_a NOT_CONSUME_YET, GID_b NOT_ONLINE, GID_c missing from the track list' })),
    }),
  );

describe('Function: recheckCommand()', () => {
  const target = { topic: 'orders', msgId: buildMsgId(1), instanceId: CHECK_INSTANCE };

  it('writes trace <topic> <msgId> <instance> after each platform’s invocation', () => {
    expect(recheckCommand('@mqtrace', target)).toBe(`@mqtrace trace orders ${buildMsgId(1)} ${CHECK_INSTANCE}`);
    expect(recheckCommand('/mqtrace', target)).toBe(`/mqtrace trace orders ${buildMsgId(1)} ${CHECK_INSTANCE}`);
  });

  it.each(['slack', 'dingtalk'] as const)('is parsed back by the chat command parser (%s)', (platform) => {
    // Slack hands the bot only the text after the slash command; DingTalk the text with the @-mention.
    const typed = platform === 'slack' ? recheckCommand('/mqtrace', target).replace(/^\/mqtrace /, '') : recheckCommand('@mqtrace', target);

    expect(parseChatCommand(typed)).toMatchObject({ name: 'trace', args: { topic: 'orders', msgId: buildMsgId(1), instance: CHECK_INSTANCE } });
  });

  it.each(['/mqtrace', '@mqtrace'])('has a journey command the parser reads back (%s)', (invocation) => {
    const typed = invocation === '/mqtrace' ? journeyCommand(invocation, target).replace(/^\/mqtrace /, '') : journeyCommand(invocation, target);
    expect(typed).toContain(`journey orders ${buildMsgId(1)} ${CHECK_INSTANCE}`);
    expect(parseChatCommand(typed)).toMatchObject({ name: 'journey', args: { topic: 'orders', msgId: buildMsgId(1), instance: CHECK_INSTANCE } });
  });
});

describe('Function: alertHeadline()', () => {
  it('says what failed, what could not run and what recovered', () => {
    const content = buildAlertContent({
      failing: [buildAlertFailingCheck(), buildAlertFailingCheck({ name: 'b', status: 'ERROR', errorCode: 'Forbidden.RAM' })],
      recovered: [{ name: 'c', instanceId: CHECK_INSTANCE, topic: 't', checked: 3 }],
    });

    expect(alertHeadline(content, EN_UTC)).toBe('mqtrace: 1 spot check failing, 1 could not run, 1 recovered');
  });
});

describe('Function: renderDingTalkAlert()', () => {
  it('lists each failing check with its counts, examples and exact re-check commands', () => {
    const { msgtype, markdown } = renderDingTalkAlert(buildAlertContent(), EN_UTC);

    expect(msgtype).toBe('markdown');
    expect(markdown.title).toBe('mqtrace: 1 spot check failing');
    expect(markdown.text).toContain(`**orders** · topic orders · ${CHECK_INSTANCE}`);
    expect(markdown.text).toContain('2 of 20 messages failed (CONSUMED 18, NOT_CONSUMED 2)');
    expect(markdown.text).toContain(`- ${buildMsgId(1)}: GID_shipping NOT_CONSUME_YET  \n  re-check: @mqtrace trace orders ${buildMsgId(1)} ${CHECK_INSTANCE}`);
    expect(markdown.text).toContain(`  journey: @mqtrace journey orders ${buildMsgId(1)} ${CHECK_INSTANCE}`);
    expect(markdown.text).toContain('mqtrace run run-1');
  });

  it('says how many more failed than the 5 examples', () => {
    const { markdown } = renderDingTalkAlert(buildAlertContent({ failing: manyChecks(1) }), EN_UTC);

    expect(markdown.text.match(/re-check: /g)).toHaveLength(5);
    expect(markdown.text).toContain('- …and 35 more');
  });

  it('renders recoveries, quiet checks and errors', () => {
    const { markdown } = renderDingTalkAlert(
      buildAlertContent({
        failing: [buildAlertFailingCheck({ status: 'ERROR', errorCode: 'Forbidden.RAM', checked: 0, failed: 0, examples: [] })],
        recovered: [{ name: 'iot', instanceId: CHECK_INSTANCE, topic: 'iot', checked: 10 }],
        quiet: ['billing'],
      }),
      EN_UTC,
    );

    expect(markdown.text).toContain('could not run: Forbidden.RAM');
    expect(markdown.text).toContain(`**Recovered:**  \n- iot (topic iot · ${CHECK_INSTANCE}): 10 messages judged, none failing`);
    expect(markdown.text).toContain('Still failing, alerted within the quiet period: billing');
  });

  it('stays under the size limit, saying how many checks it left out', () => {
    const { markdown } = renderDingTalkAlert(buildAlertContent({ failing: manyChecks(50) }), EN_UTC);

    expect(Buffer.byteLength(markdown.text)).toBeLessThanOrEqual(DINGTALK_MAX_TEXT_BYTES);
    expect(markdown.text).toMatch(/…and \d+ more failing checks/);
  });
});

describe('Function: renderSlackAlert()', () => {
  it('renders a header, one section per failing check with /mqtrace commands, and a context footer', () => {
    const message = renderSlackAlert(buildAlertContent(), EN_UTC);

    expect(message.text).toBe('mqtrace: 1 spot check failing');
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions', 'context']);
    const section = message.blocks[1] as { text: { text: string } };
    expect(section.text.text).toContain(`\`/mqtrace trace orders ${buildMsgId(1)} ${CHECK_INSTANCE}\``);
    expect(section.text.text).toContain(`journey: \`/mqtrace journey orders ${buildMsgId(1)} ${CHECK_INSTANCE}\``);
    expect(section.text.text).toContain('2 of 20 messages failed (CONSUMED 18, NOT_CONSUMED 2)');
  });

  it('escapes mrkdwn control characters in upstream text', () => {
    expect(escapeSlack('<a & b>')).toBe('&lt;a &amp; b&gt;');
    const message = renderSlackAlert(buildAlertContent({ failing: [buildAlertFailingCheck({ examples: [{ msgId: buildMsgId(1), reasons: 'GID_<x> NOT_ONLINE' }] })] }), EN_UTC);
    expect(JSON.stringify(message.blocks)).toContain('GID_&lt;x&gt; NOT_ONLINE');
  });

  it('keeps within the Block Kit limits for 50 failing checks', () => {
    const message = renderSlackAlert(buildAlertContent({ failing: manyChecks(50), recovered: [{ name: 'r', instanceId: CHECK_INSTANCE, topic: 't', checked: 1 }] }), EN_UTC);

    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(JSON.stringify(message.blocks).length).toBeLessThan(13_200);
    for (const block of message.blocks) {
      if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    expect(JSON.stringify(message.blocks)).toMatch(/…and \d+ more failing checks/);
    expect(JSON.stringify(message.blocks)).toContain('*Recovered*');
  });
});

describe('Alerts in Chinese', () => {
  it('words the DingTalk alert in Chinese, with the run time in UTC+8, and keeps the paste-ready command', () => {
    const { markdown } = renderDingTalkAlert(buildAlertContent(), ZH_SHANGHAI);
    expect(markdown.title).toBe('mqtrace：1 项抽查失败');
    expect(markdown.text).toContain('20 条消息中 2 条失败（CONSUMED 18, NOT_CONSUMED 2）');
    expect(markdown.text).toContain(`重新检查 @mqtrace trace orders ${buildMsgId(1)} ${CHECK_INSTANCE}`);
    expect(markdown.text).toContain(`消息轨迹 @mqtrace journey orders ${buildMsgId(1)} ${CHECK_INSTANCE}`);
    expect(markdown.text).toMatch(/mqtrace 运行 run-1 · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+08:00/);
  });

  it('gives Slack alerts the buttons of a chat reply for the first example of each check', () => {
    const message = renderSlackAlert(buildAlertContent(), EN_UTC);
    const actions = message.blocks.find((b) => b.type === 'actions');
    expect(actions && actions.type === 'actions' ? actions.elements.map((e) => [e.action_id, e.value]) : []).toEqual([
      ['mqtrace.recheck', `trace orders ${buildMsgId(1)} ${CHECK_INSTANCE}`],
      ['mqtrace.why', `trace orders ${buildMsgId(1)} ${CHECK_INSTANCE} why`],
      ['mqtrace.journey', `journey orders ${buildMsgId(1)} ${CHECK_INSTANCE}`],
    ]);
  });
});

describe('Alerts link the journey of each example on every platform', () => {
  const journey = `journey orders ${buildMsgId(1)} ${CHECK_INSTANCE}`;

  it.each([
    ['Slack', () => JSON.stringify(renderSlackAlert(buildAlertContent(), EN_UTC).blocks), `journey: \`/mqtrace ${journey}\``],
    ['DingTalk', () => renderDingTalkAlert(buildAlertContent(), EN_UTC).markdown.text, `journey: @mqtrace ${journey}`],
    ['Feishu/Lark', () => JSON.stringify(renderFeishuAlert(buildAlertContent(), EN_UTC, '@mqtrace')), `journey: @mqtrace ${journey}`],
    ['WeCom', () => renderWeComAlert(buildAlertContent(), EN_UTC, '@mqtrace'), `journey: @mqtrace ${journey}`],
  ])('%s shows the paste-ready journey command', (_platform, render, expected) => {
    expect(render()).toContain(expected);
  });

  it('words the label in Chinese on a zh-CN alert', () => {
    expect(renderWeComAlert(buildAlertContent(), ZH_SHANGHAI, '@mqtrace')).toContain(`消息轨迹 @mqtrace ${journey}`);
    expect(JSON.stringify(renderFeishuAlert(buildAlertContent(), ZH_SHANGHAI, '@mqtrace'))).toContain(`消息轨迹 @mqtrace ${journey}`);
  });
});
