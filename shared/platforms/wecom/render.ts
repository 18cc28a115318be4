import { alertHeadline, failingCheckSummary, type AlertContent } from '../../alerts/alert-content';
import { journeyCommand, recheckCommand } from '../../alerts/recheck-command';
import { clipBytes, fitEntries, utf8Bytes, type ChatAction, type ChatAnswer } from '../../chat/chat-answer';
import {
  actionLabel,
  caveatLines,
  domainText,
  failureView,
  helpView,
  moreGroupsText,
  pasteReady,
  pendingReason,
  referenceText,
  reportSections,
  summaryOf,
  verdictTitle,
} from '../../chat/present';
import type { Presenter } from '../../i18n/translator';
import { exploreView } from '../../chat/explore-view';
import type { RenderView } from '../platform-port';
import { exploreSymbol, MARKER_SYMBOLS, VERDICT_SYMBOLS } from '../symbols';

/**
 * Byte caps (UTF-8): app `markdown` and `text` messages, and passive text replies, take at most
 * 2,048 bytes (UNVERIFIED for app markdown: the group robot's cap is 4,096, round2.md §6.4).
 */
export const WECOM_APP_MAX_BYTES = 2048;
/** "markdown内容，最长不超过4096个字节，必须是utf8编码" (group robot, round2.md §6.4). */
export const WECOM_ROBOT_MAX_BYTES = 4096;

export type WeComStyle = 'markdown' | 'text';


/**
 * Neutralises WeCom markdown in text from outside: the marks become their full-width look-alikes,
 * since WeCom documents no escape (so the text still reads the same).
 */
