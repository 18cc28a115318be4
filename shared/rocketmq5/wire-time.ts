/**
 * How the `rocketmq` 2022-08-01 API writes times: `yyyy-MM-dd HH:mm:ss` strings without a zone
 * (request `startTime`/`endTime`, e.g. "2024-09-09 08:00:00"; response `bornTime`, `storeTime`,
 * `toDlqTime`, e.g. "2023-03-22 12:17:08").
 *
 * UNVERIFIED: which zone those strings are in. Neither the SDK nor the reference pages say.
 * Assumed: China Standard Time (UTC+8, no daylight saving), the zone of Alibaba Cloud's console
 * and of the examples. Change {@link ROCKETMQ5_WIRE_UTC_OFFSET_MINUTES}, and only it, once known.
 */
export const ROCKETMQ5_WIRE_UTC_OFFSET_MINUTES = 480;

const WIRE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const OFFSET_MS = ROCKETMQ5_WIRE_UTC_OFFSET_MINUTES * 60_000;

/** Formats epoch ms as the API's `yyyy-MM-dd HH:mm:ss` (seconds truncated). */
export function formatWireTime(epochMs: number): string {
  const shifted = new Date(Math.floor(epochMs / 1000) * 1000 + OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())} ${pad(shifted.getUTCHours())}:${pad(
    shifted.getUTCMinutes(),
  )}:${pad(shifted.getUTCSeconds())}`;
}

/**
 * Parses a time the API returned: the documented `yyyy-MM-dd HH:mm:ss`, and defensively epoch
 * ms/s digits and ISO 8601 with a zone. Undefined for anything else, and for zero ("never").
 */
export function parseWireTime(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? epochFromDigits(value) : undefined;
  const text = value.trim();
  const m = WIRE_TIME.exec(text);
  if (m) {
    const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    const ms = Number((m[7] ?? '0').padEnd(3, '0'));
    const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    const check = new Date(utc);
    // Date.UTC rolls 2024-02-30 over to March; the API would not send it, so it is not a time.
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
    return utc - OFFSET_MS;
  }
  if (/^\d{1,16}$/.test(text)) {
    const n = Number(text);
    return n > 0 ? epochFromDigits(n) : undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})$/.test(text)) {
    const parsed = Date.parse(text);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

// Ten digits or fewer are seconds (until 2286), more are milliseconds.
function epochFromDigits(n: number): number {
  return n < 1e11 ? n * 1000 : n;
}
