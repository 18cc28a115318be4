import type { ErrorCode } from '../errors';
import type { LooseMessage, MessageKey } from '../i18n/translator';
import type { FindReport } from '../trace/find-schema';
import type { JourneyReport } from '../trace/journey-schema';
import type { TraceReport } from '../trace/report-schema';
import type { HelpDoc } from './command-registry';

/**
 * Everything a chat reply can say, as data: no platform, no language. Each platform has one
 * renderer that handles every kind (an exhaustive switch), and `present.ts` turns the data into
 * sentences of the caller's locale, so every platform carries the same content.
 *
 * A new command adds its own kind here (its neutral answer data); the compiler then points at every
 * renderer that must show it.
 */
export type ChatAnswer =
  | {
      kind: 'report';
      report: TraceReport;
      /** Set when an unconsumed message was left unexplained for lack of time: the command to send for the why. */
      explainLater?: string;
      /** Follow-ups (buttons, or paste-ready commands where a platform cannot call back). */
      actions?: readonly ChatAction[];
    }
  /** A find: the messages of a key or a time window, each with its verdict; each listed one offers its journey. */
  | { kind: 'find'; report: FindReport }
  /** A journey: the send, the store and every delivery attempt per group (`explore-view.ts` words it as a compact timeline). */
  | { kind: 'journey'; report: JourneyReport; actions?: readonly ChatAction[] }
  /** `because`: why the answer comes later, in the words of the hand-off (an error code, UPSTREAM_SLOW, EXPLAIN_BUDGET or TRACE_TASK). */
  | { kind: 'pending'; target: ChatTarget; because?: string }
  | { kind: 'help'; help: HelpDoc }
  | { kind: 'usage'; problem: LooseMessage; help: HelpDoc }
  | {
      kind: 'failure';
      code: ErrorCode;
      /** mqtrace's own message, shown where the error table says so; never an upstream's. */
      message?: string;
      retryAfterSeconds?: number;
      ref: ChatReference;
      actions?: readonly ChatAction[];
    }
  | { kind: 'denied' };

export type ChatAnswerKind = ChatAnswer['kind'];

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

/**
 * A follow-up the reply offers: a button where the platform calls back, a command to paste where
 * it cannot. `command` is the text after the invocation, exactly as a user would type it.
 */
export interface ChatAction {
  id: string;
  label: MessageKey;
  command: string;
  /** What the button is about when several share a label (a found message's ID), shown after the label. */
  subject?: string;
}

export type ChatMarker = 'CRITICAL' | 'WARNING' | 'INFO' | 'SKIPPED';

/** An extra titled block under a report (the diagnosis), already in the reader's language. */
export interface ChatSection {
  title: string;
  lines: string[];
  /** Marked entries after the lines (findings, skipped checks); what does not fit becomes `more(hidden)`. */
  items?: readonly ChatSectionItem[];
  more?: (hidden: number) => string;
}

/** One marked entry of a section: each platform renders the marker, a bold title, the detail and the evidence. */
export interface ChatSectionItem {
  marker: ChatMarker;
  title: string;
  detail?: string;
  /** Short facts such as "backlog 1,234 messages"; shown joined on one line. */
  evidence?: readonly string[];
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

/** Cuts `text` to at most `max` characters (UTF-16 units, as Slack counts), ending in "…" when cut. */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a character, ending in "…" when cut. */
export function clipBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let out = '';
  let used = 3;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (used + size > max) break;
    out += ch;
    used += size;
  }
  return `${out}…`;
}

/** UTF-8 size, as byte limits (DingTalk, WeCom, Feishu) count. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
