import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatDuration, formatInstant, formatUtcOffset, fromLocalInputValue, toLocalInputValue } from '../../../shared/local-time';

describe('Module: local-time', () => {
  let tz: string | undefined;
  beforeEach(() => {
    tz = process.env.TZ;
  });
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it.each([
    ['Asia/Shanghai', '2025-11-14 10:42:41 UTC+08:00'],
    ['America/St_Johns', '2025-11-13 23:12:41 UTC-03:30'],
    ['UTC', '2025-11-14 02:42:41 UTC+00:00'],
  ])('shows an instant in %s with its offset', (zone, expected) => {
    process.env.TZ = zone;
    expect(formatInstant('2025-11-14T02:42:41.186Z')).toBe(expected);
  });

  it('gives back what it cannot parse', () => {
    expect(formatInstant('soon')).toBe('soon');
  });

  it.each([
    [480, 'UTC+08:00'],
    [-210, 'UTC-03:30'],
    [0, 'UTC+00:00'],
    [345, 'UTC+05:45'],
  ])('writes the offset %i as %s', (minutes, expected) => {
    expect(formatUtcOffset(minutes)).toBe(expected);
  });

  it.each([
    [850, '850 ms'],
    [4_200, '4.2 s'],
    [42_000, '42 s'],
    [185_000, '3 min 5 s'],
    [7_500_000, '2 h 5 min'],
    [273_600_000, '3 d 4 h'],
    [-1_500, '-1.5 s'],
  ])('writes %i ms as %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it('turns a datetime-local value into the instant it means in the local zone, and back', () => {
    process.env.TZ = 'Asia/Shanghai';
    expect(fromLocalInputValue('2025-11-14T10:42:41')).toBe('2025-11-14T02:42:41.000Z');
    expect(fromLocalInputValue('2025-11-14T10:42')).toBe('2025-11-14T02:42:00.000Z');
    expect(toLocalInputValue(new Date('2025-11-14T02:42:41.000Z'))).toBe('2025-11-14T10:42:41');
    expect(fromLocalInputValue('')).toBeUndefined();
  });
});
