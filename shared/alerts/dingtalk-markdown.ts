import { alertHeadline, formatVerdicts, type AlertContent, type AlertFailingCheck } from './alert-content';
import { journeyCommand, recheckCommand } from './recheck-command';

/** The custom robot rejects bodies over 20,000 bytes (errcode 460101); chat.md §1.6 advises ≤ ~15 KB. */
export const DINGTALK_MAX_TEXT_BYTES = 15_000;

/** A DingTalk robot `markdown` message (chat.md §2). */
export interface DingTalkMarkdownMessage {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
}

// DingTalk markdown: a line break needs two trailing spaces; a blank line starts a paragraph.
const BR = '  \n';

/** Renders one failing check as a DingTalk markdown block, examples with their re-check and journey commands. */
export function renderDingTalkFailingCheck(check: AlertFailingCheck): string {
  const lines = [`**${check.name}** · topic ${check.topic} · ${check.instanceId}${check.repeat ? ' · still failing' : ''}`];
  if (check.status === 'ERROR') {
    lines.push(`could not run: ${check.errorCode ?? 'error'}${check.checked > 0 ? ` (${check.checked} messages judged)` : ''}`);
  } else {
    lines.push(`${check.failed} of ${check.checked} messages failed (${formatVerdicts(check.verdicts)})${check.partial ? ', partial coverage' : ''}`);
  }
  const examples = check.examples.map((e) => {
    const target = { topic: check.topic, msgId: e.msgId, instanceId: check.instanceId };
    return `- ${e.msgId}: ${e.reasons}${BR}  re-check: ${recheckCommand('dingtalk', target)}${BR}  journey: ${journeyCommand('dingtalk', target)}`;
  });
  const more = check.failed - check.examples.length;
  if (more > 0) examples.push(`- …and ${more} more`);
  return [lines.join(BR), ...(examples.length ? [examples.join('\n')] : [])].join('\n\n');
}

/**
 * Renders an alert as a DingTalk `markdown` message, kept under {@link DINGTALK_MAX_TEXT_BYTES}.
 * Every message contains "mqtrace", the custom keyword the robot can require.
 */
export function renderDingTalkAlert(content: AlertContent): DingTalkMarkdownMessage {
  const title = alertHeadline(content);
  const footer = `mqtrace run ${content.runId} · ${content.checkedAt}`;
  const tail: string[] = [];
  if (content.recovered.length > 0) {
    tail.push(
      `**Recovered:**${BR}${content.recovered.map((r) => `- ${r.name} (topic ${r.topic} · ${r.instanceId}): ${r.checked} messages judged, none failing`).join('\n')}`,
    );
  }
  if (content.quiet.length > 0) tail.push(`Still failing, alerted within the quiet period: ${content.quiet.join(', ')}`);
  tail.push(`> ${footer}`);

  const blocks = [`### ${title}`];
  let size = Buffer.byteLength([...blocks, ...tail].join('\n\n'));
  let shown = 0;
  for (const check of content.failing) {
    const block = renderDingTalkFailingCheck(check);
    const bytes = Buffer.byteLength(block) + 2;
    if (size + bytes > DINGTALK_MAX_TEXT_BYTES - 100) break;
    blocks.push(block);
    size += bytes;
    shown++;
  }
  if (shown < content.failing.length) blocks.push(`…and ${content.failing.length - shown} more failing checks (see the run's log line)`);
  return { msgtype: 'markdown', markdown: { title, text: [...blocks, ...tail].join('\n\n') } };
}
