import type { SlackVisibility } from '../../config/chat-config-schema';
import type { TraceReport } from '../../trace/report-schema';
import {
  MARKER_PRESENTATION,
  VERDICT_PRESENTATION,
  clipText,
  fitEntries,
  moreItemsText,
  pendingReason,
  type ChatSectionItem,
  messageIdLines,
  moreGroupsText,
  referenceText,
  type ChatAnswer,
  type ChatSection,
  type ExploreEntry,
  type ExploreView,
} from '../chat-answer';
import type { HelpDoc } from '../command-registry';

/** Block Kit limits (chat.md §3.6). */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextText: 2000,
  fallbackText: 3000,
  // Slack rejects messages whose blocks hold about 13.2k characters in all (msg_blocks_too_long),
  // a limit it does not document; stay clear of it.
  totalText: 12_000,
} as const;

export type SlackTextObject = { type: 'mrkdwn'; text: string } | { type: 'plain_text'; text: string; emoji?: boolean };

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: SlackTextObject; fields?: SlackTextObject[] }
  | { type: 'divider' }
  | { type: 'context'; elements: SlackTextObject[] };

/** A slash-command reply, immediate or via `response_url`. */
export interface SlackMessage {
  response_type: SlackVisibility;
  text: string;
  blocks: SlackBlock[];
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clipText(text, SLACK_LIMITS.sectionText) } });
const context = (text: string): SlackBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: clipText(text, SLACK_LIMITS.contextText) }] });
const header = (text: string): SlackBlock => ({ type: 'header', text: { type: 'plain_text', text: clipText(text, SLACK_LIMITS.headerText), emoji: true } });
const field = (label: string, value: string): SlackTextObject => ({ type: 'mrkdwn', text: clipText(`*${label}*\n${escapeMrkdwn(value)}`, SLACK_LIMITS.fieldText) });

/**
 * Renders any {@link ChatAnswer} as Block Kit, within Slack's limits: at most 50 blocks, 3,000
 * characters per section text, and groups beyond what fits replaced by "… and N more groups".
 */
export function renderSlackMessage(answer: ChatAnswer, visibility: SlackVisibility = 'ephemeral'): SlackMessage {
  switch (answer.kind) {
    case 'report':
      return renderReport(answer.report, answer.sections ?? [], visibility);
    case 'explore':
      return renderExplore(answer.view, visibility);
    case 'pending': {
      const { topic, msgId, instanceId } = answer.target;
      const text = `:mag: Looking up \`${escapeMrkdwn(msgId)}\` in *${escapeMrkdwn(topic)}* (${escapeMrkdwn(instanceId)})…`;
      return {
        response_type: 'ephemeral',
        text: `Looking up ${msgId} in ${topic}…`,
        blocks: [section(text), context(`${pendingReason(answer.because)}; the answer will be posted here as soon as it arrives.`)],
      };
    }
    case 'help':
      return { response_type: 'ephemeral', text: 'mqtrace: how to use it', blocks: helpBlocks(answer.help) };
    case 'usage':
      return {
        response_type: 'ephemeral',
        text: `mqtrace: ${answer.problem}`,
        blocks: [section(`:warning: ${escapeMrkdwn(answer.problem)}`), ...helpBlocks(answer.help)],
      };
    case 'failure': {
      const ref = [`request ${answer.ref.requestId}`];
      if (answer.ref.upstreamCode) ref.push(`upstream code ${answer.ref.upstreamCode}`);
      if (answer.ref.upstreamRequestId) ref.push(`upstream request ${answer.ref.upstreamRequestId}`);
      return {
        response_type: 'ephemeral',
        text: clipText(`${answer.title}: ${answer.text}`, SLACK_LIMITS.fallbackText),
        blocks: [section(`:warning: *${escapeMrkdwn(answer.title)}*\n${escapeMrkdwn(answer.text)}`), context(escapeMrkdwn(ref.join(' · ')))],
      };
    }
    case 'denied':
      return { response_type: 'ephemeral', text: answer.text, blocks: [section(`:no_entry: ${escapeMrkdwn(answer.text)}`)] };
  }
}

