import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** docs/architecture.md "Rooms": the fixed top level, plus what tools write there and git ignores. */
const TOP_LEVEL = ['functions', 'shared', 'local', 'test', 'docs', '.ci', 's.yaml', 'package.json', 'tsconfig.json', 'README.md', 'scripts', 'bench', 'config', 'ram'];
const TOOLING = ['package-lock.json', 'vitest.config.ts', '.gitignore', '.git', 'node_modules', 'dist', 'coverage', '.mqtrace'];

const tsFilesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, dir, f));

/** Every module specifier a file names: static imports and re-exports (with `type` or not) and `import()`. */
function importsOf(file: string): Array<{ specifier: string; typeOnly: boolean }> {
  const source = readFileSync(file, 'utf8');
  const found: Array<{ specifier: string; typeOnly: boolean }> = [];
  for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?\sfrom\s+'([^']+)'/gm)) found.push({ specifier: m[3] as string, typeOnly: Boolean(m[2]) });
  for (const m of source.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push({ specifier: m[1] as string, typeOnly: false });
  for (const m of source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) found.push({ specifier: m[1] as string, typeOnly: false });
  return found;
}

function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts'), base].find((p) => existsSync(p)) ?? base;
}

const inside = (file: string, dir: string) => file.startsWith(join(ROOT, dir) + sep) || file === join(ROOT, dir);

describe('The walls of docs/architecture.md', () => {
  it('keeps the top level fixed', () => {
    const extra = readdirSync(ROOT).filter((name) => !TOP_LEVEL.includes(name) && !TOOLING.includes(name) && !name.endsWith('.log'));
    expect(extra).toEqual([]);
    for (const name of TOP_LEVEL) expect(existsSync(join(ROOT, name)), name).toBe(true);
  });

  it('has shared/ import nothing from functions/ or local/', () => {
    const crossings = tsFilesUnder('shared').flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => specifier.startsWith('.'))
        .map(({ specifier }) => ({ file: relative(ROOT, file), target: resolveRelative(file, specifier) }))
        .filter(({ target }) => inside(target, 'functions') || inside(target, 'local'))
        .map(({ file, target }) => `${file} -> ${relative(ROOT, target)}`),
    );
    expect(crossings).toEqual([]);
  });

  it('has the page import at run time only its own files, shared/api-client, shared/local-time.ts and shared/trace/wait-in-windows.ts, and those no package', () => {
    const allowed = ['shared/web/src', 'shared/api-client', 'shared/local-time.ts', 'shared/trace/wait-in-windows.ts'];
    const seen = new Set<string>();
    const outside: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const { specifier, typeOnly } of importsOf(file)) {
        if (typeOnly) continue;
        if (!specifier.startsWith('.')) {
          outside.push(`${relative(ROOT, file)} -> ${specifier}`);
          continue;
        }
        const target = resolveRelative(file, specifier);
        if (!allowed.some((a) => inside(target, a))) outside.push(`${relative(ROOT, file)} -> ${relative(ROOT, target)}`);
        else visit(target);
      }
    };
    visit(join(ROOT, 'shared', 'web', 'src', 'main.ts'));
    expect(seen.size).toBeGreaterThan(5);
    expect(outside).toEqual([]);
  });

  it('runs the CLI from functions/cli/, the package’s bin', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ mqtrace: 'functions/cli/mqtrace.cjs' });
    expect(existsSync(join(ROOT, pkg.bin.mqtrace as string))).toBe(true);
  });
});
