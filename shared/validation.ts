import type { z } from 'zod';
import { InvalidInputError, type FieldIssue } from './errors';

/** Converts zod issues to field issues: a dotted path and a message, never the offending value. */
export function toFieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return { path, message: issue.message };
  });
}

/** Parses `input` with `schema`, throwing {@link InvalidInputError} that names each failing field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InvalidInputError(toFieldIssues(result.error, prefix));
  return result.data;
}
