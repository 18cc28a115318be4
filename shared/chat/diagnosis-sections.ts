import { ZH_FINDINGS } from '../i18n/domain-zh';
import type { Presenter } from '../i18n/translator';
import type { Diagnosis, EvidenceValue, Finding, SkippedCheck } from '../trace/report-schema';
import type { ChatSection, ChatSectionItem } from './chat-answer';

/**
 * A diagnosis as chat sections in the reader's language: "Why" with the findings (most severe
 * first) and, when the diagnosis is partial, "Not checked" with one "could not check X (reason)"
 * per skipped check. English findings keep the domain's own title and detail; Chinese ones are
 * written from the finding's code and evidence.
 */
export function diagnosisSections(p: Presenter, diagnosis: Diagnosis): ChatSection[] {
  const lines: string[] = [];
  if (diagnosis.message) lines.push(messageLine(p, diagnosis.message));
  if (diagnosis.findings.length === 0) lines.push(p.t(diagnosis.skippedChecks.length > 0 ? 'diag.noFinding' : 'diag.nothing'));
  const sections: ChatSection[] = [
    { title: p.t('diag.why'), lines, items: diagnosis.findings.map((f) => findingItem(p, f)), more: (n) => p.t('diag.moreFindings', { n }) },
  ];
  if (diagnosis.skippedChecks.length > 0) {
    sections.push({
      title: p.t('diag.notChecked'),
      lines: [],
      items: diagnosis.skippedChecks.map((s) => skippedItem(p, s)),
      more: (n) => p.t('diag.moreChecks', { n }),
    });
  }
  return sections;
}

/** The section for an unconsumed message left unexplained because the inline budget was spent. */
export function explainLaterSection(p: Presenter, command: string): ChatSection {
  return { title: p.t('diag.why'), lines: [p.t('diag.later', { command })] };
}

function messageLine(p: Presenter, m: NonNullable<Diagnosis['message']>): string {
  const parts = [p.t('diag.tag', { tag: m.tag === null ? p.t('diag.noTag') : `"${m.tag}"` })];
  if (m.keys.length > 0) parts.push(p.t('diag.keys', { keys: m.keys.join(', ') }));
  if (m.bornAt) parts.push(m.bornHost ? p.t('diag.bornOn', { at: p.time.format(m.bornAt), host: m.bornHost }) : p.t('diag.born', { at: p.time.format(m.bornAt) }));
  if (m.reconsumeTimes > 0) parts.push(p.t('diag.retries', { count: p.count(m.reconsumeTimes) }));
  return p.t('diag.message', { parts: parts.join(' · ') });
}

function findingItem(p: Presenter, finding: Finding): ChatSectionItem {
  const words = { duration: (ms: number) => formatDuration(p, ms), count: p.count, time: p.time.format, list: p.list };
  const text = p.locale === 'en' ? { title: finding.title, detail: finding.detail } : ZH_FINDINGS[finding.code](finding, words);
  return { marker: finding.severity, title: p.time.localise(text.title), detail: p.time.localise(text.detail), evidence: keyEvidence(p, finding) };
}

function skippedItem(p: Presenter, s: SkippedCheck): ChatSectionItem {
  const reason = [s.reason, s.upstreamCode].filter(Boolean).join(' ');
  const group = s.group ?? p.t('check.theGroup');
  const what = s.check === 'MESSAGE_DETAIL' ? p.t('check.MESSAGE_DETAIL') : p.t(`check.${s.check}`, { group });
  // The skipped check's detail is the domain's English diagnostic; Chinese readers get the code only.
  return { marker: 'SKIPPED', title: p.t('diag.couldNotCheck', { what, reason }), ...(p.locale === 'en' ? { detail: s.detail } : {}) };
}

