import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONSUME_STATUS_TABLE, DERIVED_GUIDES, guideForConsumeStatus } from '../../../../shared/rocketmq5/status-table';
import { DOCUMENTED_TRACK_TYPES } from '../../../../shared/trace/track-types';

describe('Table: CONSUME_STATUS_TABLE (5.x consumeStatus → TrackType)', () => {
  it.each([
    ['SUCCESS', 'CONSUMED'],
    ['CONSUME_SUCCESS', 'CONSUMED'],
    ['FAILED', 'NOT_CONSUME_YET'],
    ['FAILURE', 'NOT_CONSUME_YET'],
    ['FAIL', 'NOT_CONSUME_YET'],
    ['CONSUME_FAILED', 'NOT_CONSUME_YET'],
    ['RETRY', 'NOT_CONSUME_YET'],
    ['RETRYING', 'NOT_CONSUME_YET'],
    ['RECONSUME_LATER', 'NOT_CONSUME_YET'],
    ['CONSUMING', 'NOT_CONSUME_YET'],
    ['PROCESSING', 'NOT_CONSUME_YET'],
    ['IN_PROGRESS', 'NOT_CONSUME_YET'],
    ['TIMEOUT', 'NOT_CONSUME_YET'],
    ['CONSUME_TIMEOUT', 'NOT_CONSUME_YET'],
    ['CONSUME_NOT_RETURN', 'NOT_CONSUME_YET'],
    ['NOT_RETURN', 'NOT_CONSUME_YET'],
  ])('maps %s to %s with a meaning and advice', (raw, trackType) => {
    // Act
    const { guide, recognised } = guideForConsumeStatus(raw);

    // Assert
    expect(recognised).toBe(true);
    expect(guide.trackType).toBe(trackType);
    expect(guide.meaning.length).toBeGreaterThan(20);
    expect(guide.advice.length).toBeGreaterThan(20);
  });

  it('has a test row for every table entry (no row added without a case above)', () => {
    expect([...CONSUME_STATUS_TABLE.keys()].sort()).toEqual(
      [
        'SUCCESS',
        'CONSUME_SUCCESS',
        'FAILED',
        'FAILURE',
        'FAIL',
        'CONSUME_FAILED',
        'RETRY',
        'RETRYING',
        'RECONSUME_LATER',
        'CONSUMING',
        'PROCESSING',
        'IN_PROGRESS',
        'TIMEOUT',
        'CONSUME_TIMEOUT',
        'CONSUME_NOT_RETURN',
        'NOT_RETURN',
      ].sort(),
    );
  });

  it.each(Object.entries(DERIVED_GUIDES))('derived row %s speaks a documented TrackType', (_name, guide) => {
    expect(DOCUMENTED_TRACK_TYPES).toContain(guide.trackType);
    expect(guide.meaning).not.toBe('');
    expect(guide.advice).not.toBe('');
  });

  it('never says NOT_CONSUMED for a group without a trace record', () => {
    expect(DERIVED_GUIDES.NO_TRACE_RECORD.trackType).toBe('UNKNOWN');
    expect(DERIVED_GUIDES.NO_TRACE_RECORD.meaning).toBe('No trace record yet: 5.x writes traces asynchronously; cannot tell yet.');
    expect(DERIVED_GUIDES.NO_TRACE_RECORD_OFFLINE.trackType).toBe('UNKNOWN');
  });

  describe('Given a status word the table does not list', () => {
    it.each(['success', 'Success', 'SUCCESS ', 'CONSUMED', '', 'toString', '__proto__', 'constructor'])('%j is UNKNOWN and unrecognised', (raw) => {
      // Act
      const { guide, recognised } = guideForConsumeStatus(raw);

      // Assert
      expect(recognised).toBe(false);
      expect(guide).toBe(DERIVED_GUIDES.UNRECOGNISED);
    });

    it('maps any string to a documented TrackType, and to UNKNOWN when it is not a table row', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.constantFrom(...CONSUME_STATUS_TABLE.keys())), (raw) => {
          const { guide, recognised } = guideForConsumeStatus(raw);
          expect(DOCUMENTED_TRACK_TYPES).toContain(guide.trackType);
          expect(recognised).toBe(CONSUME_STATUS_TABLE.has(raw));
          if (!recognised) expect(guide.trackType).toBe('UNKNOWN');
        }),
      );
    });
  });
});
