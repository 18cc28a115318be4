import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { SeedSchema, type Seed } from './seed-schema';

/** Absolute path of the bundled demo seed. */
export const DEMO_SEED_PATH = fileURLToPath(new URL('./seeds/demo.json', import.meta.url));

/** A seed file that cannot be read, parsed or validated; the message names the failing field. */
export class SeedLoadError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SeedLoadError';
  }
}

/**
 * Formats a zod issue path the way a reader finds it in the JSON file, e.g. `instances[0].topics[1].topic`.
 *
 * @param path - The issue path.
 * @returns The dotted path, or `(root)`.
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : `${out === '' ? '' : '.'}${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Formats validation issues as one `path: message` line each.
 *
 * @param error - A failed `SeedSchema` parse.
 * @returns The lines joined by newlines.
 */
export function formatSeedIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `  ${formatIssuePath(issue.path)}: ${issue.message}`).join('\n');
}

/**
 * Parses and validates seed JSON text.
 *
 * @param text - The file contents.
 * @param source - Where the text came from, for messages.
 * @returns The validated seed.
 * @throws SeedLoadError naming the source and every failing field.
 */
export function parseSeedText(text: string, source: string): Seed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedLoadError(`Seed file ${source} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const result = SeedSchema.safeParse(json);
  if (!result.success) {
    throw new SeedLoadError(`Seed file ${source} is invalid:\n${formatSeedIssues(result.error)}`);
  }
  return result.data;
}

/**
 * Reads and validates a seed file.
 *
 * @param path - The seed file path.
 * @returns The validated seed.
 * @throws SeedLoadError when the file is unreadable, not JSON or not a valid seed.
 * @example
 * const seed = await loadSeedFile(DEMO_SEED_PATH);
 */
export async function loadSeedFile(path: string): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SeedLoadError(`Cannot read seed file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseSeedText(text, path);
}
