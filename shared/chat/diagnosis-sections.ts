import { formatDuration } from '../trace/findings';
import type { Diagnosis, EvidenceValue, Finding, SkippedCheck } from '../trace/report-schema';
import type { ChatSection, ChatSectionItem } from './chat-answer';

const CHECK_NAMES: Record<SkippedCheck['check'], (group: string | undefined) => string> = {
  MESSAGE_DETAIL: () => "the message's stored details",
  CONSUMER_ACCUMULATE: (g) => `${g ?? 'the group'}'s backlog`,
  CONSUMER_CONNECTIONS: (g) => `${g ?? 'the group'}'s connected clients`,
  CONSUMER_STATUS: (g) => `${g ?? 'the group'}'s subscriptions and rebalance state`,
  DLQ: (g) => `${g ?? 'the group'}'s dead-letter queue`,
};

/**
 * A diagnosis as chat sections: "Why" with the findings (most severe first) and, when the
 * diagnosis is partial, "Not checked" with one "could not check X (reason)" per skipped check.
 */
export function diagnosisSections(diagnosis: Diagnosis): ChatSection[] {
  const lines: string[] = [];
  if (diagnosis.message) lines.push(messageLine(diagnosis.message));
  if (diagnosis.findings.length === 0) {
    lines.push(diagnosis.skippedChecks.length > 0 ? 'No finding from the checks that ran.' : 'Nothing to explain: no check found a problem.');
  }
  const sections: ChatSection[] = [
    { title: 'Why', lines, items: diagnosis.findings.map(findingItem), itemNoun: ['finding', 'findings'] },
  ];
  if (diagnosis.skippedChecks.length > 0) {
    sections.push({
      title: 'Not checked (partial diagnosis)',
      lines: [],
      items: diagnosis.skippedChecks.map(skippedItem),
      itemNoun: ['check', 'checks'],
    });
  }
  return sections;
}

/** The section for an unconsumed message left unexplained because the inline budget was spent. */
export function explainLaterSection(command: string): ChatSection {
  return { title: 'Why', lines: [`Not explained here: there was no time left. Send "${command} why" to explain it.`] };
}

function messageLine(m: NonNullable<Diagnosis['message']>): string {
  const parts = [`tag ${m.tag === null ? '(none)' : `"${m.tag}"`}`];
  if (m.keys.length > 0) parts.push(`keys ${m.keys.join(', ')}`);
  if (m.bornAt) parts.push(`born ${m.bornAt}${m.bornHost ? ` on ${m.bornHost}` : ''}`);
  if (m.reconsumeTimes > 0) parts.push(`retries ${count(m.reconsumeTimes)}`);
  return `Message: ${parts.join(' · ')}`;
}

function findingItem(finding: Finding): ChatSectionItem {
  return { marker: finding.severity, title: finding.title, detail: finding.detail, evidence: keyEvidence(finding) };
}

function skippedItem(s: SkippedCheck): ChatSectionItem {
  const reason = [s.reason, s.upstreamCode].filter(Boolean).join(' ');
  return { marker: 'SKIPPED', title: `could not check ${CHECK_NAMES[s.check](s.group)} (${reason})`, detail: s.detail };
}

/** The few numbers a reader needs at a glance; the full evidence stays in the JSON API. */
export function keyEvidence(finding: Finding): string[] {
  const e = finding.evidence;
  const out: string[] = [];
  const add = (text: string | undefined) => {
    if (text) out.push(text);
  };
  switch (finding.code) {
    case 'BACKLOG':
      add(num(e.totalDiff, (n) => `backlog ${count(n)} message${n === 1 ? '' : 's'}`));
      add(num(e.delayMs, (n) => `delay ${formatDuration(n)}`));
      add(num(e.consumeTps, (n) => `${count(n)} msg/s`));
      break;
    case 'IN_DLQ':
      add(num(e.reconsumeTimes, (n) => `retries ${count(n)}`));
      add(str(e.deadLetteredAt, (t) => `dead-lettered ${t}`));
      break;
    case 'GROUP_OFFLINE':
      add(num(e.connectedClients, (n) => `connected clients ${count(n)}`));
      add(str(e.lastConsumedBornAt, (t) => `last consumed message born ${t}`));
      break;
    case 'TAG_NOT_SUBSCRIBED':
      add(`tag ${typeof e.tag === 'string' ? `"${e.tag}"` : '(none)'}`);
      add(list(e.expressions, (l) => `expressions ${l.join(', ')}`));
      add(list(e.clientsExcluding, (l) => `${count(l.length)} of ${typeof e.clients === 'number' ? count(e.clients) : '?'} clients exclude it`));
      break;
    case 'SUBSCRIPTIONS_INCONSISTENT':
      add(num(e.clients, (n) => `clients ${count(n)}`));
      add(list(e.subscriptions, (l) => l.slice(0, 3).join('; ') + (l.length > 3 ? ` (+${l.length - 3})` : '')));
      break;
    case 'REBALANCE_NOT_OK':
      add(num(e.clients, (n) => `clients ${count(n)}`));
      add(str(e.consumeModel, (m) => `model ${m}`));
      break;
    case 'MESSAGE_TOO_RECENT':
      add(num(e.ageMs, (n) => `age ${formatDuration(n)}`));
      add(list(e.waitingGroups, (l) => `waiting ${l.join(', ')}`));
      break;
    case 'RECONSUMED':
      add(num(e.reconsumeTimes, (n) => `retries ${count(n)}`));
      add(list(e.consumedBy, (l) => `consumed by ${l.join(', ')}`));
      break;
    case 'NO_CAUSE_FOUND':
      add(num(e.connectedClients, (n) => `connected clients ${count(n)}`));
      add(num(e.totalDiff, (n) => `backlog ${count(n)} message${n === 1 ? '' : 's'}`));
      break;
  }
  return out;
}

const count = (n: number) => n.toLocaleString('en-US');
const num = (v: EvidenceValue | undefined, f: (n: number) => string) => (typeof v === 'number' ? f(v) : undefined);
const str = (v: EvidenceValue | undefined, f: (s: string) => string) => (typeof v === 'string' ? f(v) : undefined);
const list = (v: EvidenceValue | undefined, f: (l: string[]) => string) => (Array.isArray(v) && v.length > 0 ? f(v) : undefined);
