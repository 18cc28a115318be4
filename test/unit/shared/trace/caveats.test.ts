import { describe, expect, it } from 'vitest';
import { caveatsFor } from '../../../../shared/trace/caveats';
import { isDocumentedTrackType } from '../../../../shared/trace/track-types';

describe('Function: caveatsFor', () => {
  describe('Given sets of track types', () => {
    it.each([
      [[], ['OFFSET_BASED', 'EMPTY_TRACK_LIST']],
      [['CONSUMED'], ['OFFSET_BASED', 'CONSUMED_IS_NOT_SUCCESS']],
      [['NOT_CONSUME_YET'], ['OFFSET_BASED', 'OFFSET_COMMIT_DELAY']],
      [['NOT_ONLINE', 'UNKNOWN', 'CONSUMED_BUT_FILTERED'], ['OFFSET_BASED']],
      [['PULL'], ['OFFSET_BASED', 'UNDOCUMENTED_TRACK_TYPE']],
      [
        ['CONSUMED', 'NOT_CONSUME_YET', 'CONSUME_BROADCASTING'],
        ['OFFSET_BASED', 'CONSUMED_IS_NOT_SUCCESS', 'OFFSET_COMMIT_DELAY', 'UNDOCUMENTED_TRACK_TYPE'],
      ],
    ])('%j → %j', (trackTypes, expected) => {
      // Act
      const caveats = caveatsFor(trackTypes, isDocumentedTrackType);

      // Assert
      expect(caveats.map((c) => c.code)).toEqual(expected);
    });
  });

  describe('Given any track types', () => {
    it('gives every caveat a non-empty text', () => {
      // Act
      const caveats = caveatsFor(['CONSUMED', 'NOT_CONSUME_YET', 'X'], isDocumentedTrackType);
      const empty = caveatsFor([], isDocumentedTrackType);

      // Assert
      for (const caveat of [...caveats, ...empty]) expect(caveat.text.length).toBeGreaterThan(20);
      expect(caveats.find((c) => c.code === 'OFFSET_COMMIT_DELAY')?.text).toContain('5 s');
    });
  });

  describe('Given a custom documented-ness predicate', () => {
    it('uses it to decide UNDOCUMENTED_TRACK_TYPE', () => {
      // Act
      const caveats = caveatsFor(['CONSUMED'], () => false);

      // Assert
      expect(caveats.map((c) => c.code)).toContain('UNDOCUMENTED_TRACK_TYPE');
    });
  });
});
