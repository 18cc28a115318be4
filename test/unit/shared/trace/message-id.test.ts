import { describe, expect, it } from 'vitest';
import { decodeMessageId, isWellFormedMessageId } from '../../../../shared/trace/message-id';

const UTC8 = 480;
const DOC_CLIENT_ID = '1E05791C117818B4AAC23B1BB0CE0001';
const DOC_SPAN_MS = 991_670_478;

describe('Function: decodeMessageId', () => {
  describe('Given the documented 4.x client ID and a clock later in the same month', () => {
    it('decodes IP, PID, class-loader hash, counter and the PubTime of the ONS example', () => {
      // Arrange
      const options = { nowMs: Date.parse('2019-10-20T00:00:00Z'), producerUtcOffsetMinutes: UTC8 };

      // Act
      const facts = decodeMessageId(DOC_CLIENT_ID, options);

      // Assert
      expect(facts).toEqual({
        kind: 'CLIENT_ID_4X',
        description: '4.x client message ID (UNIQ_KEY), created by the producer',
        producerIp: '30.5.121.28',
        producerPid: 4472,
        classLoaderHash: '18B4AAC2',
        counter: 1,
        approxSentAt: new Date(1570850870478).toISOString(),
        assumption: 'time assumes the producer ran in UTC+08:00 and sent it in the latest month that is not in the future',
        ambiguous: false,
      });
    });
  });

  describe('Given the rocketmq-dashboard#380 client ID and a clock in 2025-10 (UTC+8)', () => {
    it('reproduces the logged bornTimestamp exactly', () => {
      // Arrange
      const options = { nowMs: Date.parse('2025-10-25T12:00:00+08:00'), producerUtcOffsetMinutes: UTC8 };

      // Act
      const facts = decodeMessageId('7F0000017B3575B84C926A6F7E7C03BA', options);

      // Assert
      expect(facts).toMatchObject({
        kind: 'CLIENT_ID_4X',
        producerIp: '127.0.0.1',
        producerPid: 31541,
        classLoaderHash: '75B84C92',
        counter: 954,
        approxSentAt: new Date(1761033691772).toISOString(),
      });
    });
  });

  describe('Given a clock early in a month, before the encoded offset has elapsed', () => {
    it.each([
      ['early November: the previous month is October', '2019-11-02T00:00:00Z', '2019-10-01T00:00:00+08:00'],
      ['early January: the previous month is December of the previous year', '2020-01-03T00:00:00Z', '2019-12-01T00:00:00+08:00'],
      ['1 am on 1 November in UTC+8 (still 31 October in UTC)', '2019-10-31T17:00:00Z', '2019-10-01T00:00:00+08:00'],
    ])('counts from the start of the previous month (%s)', (_label, now, monthStart) => {
      // Arrange
      const options = { nowMs: Date.parse(now), producerUtcOffsetMinutes: UTC8 };

      // Act
      const facts = decodeMessageId(DOC_CLIENT_ID, options);

      // Assert
      expect(facts).toMatchObject({ approxSentAt: new Date(Date.parse(monthStart) + DOC_SPAN_MS).toISOString() });
    });
  });

  describe('Given the same client ID read with different producer time zones', () => {
    it.each([
      [0, '2019-10-12T11:27:50.478Z', 'UTC+00:00'],
      [480, '2019-10-12T03:27:50.478Z', 'UTC+08:00'],
      [-300, '2019-10-12T16:27:50.478Z', 'UTC-05:00'],
      [330, '2019-10-12T05:57:50.478Z', 'UTC+05:30'],
    ])('offset %i minutes counts from that zone’s month start', (offset, expected, zoneLabel) => {
      // Arrange
      const options = { nowMs: Date.parse('2019-10-20T00:00:00Z'), producerUtcOffsetMinutes: offset };

      // Act
      const facts = decodeMessageId(DOC_CLIENT_ID, options);

      // Assert
      expect(facts).toMatchObject({ approxSentAt: expected });
      expect(facts && 'assumption' in facts ? facts.assumption : '').toContain(zoneLabel);
    });
  });

  describe('Given a client ID sent late in a 31-day month (offset above 2^31 ms)', () => {
    // RocketMQ writes `(int) (now - monthStart)` and reads it back zero-extended into a long
    // (MessageClientIDSetter.getNearlyTimeFromID), so spans of 24.86–31 days round-trip.
    it('decodes the span as unsigned, like RocketMQ', () => {
      // Arrange: sent 2025-10-28T00:00+08:00 = 27 days (0x8B0BB400 ms) after the month start.
      const id = '7F0000017B3575B84C928B0BB40003BA';
      const options = { nowMs: Date.parse('2025-10-29T00:00:00+08:00'), producerUtcOffsetMinutes: UTC8 };

      // Act
      const facts = decodeMessageId(id, options);

      // Assert
      expect(facts).toMatchObject({ kind: 'CLIENT_ID_4X', approxSentAt: '2025-10-27T16:00:00.000Z' });
    });

    it('still decodes a span just below 2^31 ms (day 25) in the current month', () => {
      // Arrange: 24 days = 2,073,600,000 ms = 0x7B98A000.
      const id = '7F0000017B3575B84C927B98A00003BA';
      const options = { nowMs: Date.parse('2025-10-29T00:00:00+08:00'), producerUtcOffsetMinutes: UTC8 };

      // Act
      const facts = decodeMessageId(id, options);

      // Assert
      expect(facts).toMatchObject({ approxSentAt: '2025-10-24T16:00:00.000Z' });
    });
  });

  describe('Given a 4.x broker offset ID', () => {
    it('decodes the store host, the default broker port and the commit-log offset (issue #380)', () => {
      // Arrange
      const options = { nowMs: Date.parse('2025-10-25T00:00:00Z'), producerUtcOffsetMinutes: UTC8 };

      // Act
      const facts = decodeMessageId('C0A83A9800002A9F000000000002B4B6', options);

      // Assert
      expect(facts).toEqual({
        kind: 'OFFSET_ID_4X',
        description: '4.x broker offset message ID (offsetMsgId); OnsMessageTrace expects the client message ID',
        brokerHost: '192.168.58.152',
        brokerPort: 10911,
        commitLogOffset: '177334',
        ambiguous: true,
      });
    });

    it('keeps a commit-log offset above 2^53 exact as a decimal string', () => {
      // Arrange
      const options = { nowMs: Date.parse('2025-10-25T00:00:00Z'), producerUtcOffsetMinutes: UTC8 };

      // Act
      const facts = decodeMessageId('0BC1F01800002A9FFFFFFFFFFFFFFFFF', options);

      // Assert
      expect(facts).toMatchObject({ brokerHost: '11.193.240.24', brokerPort: 10911, commitLogOffset: '18446744073709551615' });
    });
  });

  describe('Given IPv6 (56 hex) IDs', () => {
    const options = { nowMs: Date.parse('2019-10-20T00:00:00Z'), producerUtcOffsetMinutes: UTC8 };

    it('decodes a client ID with a 16-byte producer IP', () => {
      // Arrange
      const id = `20010DB8000000000000000000000001${'117818B4AAC23B1BB0CE0002'}`;

      // Act
      const facts = decodeMessageId(id, options);

      // Assert
      expect(id).toHaveLength(56);
      expect(facts).toMatchObject({
        kind: 'CLIENT_ID_4X',
        producerIp: '2001:db8:0:0:0:0:0:1',
        producerPid: 4472,
        classLoaderHash: '18B4AAC2',
        counter: 2,
        approxSentAt: '2019-10-12T03:27:50.478Z',
      });
    });

    it('decodes an offset ID with a 16-byte store host', () => {
      // Arrange
      const id = `FE800000000000000000000000000ABC${'00002A9F000000000002B4B6'}`;

      // Act
      const facts = decodeMessageId(id, options);

      // Assert
      expect(id).toHaveLength(56);
      expect(facts).toMatchObject({
        kind: 'OFFSET_ID_4X',
        brokerHost: 'fe80:0:0:0:0:0:0:abc',
        brokerPort: 10911,
        commitLogOffset: '177334',
      });
    });
  });

  describe('Given the documented 5.x message ID', () => {
    it.each([
      [480, '2023-04-21T06:50:23.000Z'],
      [0, '2023-04-21T14:50:23.000Z'],
      [-300, '2023-04-21T19:50:23.000Z'],
    ])('decodes MAC, PID, sequence and 72,629,423 s after 2021-01-01 in UTC offset %i', (offset, expected) => {
      // Arrange
      const options = { nowMs: Date.parse('2025-10-25T00:00:00Z'), producerUtcOffsetMinutes: offset };

      // Act
      const facts = decodeMessageId('01BE87E485F0C7808C04543CAF00000001', options);

      // Assert
      expect(facts).toMatchObject({
        kind: 'MESSAGE_ID_5X',
        description: '5.x message ID (gRPC client)',
        producerMac: 'BE:87:E4:85:F0:C7',
        producerPid: 32908,
        sequence: 1,
        approxSentAt: expected,
      });
      expect(Date.parse(expected)).toBe(Date.UTC(2021, 0, 1) - offset * 60_000 + 72_629_423_000);
    });
  });

  describe('Given lower-case input', () => {
    it.each([
      ['a 4.x client ID', DOC_CLIENT_ID],
      ['a 4.x offset ID', 'C0A83A9800002A9F000000000002B4B6'],
      ['a 5.x ID', '01BE87E485F0C7808C04543CAF00000001'],
    ])('decodes %s exactly as its upper-case form', (_label, id) => {
      // Arrange
      const options = { nowMs: Date.parse('2019-10-20T00:00:00Z'), producerUtcOffsetMinutes: UTC8 };

      // Act
      const lower = decodeMessageId(id.toLowerCase(), options);

      // Assert
      expect(lower).toBeDefined();
      expect(lower).toEqual(decodeMessageId(id, options));
    });
  });

  describe('Given something that is not a message ID', () => {
    it.each([
      ['empty', ''],
      ['too short', '1E05791C'],
      ['31 hex', DOC_CLIENT_ID.slice(1)],
      ['33 hex', `${DOC_CLIENT_ID}0`],
      ['non-hex letters', 'ZZ05791C117818B4AAC23B1BB0CE0001'],
      ['a comma list', `${DOC_CLIENT_ID},${DOC_CLIENT_ID}`],
      ['surrounding spaces', ` ${DOC_CLIENT_ID} `],
      ['34 hex with version 02', '02BE87E485F0C7808C04543CAF00000001'],
      ['5.x prefix with 31 hex', '01BE87E485F0C7808C04543CAF0000000'],
      ['55 hex', `20010DB8000000000000000000000001117818B4AAC23B1BB0CE000`],
    ])('returns undefined for %s', (_label, id) => {
      // Act
      const facts = decodeMessageId(id, { nowMs: Date.parse('2019-10-20T00:00:00Z'), producerUtcOffsetMinutes: UTC8 });

      // Assert
      expect(facts).toBeUndefined();
    });
  });
});

