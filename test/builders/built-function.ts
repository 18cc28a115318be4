import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_FILES } from '../../scripts/build';

/** A built function's own JavaScript (index.js and its chunks, not the lazily loaded package files), by file name. */
export function readBuiltCode(dir: string): Map<string, string> {
  const skip = new Set(PACKAGE_FILES);
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.js') && !skip.has(f))
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

/**
 * How the built code requires `file` (say `./fc3.js`): `deferred` counts the `import()`s that the
 * build turned into a `require()` run on first use, `eager` every other `require()` of it.
 */
export function requiresOf(code: ReadonlyMap<string, string>, file: string): { deferred: number; eager: number } {
  const quoted = JSON.stringify(file).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  let all = 0;
  let deferred = 0;
  for (const text of code.values()) {
    all += text.match(new RegExp(`require\\(${quoted}\\)`, 'g'))?.length ?? 0;
    deferred += text.match(new RegExp(`Promise\\.resolve\\(\\)\\.then\\(\\(\\)=>[\\w$]+\\(require\\(${quoted}\\)`, 'g'))?.length ?? 0;
  }
  return { deferred, eager: all - deferred };
}
