import { fitEntries, type ChatAction, type ChatAnswer, type ChatSection, type ChatSectionItem } from '../../chat/chat-answer';
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
import { exploreButtons, exploreView, type ExploreEntry, type ExploreView } from '../../chat/explore-view';
import type { SlackVisibility } from './manifest';
import type { Presenter } from '../../i18n/translator';
import type { TraceReport } from '../../trace/report-schema';
import type { RenderView } from '../platform-port';
import {
  actionsBlock,
  blockTextLength,
  clip,
  context,
  escapeMrkdwn,
  header,
  section,
  SLACK_LIMITS,
  SLACK_MARKERS,
  SLACK_VERDICT_EMOJI,
  slackExploreEmoji,
  type SlackBlock,
  type SlackTextObject,
} from './block-kit';

/** A slash-command reply, immediate or via `response_url`. */
export interface SlackMessage {
  response_type: SlackVisibility;
  text: string;
  blocks: SlackBlock[];
  /** For answers to a button press: add a message, never overwrite the one with the button. */
  replace_original?: false;
}

const field = (label: string, value: string): SlackTextObject => ({ type: 'mrkdwn', text: clip(`*${label}*\n${escapeMrkdwn(value)}`, SLACK_LIMITS.fieldText) });
const esc = escapeMrkdwn;

/**
 * Renders any {@link ChatAnswer} as Block Kit, within Slack's limits: at most 50 blocks, 3,000
 * characters per section text, and groups beyond what fits replaced by "… and N more groups".
 * Follow-ups become buttons; pressing one comes back through the interactivity request.
 */
export function renderSlackMessage(answer: ChatAnswer, view: RenderView, visibility: SlackVisibility = 'ephemeral'): SlackMessage {
  const p = view.presenter;
  switch (answer.kind) {
    case 'report':
      return renderReport(p, answer.report, reportSections(p, answer), answer.actions ?? [], visibility);
    case 'find':
    case 'journey':
      return renderExplore(p, exploreView(p, answer), view.invocation, visibility);
    case 'pending': {
      const { topic, msgId, instanceId } = answer.target;
      const text = `:mag: ${p.rich(esc, 'pending.lookingUp', { msgId: { markup: `\`${esc(msgId)}\`` }, topic: { markup: `*${esc(topic)}*` }, instance: instanceId })}`;
      return {
        response_type: 'ephemeral',
        text: p.t('pending.short', { msgId, topic }),
        blocks: [section(text), context(esc(p.t('pending.willPost', { reason: pendingReason(p, answer.because) })))],
      };
    }
    case 'help':
      return { response_type: 'ephemeral', text: p.t('help.title'), blocks: helpBlocks(p, helpView(p, answer.help)) };
    case 'usage': {
      const problem = p.loose(answer.problem);
      return { response_type: 'ephemeral', text: `mqtrace: ${problem}`, blocks: [section(`:warning: ${esc(problem)}`), ...helpBlocks(p, helpView(p, answer.help))] };
    }
    case 'failure': {
      const f = failureView(p, answer);
      const blocks = [section(`:warning: *${esc(f.title)}*\n${esc(f.text)}`), ...buttons(p, answer.actions ?? []), context(esc(f.ref))];
      return { response_type: 'ephemeral', text: clip(`${f.title}: ${f.text}`, SLACK_LIMITS.fallbackText), blocks };
    }
    case 'denied':
      return { response_type: 'ephemeral', text: p.t('denied.text'), blocks: [section(`:no_entry: ${esc(p.t('denied.text'))}`)] };
  }
}

function buttons(p: Presenter, actions: readonly ChatAction[]): SlackBlock[] {
  if (actions.length === 0) return [];
  return [actionsBlock('mqtrace.followups', actions.map((a) => ({ id: a.id, label: actionLabel(p, a), command: a.command })))];
}

function helpBlocks(p: Presenter, help: HelpView): SlackBlock[] {
  const commands = help.commands.map((c) => {
    const examples = c.examples.map((e) => `\n    ${esc(p.t('help.example'))} \`${esc(e)}\``).join('');
    return `\`${esc(c.usage)}\`  ${esc(c.summary)}${examples}`;
  });
  const options = help.options.map((o) => `\`${o.flag}\`  ${esc(o.summary)}`);
  const blocks = [section([`*${esc(p.t('help.heading'))}*`, ...commands].join('\n'))];
  if (options.length > 0) blocks.push(section([`*${esc(p.t('help.options'))}*`, ...options].join('\n')));
  if (help.notes.length > 0) blocks.push(context(help.notes.map(esc).join('\n')));
  return blocks;
}

function groupText(p: Presenter, group: TraceReport['groups'][number]): string {
  const lines = [`*${esc(group.consumerGroup)}* · \`${esc(group.trackType)}\``, esc(domainText(p, group.meaning)), `_${esc(domainText(p, group.advice))}_`];
  if (group.exceptionDesc) lines.push(`> ${esc(group.exceptionDesc)}`);
  return lines.join('\n');
}

