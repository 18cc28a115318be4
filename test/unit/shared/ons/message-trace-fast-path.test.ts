import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastMessageTraceResponse, MessageTraceResponseSchema } from '../../../../shared/ons/message-trace';
import { expectFastPathAgrees, mostly, rawOrParsedJson } from '../../../builders/fast-path-agreement';

const track = fc.record(
  {
    ConsumerGroup: mostly(fc.constantFrom('GID_billing', 'GID_shipping', '')),
    TrackType: mostly(fc.constantFrom('CONSUMED', 'NOT_CONSUME_YET', 'UNKNOWN', 'SOMETHING_NEW')),
    InstanceId: mostly(fc.constantFrom('MQ_INST_1234567890123456_BXabcdef', undefined)),
    ExceptionDesc: mostly(fc.string({ maxLength: 12 })),
    Extra: fc.nat(),
  },
  { requiredKeys: ['ConsumerGroup', 'TrackType'] },
);
const body = fc.record(
  {
    RequestId: mostly(fc.uuid()),
    Data: mostly(fc.record({ MessageTrack: mostly(fc.array(track, { maxLength: 3 })), Other: fc.string() }, { requiredKeys: [] })),
    Code: fc.constant('Success'),
  },
  { requiredKeys: ['RequestId'] },
);

describe('Function: fastMessageTraceResponse (the fast path of MessageTraceResponseSchema)', () => {
  describe('Given arbitrary OnsMessageTrace bodies', () => {
    it('accepts exactly what zod accepts, with the same output', () => {
      // Act
      const inputs = rawOrParsedJson(fc.oneof({ weight: 8, arbitrary: body }, { weight: 1, arbitrary: fc.anything() }));
      const { accepted, refused } = expectFastPathAgrees(MessageTraceResponseSchema, fastMessageTraceResponse, inputs, 1500);

      // Assert
      expect(accepted).toBeGreaterThan(100);
      expect(refused).toBeGreaterThan(100);
    });
  });
});
