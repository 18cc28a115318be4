import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASYNC_TASK_ID_PATTERN, asyncTaskIdFor } from '../../../../shared/invoke/invoker-port';

describe('Function: asyncTaskIdFor', () => {
  it('derives an ID within FC rule from any key: a letter first, then letters, digits, _ and -, at most 128', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (key) => {
        const id = asyncTaskIdFor(key);
        return ASYNC_TASK_ID_PATTERN.test(id) && id.length <= 128;
      }),
    );
  });

  it('is deterministic, so every instance sends the same ID for the same delivery', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (key) => asyncTaskIdFor(key) === asyncTaskIdFor(key)));
  });

  it('gives distinct deliveries distinct IDs', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }), (a, b) => a === b || asyncTaskIdFor(a) !== asyncTaskIdFor(b)),
    );
  });

  it("turns a Slack trigger_id (dots, which FC refuses) into a valid ID", () => {
    const key = 'slack:13345224609.738474920.8088930838d88f008e0';
    expect(ASYNC_TASK_ID_PATTERN.test(key)).toBe(false);
    expect(asyncTaskIdFor(key)).toMatch(/^mqtrace-[0-9a-f]{64}$/);
  });

  it.each([
    ['test-id', true],
    ['_x', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['1abc', false],
    ['-abc', false],
    ['a.b', false],
    ['', false],
  ])('FC rule: %j is %s', (id, valid) => {
    expect(ASYNC_TASK_ID_PATTERN.test(id)).toBe(valid);
  });
});
