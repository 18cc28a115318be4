import type { TraceReport } from '../../trace/report-schema';
import {
  MARKER_PRESENTATION,
  VERDICT_PRESENTATION,
  clipText,
  fitEntries,
  moreItemsText,
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

/**
 * DingTalk's custom robot refuses more than 20,000 bytes and the OpenAPI's msgParam more than
 * 15,000 (chat.md §1.6); the sessionWebhook's own cap is not documented, so the smaller one applies.
 */
export const DINGTALK_MAX_BYTES = 15_000;
const MAX_LINE = 1_000;
const MAX_TITLE = 60;

/** A markdown message for a sessionWebhook (chat.md §1.3). */
export interface DingTalkMarkdownMessage {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
  at: { atUserIds: string[]; isAtAll: false };
}

/** Who to @-mention: the sender's enterprise userId, when DingTalk gave one. */
export interface DingTalkMention {
  staffId: string | undefined;
}

/**
 * Neutralises markdown control characters in text that came from outside. `<` and `>` become
 * their full-width forms because DingTalk renders some HTML (`<font>`); backslash escapes for the
 * rest follow CommonMark, which DingTalk's renderer is assumed to honour (UNVERIFIED). Underscores
 * are left alone: IDs such as GID_billing are full of them and CommonMark does not emphasise
 * intraword underscores.
 */
export function escapeDingTalk(text: string): string {
  return text.replace(/[\\`*[\]]/g, (c) => `\\${c}`).replace(/</g, '＜').replace(/>/g, '＞').replace(/\r?\n/g, ' ');
}

/**
 * Renders any {@link ChatAnswer} as a DingTalk markdown message that @-mentions the sender, using
 * only the documented subset (headings, bold, italic, quotes, lists) and at most
 * {@link DINGTALK_MAX_BYTES} bytes; groups that do not fit become "… and N more groups".
 */
export function renderDingTalkMessage(answer: ChatAnswer, mention: DingTalkMention): DingTalkMarkdownMessage {
  const { title, blocks } = content(answer);
  return build(title, blocks, mention);
}

function build(title: string, blocks: string[], mention: DingTalkMention): DingTalkMarkdownMessage {
  // DingTalk only highlights a mention whose @userId also appears in the text.
  const tail = mention.staffId ? [`@${mention.staffId}`] : [];
  return {
    msgtype: 'markdown',
    markdown: { title: clipText(title, MAX_TITLE), text: [...blocks, ...tail].join('\n\n') },
    at: { atUserIds: mention.staffId ? [mention.staffId] : [], isAtAll: false },
  };
}

function content(answer: ChatAnswer): { title: string; blocks: string[] } {
  switch (answer.kind) {
    case 'report':
      return reportContent(answer.report, answer.sections ?? []);
    case 'explore':
      return exploreContent(answer.view);
    case 'pending': {
      const { topic, msgId, instanceId } = answer.target;
      return {
        title: `Looking up ${msgId}`,
        blocks: [`🔎 Looking up **${escapeDingTalk(msgId)}** in **${escapeDingTalk(topic)}** (${escapeDingTalk(instanceId)})…`],
      };
    }
    case 'help':
      return { title: 'mqtrace: how to use it', blocks: helpBlocks(answer.help) };
    case 'usage':
      return { title: 'mqtrace: usage', blocks: [`⚠️ ${escapeDingTalk(answer.problem)}`, ...helpBlocks(answer.help)] };
    case 'failure': {
      const ref = [`request ${answer.ref.requestId}`];
      if (answer.ref.upstreamCode) ref.push(`upstream code ${answer.ref.upstreamCode}`);
      if (answer.ref.upstreamRequestId) ref.push(`upstream request ${answer.ref.upstreamRequestId}`);
      return {
        title: answer.title,
        blocks: [`#### ⚠️ ${escapeDingTalk(answer.title)}`, escapeDingTalk(answer.text), `> ${escapeDingTalk(ref.join(' · '))}`],
      };
    }
    case 'denied':
      return { title: 'mqtrace: not allowed', blocks: [`⛔ ${escapeDingTalk(answer.text)}`] };
  }
}

function helpBlocks(help: HelpDoc): string[] {
  const commands = help.commands.map((c) => {
    const examples = c.examples.map((e) => `  e.g. ${escapeDingTalk(e)}`).join('');
    return `- **${escapeDingTalk(c.usage)}**: ${escapeDingTalk(c.summary)}${examples}`;
  });
  const blocks = ['#### mqtrace', commands.join('\n')];
  if (help.notes.length > 0) blocks.push(help.notes.map((n) => `- ${escapeDingTalk(n)}`).join('\n'));
  return blocks;
}

function groupLine(group: TraceReport['groups'][number]): string {
  const parts = [`- **${escapeDingTalk(group.consumerGroup)}** · ${escapeDingTalk(group.trackType)}: ${escapeDingTalk(group.meaning)} *${escapeDingTalk(group.advice)}*`];
  if (group.exceptionDesc) parts.push(` (${escapeDingTalk(group.exceptionDesc)})`);
  return clipText(parts.join(''), MAX_LINE);
}

