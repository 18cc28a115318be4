import type { FindView, JourneyView } from '../api-client/find-journey-client';
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
  const out = [s.bold(`${view.found} message(s) found, ${view.examined} looked up`) + s.dim(`  ${view.instanceId} · ${view.topic}`)];
  if (view.byVerdict.length) out.push(`  ${view.byVerdict.map(([v, n]) => `${v} ${n}`).join(' · ')}`);
  if (view.onlyUnconsumed) out.push(s.dim('  only the messages that were not consumed are listed'));
  for (const m of view.messages) {
    const head = m.verdict ? verdictLine(m.verdict, s) : s.dim('-');
    out.push(`  ${head}  ${m.msgId}${m.at ? s.dim(`  ${formatInstant(m.at)}`) : ''}${m.tag ? s.dim(`  tag ${m.tag}`) : ''}${m.keys.length ? s.dim(`  keys ${m.keys.join(', ')}`) : ''}`);
    out.push(indent(m.error ?? m.summary, '      '));
  }
  if (view.messages.length === 0) out.push('  no message matches');
  if (view.more > 0) out.push(s.yellow(`  ${view.more} more found but not looked up; narrow the search`));
  if (view.truncated) out.push(s.yellow(`  cut short (${view.truncated.reason}): ${view.truncated.hint}`));
  for (const c of view.caveats) out.push(`  ${s.dim(c.code)} ${c.text}`);
  return out.join('\n');
}

export function renderJourneyText(view: JourneyView, s: Style): string {
  const out = [s.bold('Journey') + (view.verdict ? `  ${verdictLine(view.verdict, s)}` : '')];
  if (view.status !== 'complete') out.push(s.yellow(`  ${view.status}${view.partialText ? `: ${view.partialText}` : ''}`));
  if (view.missingPermissions.length) out.push(s.yellow(`  missing permissions: ${view.missingPermissions.join(', ')}`));
  for (const lane of view.lanes) {
    out.push(`  ${s.bold(lane.label)}${lane.detail ? s.dim(` (${lane.detail})`) : ''}`);
    for (const e of lane.events) {
      const tone = e.tone === 'ok' ? s.green : e.tone === 'bad' ? s.red : s.dim;
      out.push(`    ${tone('●')} +${formatDuration(e.offsetMs)}  ${e.kind}${e.durationMs !== undefined ? ` took ${formatDuration(e.durationMs)}` : ''}${e.text ? `  ${e.text}` : ''}${e.at ? s.dim(`  ${formatInstant(e.at)}`) : ''}`);
    }
  }
  if (view.lanes.length === 0) out.push('  no trace events');
  for (const f of view.findings) out.push(`  [${f.severity}] ${f.code} ${f.text}`);
  for (const c of view.caveats) out.push(`  ${s.dim(c.code)} ${c.text}`);
  return out.join('\n');
}
