/**
 * The rules of a find's input, shared by the HTTP edge and the chat parser: key and tag shapes,
 * the result cap and the time window. Pure: the clock is an input. No zod here, so the chat
 * parser can use it without the schemas.
 */
import type { FieldIssue } from '../errors';

/**
 * UNVERIFIED: the longest message key RocketMQ accepts. Neither the 4.x nor the 5.x limits page
 * states one (only "user properties at most 16 KB in all"); 128 characters is the emulator seed's
 * bound. Change it here only.
 */
export const UNVERIFIED_MAX_KEY_LENGTH = 128;
/** Tags: RocketMQ joins a subscription's tags with `||`, so a tag holds no `|`; 128 is the emulator's bound. */
export const MAX_TAG_LENGTH = 128;

export const DEFAULT_FIND_LIMIT = 20;
export const MAX_FIND_LIMIT = 50;

/** The widest window a find searches: a day (a message older than the retention is gone anyway). */
export const MAX_WINDOW_MS = 24 * 3_600_000;
/** How far `to` may lie ahead of the clock: callers' clocks drift. */
export const FUTURE_SKEW_MS = 60_000;

/** A problem with a key, or undefined when it is a key RocketMQ can hold. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'is required';
  if (key.length > UNVERIFIED_MAX_KEY_LENGTH) return `is ${key.length} characters long; RocketMQ message keys are at most ${UNVERIFIED_MAX_KEY_LENGTH}`;
  // RocketMQ stores a message's keys joined by spaces (MessageConst.KEY_SEPARATOR).
  if (/\s/.test(key)) return 'holds a space; a message key never does (RocketMQ separates keys with spaces): search for one key';
  return undefined;
}

/** A problem with a tag, or undefined. */
export function tagProblem(tag: string): string | undefined {
  if (tag.length === 0) return 'is required';
  if (tag.length > MAX_TAG_LENGTH) return `must be at most ${MAX_TAG_LENGTH} characters`;
  if (/[\s|]/.test(tag)) return 'is one tag: no spaces and no "|"';
  return undefined;
}

/**
 * The problems of a window, each naming the field to change: reversed, too wide, or in the
 * future. A window that ends a little ahead of the clock is clamped by the caller, not refused.
 */
export function windowProblems(fromMs: number, toMs: number, nowMs: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (fromMs > nowMs) issues.push({ path: 'from', message: `is in the future (${iso(fromMs)}; now is ${iso(nowMs)}): search a window that has begun` });
  if (toMs > nowMs + FUTURE_SKEW_MS) issues.push({ path: 'to', message: `is in the future (${iso(toMs)}; now is ${iso(nowMs)}): end the window at now or earlier` });
  if (toMs <= fromMs) issues.push({ path: 'to', message: 'must be after from: the window is reversed or empty' });
  else if (toMs - fromMs > MAX_WINDOW_MS) {
    issues.push({ path: 'from', message: `makes the window ${hours(toMs - fromMs)} wide; it may be at most ${hours(MAX_WINDOW_MS)}: move from later or to earlier` });
  }
  return issues;
}

/**
 * A time as chat users type it: ISO 8601 (`2026-12-01T10:00:00Z`; without a zone it is UTC),
 * `now`, or a relative `-90s`, `-30m`, `-2h`, `-1d`. Undefined when it is none of these.
 */
export function parseChatTime(text: string, nowMs: number): number | undefined {
  const value = text.trim();
  if (/^now$/i.test(value)) return nowMs;
  const relative = /^-(\d{1,6})([smhd])$/i.exec(value);
  if (relative) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(relative[2] as string).toLowerCase() as 's' | 'm' | 'h' | 'd'];
    return nowMs - Number(relative[1]) * unit;
  }
  return parseIsoTime(value);
}

/** ISO 8601 with a date and a time; no zone means UTC. Undefined for anything else. */
export function parseIsoTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const second = Number(m[6] ?? '0');
  const ms = Number((m[7] ?? '0').padEnd(3, '0'));
  // Date.UTC reads years below 100 as 19xx; no message is that old anyway.
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(utc).getUTCDate() !== day) return undefined;
  const zone = m[8];
  if (zone === undefined || zone.toUpperCase() === 'Z') return utc;
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone) as RegExpExecArray;
  const offset = (Number(z[2]) * 60 + Number(z[3])) * (z[1] === '-' ? -1 : 1);
  if (Number(z[2]) > 14 || Number(z[3]) > 59) return undefined;
  return utc - offset * 60_000;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function hours(ms: number): string {
  const h = ms / 3_600_000;
  return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
}
