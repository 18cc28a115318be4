import type { TraceReport } from '../../api-client/api-client';
import { h, type Child } from './dom';
import type { Translator } from './i18n';
import { formatDuration, formatInstant } from '../../local-time';

type Diagnosis = NonNullable<TraceReport['diagnosis']>;
type Finding = Diagnosis['findings'][number];

/** Most severe first. */
export const SEVERITY_ORDER = ['CRITICAL', 'WARNING', 'INFO'];
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A term/description list; rows whose value is missing are left out. */
export function factList(rows: Array<[term: string, value: Child | undefined]>, className = 'facts'): HTMLDListElement {
  const dl = h('dl', { class: className });
  for (const [term, value] of rows) {
    if (value === undefined || value === null || value === '') continue;
    dl.append(h('dt', {}, term), h('dd', {}, value));
  }
  return dl;
}

/** A coloured label that never relies on colour alone: it always carries its word. */
export function badge(kind: string, text: string): HTMLSpanElement {
  return h('span', { class: `badge badge-${kind.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` }, text);
}

export function verdictLabel(t: Translator, verdict: string): string {
  return t.text(`verdict.${verdict}`) ?? verdict;
}

function trackLabel(t: Translator, trackType: string): string {
  const word = t.text(`track.${trackType}`);
  return word ? `${word} (${trackType})` : trackType;
}

function time(iso: string | null | undefined): Child | undefined {
  return iso ? h('time', { datetime: iso }, formatInstant(iso)) : undefined;
}

/** The verdict, the groups with meaning and advice, the message-ID facts and the caveats. */
export function renderReport(report: TraceReport, t: Translator): HTMLElement {
  const root = h('article', { class: 'report', 'aria-labelledby': 'verdict-title' });
  root.append(
    h(
      'section',
      { class: `verdict verdict-${report.verdict.toLowerCase()}` },
      h('h2', { id: 'verdict-title', tabindex: -1 }, `${t('verdictHeading')}: `, badge(`verdict-${report.verdict}`, verdictLabel(t, report.verdict))),
      h('p', { class: 'verdict-explain' }, t.text(`verdictExplain.${report.verdict}`) ?? ''),
      h('p', { class: 'summary', lang: 'en' }, report.summary),
      report.wait ? h('p', { class: 'wait-outcome' }, waitLine(t, report.wait)) : null,
      factList(
        [
          [t('instance'), h('code', {}, report.instanceId)],
          [t('topic'), h('code', {}, report.topic)],
          [t('messageId'), h('code', {}, report.msgId)],
          [t('broker'), report.broker === 'ons-4x' ? t('broker4x') : t('broker5x')],
          [t('checkedAt'), time(report.checkedAt)],
          [t('requestId'), h('code', {}, report.requestId)],
          [t('upstreamRequestId'), h('code', {}, report.upstreamRequestId)],
        ],
        'facts meta',
      ),
    ),
    renderGroups(report, t),
    renderMessageId(report, t),
    renderCaveats(report.caveats, t),
  );
  return root;
}

function waitLine(t: Translator, wait: NonNullable<TraceReport['wait']>): string {
  const vars = { waited: formatDuration(wait.waitedMs), polls: wait.polls };
  return wait.outcome === 'CONSUMED' ? t('waitConsumedAfter', vars) : t('waitTimedOutAfter', vars);
}

function renderGroups(report: TraceReport, t: Translator): HTMLElement {
  const section = h('section', { class: 'groups', 'aria-labelledby': 'groups-title' }, h('h3', { id: 'groups-title' }, t('groupsTitle', { n: report.groups.length })));
  if (report.groups.length === 0) {
    section.append(h('p', {}, t('groupsNone')));
    return section;
  }
  const list = h('ul', { class: 'group-list' });
  for (const g of report.groups) {
    list.append(
      h(
        'li',
        { class: 'group' },
        h('h4', {}, h('span', { class: 'group-name' }, g.consumerGroup), ' ', badge(`track-${g.trackType}`, trackLabel(t, g.trackType))),
        g.upstreamStatus ? h('p', { class: 'upstream-status' }, `${t('upstreamStatus')}: `, h('code', {}, g.upstreamStatus)) : null,
        h('p', {}, h('strong', {}, `${t('meaning')}: `), h('span', { lang: 'en' }, g.meaning)),
        h('p', {}, h('strong', {}, `${t('advice')}: `), h('span', { lang: 'en' }, g.advice)),
        g.exceptionDesc ? h('p', {}, h('strong', {}, `${t('exception')}: `), h('code', {}, g.exceptionDesc)) : null,
      ),
    );
  }
  section.append(list);
  return section;
}

