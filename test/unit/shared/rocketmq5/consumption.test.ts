import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerConsumption, failedDeliveries, redeliveries } from '../../../../shared/rocketmq5/consumption';
import { CONSUME_STATUS_TABLE, DERIVED_GUIDES } from '../../../../shared/rocketmq5/status-table';
import { DOCUMENTED_TRACK_TYPES } from '../../../../shared/trace/track-types';

const REQUEST_ID = 'TRACE-REQ-1';
const sub = (consumerGroupId: string, extra: Record<string, string> = {}) => ({ consumerGroupId, filterExpression: '*', filterExpressionType: 'TAG', subscriptionStatus: 'ONLINE', ...extra });
const record = (consumeStatus: string) => ({ clientHost: '10.0.0.1', consumeStatus });

describe('Function: answerConsumption', () => {
  describe('Given a group whose trace says SUCCESS', () => {
    it('is CONSUMED with the raw status kept, and the answer is trace-based with the trace request id', () => {
      // Act
      const answer = answerConsumption([sub('GID_billing')], { messageInfo: { messageTag: 'paid' }, consumerInfos: [{ consumerGroupId: 'GID_billing', consumeStatus: 'SUCCESS', records: [record('SUCCESS')] }] }, REQUEST_ID);

      // Assert
      expect(answer).toEqual({
        requestId: REQUEST_ID,
        caveats: ['TRACE_BASED'],
        groups: [{ consumerGroup: 'GID_billing', trackType: 'CONSUMED', upstreamStatus: 'SUCCESS', meaning: CONSUME_STATUS_TABLE.get('SUCCESS')?.meaning, advice: CONSUME_STATUS_TABLE.get('SUCCESS')?.advice }],
      });
    });

    it('adds CONSUMED_IS_NOT_SUCCESS when earlier deliveries failed', () => {
      const answer = answerConsumption([sub('G')], { messageInfo: {}, consumerInfos: [{ consumerGroupId: 'G', consumeStatus: 'SUCCESS', records: [record('FAILED'), record('SUCCESS')] }] }, REQUEST_ID);
      expect(answer.caveats).toEqual(['TRACE_BASED', 'CONSUMED_IS_NOT_SUCCESS']);
    });
  });

  describe('Given a dead-lettered group', () => {
    it('is NOT_CONSUME_YET with the DEAD_LETTERED meaning, whatever its status', () => {
      const answer = answerConsumption(
        [sub('G')],
        { consumerInfos: [{ consumerGroupId: 'G', consumeStatus: 'FAILED', deadMessage: true, records: [record('FAILED'), record('FAILED')] }] },
        REQUEST_ID,
      );
      expect(answer.groups[0]).toMatchObject({ trackType: 'NOT_CONSUME_YET', upstreamStatus: 'FAILED', meaning: DERIVED_GUIDES.DEAD_LETTERED.meaning });
    });
  });

  describe('Given a subscribing group with no trace record', () => {
    it('is UNKNOWN without an upstream status and with NO_TRACE_RECORD, never a not-consumed type', () => {
      // Act
      const answer = answerConsumption([sub('GID_new')], { messageInfo: { messageTag: 'paid' }, consumerInfos: [] }, REQUEST_ID);

      // Assert
      expect(answer.groups).toEqual([{ consumerGroup: 'GID_new', trackType: 'UNKNOWN', meaning: 'No trace record yet: 5.x writes traces asynchronously; cannot tell yet.', advice: DERIVED_GUIDES.NO_TRACE_RECORD.advice }]);
      expect(answer.caveats).toEqual(['TRACE_BASED', 'NO_TRACE_RECORD']);
    });

    it('says so, and that it is offline, when the subscription is OFFLINE', () => {
      const answer = answerConsumption([sub('G', { subscriptionStatus: 'OFFLINE' })], { messageInfo: {}, consumerInfos: [] }, REQUEST_ID);
      expect(answer.groups[0]).toMatchObject({ trackType: 'UNKNOWN', meaning: DERIVED_GUIDES.NO_TRACE_RECORD_OFFLINE.meaning });
    });

    it('is UNKNOWN when the trace has no data at all', () => {
      const answer = answerConsumption([sub('G', { filterExpression: 'other' })], null, REQUEST_ID);
      expect(answer.groups[0]?.trackType).toBe('UNKNOWN');
    });

    it('counts a record without any status as no record', () => {
      const answer = answerConsumption([sub('G')], { messageInfo: {}, consumerInfos: [{ consumerGroupId: 'G', records: [{ clientHost: 'x' }] }] }, REQUEST_ID);
      expect(answer.groups[0]?.trackType).toBe('UNKNOWN');
      expect(answer.caveats).toContain('NO_TRACE_RECORD');
    });
  });

  describe("Given a subscribing group whose tag filter excludes the message's tag", () => {
    it.each([
      ['TagA || TagB', 'TAG', 'paid'],
      ['TagA', 'UNSPECIFIED', 'paid'],
      ['TagA', 'TAG', undefined],
    ])('%j (%s) vs tag %j is CONSUMED_BUT_FILTERED', (filterExpression, filterExpressionType, messageTag) => {
      const answer = answerConsumption(
        [sub('GID_audit', { filterExpression, filterExpressionType })],
        { messageInfo: messageTag === undefined ? {} : { messageTag }, consumerInfos: [] },
        REQUEST_ID,
      );
      expect(answer.groups[0]).toMatchObject({ trackType: 'CONSUMED_BUT_FILTERED', meaning: DERIVED_GUIDES.FILTERED.meaning });
      expect(answer.caveats).toEqual(['TRACE_BASED']);
    });

    it('trusts a trace record over the filter (the subscription may have changed)', () => {
      const answer = answerConsumption(
        [sub('G', { filterExpression: 'TagA' })],
        { messageInfo: { messageTag: 'paid' }, consumerInfos: [{ consumerGroupId: 'G', consumeStatus: 'SUCCESS' }] },
        REQUEST_ID,
      );
      expect(answer.groups[0]?.trackType).toBe('CONSUMED');
    });

    it('does not judge an SQL filter', () => {
      const answer = answerConsumption([sub('G', { filterExpression: 'a > 5', filterExpressionType: 'SQL' })], { messageInfo: { messageTag: 'paid' }, consumerInfos: [] }, REQUEST_ID);
      expect(answer.groups[0]?.trackType).toBe('UNKNOWN');
    });
  });

  describe('Given an unknown consumeStatus', () => {
    it('is UNKNOWN with the raw value and UNRECOGNISED_STATUS', () => {
      const answer = answerConsumption([sub('G')], { consumerInfos: [{ consumerGroupId: 'G', consumeStatus: 'SUSPENDED_BY_OPERATOR' }] }, REQUEST_ID);
      expect(answer.groups[0]).toMatchObject({ trackType: 'UNKNOWN', upstreamStatus: 'SUSPENDED_BY_OPERATOR', meaning: DERIVED_GUIDES.UNRECOGNISED.meaning });
      expect(answer.caveats).toEqual(['TRACE_BASED', 'UNRECOGNISED_STATUS']);
    });
  });

  describe('Given no subscriber and no trace record', () => {
    it('has no group and says EMPTY_TRACK_LIST', () => {
      expect(answerConsumption([], { consumerInfos: [] }, REQUEST_ID)).toEqual({ groups: [], requestId: REQUEST_ID, caveats: ['TRACE_BASED', 'EMPTY_TRACK_LIST'] });
    });
  });

  describe('Given a traced group that no longer subscribes, and a duplicated subscription row', () => {
    it('keeps each group once: subscribers first, then traced-only groups', () => {
      const answer = answerConsumption(
        [sub('A'), sub('B'), sub('A')],
        { consumerInfos: [{ consumerGroupId: 'OLD', consumeStatus: 'SUCCESS' }, { consumerGroupId: 'B', consumeStatus: 'SUCCESS' }] },
        REQUEST_ID,
      );
      expect(answer.groups.map((g) => [g.consumerGroup, g.trackType])).toEqual([
        ['A', 'UNKNOWN'],
        ['B', 'CONSUMED'],
        ['OLD', 'CONSUMED'],
      ]);
    });
  });

  it('always answers documented TrackTypes with TRACE_BASED first, and keeps any raw status verbatim', () => {
    const status = fc.oneof(fc.constantFrom(...CONSUME_STATUS_TABLE.keys()), fc.string({ maxLength: 12 }));
    const info = fc.record(
      {
        consumerGroupId: fc.constantFrom('A', 'B', 'C', 'toString', '__proto__'),
        consumeStatus: status,
        deadMessage: fc.boolean(),
        records: fc.array(fc.record({ consumeStatus: status }, { requiredKeys: [] }), { maxLength: 3 }),
      },
      { requiredKeys: ['consumerGroupId'] },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ consumerGroupId: fc.constantFrom('A', 'B', 'D', 'constructor'), filterExpression: fc.constantFrom('*', 'x', 'x || y', '') }), { maxLength: 4 }),
        fc.array(info, { maxLength: 4 }),
        fc.option(fc.constantFrom('x', 'y', 'z'), { nil: undefined }),
        (subs, infos, tag) => {
          const answer = answerConsumption(subs, { messageInfo: tag === undefined ? {} : { messageTag: tag }, consumerInfos: infos }, REQUEST_ID);
          expect(answer.caveats[0]).toBe('TRACE_BASED');
          expect(new Set(answer.groups.map((g) => g.consumerGroup)).size).toBe(answer.groups.length);
          for (const g of answer.groups) {
            expect(DOCUMENTED_TRACK_TYPES).toContain(g.trackType);
            if (g.upstreamStatus !== undefined && !CONSUME_STATUS_TABLE.has(g.upstreamStatus) && g.meaning !== DERIVED_GUIDES.DEAD_LETTERED.meaning) {
              expect(g.trackType).toBe('UNKNOWN');
              expect(answer.caveats).toContain('UNRECOGNISED_STATUS');
            }
          }
        },
      ),
    );
  });
});

describe('Function: redeliveries / failedDeliveries', () => {
  it('counts records after the first, and records whose status failed', () => {
    const info = { records: [record('FAILED'), record('CONSUME_TIMEOUT'), record('SUCCESS')] };
    expect(redeliveries(info)).toBe(2);
    expect(failedDeliveries(info)).toBe(2);
    expect(redeliveries({})).toBe(0);
  });
});