function helpBlocks(help: HelpDoc): SlackBlock[] {
  const commands = help.commands.map((c) => {
    const examples = c.examples.map((e) => `\n    e.g. \`${escapeMrkdwn(e)}\``).join('');
    return `\`${escapeMrkdwn(c.usage)}\`  ${escapeMrkdwn(c.summary)}${examples}`;
  });
  const options = help.options.map((o) => `\`${o.flag}\`  ${escapeMrkdwn(o.summary)}`);
  const blocks = [section(['*mqtrace*', ...commands].join('\n'))];
  if (options.length > 0) blocks.push(section(['*Options*', ...options].join('\n')));
  if (help.notes.length > 0) blocks.push(context(help.notes.map(escapeMrkdwn).join('\n')));
  return blocks;
}

function groupText(group: TraceReport['groups'][number]): string {
  const lines = [
    `*${escapeMrkdwn(group.consumerGroup)}* · \`${escapeMrkdwn(group.trackType)}\``,
    escapeMrkdwn(group.meaning),
    `_${escapeMrkdwn(group.advice)}_`,
  ];
  if (group.exceptionDesc) lines.push(`> ${escapeMrkdwn(group.exceptionDesc)}`);
  return lines.join('\n');
}

function renderReport(report: TraceReport, extra: readonly ChatSection[], visibility: SlackVisibility): SlackMessage {
  const verdict = VERDICT_PRESENTATION[report.verdict];
  const head: SlackBlock[] = [
    header(`Message trace: ${report.topic}`),
    {
      type: 'section',
      text: { type: 'mrkdwn', text: clipText(`${verdict.slackEmoji} *${verdict.title}*  ${escapeMrkdwn(report.summary)}`, SLACK_LIMITS.sectionText) },
      fields: [field('Topic', report.topic), field('Message ID', report.msgId), field('Instance', report.instanceId)],
    },
    { type: 'divider' },
  ];
  // Extra sections get at most half the character budget, so groups are never squeezed out by them.
  const extraBlocks: SlackBlock[] = [];
  let extraUsed = 0;
  for (const s of extra.slice(0, 10)) {
    const block = section(extraSectionText(s, Math.min(SLACK_LIMITS.sectionText, SLACK_LIMITS.totalText / 2 - extraUsed)));
    extraUsed += blockTextLength(block);
    if (extraUsed > SLACK_LIMITS.totalText / 2) break;
    extraBlocks.push(block);
  }
  const tail: SlackBlock[] = [
    { type: 'divider' },
    section(['*Message ID*', ...messageIdLines(report.messageId).map(escapeMrkdwn)].join('\n')),
    ...extraBlocks,
    section(['*Caveats*', ...report.caveats.map((c) => `• ${escapeMrkdwn(c.text)}`)].join('\n')),
    context(escapeMrkdwn(referenceText(report))),
  ];

  const groups = report.groups.map((g) => section(groupText(g)));
  const fixedBlocks = head.length + tail.length;
  let used = [...head, ...tail].reduce((sum, b) => sum + blockTextLength(b), 0);
  const shown: SlackBlock[] = [];
  for (const [index, block] of groups.entries()) {
    const left = groups.length - index - 1;
    // Keep one block (and its characters) free for the "… and N more" line unless this is the last group.
    const reserve = left > 0 ? 1 : 0;
    const size = blockTextLength(block);
    if (fixedBlocks + shown.length + 1 + reserve > SLACK_LIMITS.blocks || used + size + (reserve ? 40 : 0) > SLACK_LIMITS.totalText) break;
    shown.push(block);
    used += size;
  }
  const hidden = report.groups.length - shown.length;
  if (hidden > 0) shown.push(section(`_${moreGroupsText(hidden)}_`));
  if (report.groups.length === 0) shown.push(section('_No consumer group reported on this message._'));

  return {
    response_type: visibility,
    text: clipText(`${verdict.title}: ${report.summary}`, SLACK_LIMITS.fallbackText),
    blocks: [...head, ...shown, ...tail],
  };
}

