import { zhDomainText } from '../i18n/domain-zh';
import type { Presenter } from '../i18n/translator';
import type { GroupReport, MessageIdFacts, TraceReport } from '../trace/report-schema';
import type { Verdict } from '../trace/verdict';
import type { ChatAction, ChatAnswer, ChatReference, ChatSection } from './chat-answer';
import { CHAT_FAILURE_BY_CODE } from './chat-error-table';
import type { HelpDoc } from './command-registry';
import { diagnosisSections, explainLaterSection } from './diagnosis-sections';

/**
 * The neutral answer data worded for one reader: the catalogue of their locale, times in the
 * configured zone. Renderers lay these strings out; none of them holds a sentence of its own.
 */

export function verdictTitle(p: Presenter, verdict: Verdict): string {
  return p.t(`verdict.${verdict}`);
}

const PENDING = new Set(['NOT_CONSUME_YET', 'NOT_ONLINE']);

/** The report's summary, worded as `shared/trace/verdict.ts` decides it (the JSON keeps the English). */
export function summaryOf(p: Presenter, report: Pick<TraceReport, 'groups'>): string {
  const tracks = report.groups;
  if (tracks.length === 0) return p.t('summary.none');
  const relevant = tracks.filter((t) => t.trackType !== 'CONSUMED_BUT_FILTERED');
  if (relevant.length === 0) return p.t('summary.allFiltered', { n: tracks.length });
  const consumed = relevant.filter((t) => t.trackType === 'CONSUMED');
  const pending = relevant.filter((t) => PENDING.has(t.trackType));
  const names = (list: readonly GroupReport[]) => p.list(list.map((t) => t.consumerGroup));
  if (consumed.length === relevant.length) return p.t('summary.consumed', { n: consumed.length });
  if (pending.length > 0 && consumed.length > 0) return p.t('summary.partial', { consumed: consumed.length, total: relevant.length, pending: names(pending) });
  if (pending.length > 0) return p.t('summary.notConsumed', { pending: names(pending) });
  const undecided = relevant.length - consumed.length;
  return consumed.length > 0 ? p.t('summary.unknownSome', { n: undecided, consumed: consumed.length }) : p.t('summary.unknown', { n: undecided });
}

/** A domain sentence (a guide's meaning or advice) in the reader's language. */
export function domainText(p: Presenter, text: string): string {
  return p.locale === 'zh-CN' ? zhDomainText(text) : text;
}

export function caveatLines(p: Presenter, report: TraceReport): string[] {
  return report.caveats.map((c) => p.t(`caveat.${c.code}`));
}

/** What the message ID itself reveals, as plain sentences every renderer shares. */
export function messageIdLines(p: Presenter, facts: MessageIdFacts | null): string[] {
  if (!facts) return [p.t('msgid.undecodable')];
  switch (facts.kind) {
    case 'CLIENT_ID_4X':
      return [
        p.t('msgid.CLIENT_ID_4X'),
        p.t('msgid.producer4x', { ip: facts.producerIp, pid: facts.producerPid, sentAt: p.time.format(facts.approxSentAt), assumption: assumption(p, facts.assumption, 'msgid.assumption4x') }),
        ...(facts.ambiguous ? [p.t('msgid.ambiguous')] : []),
      ];
    case 'OFFSET_ID_4X':
      return [p.t('msgid.OFFSET_ID_4X'), p.t('msgid.broker', { host: facts.brokerHost, port: facts.brokerPort, offset: facts.commitLogOffset })];
    case 'MESSAGE_ID_5X':
      return [
        p.t('msgid.MESSAGE_ID_5X'),
        p.t('msgid.producer5x', { mac: facts.producerMac, pid: facts.producerPid, sequence: facts.sequence, sentAt: p.time.format(facts.approxSentAt), assumption: assumption(p, facts.assumption, 'msgid.assumption5x') }),
      ];
  }
}

// The domain words the producer's zone into its assumption; the catalogue words the rest.
function assumption(p: Presenter, text: string, key: 'msgid.assumption4x' | 'msgid.assumption5x'): string {
  const zone = /ran in (UTC[+-]?[\d:]*)/.exec(text)?.[1];
  return zone ? p.t(key, { zone }) : text;
}

