/**
 * The `yyyy-MM-dd HH:mm:ss` times of the 5.x API (SDK examples "2023-05-10 10:42:11"). They carry
 * no zone; the emulator reads and writes them in the instance's zone (default UTC+8, the cn-*
 * regions' local time). Which zone the real service uses is UNVERIFIED.
 */

const PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** The default zone of instance times: UTC+8, in minutes. */
export const DEFAULT_TIME_ZONE_OFFSET_MINUTES = 480;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/**
 * Formats an instant as `yyyy-MM-dd HH:mm:ss` in a fixed-offset zone (seconds truncated).
 *
 * @param ms - Epoch milliseconds.
 * @param offsetMinutes - The zone's UTC offset.
 * @returns The text.
 * @example
 * formatApiTime(Date.UTC(2023, 4, 10, 2, 42, 11), 480); // '2023-05-10 10:42:11'
 */
export function formatApiTime(ms: number, offsetMinutes: number): string {
  const d = new Date(ms + offsetMinutes * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * Parses `yyyy-MM-dd HH:mm:ss` in a fixed-offset zone.
 *
 * @param text - The parameter value.
 * @param offsetMinutes - The zone's UTC offset.
 * @returns Epoch milliseconds, or `undefined` when malformed or not a real date and time.
 */
export function parseApiTime(text: string, offsetMinutes: number): number | undefined {
  const match = PATTERN.exec(text);
  if (match === null) {
    return undefined;
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  // Date.UTC rolls impossible values (02-30, 25:00) over; the round trip catches that.
  return formatApiTime(ms, offsetMinutes) === text ? ms : undefined;
}
