import type { MessageIdFacts, TraceReport } from '../trace/report-schema';
import type { Verdict } from '../trace/verdict';
import type { HelpDoc } from './command-registry';

/** An extra titled block under a report, e.g. diagnosis findings; renderers show them in order. */
export interface ChatSection {
  title: string;
  lines: string[];
  /** Marked entries after the lines (findings, skipped checks); what does not fit becomes "… and N more". */
  items?: readonly ChatSectionItem[];
  /** What the items are, for that line: singular and plural. */
  itemNoun?: readonly [string, string];
}

export type ChatMarker = 'CRITICAL' | 'WARNING' | 'INFO' | 'SKIPPED';

/** One marked entry of a section: each platform renders the marker, a bold title, the detail and the evidence. */
export interface ChatSectionItem {
  marker: ChatMarker;
  title: string;
  detail?: string;
  /** Short facts such as "backlog 1,234 messages"; shown joined on one line. */
  evidence?: readonly string[];
}

export const MARKER_PRESENTATION: Record<ChatMarker, { slackEmoji: string; symbol: string }> = {
  CRITICAL: { slackEmoji: ':red_circle:', symbol: '🔴' },
  WARNING: { slackEmoji: ':large_orange_circle:', symbol: '🟠' },
  INFO: { slackEmoji: ':large_blue_circle:', symbol: '🔵' },
  SKIPPED: { slackEmoji: ':white_circle:', symbol: '⚪' },
};

/** "… and N more findings". */
export function moreItemsText(hidden: number, noun: readonly [string, string] = ['item', 'items']): string {
  return `… and ${hidden} more ${hidden === 1 ? noun[0] : noun[1]}`;
}

/**
 * Keeps the leading `entries` whose joined size (by `size`, with a separator of `separatorSize`)
 * stays within `max`, leaving room for the `more(hidden)` line that replaces the rest.
 */
export function fitEntries(
  entries: readonly string[],
  options: { max: number; size: (text: string) => number; separatorSize: number; more: (hidden: number) => string },
): string[] {
  const total = entries.reduce((sum, e) => sum + options.size(e) + options.separatorSize, 0);
  if (total <= options.max) return [...entries];
  const reserve = options.size(options.more(entries.length)) + options.separatorSize;
  const kept: string[] = [];
  let used = reserve;
  for (const entry of entries) {
    const next = used + options.size(entry) + options.separatorSize;
    if (next > options.max) break;
    kept.push(entry);
    used = next;
  }
  return [...kept, options.more(entries.length - kept.length)];
}

/** What a lookup is about, once the instance is resolved. */
export interface ChatTarget {
  instanceId: string;
  topic: string;
  msgId: string;
}

/** Where a failure can be followed up: our request id and, when there was one, the upstream's. */
export interface ChatReference {
  requestId: string;
  upstreamCode?: string;
  upstreamRequestId?: string;
}

/** An emoji as each platform shows it. */
export interface ChatIcon {
  slackEmoji: string;
  symbol: string;
}

/** One line of a find or journey answer: a message, or a step of a timeline. */
export interface ExploreEntry {
  icon?: ChatIcon;
  text: string;
  /** A second line, e.g. the verdict's summary or an attempt's status text. */
  detail?: string;
  /** The command that looks closer, shown to copy. */
  command?: string;
  /** A step under the entry before it (an attempt under its group). */
  nested?: boolean;
}

/** A find or a journey as chat shows it: a headline first, then the entries, then notes. */
export interface ExploreView {
  title: string;
  headline: string;
  entries: readonly ExploreEntry[];
  /** Findings, what was left out and how to narrow, caveats: in order, after the entries. */
  notes: readonly string[];
  /** Ids to quote in a ticket. */
  reference: string;
}

/**
 * Everything a chat reply can say, independent of the platform. Each platform has one renderer
 * that handles every kind, so Slack and DingTalk carry the same content.
 */
export type ChatAnswer =
  | { kind: 'report'; report: TraceReport; sections?: readonly ChatSection[] }
  /** A find or a journey. */
  | { kind: 'explore'; view: ExploreView }
  /** `because`: why the answer comes later, in the words of the hand-off (an error code, UPSTREAM_SLOW or EXPLAIN_BUDGET). */
  | { kind: 'pending'; target: ChatTarget; because?: string }
  | { kind: 'help'; help: HelpDoc }
  | { kind: 'usage'; problem: string; help: HelpDoc }
  | { kind: 'failure'; title: string; text: string; ref: ChatReference }
  | { kind: 'denied'; text: string };

export interface VerdictPresentation {
  title: string;
  /** Slack emoji shortcode. */
  slackEmoji: string;
  /** The same emoji as Unicode, for DingTalk. */
  symbol: string;
}

export const VERDICT_PRESENTATION: Record<Verdict, VerdictPresentation> = {
  CONSUMED: { title: 'Consumed', slackEmoji: ':white_check_mark:', symbol: '✅' },
  PARTIALLY_CONSUMED: { title: 'Partially consumed', slackEmoji: ':large_yellow_circle:', symbol: '🟡' },
  NOT_CONSUMED: { title: 'Not consumed yet', slackEmoji: ':red_circle:', symbol: '🔴' },
  NO_SUBSCRIBERS: { title: 'No subscribers', slackEmoji: ':no_entry_sign:', symbol: '🚫' },
  UNKNOWN: { title: 'Unknown', slackEmoji: ':grey_question:', symbol: '❓' },
};

/** What the message ID itself reveals, as plain sentences both renderers share. */
export function messageIdLines(facts: MessageIdFacts | null): string[] {
  if (!facts) return ['The message ID could not be decoded.'];
  switch (facts.kind) {
    case 'CLIENT_ID_4X':
      return [
        `${facts.description}.`,
        `Producer ${facts.producerIp}, PID ${facts.producerPid}, sent about ${facts.approxSentAt} (${facts.assumption}).`,
        ...(facts.ambiguous ? ['A client message ID can have the same bytes; this reading was picked because its port bytes fit a broker port.'] : []),
      ];
    case 'OFFSET_ID_4X':
      return [`${facts.description}.`, `Broker ${facts.brokerHost}:${facts.brokerPort}, commit-log offset ${facts.commitLogOffset}.`];
    case 'MESSAGE_ID_5X':
      return [
        `${facts.description}.`,
        `Producer MAC ${facts.producerMac}, PID ${facts.producerPid}, sequence ${facts.sequence}, sent about ${facts.approxSentAt} (${facts.assumption}).`,
      ];
  }
}

/** Ids to quote in a support ticket. */
export function referenceText(report: TraceReport): string {
  return `Checked ${report.checkedAt} · request ${report.requestId} · upstream request ${report.upstreamRequestId}`;
}

/** "… and N more groups": the line that replaces groups cut to fit a platform's limits. */
export function moreGroupsText(hidden: number): string {
  return `… and ${hidden} more group${hidden === 1 ? '' : 's'}`;
}

/** Cuts `text` to at most `max` characters, ending in "…" when cut. */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Why a deferred answer is on its way, as the "Looking up…" acknowledgement says it. */
export function pendingReason(because: string | undefined): string {
  if (because === 'EXPLAIN_BUDGET') return 'Working out why takes a few more API calls than a chat reply may wait for';
  if (because === 'THROTTLED') return 'The broker API asked mqtrace to slow down';
  if (because === 'TRACE_TASK') return 'The trace query task takes a few seconds to finish';
  return 'The broker API is answering slowly';
}