/** A section's mrkdwn: title, lines, then its items, cut to `max` characters with "… and N more". */
function extraSectionText(s: ChatSection, max: number): string {
  const head = [`*${escapeMrkdwn(s.title)}*`, ...s.lines.map(escapeMrkdwn)].join('\n');
  if (!s.items || s.items.length === 0) return head;
  const items = fitEntries(s.items.map(itemText), {
    max: max - head.length,
    size: (t) => t.length,
    separatorSize: 1,
    more: (hidden) => `_${moreItemsText(hidden, s.itemNoun)}_`,
  });
  return [head, ...items].join('\n');
}

function itemText(item: ChatSectionItem): string {
  const lines = [`${MARKER_PRESENTATION[item.marker].slackEmoji} *${escapeMrkdwn(item.title)}*`];
  if (item.detail) lines.push(escapeMrkdwn(item.detail));
  if (item.evidence && item.evidence.length > 0) lines.push(`_${escapeMrkdwn(item.evidence.join(' · '))}_`);
  // One item never takes a whole section: the others must still have room.
  return clipText(lines.join('\n'), 1_000);
}

function blockTextLength(block: SlackBlock): number {
  switch (block.type) {
    case 'header':
      return block.text.text.length;
    case 'section':
      return block.text.text.length + (block.fields ?? []).reduce((s, f) => s + f.text.length, 0);
    case 'context':
      return block.elements.reduce((s, e) => s + e.text.length, 0);
    case 'divider':
      return 0;
  }
}

function entryText(entry: ExploreEntry): string {
  const pad = entry.nested ? '      ' : '';
  const lines = [`${pad}${entry.icon ? `${entry.icon.slackEmoji} ` : '• '}${escapeMrkdwn(entry.text)}`];
  if (entry.detail) lines.push(`${pad}      _${escapeMrkdwn(entry.detail)}_`);
  if (entry.command) lines.push(`${pad}      \`${escapeMrkdwn(entry.command)}\``);
  // One entry never takes a whole section.
  return clipText(lines.join('\n'), 1_000);
}

/**
 * A find or a journey: the headline, then the entries packed into sections within Slack's limits
 * (what does not fit becomes "… and N more"), then the notes and the reference.
 */
function renderExplore(view: ExploreView, visibility: SlackVisibility): SlackMessage {
  const head: SlackBlock[] = [header(view.title), section(`*${escapeMrkdwn(view.headline)}*`)];
  const notes = fitEntries(view.notes.map((n) => `• ${escapeMrkdwn(n)}`), {
    max: SLACK_LIMITS.sectionText,
    size: (t) => t.length,
    separatorSize: 1,
    more: (hidden) => `_${moreItemsText(hidden, ['note', 'notes'])}_`,
  });
  const tail: SlackBlock[] = [...(notes.length > 0 ? [{ type: 'divider' } as SlackBlock, section(notes.join('\n'))] : []), context(escapeMrkdwn(view.reference))];
  const fixed = [...head, ...tail].reduce((sum, b) => sum + blockTextLength(b), 0);
  // Sections hold whole entries; the block count leaves room for the head, the tail and the "more" line.
  const sectionsLeft = SLACK_LIMITS.blocks - head.length - tail.length - 1;
  const entries = fitEntries(view.entries.map(entryText), {
    max: Math.min(SLACK_LIMITS.totalText - fixed, sectionsLeft * (SLACK_LIMITS.sectionText - 100)),
    size: (t) => t.length,
    separatorSize: 1,
    more: (hidden) => `_${moreItemsText(hidden, ['line', 'lines'])}_`,
  });
  const body: SlackBlock[] = [];
  let current: string[] = [];
  let size = 0;
  for (const entry of entries) {
    if (current.length > 0 && size + entry.length + 1 > SLACK_LIMITS.sectionText) {
      body.push(section(current.join('\n')));
      current = [];
      size = 0;
    }
    current.push(entry);
    size += entry.length + 1;
  }
  if (current.length > 0) body.push(section(current.join('\n')));
  return { response_type: visibility, text: clipText(`${view.title}: ${view.headline}`, SLACK_LIMITS.fallbackText), blocks: [...head, ...body.slice(0, sectionsLeft), ...tail] };
}
