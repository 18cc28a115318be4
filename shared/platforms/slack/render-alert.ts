import { alertHeadline, failingCheckSummary, type AlertContent, type AlertFailingCheck } from '../../alerts/alert-content';
import { alertActions, journeyCommand, recheckCommand } from '../../alerts/recheck-command';
import { actionLabel } from '../../chat/present';
import type { Presenter } from '../../i18n/translator';
import { actionsBlock, clip, escapeMrkdwn, SLACK_LIMITS, type SlackBlock } from './block-kit';

/** An incoming-webhook message: `text` is the notification fallback. */
export interface SlackAlertMessage {
  text: string;
  blocks: SlackBlock[];
}

const esc = escapeMrkdwn;

/** Escapes the three characters Slack's mrkdwn reserves (the alert renderer's name for it). */
export const escapeSlack = escapeMrkdwn;

/** Renders one failing check as a mrkdwn section, examples with their paste-ready re-check and journey commands. */
export function renderSlackFailingCheck(check: AlertFailingCheck, p: Presenter, invocation: string): SlackBlock {
  const head = `*${esc(check.name)}* · ${esc(p.t('alert.topic'))} \`${esc(check.topic)}\` · \`${esc(check.instanceId)}\`${check.repeat ? ` · _${esc(p.t('alert.stillFailing'))}_` : ''}`;
  const body = failingCheckSummary(check, p, esc, (code) => `\`${esc(code)}\``);
  const examples = check.examples.map((e) => {
    const target = { topic: check.topic, msgId: e.msgId, instanceId: check.instanceId };
    return `• \`${esc(e.msgId)}\`: ${esc(e.reasons)}\n    \`${esc(recheckCommand(invocation, target))}\`\n    ${esc(p.t('alert.journey'))} \`${esc(journeyCommand(invocation, target))}\``;
  });
  const more = check.failed - check.examples.length;
  if (more > 0) examples.push(`• ${esc(p.t('alert.moreExamples', { n: more }))}`);
  return { type: 'section', text: { type: 'mrkdwn', text: clip([head, body, ...examples].join('\n'), SLACK_LIMITS.sectionText) } };
}

/**
 * Renders an alert as Block Kit for an incoming webhook, within the per-message limits. Each
 * failing check with an example gets the chat reply's follow-up buttons for its first example
 * (they come back through the app's interactivity request, like a reply's); every example keeps
 * its paste-ready command.
 */
export function renderSlackAlert(content: AlertContent, p: Presenter, invocation = '/mqtrace'): SlackAlertMessage {
  const headline = alertHeadline(content, p);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: clip(headline, SLACK_LIMITS.headerText), emoji: true } }];
  const tail: SlackBlock[] = [];
  if (content.recovered.length > 0) {
    const lines = content.recovered.map(
      (r) => `• *${esc(r.name)}* · ${esc(p.t('alert.topic'))} \`${esc(r.topic)}\` · \`${esc(r.instanceId)}\`: ${esc(p.t('alert.recoveredLine', { checked: r.checked }))}`,
    );
    tail.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*${esc(p.t('alert.recoveredTitle'))}*\n${lines.join('\n')}`, SLACK_LIMITS.sectionText) } });
  }
  const footer = [p.rich(esc, 'alert.footer', { runId: { markup: `\`${esc(content.runId)}\`` }, at: p.time.format(content.checkedAt) })];
  if (content.quiet.length > 0) footer.unshift(esc(p.t('alert.quiet', { names: content.quiet.join(', ') })));
  tail.push({ type: 'context', elements: footer.map((text) => ({ type: 'mrkdwn' as const, text: clip(text, SLACK_LIMITS.sectionText) })) });

  const sizeOf = (list: SlackBlock[]) => list.reduce((n, b) => n + JSON.stringify(b).length, 0);
  let size = sizeOf(blocks) + sizeOf(tail);
  let shown = 0;
  // One slot stays free for the "…and N more" line.
  const room = SLACK_LIMITS.blocks - blocks.length - tail.length - 1;
  let used = 0;
  for (const check of content.failing) {
    const first = check.examples[0];
    const rendered = [renderSlackFailingCheck(check, p, invocation)];
    if (first) {
      const actions = alertActions({ topic: check.topic, msgId: first.msgId, instanceId: check.instanceId });
      rendered.push(actionsBlock(`mqtrace.alert.${shown}`, actions.map((a) => ({ id: a.id, label: actionLabel(p, a), command: a.command }))));
    }
    const bytes = sizeOf(rendered);
    if (used + rendered.length > room || size + bytes > SLACK_LIMITS.totalText) break;
    blocks.push(...rendered);
    size += bytes;
    used += rendered.length;
    shown++;
  }
  if (shown < content.failing.length) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: esc(p.t('alert.moreChecks', { n: content.failing.length - shown })) }] });
  }
  return { text: headline, blocks: [...blocks, ...tail] };
}
