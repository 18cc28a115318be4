import { describe, expect, it } from 'vitest';
import { describeReasons, judgeTracks } from '../../../../shared/spot-check/judge';

const t = (consumerGroup: string, trackType: string) => ({ consumerGroup, trackType });

describe('Function: judgeTracks()', () => {
  describe('Given no expectGroups', () => {
    it.each([
      ['every group CONSUMED', [t('GID_a', 'CONSUMED'), t('GID_b', 'CONSUMED')], []],
      ['a filtered group', [t('GID_a', 'CONSUMED'), t('GID_b', 'CONSUMED_BUT_FILTERED')], []],
      ['no subscriber at all', [], []],
      ['UNKNOWN and PULL (undecidable, not failing)', [t('GID_a', 'UNKNOWN'), t('GID_b', 'PULL')], []],
      ['any group NOT_CONSUME_YET', [t('GID_a', 'CONSUMED'), t('GID_b', 'NOT_CONSUME_YET')], [{ group: 'GID_b', kind: 'NOT_CONSUME_YET' }]],
      ['a group NOT_ONLINE', [t('GID_a', 'NOT_ONLINE')], [{ group: 'GID_a', kind: 'NOT_ONLINE' }]],
    ])('judges %s', (_label, tracks, reasons) => {
      expect(judgeTracks(tracks, undefined)).toEqual(reasons);
    });
  });

  describe('Given expectGroups', () => {
    const expect2 = ['GID_a', 'GID_b'];

    it('fails when an expected group is NOT_CONSUME_YET', () => {
      expect(judgeTracks([t('GID_a', 'CONSUMED'), t('GID_b', 'NOT_CONSUME_YET')], expect2)).toEqual([{ group: 'GID_b', kind: 'NOT_CONSUME_YET' }]);
    });

    it('ignores an unexpected group that is NOT_CONSUME_YET', () => {
      expect(judgeTracks([t('GID_a', 'CONSUMED'), t('GID_b', 'CONSUMED'), t('GID_x', 'NOT_CONSUME_YET')], expect2)).toEqual([]);
    });

    it('still fails on any group NOT_ONLINE, expected or not', () => {
      expect(judgeTracks([t('GID_a', 'CONSUMED'), t('GID_b', 'CONSUMED'), t('GID_x', 'NOT_ONLINE')], expect2)).toEqual([{ group: 'GID_x', kind: 'NOT_ONLINE' }]);
    });

    it('fails when an expected group is missing from the track list', () => {
      expect(judgeTracks([t('GID_a', 'CONSUMED')], expect2)).toEqual([{ group: 'GID_b', kind: 'MISSING' }]);
    });

    it('fails an empty track list for every expected group', () => {
      expect(judgeTracks([], expect2).map((r) => r.kind)).toEqual(['MISSING', 'MISSING']);
    });
  });
});

describe('Function: describeReasons()', () => {
  it('writes one short line', () => {
    expect(
      describeReasons([
        { group: 'GID_a', kind: 'NOT_CONSUME_YET' },
        { group: 'GID_b', kind: 'MISSING' },
      ]),
    ).toBe('GID_a NOT_CONSUME_YET, GID_b missing from the track list');
  });
});
