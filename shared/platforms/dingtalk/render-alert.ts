import { alertHeadline, failingCheckSummary, type AlertContent, type AlertFailingCheck } from '../../alerts/alert-content';
import { journeyCommand, recheckCommand } from '../../alerts/recheck-command';
import type { Presenter } from '../../i18n/translator';

/** The custom robot rejects bodies over 20,000 bytes (errcode 460101); chat.md §1.6 advises ≤ ~15 KB. */
export const DINGTALK_MAX_TEXT_BYTES = 15_000;

/** A DingTalk robot `markdown` message (chat.md §2). */
export interface DingTalkAlertMessage {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
}

// DingTalk markdown: a line break needs two trailing spaces; a blank line starts a paragraph.
const BR = '  \n';

/**
 * Renders one failing check as a DingTalk markdown block, examples with their re-check and journey commands
 * (the custom robot cannot call back, so they are paste-ready text).
 */
export function renderDingTalkFailingCheck(check: AlertFailingCheck, p: Presenter, invocation = '@mqtrace'): string {
  const lines = [`**${check.name}** · ${p.t('alert.topic')} ${check.topic} · ${check.instanceId}${check.repeat ? ` · ${p.t('alert.stillFailing')}` : ''}`];
  lines.push(failingCheckSummary(check, p));
  const examples = check.examples.map((e) => {
    const target = { topic: check.topic, msgId: e.msgId, instanceId: check.instanceId };
    return `- ${e.msgId}: ${e.reasons}${BR}  ${p.t('alert.recheck')} ${recheckCommand(invocation, target)}${BR}  ${p.t('alert.journey')} ${journeyCommand(invocation, target)}`;
  });
  const more = check.failed - check.examples.length;
  if (more > 0) examples.push(`- ${p.t('alert.moreExamples', { n: more })}`);
  return [lines.join(BR), ...(examples.length ? [examples.join('\n')] : [])].join('\n\n');
}

/**
 * Renders an alert as a DingTalk `markdown` message, kept under {@link DINGTALK_MAX_TEXT_BYTES}.
 * Every message contains "mqtrace", the custom keyword the robot can require.
 */
export function renderDingTalkAlert(content: AlertContent, p: Presenter, invocation = '@mqtrace'): DingTalkAlertMessage {
  const title = alertHeadline(content, p);
  const footer = p.t('alert.footer', { runId: content.runId, at: p.time.format(content.checkedAt) });
  const tail: string[] = [];
  if (content.recovered.length > 0) {
    const lines = content.recovered.map((r) => `- ${r.name} (${p.t('alert.topic')} ${r.topic} · ${r.instanceId}): ${p.t('alert.recoveredLine', { checked: r.checked })}`);
    tail.push(`**${p.t('alert.recoveredTitle')}:**${BR}${lines.join('\n')}`);
  }
  if (content.quiet.length > 0) tail.push(p.t('alert.quiet', { names: content.quiet.join(', ') }));
  tail.push(`> ${footer}`);

  const blocks = [`### ${title}`];
  let size = Buffer.byteLength([...blocks, ...tail].join('\n\n'));
  let shown = 0;
  for (const check of content.failing) {
    const block = renderDingTalkFailingCheck(check, p, invocation);
    const bytes = Buffer.byteLength(block) + 2;
    if (size + bytes > DINGTALK_MAX_TEXT_BYTES - 100) break;
    blocks.push(block);
    size += bytes;
    shown++;
  }
  if (shown < content.failing.length) blocks.push(p.t('alert.moreChecks', { n: content.failing.length - shown }));
  return { msgtype: 'markdown', markdown: { title, text: [...blocks, ...tail].join('\n\n') } };
}