function renderReport(p: Presenter, report: TraceReport, extra: readonly ChatSection[], actions: readonly ChatAction[], visibility: SlackVisibility): SlackMessage {
  const title = verdictTitle(p, report.verdict);
  const summary = summaryOf(p, report);
  const head: SlackBlock[] = [
    header(p.t('report.header', { topic: report.topic })),
    {
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`${SLACK_VERDICT_EMOJI[report.verdict]} *${esc(title)}*  ${esc(summary)}`, SLACK_LIMITS.sectionText) },
      fields: [field(p.t('report.topic'), report.topic), field(p.t('report.msgId'), report.msgId), field(p.t('report.instance'), report.instanceId)],
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
    section([`*${esc(p.t('report.messageId'))}*`, ...messageIdLines(p, report.messageId).map(esc)].join('\n')),
    ...extraBlocks,
    section([`*${esc(p.t('report.caveats'))}*`, ...caveatLines(p, report).map((c) => `• ${esc(c)}`)].join('\n')),
    ...buttons(p, actions),
    context(esc(referenceText(p, report))),
  ];

  const groups = report.groups.map((g) => section(groupText(p, g)));
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
  if (hidden > 0) shown.push(section(`_${esc(moreGroupsText(p, hidden))}_`));
  if (report.groups.length === 0) shown.push(section(`_${esc(p.t('report.noGroups'))}_`));

  return { response_type: visibility, text: clip(`${title}: ${summary}`, SLACK_LIMITS.fallbackText), blocks: [...head, ...shown, ...tail] };
}

/** A section's mrkdwn: title, lines, then its items, cut to `max` characters with "… and N more". */
function extraSectionText(s: ChatSection, max: number): string {
  const head = [`*${esc(s.title)}*`, ...s.lines.map(esc)].join('\n');
  if (!s.items || s.items.length === 0) return head;
  const more = s.more ?? ((n: number) => `+${n}`);
  const items = fitEntries(s.items.map(itemText), { max: max - head.length, size: (t) => t.length, separatorSize: 1, more: (hidden) => `_${esc(more(hidden))}_` });
  return [head, ...items].join('\n');
}

function itemText(item: ChatSectionItem): string {
  const lines = [`${SLACK_MARKERS[item.marker]} *${esc(item.title)}*`];
  if (item.detail) lines.push(esc(item.detail));
  if (item.evidence && item.evidence.length > 0) lines.push(`_${esc(item.evidence.join(' · '))}_`);
  // One item never takes a whole section: the others must still have room.
  return clip(lines.join('\n'), 1_000);
}

function entryText(entry: ExploreEntry, invocation: string): string {
  const pad = entry.nested ? '      ' : '';
  const lines = [`${pad}${entry.icon ? `${slackExploreEmoji(entry.icon)} ` : '• '}${esc(entry.text)}`];
  if (entry.detail) lines.push(`${pad}      _${esc(entry.detail)}_`);
  if (entry.follow) lines.push(`${pad}      \`${esc(pasteReady(invocation, entry.follow.command))}\``);
  // One entry never takes a whole section.
  return clip(lines.join('\n'), 1_000);
}

/**
 * A find or a journey: the headline, then the entries packed into sections within Slack's limits
 * (what does not fit becomes "… and N more lines"), the buttons, then the notes and the reference.
 */
function renderExplore(p: Presenter, view: ExploreView, invocation: string, visibility: SlackVisibility): SlackMessage {
  const head: SlackBlock[] = [header(view.title), section(`${view.verdict ? `${SLACK_VERDICT_EMOJI[view.verdict]} ` : ''}*${esc(view.headline)}*`)];
  const notes = fitEntries(
    view.notes.map((n) => `${n.marker ? SLACK_MARKERS[n.marker] : '•'} ${esc(n.text)}`),
    { max: SLACK_LIMITS.sectionText, size: (t) => t.length, separatorSize: 1, more: (hidden) => `_${esc(p.t('explore.moreNotes', { n: hidden }))}_` },
  );
  const tail: SlackBlock[] = [
    ...buttons(p, exploreButtons(view)),
    ...(notes.length > 0 ? [{ type: 'divider' } as SlackBlock, section(notes.join('\n'))] : []),
    context(esc(view.reference)),
  ];
  const fixed = [...head, ...tail].reduce((sum, b) => sum + blockTextLength(b), 0);
  // Sections hold whole entries; the block count leaves room for the head and the tail.
  const sectionsLeft = SLACK_LIMITS.blocks - head.length - tail.length;
  const entries = fitEntries(view.entries.map((e) => entryText(e, invocation)), {
    max: Math.min(SLACK_LIMITS.totalText - fixed, sectionsLeft * (SLACK_LIMITS.sectionText - 1_000)),
    size: (t) => t.length,
    separatorSize: 1,
    more: (hidden) => `_${esc(p.t('explore.moreLines', { n: hidden }))}_`,
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
  return { response_type: visibility, text: clip(`${view.title}: ${view.headline}`, SLACK_LIMITS.fallbackText), blocks: [...head, ...body.slice(0, sectionsLeft), ...tail] };
}
