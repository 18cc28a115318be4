import { describe, expect, it } from 'vitest';
import { decideVerdict, VERDICTS } from '../../../../shared/trace/verdict';

const g = (consumerGroup: string, trackType: string) => ({ consumerGroup, trackType });

describe('Function: decideVerdict', () => {
  describe('Given a table of per-group track types', () => {
    it.each([
      ['no groups at all', [], 'NO_SUBSCRIBERS'],
      ['only filtered groups', [g('GID_a', 'CONSUMED_BUT_FILTERED'), g('GID_b', 'CONSUMED_BUT_FILTERED')], 'NO_SUBSCRIBERS'],
      ['every group consumed', [g('GID_a', 'CONSUMED'), g('GID_b', 'CONSUMED')], 'CONSUMED'],
      ['consumed plus filtered groups', [g('GID_a', 'CONSUMED'), g('GID_b', 'CONSUMED_BUT_FILTERED')], 'CONSUMED'],
      ['consumed plus NOT_CONSUME_YET', [g('GID_a', 'CONSUMED'), g('GID_b', 'NOT_CONSUME_YET')], 'PARTIALLY_CONSUMED'],
      ['consumed plus NOT_ONLINE', [g('GID_a', 'CONSUMED'), g('GID_b', 'NOT_ONLINE')], 'PARTIALLY_CONSUMED'],
      ['consumed, pending and unknown', [g('GID_a', 'CONSUMED'), g('GID_b', 'NOT_ONLINE'), g('GID_c', 'UNKNOWN')], 'PARTIALLY_CONSUMED'],
      ['NOT_ONLINE only', [g('GID_a', 'NOT_ONLINE')], 'NOT_CONSUMED'],
      ['NOT_CONSUME_YET only', [g('GID_a', 'NOT_CONSUME_YET')], 'NOT_CONSUMED'],
      ['pending plus unknown, none consumed', [g('GID_a', 'NOT_CONSUME_YET'), g('GID_b', 'UNKNOWN')], 'NOT_CONSUMED'],
      ['pending plus filtered', [g('GID_a', 'NOT_ONLINE'), g('GID_b', 'CONSUMED_BUT_FILTERED')], 'NOT_CONSUMED'],
      ['only UNKNOWN', [g('GID_a', 'UNKNOWN')], 'UNKNOWN'],
      ['only PULL', [g('GID_a', 'PULL')], 'UNKNOWN'],
      ['UNKNOWN and PULL', [g('GID_a', 'UNKNOWN'), g('GID_b', 'PULL')], 'UNKNOWN'],
      ['an unrecognised type', [g('GID_a', 'SOMETHING_NEW')], 'UNKNOWN'],
      ['consumed plus unknown', [g('GID_a', 'CONSUMED'), g('GID_b', 'UNKNOWN')], 'UNKNOWN'],
      ['consumed plus broadcasting', [g('GID_a', 'CONSUMED'), g('GID_b', 'CONSUME_BROADCASTING')], 'UNKNOWN'],
    ])('%s → %s', (_label, tracks, expected) => {
      // Act
      const result = decideVerdict(tracks);

      // Assert
      expect(result.verdict).toBe(expected);
      expect(VERDICTS).toContain(result.verdict);
    });
  });

  describe('Given no groups', () => {
    it('says nothing subscribes', () => {
      // Act
      const result = decideVerdict([]);

      // Assert
      expect(result).toEqual({
        verdict: 'NO_SUBSCRIBERS',
        summary: 'No consumer group subscribes to this topic, so nothing will consume the message.',
      });
    });
  });

  describe('Given only filtered groups', () => {
    it('counts the groups that filtered it out', () => {
      // Act
      const result = decideVerdict([g('GID_a', 'CONSUMED_BUT_FILTERED'), g('GID_b', 'CONSUMED_BUT_FILTERED')]);

      // Assert
      expect(result.summary).toBe('All 2 subscribing group(s) filter this message out by tag, so none was meant to consume it.');
    });
  });

  describe('Given some groups consumed and some are pending', () => {
    it('names the pending groups and counts only relevant ones', () => {
      // Act
      const result = decideVerdict([
        g('GID_a', 'CONSUMED'),
        g('GID_b', 'NOT_ONLINE'),
        g('GID_c', 'NOT_CONSUME_YET'),
        g('GID_d', 'CONSUMED_BUT_FILTERED'),
      ]);

      // Assert
      expect(result.summary).toBe('1 of 3 group(s) consumed it; not yet: GID_b, GID_c.');
    });
  });

  describe('Given no group consumed it and some are pending', () => {
    it('names the groups it waits on', () => {
      // Act
      const result = decideVerdict([g('GID_a', 'NOT_ONLINE'), g('GID_b', 'UNKNOWN')]);

      // Assert
      expect(result.summary).toBe('No group has consumed it yet; waiting on: GID_a.');
    });
  });

  describe('Given undecided groups', () => {
    it.each([
      [[g('GID_a', 'UNKNOWN'), g('GID_b', 'PULL')], 'The status of 2 group(s) cannot be determined.'],
      [[g('GID_a', 'CONSUMED'), g('GID_b', 'UNKNOWN')], 'The status of 1 group(s) cannot be determined; 1 consumed it.'],
    ])('summarises %j as "%s"', (tracks, expected) => {
      // Act
      const result = decideVerdict(tracks);

      // Assert
      expect(result.summary).toBe(expected);
    });
  });

  describe('Given every group consumed', () => {
    it('counts them', () => {
      // Act
      const result = decideVerdict([g('GID_a', 'CONSUMED'), g('GID_b', 'CONSUMED'), g('GID_c', 'CONSUMED')]);

      // Assert
      expect(result.summary).toBe('All 3 subscribing group(s) consumed the message.');
    });
  });
});