/** Ids to quote in a support ticket. */
export function referenceText(p: Presenter, report: TraceReport): string {
  return p.t('report.reference', { checkedAt: p.time.format(report.checkedAt), requestId: report.requestId, upstreamRequestId: report.upstreamRequestId });
}

/** "… and N more groups": the line that replaces groups cut to fit a platform's limits. */
export function moreGroupsText(p: Presenter, hidden: number): string {
  return p.t('report.moreGroups', { n: hidden });
}

/** The extra sections under a report: the diagnosis, or the hint to ask why. */
export function reportSections(p: Presenter, answer: Extract<ChatAnswer, { kind: 'report' }>): ChatSection[] {
  if (answer.report.diagnosis) return diagnosisSections(p, answer.report.diagnosis);
  return answer.explainLater ? [explainLaterSection(p, answer.explainLater)] : [];
}

/** The help text, worded. */
export interface HelpView {
  commands: Array<{ usage: string; summary: string; examples: string[] }>;
  options: Array<{ flag: string; summary: string }>;
  notes: string[];
}

export function helpView(p: Presenter, help: HelpDoc): HelpView {
  const notes = help.args.map((a) => p.t('help.argNote', { name: a.name, description: p.loose({ key: a.description }) }));
  notes.push(help.defaultInstance ? p.t('help.defaultInstance', { instance: help.defaultInstance }) : p.t('help.noDefaultInstance'));
  if (help.aliases.length > 0) notes.push(p.t('help.aliases', { aliases: help.aliases.join(', ') }));
  if (help.chineseForms.length > 0) notes.push(p.t('help.chineseForms', { forms: help.chineseForms.join(', ') }));
  return {
    commands: help.commands.map((c) => ({ usage: c.usage, summary: p.loose({ key: c.summary }), examples: c.examples })),
    options: help.options.map((o) => ({ flag: o.flag, summary: p.loose({ key: o.summary }) })),
    notes,
  };
}

/** A failure's title, its sentence, and the ids to quote. */
export interface FailureView {
  title: string;
  text: string;
  ref: string;
}

export function failureView(p: Presenter, answer: Extract<ChatAnswer, { kind: 'failure' }>): FailureView {
  const spec = CHAT_FAILURE_BY_CODE[answer.code];
  const hint = p.t(`failure.${answer.code}.hint`);
  const retry = answer.retryAfterSeconds !== undefined ? ` ${p.t('failure.retryIn', { seconds: answer.retryAfterSeconds })}` : '';
  const text = spec.showMessage && answer.message ? p.t('failure.withMessage', { message: capitalise(answer.message), hint }) : `${hint}${retry}`;
  return { title: p.t(`failure.${answer.code}.title`), text, ref: refText(p, answer.ref) };
}

function refText(p: Presenter, ref: ChatReference): string {
  const parts = [p.t('failure.request', { id: ref.requestId })];
  if (ref.upstreamCode) parts.push(p.t('failure.upstreamCode', { code: ref.upstreamCode }));
  if (ref.upstreamRequestId) parts.push(p.t('failure.upstreamRequest', { id: ref.upstreamRequestId }));
  return parts.join(' · ');
}

/** Why a deferred answer is on its way, as the "Looking up…" acknowledgement says it. */
export function pendingReason(p: Presenter, because: string | undefined): string {
  if (because === 'EXPLAIN_BUDGET') return p.t('pending.EXPLAIN_BUDGET');
  if (because === 'THROTTLED') return p.t('pending.THROTTLED');
  if (because === 'TRACE_TASK') return p.t('pending.TRACE_TASK');
  return p.t('pending.SLOW');
}

/** A follow-up's label. */
export function actionLabel(p: Presenter, action: ChatAction): string {
  const label = p.loose({ key: action.label });
  return action.subject ? `${label} · ${action.subject}` : label;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).replace(/[.\s]+$/, '');
}

/** The text to paste for a follow-up: the platform's invocation (when it has one) and the command. */
export function pasteReady(invocation: string, command: string): string {
  return [invocation, command].filter(Boolean).join(' ');
}