function renderMessageId(report: TraceReport, t: Translator): HTMLElement {
  const section = h('section', { class: 'message-id', 'aria-labelledby': 'msgid-title' }, h('h3', { id: 'msgid-title' }, t('messageIdTitle')));
  const facts = report.messageId;
  if (!facts) {
    section.append(h('p', {}, t('messageIdNone')));
    return section;
  }
  section.append(h('p', { lang: 'en' }, facts.description));
  switch (facts.kind) {
    case 'CLIENT_ID_4X':
      section.append(
        factList([
          [t('idKind'), t('idKindClient4x')],
          [t('producerIp'), h('code', {}, facts.producerIp)],
          [t('producerPid'), String(facts.producerPid)],
          [t('approxSentAt'), time(facts.approxSentAt)],
          [t('counter'), String(facts.counter)],
        ]),
        h('p', { class: 'assumption', lang: 'en' }, facts.assumption),
      );
      break;
    case 'OFFSET_ID_4X':
      section.append(
        factList([
          [t('idKind'), t('idKindOffset4x')],
          [t('brokerAddress'), h('code', {}, `${facts.brokerHost}:${facts.brokerPort}`)],
          [t('commitLogOffset'), h('code', {}, facts.commitLogOffset)],
        ]),
      );
      break;
    case 'MESSAGE_ID_5X':
      section.append(
        factList([
          [t('idKind'), t('idKind5x')],
          [t('producerMac'), h('code', {}, facts.producerMac)],
          [t('producerPid'), String(facts.producerPid)],
          [t('sequence'), String(facts.sequence)],
          [t('approxSentAt'), time(facts.approxSentAt)],
        ]),
        h('p', { class: 'assumption', lang: 'en' }, facts.assumption),
      );
      break;
  }
  if ('ambiguous' in facts && facts.ambiguous) section.append(h('p', { class: 'note' }, t('idAmbiguous')));
  return section;
}

export function renderCaveats(caveats: ReadonlyArray<{ code: string; text: string }>, t: Translator): HTMLElement {
  const section = h('section', { class: 'caveats', 'aria-labelledby': 'caveats-title' }, h('h3', { id: 'caveats-title' }, t('caveatsTitle')));
  if (caveats.length === 0) {
    section.append(h('p', {}, t('caveatsNone')));
    return section;
  }
  section.append(h('ul', {}, ...caveats.map((c) => h('li', {}, h('code', { class: 'code' }, c.code), ' ', h('span', { lang: 'en' }, c.text)))));
  return section;
}

/** "Why?": the stored message's facts, the findings (most severe first) with their evidence, and the checks that could not run. */
export function renderDiagnosis(diagnosis: Diagnosis, t: Translator): HTMLElement {
  const section = h('section', { class: 'diagnosis', 'aria-labelledby': 'why-title' }, h('h3', { id: 'why-title', tabindex: -1 }, t('whyTitle')));
  const m = diagnosis.message;
  if (m) {
    section.append(
      h('h4', {}, t('storedMessage')),
      factList([
        [t('tag'), m.tag === null ? t('none') : h('code', {}, m.tag)],
        [t('keys'), m.keys.length > 0 ? m.keys.join(', ') : t('none')],
        [t('bornAt'), time(m.bornAt)],
        [t('bornHost'), m.bornHost ? h('code', {}, m.bornHost) : undefined],
        [t('storedAt'), time(m.storedAt)],
        [t('storeHost'), m.storeHost ? h('code', {}, m.storeHost) : undefined],
        [t('reconsumeTimes'), String(m.reconsumeTimes)],
      ]),
    );
  }
  const findings = [...diagnosis.findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  section.append(h('h4', {}, t('findingsTitle', { n: findings.length })));
  if (findings.length === 0) section.append(h('p', {}, diagnosis.skippedChecks.length > 0 ? t('findingsNonePartial') : t('findingsNone')));
  else section.append(h('ul', { class: 'finding-list' }, ...findings.map((f) => renderFinding(f, t))));
  if (diagnosis.skippedChecks.length > 0) {
    section.append(
      h('h4', {}, t('skippedTitle')),
      h(
        'ul',
        { class: 'skipped' },
        ...diagnosis.skippedChecks.map((c) =>
          h('li', {}, h('code', {}, c.check), c.group ? ` (${c.group})` : '', `: ${c.reason}${c.upstreamCode ? ` / ${c.upstreamCode}` : ''} — `, h('span', { lang: 'en' }, c.detail)),
        ),
      ),
    );
  }
  return section;
}

/** One finding: severity, title, code and group, detail, and its evidence behind a disclosure. */
export function renderFinding(f: Finding, t: Translator): HTMLElement {
  return h(
    'li',
    { class: `finding finding-${f.severity.toLowerCase()}` },
    h('h5', {}, badge(`severity-${f.severity}`, t.text(`severity.${f.severity}`) ?? f.severity), ' ', h('span', { lang: 'en' }, f.title)),
    h('p', { class: 'finding-code' }, h('code', {}, f.code), f.group ? ` · ${f.group}` : ''),
    h('p', { lang: 'en' }, f.detail),
    h('details', {}, h('summary', {}, t('evidence')), factList(Object.entries(f.evidence).map(([k, v]) => [k, evidenceValue(k, v)]), 'facts evidence')),
  );
}

function evidenceValue(key: string, value: unknown): Child {
  if (value === null) return '—';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'string' && ISO_INSTANT.test(value)) return h('time', { datetime: value }, formatInstant(value));
  if (typeof value === 'number' && /Ms$/.test(key)) return `${formatDuration(value)} (${value} ms)`;
  return String(value);
}
