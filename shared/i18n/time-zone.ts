import { z } from 'zod';
import { lazySchema } from '../validation';

/**
 * Where human-facing times are shown: an IANA zone (`Asia/Shanghai`) or a fixed offset from UTC.
 * JSON answers stay in UTC; only chat replies and alerts use this.
 */
export type TimeZoneSetting = { kind: 'iana'; name: string } | { kind: 'offset'; minutes: number };

const OFFSET = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** Parses `Asia/Shanghai`, `UTC`, `UTC+8`, `+08:00` or `-0530`; undefined when it is none of them. */
export function parseTimeZone(text: string): TimeZoneSetting | undefined {
  const value = text.trim();
  if (/^(?:UTC|GMT|Z)$/i.test(value)) return { kind: 'offset', minutes: 0 };
  const offset = OFFSET.exec(value);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? '0');
    if (minutes > 14 * 60 || Number(offset[3] ?? '0') >= 60) return undefined;
    return { kind: 'offset', minutes: offset[1] === '-' ? -minutes : minutes };
  }
  if (!/^[A-Za-z][A-Za-z0-9_+/-]{1,63}$/.test(value)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    return { kind: 'iana', name: resolved };
  } catch {
    return undefined;
  }
}

/**
 * The zone of a region's people, for when `MQTRACE_TIME_ZONE` is unset: every Chinese mainland
 * region (and Hong Kong) shows UTC+8; regions this table does not know show UTC.
 */
export const REGION_TIME_ZONES: ReadonlyMap<string, string> = new Map([
  ['cn-hongkong', 'Asia/Hong_Kong'],
  ['ap-southeast-1', 'Asia/Singapore'],
  ['ap-southeast-3', 'Asia/Kuala_Lumpur'],
  ['ap-southeast-5', 'Asia/Jakarta'],
  ['ap-southeast-6', 'Asia/Manila'],
  ['ap-southeast-7', 'Asia/Bangkok'],
  ['ap-northeast-1', 'Asia/Tokyo'],
  ['ap-northeast-2', 'Asia/Seoul'],
  ['ap-south-1', 'Asia/Kolkata'],
  ['me-east-1', 'Asia/Dubai'],
  ['me-central-1', 'Asia/Riyadh'],
  ['eu-central-1', 'Europe/Berlin'],
  ['eu-west-1', 'Europe/London'],
  ['us-west-1', 'America/Los_Angeles'],
  ['us-east-1', 'America/New_York'],
  ['na-south-1', 'America/Mexico_City'],
]);

/** The default zone of a region: its entry in {@link REGION_TIME_ZONES}, Asia/Shanghai for `cn-*`, else UTC. */
export function timeZoneForRegion(region: string): TimeZoneSetting {
  const known = REGION_TIME_ZONES.get(region);
  if (known) return { kind: 'iana', name: known };
  if (region.startsWith('cn-')) return { kind: 'iana', name: 'Asia/Shanghai' };
  return { kind: 'offset', minutes: 0 };
}

/** `MQTRACE_TIME_ZONE` as an env schema: unset stays undefined (the region decides). */
export const TimeZoneEnvSchema = lazySchema(() =>
  z
    .string()
    .trim()
    .refine((v) => parseTimeZone(v) !== undefined, 'must be an IANA time zone like Asia/Shanghai, or an offset like UTC+8 or +05:30')
    .transform((v) => parseTimeZone(v) as TimeZoneSetting),
);

/** Formats instants for people: `2025-10-25 11:00:00 UTC+08:00`. */
export interface TimeFormatter {
  /** What the zone is called in texts, e.g. `UTC+08:00` (the offset now). */
  readonly label: string;
  /** An ISO 8601 instant or epoch milliseconds; text that is not a time comes back unchanged. */
  format(time: string | number): string;
  /** Replaces every ISO 8601 UTC instant inside `text`, e.g. in a domain sentence. */
  localise(text: string): string;
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z\b/g;

/** Creates the {@link TimeFormatter} for a zone. */
export function createTimeFormatter(zone: TimeZoneSetting): TimeFormatter {
  const parts =
    zone.kind === 'iana'
      ? new Intl.DateTimeFormat('en-US', {
          timeZone: zone.name,
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
        })
      : undefined;
  const offsetAt = (ms: number): number => {
    if (!parts) return zone.kind === 'offset' ? zone.minutes : 0;
    const p = Object.fromEntries(parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
  };
  const format = (time: string | number): string => {
    const ms = typeof time === 'number' ? time : Date.parse(time);
    if (!Number.isFinite(ms)) return String(time);
    const offset = offsetAt(ms);
    const local = new Date(ms + offset * 60_000).toISOString();
    return `${local.slice(0, 10)} ${local.slice(11, 19)} ${offsetLabel(offset)}`;
  };
  return {
    label: offsetLabel(offsetAt(Date.now())),
    format,
    localise: (text) => text.replace(ISO_INSTANT, (iso) => format(iso)),
  };
}

/** `UTC`, `UTC+08:00`, `UTC-05:30`. */
export function offsetLabel(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
