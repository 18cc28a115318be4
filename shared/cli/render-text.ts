import type { FindView, JourneyEvent, JourneyLane, JourneyTone, JourneyView } from '../api-client/find-journey-client';
import { formatDuration, formatInstant } from '../local-time';
import type { Diagnosis, TraceReport } from '../trace/report-schema';
import type { Style } from './terminal';

const VERDICT_MARK: Record<string, { mark: string; colour: keyof Pick<Style, 'green' | 'red' | 'yellow' | 'blue' | 'dim'> }> = {
  CONSUMED: { mark: '✔', colour: 'green' },
  PARTIALLY_CONSUMED: { mark: '◐', colour: 'yellow' },
  NOT_CONSUMED: { mark: '✘', colour: 'red' },
  NO_SUBSCRIBERS: { mark: '∅', colour: 'blue' },
  UNKNOWN: { mark: '?', colour: 'dim' },
};

const TRACK_COLOUR: Record<string, keyof Pick<Style, 'green' | 'red' | 'yellow' | 'blue'>> = {
  CONSUMED: 'green',
  NOT_CONSUME_YET: 'yellow',
  NOT_ONLINE: 'red',
  CONSUMED_BUT_FILTERED: 'blue',
};

const SEVERITY_COLOUR: Record<string, keyof Pick<Style, 'red' | 'yellow' | 'blue'>> = { CRITICAL: 'red', WARNING: 'yellow', INFO: 'blue' };
const SEVERITY_ORDER = ['CRITICAL', 'WARNING', 'INFO'];
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

export function verdictLine(verdict: string, s: Style): string {
  const v = VERDICT_MARK[verdict] ?? { mark: '?', colour: 'dim' as const };
  return s.bold(s[v.colour](`${v.mark} ${verdict}`));
}

const indent = (text: string, by = '    ') => text.split('\n').map((l) => `${by}${l}`).join('\n');

/** A report as text: verdict and summary, the message, each group, the message-ID facts, the caveats, the diagnosis. */
export function renderReportText(report: TraceReport, s: Style): string {
  const out: string[] = [];
  out.push(`${verdictLine(report.verdict, s)}  ${report.summary}`);
  out.push(s.dim(`  ${report.instanceId} · ${report.topic} · ${report.msgId} · ${report.broker} · checked ${formatInstant(report.checkedAt)}`));
  if (report.wait) out.push(`  waited ${formatDuration(report.wait.waitedMs)} (${report.wait.polls} poll(s)): ${report.wait.outcome === 'CONSUMED' ? 'consumed' : 'not consumed yet'}`);
  out.push('', s.bold(`Groups (${report.groups.length})`));
  if (report.groups.length === 0) out.push('  none subscribes to this topic');
  for (const g of report.groups) {
    const colour = TRACK_COLOUR[g.trackType];
    out.push(`  ${s.bold(g.consumerGroup)}  ${colour ? s[colour](g.trackType) : g.trackType}${g.upstreamStatus ? s.dim(` (${g.upstreamStatus})`) : ''}`);
    out.push(indent(g.meaning), indent(`→ ${g.advice}`));
    if (g.exceptionDesc) out.push(indent(s.dim(g.exceptionDesc)));
  }
  const id = report.messageId;
  out.push('', s.bold('Message ID'));
  if (!id) out.push('  no facts to decode');
  else if (id.kind === 'CLIENT_ID_4X') out.push(`  ${id.description}: producer ${id.producerIp}, pid ${id.producerPid}, sent about ${formatInstant(id.approxSentAt)}`, s.dim(`  (${id.assumption})`));
  else if (id.kind === 'OFFSET_ID_4X') out.push(`  ${id.description}: broker ${id.brokerHost}:${id.brokerPort}, commit-log offset ${id.commitLogOffset}`);
  else out.push(`  ${id.description}: producer MAC ${id.producerMac}, pid ${id.producerPid}, sent about ${formatInstant(id.approxSentAt)}`, s.dim(`  (${id.assumption})`));
  if (report.caveats.length > 0) {
    out.push('', s.bold('Caveats'));
    for (const c of report.caveats) out.push(`  ${s.dim(c.code)} ${c.text}`);
  }
  if (report.diagnosis) out.push('', renderDiagnosisText(report.diagnosis, s));
  out.push('', s.dim(`request ${report.requestId} · upstream request ${report.upstreamRequestId}`));
  return out.join('\n');
}