function sectionBlock(s: ChatSection, maxBytes: number): string {
  const head = [`#### ${escapeDingTalk(s.title)}`, s.lines.map((l) => clipText(`- ${escapeDingTalk(l)}`, MAX_LINE)).join('\n')].filter(Boolean).join('\n\n');
  if (!s.items || s.items.length === 0) return head;
  const items = fitEntries(s.items.map(itemLine), {
    max: maxBytes - bytes(head) - 2,
    size: bytes,
    separatorSize: 1,
    more: (hidden) => `- *${moreItemsText(hidden, s.itemNoun)}*`,
  });
  return [head, items.join('\n')].join('\n\n');
}

// One list line per item: DingTalk's markdown subset has no reliable nested blocks inside a list.
function itemLine(item: ChatSectionItem): string {
  const parts = [`- ${MARKER_PRESENTATION[item.marker].symbol} **${escapeDingTalk(item.title)}**`];
  if (item.detail) parts.push(` ${escapeDingTalk(clipText(item.detail, 600))}`);
  if (item.evidence && item.evidence.length > 0) parts.push(` *(${escapeDingTalk(item.evidence.join(' · '))})*`);
  return clipText(parts.join(''), MAX_LINE);
}

function reportContent(report: TraceReport, extra: readonly ChatSection[]): { title: string; blocks: string[] } {
  const verdict = VERDICT_PRESENTATION[report.verdict];
  const head = [
    `### ${verdict.symbol} ${verdict.title}`,
    `**Topic** ${escapeDingTalk(report.topic)} · **Message ID** ${escapeDingTalk(report.msgId)} · **Instance** ${escapeDingTalk(report.instanceId)}`,
    escapeDingTalk(report.summary),
    '#### Groups',
  ];
  // Extra sections get at most half the byte budget, so groups are never squeezed out by them.
  const extraBlocks: string[] = [];
  let extraBytes = 0;
  for (const s of extra.slice(0, 10)) {
    const block = sectionBlock(s, DINGTALK_MAX_BYTES / 2 - extraBytes);
    extraBytes += bytes(block) + 2;
    if (extraBytes > DINGTALK_MAX_BYTES / 2) break;
    extraBlocks.push(block);
  }
  const tail = [
    '#### Message ID',
    messageIdLines(report.messageId).map((l) => `- ${escapeDingTalk(l)}`).join('\n'),
    ...extraBlocks,
    '#### Caveats',
    report.caveats.map((c) => `- ${escapeDingTalk(c.text)}`).join('\n'),
    `> ${escapeDingTalk(referenceText(report))}`,
  ];
  const title = `${verdict.symbol} ${verdict.title} · ${report.topic}`;
  if (report.groups.length === 0) return { title, blocks: [...head, '*No consumer group reported on this message.*', ...tail] };

  const lines = report.groups.map(groupLine);
  // Room for the mention, the separators and the "… and N more groups" line.
  const allowance = 120;
  let used = bytes([...head, ...tail].join('\n\n')) + 2 + allowance;
  let shown = 0;
  for (const line of lines) {
    used += bytes(line) + 1;
    if (used > DINGTALK_MAX_BYTES) break;
    shown++;
  }
  const hidden = lines.length - shown;
  const list = [...lines.slice(0, shown), ...(hidden > 0 ? [`- *${moreGroupsText(hidden)}*`] : [])].join('\n');
  return { title, blocks: [...head, list, ...tail] };
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

// One list line per entry (no nested lists in DingTalk's subset): a step under a group is marked.
function entryLine(entry: ExploreEntry): string {
  const parts = [`- ${entry.nested ? '↳ ' : ''}${entry.icon ? `${entry.icon.symbol} ` : ''}${escapeDingTalk(entry.text)}`];
  if (entry.detail) parts.push(` *${escapeDingTalk(clipText(entry.detail, 300))}*`);
  if (entry.command) parts.push(` · ${escapeDingTalk(entry.command)}`);
  return clipText(parts.join(''), MAX_LINE);
}

/** A find or a journey: the headline, the entries within the byte budget ("… and N more"), the notes, the reference. */
function exploreContent(view: ExploreView): { title: string; blocks: string[] } {
  const head = [`### ${escapeDingTalk(view.title)}`, `**${escapeDingTalk(view.headline)}**`];
  const notes = fitEntries(view.notes.map((n) => clipText(`- ${escapeDingTalk(n)}`, MAX_LINE)), {
    max: DINGTALK_MAX_BYTES / 4,
    size: bytes,
    separatorSize: 1,
    more: (hidden) => `- *${moreItemsText(hidden, ['note', 'notes'])}*`,
  });
  const tail = [...(notes.length > 0 ? [notes.join('\n')] : []), `> ${escapeDingTalk(view.reference)}`];
  // Room for the mention and the separators.
  const allowance = 120;
  const entries = fitEntries(view.entries.map(entryLine), {
    max: DINGTALK_MAX_BYTES - bytes([...head, ...tail].join('\n\n')) - allowance,
    size: bytes,
    separatorSize: 1,
    more: (hidden) => `- *${moreItemsText(hidden, ['line', 'lines'])}*`,
  });
  return { title: view.title, blocks: [...head, ...(entries.length > 0 ? [entries.join('\n')] : []), ...tail] };
}
