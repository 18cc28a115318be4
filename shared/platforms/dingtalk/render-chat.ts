import { clipText, fitEntries, type ChatAction, type ChatAnswer, type ChatSection, type ChatSectionItem } from '../../chat/chat-answer';
import {
  actionLabel,
  caveatLines,
  domainText,
  failureView,
  helpView,
  messageIdLines,
  moreGroupsText,
  pasteReady,
  pendingReason,
  referenceText,
  reportSections,
  summaryOf,
  verdictTitle,
  type HelpView,
} from '../../chat/present';
import type { Presenter } from '../../i18n/translator';
import type { TraceReport } from '../../trace/report-schema';
import { exploreView, type ExploreEntry, type ExploreView } from '../../chat/explore-view';
import type { RenderView } from '../platform-port';
import { exploreSymbol, MARKER_SYMBOLS, VERDICT_SYMBOLS } from '../symbols';

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

const esc = escapeDingTalk;

/**
 * Renders any {@link ChatAnswer} as a DingTalk markdown message that @-mentions the sender, using
 * only the documented subset (headings, bold, italic, quotes, lists) and at most
 * {@link DINGTALK_MAX_BYTES} bytes; groups that do not fit become "… and N more groups". The robot
 * cannot take a button press back, so follow-ups are paste-ready commands.
 */
