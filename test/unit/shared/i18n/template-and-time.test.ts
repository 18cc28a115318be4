import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTemplate, templateNames } from '../../../../shared/i18n/template';
import { createTimeFormatter, parseTimeZone, timeZoneForRegion } from '../../../../shared/i18n/time-zone';

describe('Function: formatTemplate', () => {
  it('fills values, picks the plural word by the number, and keeps a missing parameter visible', () => {
    expect(formatTemplate('{n} {n|group|groups} in {topic}', { n: 1, topic: 'orders' })).toBe('1 group in orders');
    expect(formatTemplate('{n} {n|group|groups} in {topic}', { n: 3, topic: 'orders' })).toBe('3 groups in orders');
    expect(formatTemplate('Hello {who}', {})).toBe('Hello {who}');
  });

  it('escapes the literal text and string values, but not markup', () => {
    const escape = (t: string) => t.replace(/</g, '&lt;');
    expect(formatTemplate('<b> {a} {b}', { a: '<x>', b: { markup: '<i>y</i>' } }, escape)).toBe('&lt;b> &lt;x> <i>y</i>');
  });

  it('lists its parameter names, with or without the plural selectors', () => {
    expect(templateNames('{n} {n|a|b} {topic}')).toEqual(['n', 'topic']);
    expect(templateNames('{n|a|b} {topic}', { valuesOnly: true })).toEqual(['topic']);
  });
});

describe('Time zones', () => {
  it.each([
    ['Asia/Shanghai', { kind: 'iana', name: 'Asia/Shanghai' }],
    ['UTC', { kind: 'offset', minutes: 0 }],
    ['UTC+8', { kind: 'offset', minutes: 480 }],
    ['+05:30', { kind: 'offset', minutes: 330 }],
    ['GMT-0330', { kind: 'offset', minutes: -210 }],
  ])('parses %s', (text, zone) => {
    expect(parseTimeZone(text)).toEqual(zone);
  });

  it.each(['Mars/Olympus', 'UTC+15', '+08:75', 'drop table'])('refuses %s', (text) => {
    expect(parseTimeZone(text)).toBeUndefined();
  });

  it('gives Chinese regions UTC+8 and unknown ones UTC', () => {
    expect(timeZoneForRegion('cn-shenzhen')).toEqual({ kind: 'iana', name: 'Asia/Shanghai' });
    expect(timeZoneForRegion('ap-southeast-1')).toEqual({ kind: 'iana', name: 'Asia/Singapore' });
    expect(timeZoneForRegion('zz-unknown-9')).toEqual({ kind: 'offset', minutes: 0 });
  });

  it.each([
    [{ kind: 'iana' as const, name: 'Asia/Shanghai' }, '2025-10-25 11:00:00 UTC+08:00'],
    [{ kind: 'offset' as const, minutes: 0 }, '2025-10-25 03:00:00 UTC'],
    [{ kind: 'offset' as const, minutes: -330 }, '2025-10-24 21:30:00 UTC-05:30'],
    [{ kind: 'iana' as const, name: 'America/New_York' }, '2025-10-24 23:00:00 UTC-04:00'],
  ])('shows an instant in %j with its offset', (zone, expected) => {
    expect(createTimeFormatter(zone).format('2025-10-25T03:00:00.000Z')).toBe(expected);
  });

  it('follows daylight saving time: the same zone has another offset in winter', () => {
    expect(createTimeFormatter({ kind: 'iana', name: 'America/New_York' }).format(Date.UTC(2025, 0, 15, 12))).toBe('2025-01-15 07:00:00 UTC-05:00');
  });

  it('round-trips: the shown local time minus the shown offset is the instant, for any instant and zone', () => {
    const zones = ['Asia/Shanghai', 'Europe/London', 'America/Los_Angeles', 'Asia/Kolkata', 'UTC'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(...zones), (ms, name) => {
        const text = createTimeFormatter(parseTimeZone(name) ?? { kind: 'offset', minutes: 0 }).format(ms);
        const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) UTC(?:([+-])(\d{2}):(\d{2}))?$/.exec(text);
        expect(m).not.toBeNull();
        if (!m) return;
        const local = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
        const offset = m[7] ? (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) : 0;
        expect(local - offset * 60_000).toBe(Math.floor(ms / 1000) * 1000);
      }),
      { numRuns: 300 },
    );
  });

  it('replaces the UTC instants inside a sentence, leaving the rest', () => {
    expect(createTimeFormatter({ kind: 'offset', minutes: 480 }).localise('born 2025-10-25T03:00:00.000Z on host')).toBe('born 2025-10-25 11:00:00 UTC+08:00 on host');
  });
});
