import { z } from 'zod';

/** An env var set to an empty string counts as unset: s.yaml renders `${env('X', '')}` as ''. */
export const emptyAsUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** A whole number from an env string, within [min, max]; unset or empty gives `fallback`. */
export const intFromEnv = (fallback: number, min: number, max: number) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional()
      .transform((v) => v ?? fallback),
  );
