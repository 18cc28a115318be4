import { describe, expect, it } from 'vitest';
import { matchesAnyGlob, matchesGlob } from '../../../../shared/access/glob';

describe('Function: matchesGlob', () => {
  it.each([
    ['orders', 'orders', true],
    ['orders', 'orders-eu', false],
    ['orders-*', 'orders-eu', true],
    ['orders-*', 'orders-', true],
    ['orders-*', 'orders', false],
    ['*', '', true],
    ['*', 'anything', true],
    ['?', '', false],
    ['ord?rs', 'orders', true],
    ['ord?rs', 'ordrs', false],
    ['*-eu-*', 'orders-eu-1', true],
    ['*-eu-*', 'orders-us-1', false],
    ['MQ_INST_*_BXprod*', 'MQ_INST_1234567890123456_BXprod01', true],
    ['MQ_INST_*_BXprod*', 'MQ_INST_1234567890123456_BXstag01', false],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXbYbZ', false],
  ])('matches %j against %j: %s', (pattern, text, expected) => {
    expect(matchesGlob(pattern, text)).toBe(expected);
  });

  it.each([
    ['.*', 'orders'],
    ['orders|payments', 'orders'],
    ['[a-z]*', 'orders'],
    ['(orders)', 'orders'],
    ['orders$', 'orders'],
  ])('treats regular-expression syntax in %j literally', (pattern, text) => {
    expect(matchesGlob(pattern, text)).toBe(false);
  });

  it('is anchored at both ends', () => {
    expect(matchesGlob('rders', 'orders')).toBe(false);
    expect(matchesGlob('order', 'orders')).toBe(false);
  });

  it('stays fast on pathological patterns', () => {
    // A backtracking regex would take exponential time here; the matcher is O(pattern × text).
    expect(matchesGlob('*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000))).toBe(false);
  });
});

describe('Function: matchesAnyGlob', () => {
  it('denies everything for an empty list', () => {
    expect(matchesAnyGlob([], 'orders')).toBe(false);
  });

  it('accepts when one pattern matches', () => {
    expect(matchesAnyGlob(['payments', 'orders-*'], 'orders-eu')).toBe(true);
  });
});