describe('Function: isWellFormedMessageId', () => {
  describe('Given upper-case IDs', () => {
    it.each([
      [DOC_CLIENT_ID, true],
      ['20010DB8000000000000000000000001117818B4AAC23B1BB0CE0002', true],
      ['01BE87E485F0C7808C04543CAF00000001', true],
      ['02BE87E485F0C7808C04543CAF00000001', false],
      ['', false],
    ])('%s → %s', (id, expected) => {
      // Act + Assert
      expect(isWellFormedMessageId(id)).toBe(expected);
    });
  });

  describe('Given a lower-case ID', () => {
    it('expects the caller to upper-case it first', () => {
      // Act + Assert
      expect(isWellFormedMessageId(DOC_CLIENT_ID.toLowerCase())).toBe(false);
    });
  });
});

describe('Function: decodeMessageId (ambiguity)', () => {
  const options = { nowMs: Date.parse('2019-10-20T00:00:00.000Z'), producerUtcOffsetMinutes: 480 };
  it('calls a client-ID reading unambiguous whenever its process-ID bytes are not zero (property)', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const id = Buffer.from(bytes).toString('hex').toUpperCase();
        const facts = decodeMessageId(id, options);
        const pidBytes = (bytes[4] as number) * 256 + (bytes[5] as number);
        if (facts?.kind === 'CLIENT_ID_4X') expect(facts.ambiguous).toBe(false);
        if (pidBytes !== 0) expect(facts?.kind).toBe('CLIENT_ID_4X');
        if (facts?.kind === 'OFFSET_ID_4X') expect(facts.ambiguous).toBe(true);
      }),
    );
  });
});
