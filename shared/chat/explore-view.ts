import { formatDuration } from '../trace/findings';
import type { FindReport } from '../trace/find-schema';
import type { JourneyAttemptReport, JourneyGroupReport, JourneyReport } from '../trace/journey-schema';
import type { Verdict } from '../trace/verdict';
import { MARKER_PRESENTATION, VERDICT_PRESENTATION, type ChatIcon, type ExploreEntry, type ExploreView } from './chat-answer';

/**
 * Find and journey answers as chat shows them, the same on every platform: one line per message
 * with the command that looks closer; a compact timeline with the first and last attempts of
 * each group in full and the ones between counted. Pure.
 */

const OUTCOME_ICON: Record<JourneyAttemptReport['outcome'], ChatIcon> = {
  SUCCEEDED: { slackEmoji: ':white_check_mark:', symbol: '✅' },
  FAILED: { slackEmoji: ':x:', symbol: '❌' },
  PENDING: { slackEmoji: ':hourglass_flowing_sand:', symbol: '⏳' },
  UNKNOWN: { slackEmoji: ':grey_question:', symbol: '❓' },
};

const icon = (verdict: Verdict): ChatIcon => VERDICT_PRESENTATION[verdict];

/** `3 CONSUMED, 1 NOT_CONSUMED`: the non-zero counts. */
function counts(byVerdict: Record<string, number>, failed: number): string {
  const parts = Object.entries(byVerdict)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`);
  if (failed > 0) parts.push(`${failed} not checked`);
  return parts.join(', ') || 'none';
}

/** The find's view: counts first, then one line per listed message with its journey command. */
export function findView(report: FindReport, options: { invocation: string }): ExploreView {
  const q = report.query;
  const what = q.kind === 'key' ? `key ${q.key}` : `${q.from} … ${q.to}${q.tag ? ` · tag ${q.tag}` : ''}`;
  const s = report.summary;
  const headline =
    q.kind === 'key'
      ? s.found === 0
        ? `No message of ${report.topic} has key ${q.key}.`
        : `${s.found} message(s) with key ${q.key}; ${s.examined} checked: ${counts(s.byVerdict, s.failed)}.`
      : s.found === 0
        ? `No message of ${report.topic} was stored in that window${q.tag ? ` with tag ${q.tag}` : ''}.`
        : `${s.examined} of ${s.found} message(s) seen checked: ${counts(s.byVerdict, s.failed)}.${report.messages.length === 0 ? ' All of them CONSUMED.' : ' Not CONSUMED:'}`;
  const entries: ExploreEntry[] = report.messages.map((m) => ({
    icon: icon(m.verdict),
    text: [m.msgId, m.verdict, m.storedAt ? `stored ${m.storedAt}` : undefined, m.tag ? `tag ${m.tag}` : undefined].filter(Boolean).join(' · '),
    detail: m.summary,
    command: `${options.invocation} journey ${report.topic} ${m.msgId} ${report.instanceId}`,
  }));
  const notes: string[] = [];
  if (report.truncated) notes.push(`${report.more} more not checked: ${report.truncated.hint}`);
  notes.push(...report.caveats.map((c) => c.text));
  return {
    title: `Find · ${report.topic} · ${what}`,
    headline,
    entries,
    notes,
    reference: `Checked ${report.checkedAt} · ${report.instanceId} (${report.broker}) · request ${report.requestId}`,
  };
}

/** Attempts shown in full at each end of a group's list; the ones between are counted. */
const ENDS = 1;

/** The journey's view: the verdict, the send and the store, then per group its first and last attempts in full. */
export function journeyView(report: JourneyReport, options: { invocation: string }): ExploreView {
  const entries: ExploreEntry[] = [];
  if (report.send) {
    const s = report.send;
    entries.push({
      icon: { slackEmoji: ':outbox_tray:', symbol: '📤' },
      text: `Sent ${s.at}${s.producerHost ? ` from ${s.producerHost}` : ''}${s.producerGroup ? ` (${s.producerGroup})` : ''} · ${s.status}${s.durationMs !== undefined ? ` in ${formatDuration(s.durationMs)}` : ''}`,
      detail: s.statusText,
    });
  }
  if (report.store && (report.store.at || report.store.broker)) {
    const st = report.store;
    entries.push({
      icon: { slackEmoji: ':package:', symbol: '📦' },
      text: `Stored${st.sinceSendMs !== undefined ? ` ${since(st.sinceSendMs)}` : st.at ? ` ${st.at}` : ''}${st.broker ? ` on ${st.broker}` : ''}${st.status ? ` · ${st.status}` : ''}`,
    });
  }
  for (const group of report.groups) entries.push(...groupEntries(group));

  const verdict = VERDICT_PRESENTATION[report.verdict];
  const state =
    report.status === 'no_trace_data' ? ' No trace data.' : report.status === 'partial' ? ` Partial: ${report.partial?.text ?? 'some of the trace is missing.'}` : '';
  const notes: string[] = [];
  for (const f of report.findings) notes.push(`${MARKER_PRESENTATION[f.severity].symbol} ${f.title}: ${f.detail}`);
  if (report.missingPermissions?.length) notes.push(`Missing RAM permission(s): ${report.missingPermissions.join(', ')}; the answer is given without that part.`);
  notes.push(...report.caveats.map((c) => c.text));
  if (report.status === 'partial' && report.partial?.reason === 'TASK_WORKING_AT_DEADLINE') {
    notes.push(`Ask again: ${options.invocation} journey ${report.topic} ${report.msgId} ${report.instanceId}`);
  }
  return {
    title: `Journey · ${report.topic} · ${report.msgId}`,
    headline: `${verdict.title}: ${report.summary}${state}`,
    entries,
    notes,
    reference: `Checked ${report.checkedAt} · ${report.instanceId} (${report.broker}) · request ${report.requestId}`,
  };
}

function groupEntries(group: JourneyGroupReport): ExploreEntry[] {
  const n = group.attempts.length;
  const facts = [
    group.trackType,
    `${n} attempt${n === 1 ? '' : 's'}`,
    group.firstDeliveryMs !== undefined ? `first delivery ${since(group.firstDeliveryMs)}` : undefined,
    group.consumedAfterMs !== undefined ? `consumed ${since(group.consumedAfterMs)}` : undefined,
  ].filter(Boolean);
  const entries: ExploreEntry[] = [{ icon: { slackEmoji: ':busts_in_silhouette:', symbol: '👥' }, text: `${group.consumerGroup} · ${facts.join(' · ')}` }];
  const attempt = (a: JourneyAttemptReport): ExploreEntry => ({
    nested: true,
    icon: OUTCOME_ICON[a.outcome],
    text: `#${a.reconsumeTimes} ${a.sinceSendMs !== undefined ? since(a.sinceSendMs) : a.at}${a.clientHost ? ` on ${a.clientHost}` : ''} · ${a.status}${a.durationMs !== undefined ? ` (${formatDuration(a.durationMs)})` : ''}`,
  });
  if (n <= 2 * ENDS + 1) entries.push(...group.attempts.map(attempt));
  else {
    const between = group.attempts.slice(ENDS, n - ENDS);
    const statuses = new Map<string, number>();
    for (const a of between) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    entries.push(...group.attempts.slice(0, ENDS).map(attempt));
    entries.push({ nested: true, text: `… ${between.length} attempts between: ${[...statuses].map(([s, c]) => `${c} ${s}`).join(', ')}` });
    entries.push(...group.attempts.slice(n - ENDS).map(attempt));
  }
  if (group.deadLettered) {
    const d = group.deadLettered;
    entries.push({
      nested: true,
      icon: { slackEmoji: ':skull:', symbol: '💀' },
      text: `Dead-lettered${d.sinceSendMs !== undefined ? ` ${since(d.sinceSendMs)}` : d.at ? ` ${d.at}` : ''}${d.topic ? ` to ${d.topic}` : ''}`,
    });
  }
  return entries;
}

/** `+1 h 2 min` after the send. */
function since(ms: number): string {
  return `+${formatDuration(ms)}`;
}