/** The few numbers a reader needs at a glance; the full evidence stays in the JSON API. */
export function keyEvidence(p: Presenter, finding: Finding): string[] {
  const e = finding.evidence;
  const out: string[] = [];
  const add = (text: string | undefined) => {
    if (text) out.push(text);
  };
  const duration = (ms: number) => formatDuration(p, ms);
  switch (finding.code) {
    case 'BACKLOG':
      add(num(e.totalDiff, (n) => p.t('evidence.backlog', { count: p.count(n), n })));
      add(num(e.delayMs, (n) => p.t('evidence.delay', { duration: duration(n) })));
      add(num(e.consumeTps, (n) => p.t('evidence.tps', { count: p.count(n) })));
      break;
    case 'IN_DLQ':
      add(num(e.reconsumeTimes, (n) => p.t('evidence.retries', { count: p.count(n) })));
      add(str(e.deadLetteredAt, (t) => p.t('evidence.deadLettered', { at: p.time.format(t) })));
      break;
    case 'GROUP_OFFLINE':
      add(num(e.connectedClients, (n) => p.t('evidence.connected', { count: p.count(n) })));
      add(str(e.lastConsumedBornAt, (t) => p.t('evidence.lastConsumed', { at: p.time.format(t) })));
      break;
    case 'TAG_NOT_SUBSCRIBED':
      add(p.t('evidence.tag', { tag: typeof e.tag === 'string' ? `"${e.tag}"` : p.t('diag.noTag') }));
      add(list(e.expressions, (l) => p.t('evidence.expressions', { list: l.join(', ') })));
      add(list(e.clientsExcluding, (l) => p.t('evidence.excluding', { count: p.count(l.length), total: typeof e.clients === 'number' ? p.count(e.clients) : '?' })));
      break;
    case 'SUBSCRIPTIONS_INCONSISTENT':
      add(num(e.clients, (n) => p.t('evidence.clients', { count: p.count(n) })));
      add(list(e.subscriptions, (l) => l.slice(0, 3).join('; ') + (l.length > 3 ? ` (+${l.length - 3})` : '')));
      break;
    case 'REBALANCE_NOT_OK':
      add(num(e.clients, (n) => p.t('evidence.clients', { count: p.count(n) })));
      add(str(e.consumeModel, (m) => p.t('evidence.model', { model: m })));
      break;
    case 'MESSAGE_TOO_RECENT':
      add(num(e.ageMs, (n) => p.t('evidence.age', { duration: duration(n) })));
      add(list(e.waitingGroups, (l) => p.t('evidence.waiting', { groups: p.list(l) })));
      break;
    case 'RECONSUMED':
      add(num(e.reconsumeTimes, (n) => p.t('evidence.retries', { count: p.count(n) })));
      add(list(e.consumedBy, (l) => p.t('evidence.consumedBy', { groups: p.list(l) })));
      break;
    case 'NO_CAUSE_FOUND':
      add(num(e.connectedClients, (n) => p.t('evidence.connected', { count: p.count(n) })));
      add(num(e.totalDiff, (n) => p.t('evidence.backlog', { count: p.count(n), n })));
      break;
  }
  return out;
}

/** "950 ms", "12 s", "3 min 5 s", "2 h 4 min", as `shared/trace/findings.ts` words them, per locale. */
export function formatDuration(p: Presenter, ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return p.t('duration.ms', { n: value });
  const seconds = Math.floor(value / 1000);
  if (seconds < 60) return p.t('duration.s', { n: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? p.t('duration.minS', { m: minutes, s: seconds % 60 }) : p.t('duration.min', { m: minutes });
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? p.t('duration.hMin', { h: hours, m: minutes % 60 }) : p.t('duration.h', { h: hours });
}

const num = (v: EvidenceValue | undefined, f: (n: number) => string) => (typeof v === 'number' ? f(v) : undefined);
const str = (v: EvidenceValue | undefined, f: (s: string) => string) => (typeof v === 'string' ? f(v) : undefined);
const list = (v: EvidenceValue | undefined, f: (l: string[]) => string) => (Array.isArray(v) && v.length > 0 ? f(v) : undefined);