export function escapeWeComMarkdown(text: string): string {
  return text.replace(/[<>*`[\]#]/g, (c) => ({ '<': '＜', '>': '＞', '*': '＊', '`': '｀', '[': '［', ']': '］', '#': '＃' })[c] ?? c).replace(/\r?\n/g, ' ');
}

interface Style {
  esc: (t: string) => string;
  bold: (t: string) => string;
  heading: (t: string) => string;
  quote: (t: string) => string;
}

const STYLES: Record<WeComStyle, Style> = {
  markdown: { esc: escapeWeComMarkdown, bold: (t) => `**${t}**`, heading: (t) => `### ${t}`, quote: (t) => `> ${t}` },
  text: { esc: (t) => t, bold: (t) => t, heading: (t) => t, quote: (t) => t },
};

/** Lines, the first `required` always kept, the rest while they fit `maxBytes`, each line cut to fit. */
function fitToBytes(required: string[], optional: string[][], maxBytes: number): string {
  const out = required.map((l) => clipBytes(l, 600));
  let used = utf8Bytes(out.join('\n'));
  for (const block of optional) {
    const size = utf8Bytes(block.join('\n')) + 1;
    if (used + size > maxBytes) continue;
    out.push(...block);
    used += size;
  }
  return clipBytes(out.join('\n'), maxBytes);
}

/**
 * Renders any {@link ChatAnswer} for WeCom within `maxBytes`: `markdown` for app messages (the
 * deferred answer), `text` for passive replies. WeCom's app callback has no button callback without
 * template cards, so follow-ups are paste-ready commands.
 */
export function renderWeComMessage(answer: ChatAnswer, view: RenderView, style: WeComStyle, maxBytes = WECOM_APP_MAX_BYTES): string {
  const p = view.presenter;
  const s = STYLES[style];
  const next = (actions: readonly ChatAction[]) => (actions.length === 0 ? [] : [[s.bold(s.esc(p.t('action.next'))), ...actions.map((a) => `• ${s.esc(actionLabel(p, a))} ${s.esc(pasteReady(view.invocation, a.command))}`)]]);
  switch (answer.kind) {
    case 'report': {
      const { report } = answer;
      const head = [
        s.heading(`${VERDICT_SYMBOLS[report.verdict]} ${s.esc(verdictTitle(p, report.verdict))} · ${s.esc(report.topic)}`),
        s.esc(summaryOf(p, report)),
        `${s.esc(p.t('report.msgId'))} ${s.esc(report.msgId)} · ${s.esc(p.t('report.instance'))} ${s.esc(report.instanceId)}`,
      ];
      const groupLines = report.groups.map((g) => `• ${s.bold(s.esc(g.consumerGroup))} · ${s.esc(g.trackType)}: ${s.esc(domainText(p, g.meaning))}`);
      const reference = s.quote(s.esc(referenceText(p, report)));
      // Leave room for what follows the groups; they are cut first, with "… and N more".
      const budget = maxBytes - utf8Bytes([...head, reference].join('\n')) - 200;
      const groups: string[] = [];
      let used = 0;
      for (const line of groupLines) {
        if (used + utf8Bytes(line) + 1 > budget) break;
        groups.push(line);
        used += utf8Bytes(line) + 1;
      }
      if (groups.length < groupLines.length) groups.push(`• ${s.esc(moreGroupsText(p, groupLines.length - groups.length))}`);
      if (report.groups.length === 0) groups.push(s.esc(p.t('report.noGroups')));
      const why = reportSections(p, answer).map((section) => [
        s.bold(s.esc(section.title)),
        ...section.lines.map(s.esc),
        ...(section.items ?? []).map((item) => `${MARKER_SYMBOLS[item.marker]} ${s.esc(item.title)}${item.evidence?.length ? ` (${s.esc(item.evidence.join(' · '))})` : ''}`),
      ]);
      const caveats = [s.bold(s.esc(p.t('report.caveats'))), ...caveatLines(p, report).map((c) => `• ${s.esc(c)}`)];
      return fitToBytes([...head, ...groups], [...next(answer.actions ?? []), ...why, [reference], caveats], maxBytes);
    }
    case 'find':
    case 'journey': {
      // Few bytes: each line keeps its paste-ready command, details are cut short, lines that do not fit are counted.
      const v = exploreView(p, answer);
      const head = [s.heading(`${v.verdict ? `${VERDICT_SYMBOLS[v.verdict]} ` : ''}${s.esc(v.title)}`), s.bold(s.esc(v.headline))];
      const lines = v.entries.map((e) => {
        const text = `${e.nested ? '  ↳ ' : ''}${e.icon ? `${exploreSymbol(e.icon)} ` : '• '}${s.esc(e.text)}`;
        const detail = e.detail ? ` ${s.esc(clipBytes(e.detail, 120))}` : '';
        return clipBytes(`${text}${detail}${e.follow ? ` · ${s.esc(pasteReady(view.invocation, e.follow.command))}` : ''}`, 600);
      });
      const reference = s.quote(s.esc(v.reference));
      const notes = v.notes.map((n) => `${n.marker ? MARKER_SYMBOLS[n.marker] : '•'} ${s.esc(n.text)}`);
      const budget = maxBytes - utf8Bytes([...head, reference, ...(next(v.actions)[0] ?? [])].join('\n')) - 40;
      const shown = fitEntries(lines, { max: budget, size: utf8Bytes, separatorSize: 1, more: (hidden) => `• ${s.esc(p.t('explore.moreLines', { n: hidden }))}` });
      return fitToBytes([...head, ...shown], [...next(v.actions), [reference], ...notes.map((n) => [n])], maxBytes);
    }
    case 'pending': {
      const { topic, msgId, instanceId } = answer.target;
      return fitToBytes([`🔎 ${s.esc(p.t('pending.lookingUp', { msgId, topic, instance: instanceId }))}`, s.esc(p.t('pending.willPost', { reason: pendingReason(p, answer.because) }))], [], maxBytes);
    }
    case 'help': {
      const help = helpView(p, answer.help);
      return fitToBytes([s.bold(s.esc(p.t('help.title'))), ...help.commands.map((c) => `• ${s.esc(c.usage)}: ${s.esc(c.summary)}`)], [help.notes.map((n) => `• ${s.esc(n)}`)], maxBytes);
    }
    case 'usage': {
      const help = helpView(p, answer.help);
      return fitToBytes([`⚠️ ${s.esc(p.loose(answer.problem))}`, ...help.commands.map((c) => `• ${s.esc(c.usage)}`)], [help.notes.map((n) => `• ${s.esc(n)}`)], maxBytes);
    }
    case 'failure': {
      const f = failureView(p, answer);
      return fitToBytes([`⚠️ ${s.bold(s.esc(f.title))}`, s.esc(f.text), s.quote(s.esc(f.ref))], next(answer.actions ?? []), maxBytes);
    }
    case 'denied':
      return `⛔ ${s.esc(p.t('denied.text'))}`;
  }
}

/** An alert as group-robot markdown within {@link WECOM_ROBOT_MAX_BYTES}, examples with their paste-ready re-check and journey commands. */
export function renderWeComAlert(content: AlertContent, p: Presenter, invocation: string): string {
  const esc = escapeWeComMarkdown;
  const checks = content.failing.map((check) => [
    `**${esc(check.name)}** · ${esc(p.t('alert.topic'))} ${esc(check.topic)} · ${esc(check.instanceId)}${check.repeat ? ` · ${esc(p.t('alert.stillFailing'))}` : ''}`,
    esc(failingCheckSummary(check, p)),
    ...check.examples.map((e) => {
      const target = { topic: check.topic, msgId: e.msgId, instanceId: check.instanceId };
      return `> ${esc(e.msgId)}: ${esc(e.reasons)}\n> ${esc(p.t('alert.recheck'))} ${esc(recheckCommand(invocation, target))}\n> ${esc(p.t('alert.journey'))} ${esc(journeyCommand(invocation, target))}`;
    }),
  ]);
  const tail = [
    ...(content.recovered.length > 0 ? [`**${esc(p.t('alert.recoveredTitle'))}**`, ...content.recovered.map((r) => `${esc(r.name)} (${esc(r.topic)} · ${esc(r.instanceId)}): ${esc(p.t('alert.recoveredLine', { checked: r.checked }))}`)] : []),
    ...(content.quiet.length > 0 ? [esc(p.t('alert.quiet', { names: content.quiet.join(', ') }))] : []),
    `<font color="comment">${esc(p.t('alert.footer', { runId: content.runId, at: p.time.format(content.checkedAt) }))}</font>`,
  ];
  const head = `### ${esc(alertHeadline(content, p))}`;
  const reserve = utf8Bytes([head, ...tail].join('\n')) + 120;
  const shown: string[] = [];
  let used = reserve;
  let count = 0;
  for (const block of checks) {
    const text = block.join('\n');
    if (used + utf8Bytes(text) + 1 > WECOM_ROBOT_MAX_BYTES) break;
    shown.push(text);
    used += utf8Bytes(text) + 1;
    count++;
  }
  if (count < checks.length) shown.push(esc(p.t('alert.moreChecks', { n: checks.length - count })));
  return clipBytes([head, ...shown, ...tail].join('\n'), WECOM_ROBOT_MAX_BYTES);
}
