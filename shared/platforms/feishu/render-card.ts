import { clipText, type ChatAction, type ChatAnswer, type ChatSection } from '../../chat/chat-answer';
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
import type { RenderView } from '../platform-port';
import { exploreButtons, exploreView, type ExploreView } from '../../chat/explore-view';
import { exploreSymbol, MARKER_SYMBOLS, VERDICT_SYMBOLS } from '../symbols';
import { FEISHU_COMMAND_KEY } from './event';

/**
 * "卡片及富文本消息请求体最大不能超过30KB" (error 230025, round2.md §6.1): the whole reply request,
 * the card inside it as a JSON string. Counted as 30,000 bytes, whichever way "KB" is meant.
 */
export const FEISHU_MAX_REQUEST_BYTES = 30_000;
const MAX_TEXT = 2_000;

type Text = { tag: 'plain_text' | 'lark_md'; content: string };
export type FeishuElement =
  | { tag: 'div'; text?: Text; fields?: Array<{ is_short: boolean; text: Text }> }
  | { tag: 'hr' }
  | { tag: 'note'; elements: Text[] }
  | { tag: 'action'; actions: Array<{ tag: 'button'; text: Text; type: 'primary' | 'default'; value: Record<string, string> }> };

/** An interactive card (message card JSON 1.0). */
export interface FeishuCard {
  config: { wide_screen_mode: true };
  header: { template: string; title: { tag: 'plain_text'; content: string } };
  elements: FeishuElement[];
}

/**
 * Neutralises lark_md control characters in text mqtrace did not write: HTML-escaped `&`, `<`, `>`
 * and numeric entities for the markdown marks (UNVERIFIED that lark_md decodes numeric entities;
 * untrusted text goes in plain_text wherever a card allows it, so this only guards labels).
 */
