import { ZH_FINDINGS } from '../i18n/domain-zh';
import type { Presenter } from '../i18n/translator';
import type { FindReport } from '../trace/find-schema';
import type { AttemptOutcome } from '../trace/journey';
import type { JourneyAttemptReport, JourneyGroupReport, JourneyReport } from '../trace/journey-schema';
import type { Finding } from '../trace/report-schema';
import type { Verdict } from '../trace/verdict';
import type { ChatAction, ChatAnswer, ChatMarker } from './chat-answer';
import { journeyFollowUp } from './command-registry';
import { formatDuration } from './diagnosis-sections';
import { domainText, verdictTitle } from './present';

/**
 * Find and journey answers worded for one reader, the same on every platform: one line per
 * message with the journey that looks closer; a compact timeline with the first and last attempts
 * of each group in full and the ones between counted. Times are in the configured zone. Pure.
 */

/** What a line shows before its text; each platform has its own symbol for each. */
export type ExploreIcon = 'send' | 'store' | 'group' | 'deadLetter' | `verdict:${Verdict}` | `attempt:${AttemptOutcome}`;

/** One line of a find or journey answer: a message, or a step of a timeline. */
export interface ExploreEntry {
  icon?: ExploreIcon;
  text: string;
  /** A second line, e.g. the verdict's summary or the send's status text. */
  detail?: string;
  /** The follow-up that looks closer (a found message's journey), shown as the command to paste. */
  follow?: ChatAction;
  /** A step under the entry before it (an attempt under its group). */
  nested?: boolean;
}

/** A note after the entries: a finding (with its marker), what was left out, a caveat. */
export interface ExploreNote {
  marker?: ChatMarker;
  text: string;
}

/** A find or a journey as chat shows it: a headline first, then the entries, then the notes. */
export interface ExploreView {
  title: string;
  /** A journey's verdict, for platforms that colour the answer by it. */
  verdict?: Verdict;
  headline: string;
  entries: ExploreEntry[];
  notes: ExploreNote[];
  /** Ids to quote in a ticket. */
  reference: string;
  /** Follow-ups: buttons where the platform calls back, paste-ready commands elsewhere. */
  actions: readonly ChatAction[];
}

/** Attempts shown in full at each end of a group's list; the ones between are counted. */
export const TIMELINE_ENDS = 1;

/** At most this many found messages get a Journey button (Slack, Feishu); every line keeps its paste-ready command. */
export const MAX_ENTRY_BUTTONS = 5;

/** The buttons of a view where the platform calls back: its follow-ups, then the first entries' journeys. */
export function exploreButtons(view: ExploreView): ChatAction[] {
  const follows = view.entries.flatMap((e) => (e.follow ? [e.follow] : [])).slice(0, MAX_ENTRY_BUTTONS);
  return [...view.actions, ...follows];
}

/** A find's or a journey's answer, worded. */
export function exploreView(p: Presenter, answer: Extract<ChatAnswer, { kind: 'find' | 'journey' }>): ExploreView {
  return answer.kind === 'find' ? findView(p, answer.report) : journeyView(p, answer.report, answer.actions ?? []);
}

