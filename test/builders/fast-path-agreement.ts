import fc from 'fast-check';
import { expect } from 'vitest';
import { z } from 'zod';
import type { FastPath } from '../../shared/validation';

/** An input as it reaches a fast path in production: most come out of JSON.parse. */
export const asParsedJson = (value: unknown): unknown => {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? value : JSON.parse(text);
  } catch {
    return value;
  }
};

/** Mostly `valid`, sometimes anything at all. */
export const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) });

/** `inputs` as they are, or through a JSON round trip (how most inputs reach a fast path). */
export const rawOrParsedJson = (inputs: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.tuple(inputs, fc.boolean()).map(([value, json]) => (json ? asParsedJson(value) : value));

/**
 * Runs `fast` and zod itself (`z.safeParse`, which bypasses a lazy schema's fast path) on each
 * input: both accept with strictly equal output, or both refuse (zod throwing counts as refusing).
 * Returns how many inputs were accepted and refused, so that a test can show both sides were hit.
 */
export function expectFastPathAgrees<T>(schema: z.ZodType, fast: FastPath<T>, inputs: fc.Arbitrary<unknown>, numRuns = 600): { accepted: number; refused: number } {
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(inputs, (input) => {
      let expected: { success: true; data: unknown } | { success: false };
      try {
        expected = z.safeParse(schema, input);
      } catch {
        expected = { success: false };
      }
      const actual = fast(input);
      if (expected.success) {
        accepted += 1;
        expect(actual).toBeDefined();
        expect(actual?.value).toStrictEqual(expected.data);
      } else {
        refused += 1;
        expect(actual).toBeUndefined();
      }
    }),
    { numRuns },
  );
  return { accepted, refused };
}
