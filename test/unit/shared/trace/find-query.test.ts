import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FUTURE_SKEW_MS,
  keyProblem,
  MAX_WINDOW_MS,
  parseChatTime,
  parseIsoTime,
  tagProblem,
  UNVERIFIED_MAX_KEY_LENGTH,
  windowProblems,
} from '../../../../shared/trace/find-query';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const HOUR = 3_600_000;

describe('Function: windowProblems', () => {
  it.each([
    ['the last hour', NOW - HOUR, NOW, []],
    ['a window ending within the clock skew', NOW - HOUR, NOW + FUTURE_SKEW_MS, []],
    ['exactly the widest window', NOW - MAX_WINDOW_MS, NOW, []],
  ])('accepts %s', (_name, from, to, expected) => {
    expect(windowProblems(from, to, NOW)).toEqual(expected);
  });

  it.each([
    ['reversed', NOW, NOW - HOUR, ['to'], /reversed/],
    ['empty', NOW - HOUR, NOW - HOUR, ['to'], /reversed or empty/],
    ['too wide', NOW - MAX_WINDOW_MS - 1, NOW, ['from'], /at most 24 h/],
    ['ending in the future', NOW - HOUR, NOW + FUTURE_SKEW_MS + 1, ['to'], /in the future/],
    ['starting in the future', NOW + HOUR, NOW + 2 * HOUR, ['from', 'to'], /in the future/],
  ])('refuses a window %s, naming the field to change', (_name, from, to, paths, message) => {
    const issues = windowProblems(from, to, NOW);
    expect(issues.map((i) => i.path)).toEqual(paths);
    expect(issues[0]?.message).toMatch(message);
  });

  it('accepts exactly the windows that are ordered, at most a day wide and not ahead of the clock', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3 * MAX_WINDOW_MS, max: MAX_WINDOW_MS }), fc.integer({ min: -3 * MAX_WINDOW_MS, max: MAX_WINDOW_MS }), (a, b) => {
        const from = NOW + a;
        const to = NOW + b;
        const fine = from <= NOW && to <= NOW + FUTURE_SKEW_MS && to > from && to - from <= MAX_WINDOW_MS;
        expect(windowProblems(from, to, NOW).length === 0).toBe(fine);
      }),
    );
  });
});

describe('Function: keyProblem / tagProblem', () => {
  it('accepts a key up to the length limit, and refuses longer ones, spaces and empty ones', () => {
    expect(keyProblem('order-20261201-0042')).toBeUndefined();
    expect(keyProblem('k'.repeat(UNVERIFIED_MAX_KEY_LENGTH))).toBeUndefined();
    expect(keyProblem('k'.repeat(UNVERIFIED_MAX_KEY_LENGTH + 1))).toMatch(/at most 128/);
    expect(keyProblem('two keys')).toMatch(/space/);
    expect(keyProblem('')).toBe('is required');
  });

  it('refuses a tag expression where one tag is meant', () => {
    expect(tagProblem('order-paid')).toBeUndefined();
    expect(tagProblem('a||b')).toMatch(/one tag/);
    expect(tagProblem('t'.repeat(129))).toMatch(/at most 128/);
  });
});

describe('Function: parseIsoTime / parseChatTime', () => {
  it.each([
    ['2026-12-01T10:00:00Z', Date.parse('2026-12-01T10:00:00Z')],
    ['2026-12-01T10:00Z', Date.parse('2026-12-01T10:00:00Z')],
    ['2026-12-01T10:00:00.5Z', Date.parse('2026-12-01T10:00:00.500Z')],
    ['2026-12-01T18:00:00+08:00', Date.parse('2026-12-01T10:00:00Z')],
    ['2026-12-01 10:00', Date.parse('2026-12-01T10:00:00Z')],
  ])('reads %s', (text, expected) => {
    expect(parseIsoTime(text)).toBe(expected);
  });

  it.each(['2026-02-30T10:00:00Z', '2026-12-01', 'yesterday', '2026-13-01T00:00Z', '0050-01-01T00:00Z', '2026-12-01T10:00:00+15:00'])('refuses %s', (text) => {
    expect(parseIsoTime(text)).toBeUndefined();
  });

  it('reads now and relative times against the clock', () => {
    expect(parseChatTime('now', NOW)).toBe(NOW);
    expect(parseChatTime('-1h', NOW)).toBe(NOW - HOUR);
    expect(parseChatTime('-90m', NOW)).toBe(NOW - 90 * 60_000);
    expect(parseChatTime('-2d', NOW)).toBe(NOW - 2 * 86_400_000);
    expect(parseChatTime('-30s', NOW)).toBe(NOW - 30_000);
    expect(parseChatTime('+1h', NOW)).toBeUndefined();
  });

  it('reads back every ISO time it prints', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1970-01-02T00:00:00Z'), max: Date.parse('2999-12-31T00:00:00Z') }), (ms) => {
        expect(parseIsoTime(new Date(ms).toISOString())).toBe(ms);
      }),
    );
  });
});