function renderDiagnosisText(d: Diagnosis, s: Style): string {
  const out = [s.bold('Why?')];
  if (d.message) {
    const m = d.message;
    const parts = [`tag ${m.tag ?? '(none)'}`, m.keys.length ? `keys ${m.keys.join(', ')}` : undefined, m.bornAt ? `born ${formatInstant(m.bornAt)}${m.bornHost ? ` on ${m.bornHost}` : ''}` : undefined, m.reconsumeTimes ? `redelivered ${m.reconsumeTimes}×` : undefined];
    out.push(`  message: ${parts.filter(Boolean).join(' · ')}`);
  }
  const findings = [...d.findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  if (findings.length === 0) out.push(d.skippedChecks.length ? '  no finding from the checks that ran' : '  nothing to explain: no check found a problem');
  for (const f of findings) {
    const colour = SEVERITY_COLOUR[f.severity] ?? 'blue';
    out.push(`  ${s.bold(s[colour](`[${f.severity}]`))} ${s.bold(f.title)} ${s.dim(`(${f.code}${f.group ? `, ${f.group}` : ''})`)}`);
    out.push(indent(f.detail));
    const evidence = Object.entries(f.evidence).map(([k, v]) => `${k}=${evidenceText(k, v)}`);
    if (evidence.length) out.push(indent(s.dim(`evidence: ${evidence.join(', ')}`)));
  }
  if (d.skippedChecks.length > 0) {
    out.push('  not checked (partial diagnosis):');
    for (const c of d.skippedChecks) out.push(`    ${c.check}${c.group ? ` (${c.group})` : ''}: ${c.reason}${c.upstreamCode ? ` ${c.upstreamCode}` : ''} ${s.dim(c.detail)}`);
  }
  return out.join('\n');
}

function evidenceText(key: string, value: unknown): string {
  if (value === null) return '-';
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  if (typeof value === 'string' && ISO_INSTANT.test(value)) return formatInstant(value);
  if (typeof value === 'number' && /Ms$/.test(key)) return formatDuration(value);
  return String(value);
}

export function renderFindText(view: FindView, s: Style): string {
  const q = view.query;
  const out = [s.bold(`${view.found} message(s) found, ${view.examined} looked up`) + s.dim(`  ${view.instanceId} · ${view.topic} · ${view.broker}`)];
  out.push(q.kind === 'key' ? `  key ${q.key}` : `  stored ${formatInstant(q.from)} … ${formatInstant(q.to)}${q.tag ? ` · tag ${q.tag}` : ''}`);
  const counts = view.byVerdict.map(([v, n]) => `${verdictLine(v, s)} ${n}`);
  if (view.failed > 0) counts.push(s.dim(`not looked up ${view.failed}`));
  if (counts.length) out.push(`  ${counts.join(' · ')}`);
  if (view.sampling) out.push(s.dim(`  read ${view.sampling.pagesRead} of ${view.sampling.pagesPlanned} planned page(s) of the window`));
  if (view.onlyUnconsumed && view.messages.length > 0) out.push(s.dim('  only the messages that were not consumed are listed'));
  if (view.messages.length > 0) out.push('');
  for (const m of view.messages) {
    out.push(`  ${verdictLine(m.verdict, s)}  ${m.msgId}${m.at ? s.dim(`  ${formatInstant(m.at)}`) : ''}${m.tag ? s.dim(`  tag ${m.tag}`) : ''}${m.keys.length ? s.dim(`  keys ${m.keys.join(', ')}`) : ''}`);
    out.push(indent(m.error ? `${m.error.message} (${m.error.code})` : m.summary, '      '));
  }
  if (view.messages.length === 0) out.push(view.onlyUnconsumed && view.found > 0 ? '  every message looked up was consumed' : '  no message matches');
  if (view.more > 0) out.push(s.yellow(`  ${view.more} more found but not looked up; narrow the search`));
  if (view.truncated) out.push(s.yellow(`  cut short (${view.truncated.reason}): ${view.truncated.hint}`));
  if (view.caveats.length > 0) {
    out.push('', s.bold('Caveats'));
    for (const c of view.caveats) out.push(`  ${s.dim(c.code)} ${c.text}`);
  }
  out.push('', s.dim(`request ${view.requestId} · checked ${formatInstant(view.checkedAt)}`));
  return out.join('\n');
}

const TONE_MARK: Record<JourneyTone, { mark: string; colour: keyof Pick<Style, 'green' | 'red' | 'yellow' | 'dim'> }> = {
  ok: { mark: '✔', colour: 'green' },
  bad: { mark: '✘', colour: 'red' },
  pending: { mark: '…', colour: 'yellow' },
  info: { mark: '●', colour: 'dim' },
};

const EVENT_WORD: Record<JourneyEvent['kind'], string> = { send: 'sent', store: 'stored', attempt: 'delivered', 'dead-letter': 'dead-lettered' };

function eventLine(e: JourneyEvent, s: Style): string {
  const tone = TONE_MARK[e.tone];
  const mark = e.kind === 'dead-letter' ? s.red('◆') : s[tone.colour](tone.mark);
  const parts = [`+${formatDuration(e.offsetMs)}`, e.delivery !== undefined ? `#${e.delivery}` : EVENT_WORD[e.kind]];
  if (e.durationMs !== undefined) parts.push(`took ${formatDuration(e.durationMs)}`);
  if (e.status) parts.push(e.kind === 'attempt' || e.kind === 'send' ? s[tone.colour](e.status) : e.status);
  if (e.host) parts.push(e.host);
  return `    ${mark} ${parts.join('  ')}${e.at ? s.dim(`  ${formatInstant(e.at)}`) : ''}`;
}

function laneFacts(lane: JourneyLane): string {
  const facts = [
    lane.detail,
    lane.attempts !== undefined ? `${lane.attempts} attempt(s)` : undefined,
    lane.firstDeliveryMs !== undefined ? `first delivery +${formatDuration(lane.firstDeliveryMs)}` : undefined,
    lane.consumedAfterMs !== undefined ? `consumed +${formatDuration(lane.consumedAfterMs)}` : undefined,
    lane.deadLetterTopic ? `dead-lettered to ${lane.deadLetterTopic}` : undefined,
  ].filter(Boolean);
  return facts.length > 0 ? ` (${facts.join(' · ')})` : '';
}

/** A journey as text: the verdict, then the send, the store and each group's attempts, the findings, the caveats. */
export function renderJourneyText(view: JourneyView, s: Style): string {
  const out = [`${s.bold('Journey')}  ${verdictLine(view.verdict, s)}  ${view.summary}`];
  out.push(s.dim(`  ${view.instanceId} · ${view.topic} · ${view.msgId} · ${view.broker} · checked ${formatInstant(view.checkedAt)}`));
  if (view.status === 'partial') out.push(s.yellow(`  partial${view.partial ? ` (${view.partial.reason}): ${view.partial.text}` : ''}`));
  if (view.status === 'no_trace_data') out.push(s.yellow('  no trace data for this message'));
  if (view.missingPermissions.length) out.push(s.yellow(`  missing permissions: ${view.missingPermissions.join(', ')}`));
  for (const lane of view.lanes) {
    out.push('', `  ${s.bold(lane.label)}${s.dim(laneFacts(lane))}`);
    for (const e of lane.events) out.push(eventLine(e, s));
    if (lane.kind === 'send' && lane.events[0]?.statusText) out.push(s.dim(`      ${lane.events[0].statusText}`));
  }
  if (view.lanes.length === 0) out.push('  no trace events');
  const findings = [...view.findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  if (findings.length > 0) {
    out.push('', s.bold(`Findings (${findings.length})`));
    for (const f of findings) {
      const colour = SEVERITY_COLOUR[f.severity] ?? 'blue';
      out.push(`  ${s.bold(s[colour](`[${f.severity}]`))} ${s.bold(f.title)} ${s.dim(`(${f.code}${f.group ? `, ${f.group}` : ''})`)}`);
      out.push(indent(f.detail));
    }
  }
  if (view.caveats.length > 0) {
    out.push('', s.bold('Caveats'));
    for (const c of view.caveats) out.push(`  ${s.dim(c.code)} ${c.text}`);
  }
  const task = view.traceTask ? ` · trace task of ${formatInstant(view.traceTask.createdAt)}${view.traceTask.reused ? ' (reused)' : ''}` : '';
  out.push('', s.dim(`request ${view.requestId}${task}`));
  return out.join('\n');
}
