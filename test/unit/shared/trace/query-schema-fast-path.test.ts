import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StrictTraceQuerySchema, StrictTraceRequestBodySchema, StrictTraceRequestQuerySchema } from '../../../../shared/http/trace-api';
import { fastStrictTraceInput, type TraceOptionsForm } from '../../../../shared/trace/query-schema';
import { expectFastPathAgrees, mostly, rawOrParsedJson } from '../../../builders/fast-path-agreement';

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });
const padded = (text: fc.Arbitrary<string>) =>
  fc.tuple(fc.constantFrom('', '', '', ' ', '\t', '\n '), text, fc.constantFrom('', '', ' ', '  ')).map(([a, b, c]) => `${a}${b}${c}`);

const instanceId = mostly(
  padded(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('MQ_INST_1234567890123456_BXabcdef', 'rmq-cn-7mz2ahxse0a', 'prod') },
      { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(64), 'x'.repeat(65)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
    ),
  ),
);
const topic = mostly(
  padded(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('orders', '%RETRY%GID_a', 'a|b', 't'.repeat(127)) },
      { weight: 1, arbitrary: fc.constantFrom('t'.repeat(128), '', 'or ders', 'orders!') },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    ),
  ),
);
const msgId = mostly(
  padded(
    fc.oneof(
      { weight: 2, arbitrary: hex(32) },
      { weight: 1, arbitrary: hex(56) },
      { weight: 1, arbitrary: hex(32).map((h) => `01${h}`) },
      { weight: 1, arbitrary: fc.oneof(fc.tuple(hex(32), hex(32)).map(([a, b]) => `${a},${b}`), hex(31), fc.string({ maxLength: 40 })) },
    ),
  ),
);
const queryExplain = mostly(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('true', 'false') }, { weight: 1, arbitrary: fc.constantFrom('TRUE', 'yes', '') }));
const queryWait = mostly(
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 900 }).map(String) },
    { weight: 1, arbitrary: fc.constantFrom('0', '900', '901', '000030', '1e2', ' 30', '-5', '1234567') },
  ),
);
const bodyExplain = mostly(fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom('true', 0, null) }));
const bodyWait = mostly(
  fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 900 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1.5, 900, 901, -1, '30', Number.NaN, null) }),
);

const lookup = (form: TraceOptionsForm) =>
  fc.oneof({ weight: 4, arbitrary: lookupWith(form, ['topic', 'msgId', 'extra']) }, { weight: 1, arbitrary: lookupWith(form, ['extra']) });

const lookupWith = (form: TraceOptionsForm, requiredKeys: Array<'topic' | 'msgId' | 'extra'>) =>
  fc.record(
    {
      instanceId,
      topic,
      msgId,
      ...(form === 'none'
        ? {}
        : {
            explain: form === 'query' ? queryExplain : bodyExplain,
            waitSeconds: form === 'query' ? queryWait : bodyWait,
            fresh: form === 'query' ? queryExplain : bodyExplain,
          }),
      // Now and then a key the strict schema does not know, including names that are Object.prototype's own.
      extra: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('x', '__proto__', 'constructor') }),
    },
    { requiredKeys },
  ).map((record) => {
    const { extra, ...rest } = record as Record<string, unknown>;
    if (extra === null) return rest;
    return Object.defineProperty(rest, extra as string, { value: 'v', enumerable: true, configurable: true, writable: true });
  });

describe('Function: fastStrictTraceInput (the fast path of the strict lookup schemas)', () => {
  describe.each([
    ['none', StrictTraceQuerySchema],
    ['query', StrictTraceRequestQuerySchema],
    ['body', StrictTraceRequestBodySchema],
  ] as const)('Given arbitrary %s lookups', (form, schema) => {
    it('accepts exactly what zod accepts, with the same output', () => {
      // Arrange
      const inputs = rawOrParsedJson(fc.oneof({ weight: 8, arbitrary: lookup(form) }, { weight: 1, arbitrary: fc.anything() }));

      // Act
      const { accepted, refused } = expectFastPathAgrees(schema, (input) => fastStrictTraceInput(input, form), inputs, 1500);

      // Assert
      expect(accepted).toBeGreaterThan(50);
      expect(refused).toBeGreaterThan(50);
    });
  });

  describe('Given a valid query-string lookup', () => {
    it('trims, upper-cases the message ID and converts the options, as the schema does', () => {
      // Act
      const result = StrictTraceRequestQuerySchema.safeParse({ topic: ' orders ', msgId: '0a000c22303918b4aac244f9d9b101a4', explain: 'true', waitSeconds: '030', fresh: 'false' });

      // Assert
      expect(result).toEqual({ success: true, data: { topic: 'orders', msgId: '0A000C22303918B4AAC244F9D9B101A4', explain: true, waitSeconds: 30, fresh: false } });
    });
  });

  describe('Given a lookup the fast path refuses', () => {
    it('still gets zod’s message for each field', () => {
      // Act
      const result = StrictTraceRequestQuerySchema.safeParse({ topic: 'orders', msgId: 'abc', waitSeconds: '901', extra: 'x' });

      // Assert
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual(
        expect.arrayContaining([
          ['msgId', 'must be 32 or 56 hex characters (4.x) or "01" followed by 32 hex characters (5.x)'],
          ['waitSeconds', 'must be at most 900'],
        ]),
      );
    });
  });
});
