import { describe, expect, it } from 'vitest';
import { ANSWER_CAVEATS } from '../../../../shared/trace/broker-port';
import { caveatsForTracks, describeCaveats } from '../../../../shared/trace/caveats';

describe('Function: caveatsForTracks', () => {
  describe('Given sets of 4.x track types', () => {
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
      expect(caveatsForTracks(trackTypes)).toEqual(expected);
    });
  });
});

describe('Function: describeCaveats', () => {
  it('gives every caveat a non-empty text', () => {
    const caveats = describeCaveats(ANSWER_CAVEATS);
    expect(caveats.map((c) => c.code)).toEqual([...ANSWER_CAVEATS]);
    for (const caveat of caveats) expect(caveat.text.length).toBeGreaterThan(20);
    expect(caveats.find((c) => c.code === 'OFFSET_COMMIT_DELAY')?.text).toContain('5 s');
  });

  it('lists a caveat once, in the order given', () => {
    expect(describeCaveats(['TRACE_BASED', 'NO_TRACE_RECORD', 'TRACE_BASED']).map((c) => c.code)).toEqual(['TRACE_BASED', 'NO_TRACE_RECORD']);
  });
});
