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

/** A secret from the environment: unset or empty is undefined, set must be at least `minLength` characters. */
export const secretFromEnv = (minLength: number) =>
  z.preprocess(emptyAsUndefined, z.string().min(minLength, `must be at least ${minLength} characters`).optional());

/** A webhook URL from the environment (a secret: its token is in it). */
export const webhookUrlFromEnv = (what: string) =>
  z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: `must be the ${what} URL (https://…)` }).optional());

/** An optional text value. */
export const textFromEnv = (schema: z.ZodType<string>) => z.preprocess(emptyAsUndefined, schema.optional());
