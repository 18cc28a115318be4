import { describe, expect, it } from 'vitest';
import { DOCUMENTED_TRACK_TYPES, guideFor, isDocumentedTrackType } from '../../../../shared/trace/track-types';

const GENERIC_MEANING = 'The API returned a track type that is not documented; it is shown exactly as returned.';

describe('Function: guideFor', () => {
  describe('Given each known track type', () => {
    it.each([
      ['CONSUMED', "committed offset has moved past", 'CONSUMED does not prove the handler succeeded'],
      ['CONSUMED_BUT_FILTERED', 'filtered out and never delivered', 'tag expression'],
      ['NOT_CONSUME_YET', 'has not reached this message yet', 'about 5 s'],
      ['NOT_ONLINE', 'No consumer client of this group is connected', 'AccessKey, instance endpoint and GroupId'],
      ['UNKNOWN', 'could not determine the status', 'upstream request id'],
      ['PULL', 'pull consumer', 'offset store'],
      ['CONSUME_BROADCASTING', 'broadcasting mode', 'broadcasting client'],
    ])('%s has its own meaning and advice', (trackType, meaningPart, advicePart) => {
      // Act
      const guide = guideFor(trackType);

      // Assert
      expect(guide.meaning).toContain(meaningPart);
      expect(guide.advice).toContain(advicePart);
      expect(guide.meaning).not.toBe(GENERIC_MEANING);
    });
  });

  describe('Given a value that is not a track type', () => {
    it.each(['SOMETHING_NEW', 'consumed', 'NOT_CONSUMED_YET', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
      '%j gets the generic guide',
      (trackType) => {
        // Act
        const guide = guideFor(trackType);

        // Assert
        expect(guide).toEqual({
          meaning: GENERIC_MEANING,
          advice: 'Treat it as unknown. Check the group in the console, and tell the mqtrace maintainers about the new value.',
        });
      },
    );
  });
});

describe('Function: isDocumentedTrackType', () => {
  describe('Given the documented and undocumented values', () => {
    it.each([
      ['CONSUMED', true],
      ['CONSUMED_BUT_FILTERED', true],
      ['NOT_CONSUME_YET', true],
      ['NOT_ONLINE', true],
      ['UNKNOWN', true],
      ['PULL', false],
      ['CONSUME_BROADCASTING', false],
      ['NOT_CONSUMED_YET', false],
      ['__proto__', false],
    ])('%s → %s', (trackType, expected) => {
      // Act + Assert
      expect(isDocumentedTrackType(trackType)).toBe(expected);
    });
  });

  describe('Given the documented list', () => {
    it('holds exactly the five values of the ONS documentation', () => {
      // Assert
      expect([...DOCUMENTED_TRACK_TYPES]).toEqual(['CONSUMED', 'CONSUMED_BUT_FILTERED', 'NOT_CONSUME_YET', 'NOT_ONLINE', 'UNKNOWN']);
    });
  });
});
