import { alertHeadline, formatVerdicts, type AlertContent, type AlertFailingCheck } from './alert-content';
import { journeyCommand, recheckCommand } from './recheck-command';

/** Block Kit limits (chat.md §3.6). */
export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, contextElements: 10, totalChars: 12_000 } as const;

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }
  | { type: 'divider' };

/** An incoming-webhook message: `text` is the notification fallback. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Escapes the three characters Slack's mrkdwn reserves. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Renders one failing check as a mrkdwn section, examples with their re-check and journey commands. */
export function renderSlackFailingCheck(check: AlertFailingCheck): SlackBlock {
  const head = `*${escapeSlack(check.name)}* · topic \`${escapeSlack(check.topic)}\` · \`${escapeSlack(check.instanceId)}\`${check.repeat ? ' · _still failing_' : ''}`;
  const body =
    check.status === 'ERROR'
      ? `could not run: \`${escapeSlack(check.errorCode ?? 'error')}\`${check.checked > 0 ? ` (${check.checked} messages judged)` : ''}`
      : `${check.failed} of ${check.checked} messages failed (${escapeSlack(formatVerdicts(check.verdicts))})${check.partial ? ', partial coverage' : ''}`;
  const examples = check.examples.map((e) => {
    const target = { topic: check.topic, msgId: e.msgId, instanceId: check.instanceId };
    return `• \`${escapeSlack(e.msgId)}\`: ${escapeSlack(e.reasons)}\n    \`${escapeSlack(recheckCommand('slack', target))}\`\n    journey: \`${escapeSlack(journeyCommand('slack', target))}\``;
  });
  const more = check.failed - check.examples.length;
  if (more > 0) examples.push(`• …and ${more} more`);
  return { type: 'section', text: { type: 'mrkdwn', text: truncate([head, body, ...examples].join('\n'), SLACK_LIMITS.sectionText) } };
}

/** Renders an alert as Block Kit for an incoming webhook, within the per-message limits. */
export function renderSlackAlert(content: AlertContent): SlackMessage {
  const headline = alertHeadline(content);
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: truncate(headline, SLACK_LIMITS.headerText) } }];
  const tail: SlackBlock[] = [];
  if (content.recovered.length > 0) {
    const lines = content.recovered.map(
      (r) => `• *${escapeSlack(r.name)}* · topic \`${escapeSlack(r.topic)}\` · \`${escapeSlack(r.instanceId)}\`: ${r.checked} messages judged, none failing`,
    );
    tail.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Recovered*\n${lines.join('\n')}`, SLACK_LIMITS.sectionText) } });
  }
  const footer = [`mqtrace run \`${escapeSlack(content.runId)}\` · ${escapeSlack(content.checkedAt)}`];
  if (content.quiet.length > 0) footer.unshift(`Still failing, alerted within the quiet period: ${escapeSlack(content.quiet.join(', '))}`);
  tail.push({ type: 'context', elements: footer.map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, SLACK_LIMITS.sectionText) })) });

  const sizeOf = (list: SlackBlock[]) => list.reduce((n, b) => n + JSON.stringify(b).length, 0);
  let size = sizeOf(blocks) + sizeOf(tail);
  let shown = 0;
  // One slot stays free for the "…and N more" line.
  const room = SLACK_LIMITS.blocks - blocks.length - tail.length - 1;
  for (const check of content.failing) {
    const block = renderSlackFailingCheck(check);
    const bytes = JSON.stringify(block).length;
    if (shown >= room || size + bytes > SLACK_LIMITS.totalChars) break;
    blocks.push(block);
    size += bytes;
    shown++;
  }
  if (shown < content.failing.length) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${content.failing.length - shown} more failing checks (see the run's log line)` }] });
  }
  return { text: headline, blocks: [...blocks, ...tail] };
}
