/**
 * One esbuild bundle per function: functions/<name>/index.ts -> dist/<name>/index.js (CommonJS,
 * node20). CJS because FC treats `.js` as CommonJS and middy 6 is ESM-only (fc.md §6).
 */
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** esbuild options shared by every function bundle (and the benchmark's reference bundle). */
export function bundleOptions(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    minify: true,
    sourcemap: 'external' as const,
    legalComments: 'none' as const,
    // urllib (under ali-oss, under fc2) requires proxy-agent dynamically.
    external: ['proxy-agent'],
    define: { MQTRACE_VERSION: JSON.stringify(version) },
    logLevel: 'warning' as const,
  };
}

export async function buildFunctions(outRoot = join(root, 'dist')): Promise<Array<{ name: string; bytes: number }>> {
  rmSync(outRoot, { recursive: true, force: true });
  const names = readdirSync(join(root, 'functions')).filter((n) => statSync(join(root, 'functions', n, 'index.ts'), { throwIfNoEntry: false }));
  const built: Array<{ name: string; bytes: number }> = [];
  for (const name of names) {
    const outfile = join(outRoot, name, 'index.js');
    await build(bundleOptions(join(root, 'functions', name, 'index.ts'), outfile));
    // Keep a root "type": "module" from leaking into the artifact.
    writeFileSync(join(outRoot, name, 'package.json'), '{"type":"commonjs"}\n');
    built.push({ name, bytes: statSync(outfile).size });
  }
  return built;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const built = await buildFunctions();
  for (const b of built) console.log(`dist/${b.name}/index.js  ${(b.bytes / 1024).toFixed(0)} KiB`);
}
