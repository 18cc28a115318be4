import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { replaceBigNumbers } from '../../../../shared/ons/ons-gateway';

// pop-core's own JSON parser, resolved the way pop-core resolves it.
const JSONbig = createRequire(createRequire(import.meta.url).resolve('@alicloud/pop-core'))('json-bigint') as { parse(text: string): unknown };

describe('Function: replaceBigNumbers', () => {
  describe('Given a body parsed by json-bigint, as pop-core parses it', () => {
    it('turns exact big integers into numbers and longer ones into decimal strings, in nested lists', () => {
      // Arrange
      const body = JSONbig.parse('{"Data":{"TotalDiff":1234567890123456,"Huge":123456789012345678901,"List":[{"Offset":9007199254740993}],"Name":"x"}}');
      // Act
      const plain = replaceBigNumbers(body) as { Data: Record<string, unknown> };
      // Assert
      expect(plain.Data.TotalDiff).toBe(1234567890123456);
      expect(plain.Data.Huge).toBe('123456789012345678901');
      expect(plain.Data.List).toEqual([{ Offset: '9007199254740993' }]);
      expect(plain.Data.Name).toBe('x');
    });

    it('leaves scalars and null alone', () => {
      expect(replaceBigNumbers(null)).toBeNull();
      expect(replaceBigNumbers(5)).toBe(5);
      expect(replaceBigNumbers('s')).toBe('s');
    });
  });
});