export function renderDingTalkMessage(answer: ChatAnswer, view: RenderView, mention: DingTalkMention): DingTalkMarkdownMessage {
  const { title, blocks } = content(answer, view);
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

function content(answer: ChatAnswer, view: RenderView): { title: string; blocks: string[] } {
  const p = view.presenter;
  switch (answer.kind) {
    case 'report':
      return reportContent(p, answer.report, reportSections(p, answer), nextSteps(view, answer.actions ?? []));
    case 'find':
    case 'journey':
      return exploreContent(p, exploreView(p, answer), view);
    case 'pending': {
      const { topic, msgId, instanceId } = answer.target;
      return {
        title: p.t('pending.title', { msgId }),
        blocks: [`🔎 ${p.rich(esc, 'pending.lookingUp', { msgId: { markup: `**${esc(msgId)}**` }, topic: { markup: `**${esc(topic)}**` }, instance: instanceId })}`],
      };
    }
    case 'help':
      return { title: p.t('help.title'), blocks: helpBlocks(p, helpView(p, answer.help)) };
    case 'usage':
      return { title: p.t('usage.title'), blocks: [`⚠️ ${esc(p.loose(answer.problem))}`, ...helpBlocks(p, helpView(p, answer.help))] };
    case 'failure': {
      const f = failureView(p, answer);
      return { title: f.title, blocks: [`#### ⚠️ ${esc(f.title)}`, esc(f.text), ...nextSteps(view, answer.actions ?? []), `> ${esc(f.ref)}`] };
    }
    case 'denied':
      return { title: p.t('denied.title'), blocks: [`⛔ ${esc(p.t('denied.text'))}`] };
  }
}

/** Follow-ups as lines to copy: the robot has no callback for buttons without extra permissions. */
function nextSteps(view: RenderView, actions: readonly ChatAction[]): string[] {
  if (actions.length === 0) return [];
  const p = view.presenter;
  return [`**${esc(p.t('action.next'))}**\n${actions.map((a) => `- ${esc(actionLabel(p, a))} ${esc(pasteReady(view.invocation, a.command))}`).join('\n')}`];
}

function helpBlocks(p: Presenter, help: HelpView): string[] {
  const commands = help.commands.map((c) => {
    const examples = c.examples.map((e) => `  ${esc(p.t('help.example'))} ${esc(e)}`).join('');
    return `- **${esc(c.usage)}**: ${esc(c.summary)}${examples}`;
  });
  const blocks = [`#### ${esc(p.t('help.heading'))}`, commands.join('\n')];
  if (help.notes.length > 0) blocks.push(help.notes.map((n) => `- ${esc(n)}`).join('\n'));
  return blocks;
}

function groupLine(p: Presenter, group: TraceReport['groups'][number]): string {
  const parts = [`- **${esc(group.consumerGroup)}** · ${esc(group.trackType)}: ${esc(domainText(p, group.meaning))} *${esc(domainText(p, group.advice))}*`];
  if (group.exceptionDesc) parts.push(` (${esc(group.exceptionDesc)})`);
  return clipText(parts.join(''), MAX_LINE);
}

function sectionBlock(s: ChatSection, maxBytes: number): string {
  const head = [`#### ${esc(s.title)}`, s.lines.map((l) => clipText(`- ${esc(l)}`, MAX_LINE)).join('\n')].filter(Boolean).join('\n\n');
  if (!s.items || s.items.length === 0) return head;
  const more = s.more ?? ((n: number) => `+${n}`);
  const items = fitEntries(s.items.map(itemLine), { max: maxBytes - bytes(head) - 2, size: bytes, separatorSize: 1, more: (hidden) => `- *${esc(more(hidden))}*` });
  return [head, items.join('\n')].join('\n\n');
}

// One list line per item: DingTalk's markdown subset has no reliable nested blocks inside a list.
function itemLine(item: ChatSectionItem): string {
  const parts = [`- ${MARKER_SYMBOLS[item.marker]} **${esc(item.title)}**`];
  if (item.detail) parts.push(` ${esc(clipText(item.detail, 600))}`);
  if (item.evidence && item.evidence.length > 0) parts.push(` *(${esc(item.evidence.join(' · '))})*`);
  return clipText(parts.join(''), MAX_LINE);
}

function reportContent(p: Presenter, report: TraceReport, extra: readonly ChatSection[], next: string[]): { title: string; blocks: string[] } {
  const verdict = `${VERDICT_SYMBOLS[report.verdict]} ${verdictTitle(p, report.verdict)}`;
  const head = [
    `### ${verdict}`,
    `**${esc(p.t('report.topic'))}** ${esc(report.topic)} · **${esc(p.t('report.msgId'))}** ${esc(report.msgId)} · **${esc(p.t('report.instance'))}** ${esc(report.instanceId)}`,
    esc(summaryOf(p, report)),
    `#### ${esc(p.t('report.groups'))}`,
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
    `#### ${esc(p.t('report.messageId'))}`,
    messageIdLines(p, report.messageId).map((l) => `- ${esc(l)}`).join('\n'),
    ...extraBlocks,
    `#### ${esc(p.t('report.caveats'))}`,
    caveatLines(p, report).map((c) => `- ${esc(c)}`).join('\n'),
    ...next,
    `> ${esc(referenceText(p, report))}`,
  ];
  const title = `${verdict} · ${report.topic}`;
  if (report.groups.length === 0) return { title, blocks: [...head, `*${esc(p.t('report.noGroups'))}*`, ...tail] };

  const lines = report.groups.map((g) => groupLine(p, g));
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
  const list = [...lines.slice(0, shown), ...(hidden > 0 ? [`- *${esc(moreGroupsText(p, hidden))}*`] : [])].join('\n');
  return { title, blocks: [...head, list, ...tail] };
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

// One list line per entry (no nested lists in DingTalk's subset): a step under a group is marked.
function entryLine(entry: ExploreEntry, invocation: string): string {
  const parts = [`- ${entry.nested ? '↳ ' : ''}${entry.icon ? `${exploreSymbol(entry.icon)} ` : ''}${esc(entry.text)}`];
  if (entry.detail) parts.push(` *${esc(clipText(entry.detail, 300))}*`);
  if (entry.follow) parts.push(` · ${esc(pasteReady(invocation, entry.follow.command))}`);
  return clipText(parts.join(''), MAX_LINE);
}

/** A find or a journey: the headline, the entries within the byte budget ("… and N more lines"), the notes, the next steps, the reference. */
function exploreContent(p: Presenter, v: ExploreView, view: RenderView): { title: string; blocks: string[] } {
  const head = [`### ${v.verdict ? `${VERDICT_SYMBOLS[v.verdict]} ` : ''}${esc(v.title)}`, `**${esc(v.headline)}**`];
  const notes = fitEntries(
    v.notes.map((n) => clipText(`- ${n.marker ? `${MARKER_SYMBOLS[n.marker]} ` : ''}${esc(n.text)}`, MAX_LINE)),
    { max: DINGTALK_MAX_BYTES / 4, size: bytes, separatorSize: 1, more: (hidden) => `- *${esc(p.t('explore.moreNotes', { n: hidden }))}*` },
  );
  const tail = [...(notes.length > 0 ? [notes.join('\n')] : []), ...nextSteps(view, v.actions), `> ${esc(v.reference)}`];
  // Room for the mention and the separators.
  const allowance = 120;
  const entries = fitEntries(v.entries.map((e) => entryLine(e, view.invocation)), {
    max: DINGTALK_MAX_BYTES - bytes([...head, ...tail].join('\n\n')) - allowance,
    size: bytes,
    separatorSize: 1,
    more: (hidden) => `- *${esc(p.t('explore.moreLines', { n: hidden }))}*`,
  });
  return { title: v.title, blocks: [...head, ...(entries.length > 0 ? [entries.join('\n')] : []), ...tail] };
}
