import { z } from 'zod';
import { OMIT, REJECT, type FastField } from '../validation';

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

/**
 * The fast path of `z.preprocess(emptyAsUndefined, schema.optional())` for one variable of `env`:
 * {@link OMIT} when unset, undefined when empty, else what `check` makes of the text.
 */
export function fastOptionalEnv<T>(env: Record<string, unknown>, key: string, check: (text: string) => FastField<T>): FastField<T | undefined> {
  if (!(key in env)) return OMIT;
  const value = emptyAsUndefined(env[key]);
  if (value === undefined) return undefined;
  return typeof value === 'string' ? check(value) : REJECT;
}

/** The fast path of a variable whose schema defaults it (`intFromEnv`, `.transform((v) => v ?? fallback)`). */
export function fastDefaultedEnv<T>(env: Record<string, unknown>, key: string, fallback: T, check: (text: string) => FastField<T>): FastField<T> {
  const value = emptyAsUndefined(env[key]);
  if (value === undefined) return fallback;
  return typeof value === 'string' ? check(value) : REJECT;
}

const DIGITS = /^\d+$/;

/** The fast path of {@link intFromEnv}. */
export const fastIntFromEnv = (env: Record<string, unknown>, key: string, fallback: number, min: number, max: number): FastField<number> =>
  fastDefaultedEnv(env, key, fallback, (text) => {
    const trimmed = text.trim();
    if (!DIGITS.test(trimmed)) return REJECT;
    const value = Number(trimmed);
    return Number.isSafeInteger(value) && value >= min && value <= max ? value : REJECT;
  });

/** The fast path of `z.url({ protocol })`: the trimmed text when it parses as a URL of that protocol. */
export function fastUrl(text: string, protocol: RegExp): FastField<string> {
  const trimmed = text.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return REJECT;
  }
  protocol.lastIndex = 0;
  return protocol.test(url.protocol.endsWith(':') ? url.protocol.slice(0, -1) : url.protocol) ? trimmed : REJECT;
}

/** A secret from the environment: unset or empty is undefined, set must be at least `minLength` characters. */
export const secretFromEnv = (minLength: number) =>
  z.preprocess(emptyAsUndefined, z.string().min(minLength, `must be at least ${minLength} characters`).optional());

/** A webhook URL from the environment (a secret: its token is in it). */
export const webhookUrlFromEnv = (what: string) =>
  z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: `must be the ${what} URL (https://…)` }).optional());

/** An optional text value. */
export const textFromEnv = (schema: z.ZodType<string>) => z.preprocess(emptyAsUndefined, schema.optional());