/** `3 CONSUMED, 1 NOT_CONSUMED`: the non-zero counts, then the ones not checked. */
function counts(p: Presenter, byVerdict: Record<string, number>, failed: number): string {
  const parts = Object.entries(byVerdict)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${p.count(n)} ${v}`);
  if (failed > 0) parts.push(p.t('find.notChecked', { n: failed }));
  return parts.join(', ') || p.t('find.none');
}

/** The find's view: counts first, then one line per listed message with its journey. */
export function findView(p: Presenter, report: FindReport): ExploreView {
  const q = report.query;
  const what = q.kind === 'key' ? p.t('find.key', { key: q.key }) : [`${p.time.format(q.from)} … ${p.time.format(q.to)}`, ...(q.tag ? [p.t('find.tag', { tag: q.tag })] : [])].join(' · ');
  const s = report.summary;
  const tally = counts(p, s.byVerdict, s.failed);
  let headline: string;
  if (q.kind === 'key') {
    headline = s.found === 0 ? p.t('find.keyNone', { topic: report.topic, key: q.key }) : p.t('find.keySome', { found: s.found, key: q.key, examined: s.examined, counts: tally });
  } else if (s.found === 0) {
    headline = q.tag ? p.t('find.windowNoneTag', { topic: report.topic, tag: q.tag }) : p.t('find.windowNone', { topic: report.topic });
  } else {
    headline = `${p.t('find.windowSome', { examined: s.examined, found: s.found, counts: tally })} ${p.t(report.messages.length === 0 ? 'find.allConsumed' : 'find.notConsumed')}`;
  }
  const entries: ExploreEntry[] = report.messages.map((m) => ({
    icon: `verdict:${m.verdict}`,
    text: [m.msgId, m.verdict, m.storedAt ? p.t('find.stored', { at: p.time.format(m.storedAt) }) : undefined, m.tag ? p.t('find.tag', { tag: m.tag }) : undefined].filter(Boolean).join(' · '),
    detail: domainText(p, m.summary),
    follow: { ...journeyFollowUp({ topic: report.topic, msgId: m.msgId, instanceId: report.instanceId }), subject: `…${m.msgId.slice(-8)}` },
  }));
  const notes: ExploreNote[] = [];
  if (report.truncated) notes.push({ text: p.t('find.more', { n: report.more, hint: domainText(p, report.truncated.hint) }) });
  notes.push(...report.caveats.map((c) => ({ text: caveatText(p, c) })));
  return {
    title: p.t('find.title', { topic: report.topic, what }),
    headline,
    entries,
    notes,
    reference: referenceOf(p, report),
    actions: [],
  };
}

/** The journey's view: the verdict, the send and the store, then per group its first and last attempts in full. */
export function journeyView(p: Presenter, report: JourneyReport, actions: readonly ChatAction[] = []): ExploreView {
  const entries: ExploreEntry[] = [];
  if (report.send) {
    const s = report.send;
    const from = [s.producerHost ? p.t('journey.from', { host: s.producerHost }) : undefined, s.producerGroup ? `(${s.producerGroup})` : undefined];
    const took = s.durationMs !== undefined ? ` ${p.t('journey.took', { duration: formatDuration(p, s.durationMs) })}` : '';
    entries.push({ icon: 'send', text: `${[p.t('journey.sent', { at: p.time.format(s.at) }), ...from].filter(Boolean).join(' ')} · ${s.status}${took}`, detail: domainText(p, s.statusText) });
  }
  if (report.store && (report.store.at || report.store.broker)) {
    const st = report.store;
    const when = st.sinceSendMs !== undefined ? since(p, st.sinceSendMs) : st.at ? p.time.format(st.at) : undefined;
    const text = [p.t('journey.stored'), when, st.broker ? p.t('journey.on', { host: st.broker }) : undefined].filter(Boolean).join(' ');
    entries.push({ icon: 'store', text: `${text}${st.status ? ` · ${st.status}` : ''}` });
  }
  for (const group of report.groups) entries.push(...groupEntries(p, group));

  const state =
    report.status === 'no_trace_data'
      ? ` ${p.t('journey.noTrace')}`
      : report.status === 'partial'
        ? ` ${p.t('journey.partial', { text: report.partial ? domainText(p, report.partial.text) : p.t('journey.partialUnknown') })}`
        : '';
  const notes: ExploreNote[] = report.findings.map((f) => findingNote(p, f));
  if (report.missingPermissions?.length) notes.push({ text: p.t('journey.missingPermissions', { actions: report.missingPermissions.join(', ') }) });
  notes.push(...report.caveats.map((c) => ({ text: caveatText(p, c) })));
  return {
    title: p.t('journey.title', { topic: report.topic, msgId: report.msgId }),
    verdict: report.verdict,
    headline: `${p.t('journey.headline', { verdict: verdictTitle(p, report.verdict), summary: domainText(p, report.summary) })}${state}`,
    entries,
    notes,
    reference: referenceOf(p, report),
    actions,
  };
}

/**
 * The journey's follow-ups: ask again when the 4.x trace task was still working (the same task is
 * polled), then the re-check of the verdict.
 */
export function journeyActions(report: JourneyReport): ChatAction[] {
  const target = { topic: report.topic, msgId: report.msgId, instanceId: report.instanceId };
  const again = report.status === 'partial' && report.partial?.reason === 'TASK_WORKING_AT_DEADLINE';
  return [
    ...(again ? [{ ...journeyFollowUp(target), label: 'action.askAgain' as const }] : []),
    { id: 'recheck', label: 'action.recheck', command: `trace ${target.topic} ${target.msgId} ${target.instanceId}` },
  ];
}

function groupEntries(p: Presenter, group: JourneyGroupReport): ExploreEntry[] {
  const n = group.attempts.length;
  const facts = [
    group.trackType,
    p.t('journey.attempts', { n }),
    group.firstDeliveryMs !== undefined ? p.t('journey.firstDelivery', { since: since(p, group.firstDeliveryMs) }) : undefined,
    group.consumedAfterMs !== undefined ? p.t('journey.consumedAfter', { since: since(p, group.consumedAfterMs) }) : undefined,
  ].filter(Boolean);
  const entries: ExploreEntry[] = [{ icon: 'group', text: `${group.consumerGroup} · ${facts.join(' · ')}` }];
  const attempt = (a: JourneyAttemptReport): ExploreEntry => {
    const where = [`#${a.reconsumeTimes}`, a.sinceSendMs !== undefined ? since(p, a.sinceSendMs) : p.time.format(a.at), a.clientHost ? p.t('journey.on', { host: a.clientHost }) : undefined];
    return { nested: true, icon: `attempt:${a.outcome}`, text: `${where.filter(Boolean).join(' ')} · ${a.status}${a.durationMs !== undefined ? ` (${formatDuration(p, a.durationMs)})` : ''}` };
  };
  if (n <= 2 * TIMELINE_ENDS + 1) entries.push(...group.attempts.map(attempt));
  else {
    const between = group.attempts.slice(TIMELINE_ENDS, n - TIMELINE_ENDS);
    const statuses = new Map<string, number>();
    for (const a of between) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    entries.push(...group.attempts.slice(0, TIMELINE_ENDS).map(attempt));
    entries.push({ nested: true, text: p.t('journey.between', { n: between.length, statuses: [...statuses].map(([s, c]) => `${c} ${s}`).join(', ') }) });
    entries.push(...group.attempts.slice(n - TIMELINE_ENDS).map(attempt));
  }
  if (group.deadLettered) {
    const d = group.deadLettered;
    const when = d.sinceSendMs !== undefined ? since(p, d.sinceSendMs) : d.at ? p.time.format(d.at) : undefined;
    entries.push({ nested: true, icon: 'deadLetter', text: [p.t('journey.deadLettered'), when, d.topic ? p.t('journey.to', { topic: d.topic }) : undefined].filter(Boolean).join(' ') });
  }
  return entries;
}

function findingNote(p: Presenter, f: Finding): ExploreNote {
  const words = { duration: (ms: number) => formatDuration(p, ms), count: p.count, time: p.time.format, list: p.list };
  const text = p.locale === 'en' ? { title: f.title, detail: f.detail } : ZH_FINDINGS[f.code](f, words);
  return { marker: f.severity, text: p.time.localise(`${text.title}: ${text.detail}`) };
}

// English keeps the report's own text (with this answer's specifics); other locales the catalogue's.
function caveatText(p: Presenter, c: { code: JourneyReport['caveats'][number]['code']; text: string }): string {
  return p.locale === 'en' ? p.time.localise(c.text) : p.t(`caveat.${c.code}`);
}

function referenceOf(p: Presenter, report: Pick<FindReport, 'checkedAt' | 'instanceId' | 'broker' | 'requestId'>): string {
  return p.t('explore.reference', { checkedAt: p.time.format(report.checkedAt), instance: report.instanceId, broker: report.broker, requestId: report.requestId });
}

/** `+1 h 2 min` after the send. */
function since(p: Presenter, ms: number): string {
  return `+${formatDuration(p, ms)}`;
}