export function escapeLarkMd(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`[\]]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const plain = (content: string): FeishuElement => ({ tag: 'div', text: { tag: 'plain_text', content: clipText(content, MAX_TEXT) } });
const bold = (content: string): FeishuElement => ({ tag: 'div', text: { tag: 'lark_md', content: `**${escapeLarkMd(clipText(content, 200))}**` } });
const note = (content: string): FeishuElement => ({ tag: 'note', elements: [{ tag: 'plain_text', content: clipText(content, MAX_TEXT) }] });

const TEMPLATES = { CONSUMED: 'green', PARTIALLY_CONSUMED: 'yellow', NOT_CONSUMED: 'red', NO_SUBSCRIBERS: 'grey', UNKNOWN: 'grey' } as const;

/** The bytes of the reply request that would carry `card`. */
export function feishuRequestBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify({ msg_type: 'interactive', content: JSON.stringify(card) }), 'utf8');
}

/**
 * Renders any {@link ChatAnswer} as an interactive card within {@link FEISHU_MAX_REQUEST_BYTES}:
 * groups and findings that do not fit become "… and N more". With `buttons`, follow-ups are card
 * buttons whose value carries the command (they come back as `card.action.trigger`); without
 * (the custom bot cannot call back), paste-ready commands.
 */
export function renderFeishuCard(answer: ChatAnswer, view: RenderView, options: { buttons: boolean } = { buttons: true }): FeishuCard {
  const p = view.presenter;
  const card = (title: string, template: string, elements: FeishuElement[]): FeishuCard => ({
    config: { wide_screen_mode: true },
    header: { template, title: { tag: 'plain_text', content: clipText(title, 100) } },
    elements,
  });
  switch (answer.kind) {
    case 'report':
      return reportCard(p, view, answer.report, reportSections(p, answer), answer.actions ?? [], options.buttons);
    case 'find':
    case 'journey':
      return exploreCard(p, view, exploreView(p, answer), options.buttons);
    case 'pending': {
      const { topic, msgId, instanceId } = answer.target;
      return card(p.t('pending.title', { msgId }), 'blue', [
        plain(`🔎 ${p.t('pending.lookingUp', { msgId, topic, instance: instanceId })}`),
        note(p.t('pending.willPost', { reason: pendingReason(p, answer.because) })),
      ]);
    }
    case 'help':
      return card(p.t('help.title'), 'blue', helpElements(helpView(p, answer.help), p));
    case 'usage':
      return card(p.t('usage.title'), 'orange', [plain(`⚠️ ${p.loose(answer.problem)}`), ...helpElements(helpView(p, answer.help), p)]);
    case 'failure': {
      const f = failureView(p, answer);
      return card(`⚠️ ${f.title}`, 'orange', [plain(f.text), ...followUps(p, view, answer.actions ?? [], options.buttons), note(f.ref)]);
    }
    case 'denied':
      return card(p.t('denied.title'), 'grey', [plain(`⛔ ${p.t('denied.text')}`)]);
  }
}

function followUps(p: Presenter, view: RenderView, actions: readonly ChatAction[], buttons: boolean): FeishuElement[] {
  if (actions.length === 0) return [];
  if (!buttons) return [bold(p.t('action.next')), plain(actions.map((a) => `${actionLabel(p, a)}: ${pasteReady(view.invocation, a.command)}`).join('\n'))];
  return [
    {
      tag: 'action',
      actions: actions.map((a, i) => ({
        tag: 'button',
        text: { tag: 'plain_text', content: actionLabel(p, a) },
        type: i === 0 ? 'primary' : 'default',
        value: { [FEISHU_COMMAND_KEY]: a.command },
      })),
    },
  ];
}

function helpElements(help: HelpView, p: Presenter): FeishuElement[] {
  const commands = help.commands.map((c) => [`${c.usage}`, `  ${c.summary}`, ...c.examples.map((e) => `  ${p.t('help.example')} ${e}`)].join('\n'));
  const elements = [bold(p.t('help.heading')), plain(commands.join('\n'))];
  if (help.options.length > 0) elements.push(bold(p.t('help.options')), plain(help.options.map((o) => `${o.flag}  ${o.summary}`).join('\n')));
  if (help.notes.length > 0) elements.push(note(help.notes.join('\n')));
  return elements;
}

function groupElement(p: Presenter, group: TraceReport['groups'][number]): FeishuElement {
  const lines = [`${group.consumerGroup} · ${group.trackType}`, domainText(p, group.meaning), domainText(p, group.advice)];
  if (group.exceptionDesc) lines.push(`> ${group.exceptionDesc}`);
  return plain(lines.join('\n'));
}

function sectionElements(s: ChatSection, items: number): FeishuElement[] {
  const shown = (s.items ?? []).slice(0, items).map((item) => {
    const lines = [`${MARKER_SYMBOLS[item.marker]} ${item.title}`];
    if (item.detail) lines.push(clipText(item.detail, 600));
    if (item.evidence && item.evidence.length > 0) lines.push(`(${item.evidence.join(' · ')})`);
    return lines.join('\n');
  });
  const hidden = (s.items?.length ?? 0) - shown.length;
  const text = [...s.lines, ...shown, ...(hidden > 0 && s.more ? [s.more(hidden)] : [])].join('\n');
  return [bold(s.title), ...(text ? [plain(text)] : [])];
}

function reportCard(p: Presenter, view: RenderView, report: TraceReport, sections: readonly ChatSection[], actions: readonly ChatAction[], buttons: boolean): FeishuCard {
  const title = `${VERDICT_SYMBOLS[report.verdict]} ${verdictTitle(p, report.verdict)} · ${report.topic}`;
  const fields = (label: string, value: string) => ({ is_short: true, text: { tag: 'lark_md' as const, content: `**${escapeLarkMd(label)}**\n${escapeLarkMd(value)}` } });
  const head: FeishuElement[] = [
    plain(summaryOf(p, report)),
    { tag: 'div', fields: [fields(p.t('report.topic'), report.topic), fields(p.t('report.msgId'), report.msgId), fields(p.t('report.instance'), report.instanceId)] },
    { tag: 'hr' },
    bold(p.t('report.groups')),
  ];
  const build = (groupCount: number, itemCount: number): FeishuCard => {
    const groups = report.groups.slice(0, groupCount).map((g) => groupElement(p, g));
    const hidden = report.groups.length - groups.length;
    if (hidden > 0) groups.push(plain(moreGroupsText(p, hidden)));
    if (report.groups.length === 0) groups.push(plain(p.t('report.noGroups')));
    const tail: FeishuElement[] = [
      { tag: 'hr' },
      bold(p.t('report.messageId')),
      plain(messageIdLines(p, report.messageId).join('\n')),
      ...sections.slice(0, 5).flatMap((s) => sectionElements(s, itemCount)),
      bold(p.t('report.caveats')),
      plain(caveatLines(p, report).map((c) => `• ${c}`).join('\n')),
      ...followUps(p, view, actions, buttons),
      note(referenceText(p, report)),
    ];
    return {
      config: { wide_screen_mode: true },
      header: { template: TEMPLATES[report.verdict], title: { tag: 'plain_text', content: clipText(title, 100) } },
      elements: [...head, ...groups, ...tail],
    };
  };
  // Findings first give way (down to five), then groups, until the request fits.
  const maxItems = Math.max(0, ...sections.map((s) => s.items?.length ?? 0));
  let items = maxItems;
  let groups = report.groups.length;
  let card = build(groups, items);
  while (feishuRequestBytes(card) > FEISHU_MAX_REQUEST_BYTES && items > 5) card = build(groups, (items = Math.max(5, Math.floor(items / 2))));
  while (feishuRequestBytes(card) > FEISHU_MAX_REQUEST_BYTES && groups > 0) card = build((groups = Math.floor(groups * 0.8)), items);
  while (feishuRequestBytes(card) > FEISHU_MAX_REQUEST_BYTES && items > 0) card = build(groups, (items = Math.floor(items / 2)));
  return card;
}

/**
 * A find or a journey: the headline, the entries as plain text (each line with its paste-ready
 * command), the buttons, the notes and the reference; entries give way ("… and N more lines")
 * until the request fits.
 */
function exploreCard(p: Presenter, view: RenderView, v: ExploreView, buttons: boolean): FeishuCard {
  const lines = v.entries.map((e) => {
    const pad = e.nested ? '    ' : '';
    const out = [`${pad}${e.icon ? `${exploreSymbol(e.icon)} ` : '• '}${e.text}`];
    if (e.detail) out.push(`${pad}    ${clipText(e.detail, 300)}`);
    if (e.follow) out.push(`${pad}    ${pasteReady(view.invocation, e.follow.command)}`);
    return out.join('\n');
  });
  const notes = v.notes.map((n) => `${n.marker ? MARKER_SYMBOLS[n.marker] : '•'} ${n.text}`);
  const build = (shown: number): FeishuCard => {
    const kept = lines.slice(0, shown);
    if (shown < lines.length) kept.push(p.t('explore.moreLines', { n: lines.length - shown }));
    // A div holds at most MAX_TEXT characters: whole lines go into as many as they need.
    const chunks: string[] = [];
    for (const line of kept) {
      const last = chunks.length - 1;
      if (last >= 0 && (chunks[last] as string).length + line.length + 1 <= MAX_TEXT) chunks[last] = `${chunks[last]}\n${line}`;
      else chunks.push(line);
    }
    return {
      config: { wide_screen_mode: true },
      header: { template: v.verdict ? TEMPLATES[v.verdict] : 'blue', title: { tag: 'plain_text', content: clipText(`${v.verdict ? `${VERDICT_SYMBOLS[v.verdict]} ` : ''}${v.title}`, 100) } },
      elements: [
        plain(v.headline),
        { tag: 'hr' },
        ...chunks.map(plain),
        ...followUps(p, view, buttons ? exploreButtons(v) : v.actions, buttons),
        ...(notes.length > 0 ? [{ tag: 'hr' } as FeishuElement, plain(notes.join('\n'))] : []),
        note(v.reference),
      ],
    };
  };
  let shown = lines.length;
  let card = build(shown);
  while (feishuRequestBytes(card) > FEISHU_MAX_REQUEST_BYTES && shown > 0) card = build((shown = Math.floor(shown * 0.8)));
  return card;
}
