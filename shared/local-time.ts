/**
 * Times for people, in the zone of the machine that shows them (the browser's for the web page,
 * TZ for the CLI), always with the offset written out. Plain TypeScript: the page bundles it.
 */
const pad = (n: number, width = 2) => String(Math.trunc(Math.abs(n))).padStart(width, '0');

/** "UTC+08:00" for an offset in minutes east of UTC (Date#getTimezoneOffset is west, so negate it). */
export function formatUtcOffset(minutesEast: number): string {
  const sign = minutesEast < 0 ? '-' : '+';
  return `UTC${sign}${pad(Math.abs(minutesEast) / 60)}:${pad(Math.abs(minutesEast) % 60)}`;
}

/**
 * An instant in the browser's time zone, with the offset spelled out, the same in every language:
 * `2025-11-14 10:42:41 UTC+08:00`. Unparseable input comes back as given.
 */
export function formatInstant(value: string | number): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day} ${time} ${formatUtcOffset(-date.getTimezoneOffset())}`;
}

/** The browser zone's name and current offset, e.g. `Asia/Shanghai (UTC+08:00)`. */
export function describeZone(now: Date = new Date()): string {
  const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return `${name ? `${name} ` : ''}(${formatUtcOffset(-now.getTimezoneOffset())})`;
}

/** A duration for people: `850 ms`, `4.2 s`, `3 min 5 s`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(abs < 10_000 ? 1 : 0)} s`;
  const s = Math.round(abs / 1000);
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  if (m < 1440) return `${sign}${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
  const hours = Math.round(m / 60);
  return `${sign}${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

/** The value a `datetime-local` input shows for an instant, in the browser's zone, to the second. */
export function toLocalInputValue(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** The instant a `datetime-local` value means in the browser's zone, as ISO 8601 (UTC); undefined if empty or invalid. */
export function fromLocalInputValue(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, hh, mm, ss] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, hh, mm, Number.isNaN(ss) ? 0 : ss);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
