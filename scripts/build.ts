/**
 * One esbuild bundle per function: functions/<name>/index.ts -> dist/<name>/index.js (CommonJS,
 * node20). CJS because FC treats `.js` as CommonJS and middy 6 is ESM-only (fc.md §6).
 */
import { build, type Plugin } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WEB_ASSET_DIR, WEB_ASSET_FILES } from '../shared/http/web-assets';

const root = join(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/**
 * Packages that code loads with a dynamic `import()` on a rare path only. Each ships as its own file
 * beside index.js, so a cold start never even parses it (fc2 with ali-oss, urllib and ws is ~1 MB,
 * ~35 ms of load time when bundled lazily into index.js).
 */
export const LAZY_PACKAGES: Readonly<Record<string, string>> = {
  '@alicloud/fc2': 'fc2.js',
  // The official FC 3.0 SDK (openapi-core, credentials) of the default invoker: loaded on the first deferred chat reply only.
  '@alicloud/fc20230330': 'fc3.js',
  // The 5.x SDK with openapi-core and its credential chain: loaded on the first 5.x lookup only.
  '@alicloud/rocketmq20220801': 'rocketmq5.js',
  // The Redis client of the fleet's shared state: loaded at start only when MQTRACE_REDIS_URL is set.
  ioredis: 'ioredis.js',
};

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const lazyPackages: Plugin = {
  name: 'lazy-packages',
  setup(b) {
    const filter = new RegExp(`^(?:${Object.keys(LAZY_PACKAGES).map(escape).join('|')})$`);
    b.onResolve({ filter }, (args) =>
      args.kind === 'dynamic-import' ? { path: `./${LAZY_PACKAGES[args.path]}`, external: true } : undefined,
    );
  },
};

/**
 * pop-core's package index also loads its ROA client, and with it xml2js, sax and xmlbuilder
 * (~88 KiB), which an RPC-only caller never uses. Its `lib/rpc.js` is the same class the index
 * exports as default.
 */
const popCoreRpcOnly: Plugin = {
  name: 'pop-core-rpc-only',
  setup(b) {
    b.onResolve({ filter: /^@alicloud\/pop-core$/ }, () => ({ path: createRequire(import.meta.url).resolve('@alicloud/pop-core/lib/rpc.js') }));
  },
};

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
    plugins: [lazyPackages, popCoreRpcOnly],
  };
}

/** The deployer's MQTRACE_CONFIG document, copied beside the HTTP bundle when it exists. */
export const DEPLOY_CONFIG_PATH = join(root, 'config', 'mqtrace.json');

/** The web page's sources: index.html, app.css, icon.svg and the TypeScript under src/. */
export const WEB_SOURCE_DIR = join(root, 'web');

export interface BuiltAsset {
  file: string;
  bytes: number;
  gzipBytes: number;
}

/**
 * Builds the web page into `outDir` (dist/http/web): the TypeScript bundled and minified by
 * esbuild into one script for current browsers, the stylesheet minified, the HTML and icon copied.
 * No framework and nothing from a CDN: these files are everything the page loads.
 */
export async function buildWebPage(outDir: string): Promise<BuiltAsset[]> {
  mkdirSync(outDir, { recursive: true });
  const common = { bundle: true, minify: true, legalComments: 'none' as const, logLevel: 'warning' as const };
  await build({ ...common, entryPoints: [join(WEB_SOURCE_DIR, 'src', 'main.ts')], outfile: join(outDir, 'app.js'), platform: 'browser', format: 'iife', target: ['es2022', 'chrome110', 'firefox110', 'safari16'] });
  await build({ ...common, entryPoints: [join(WEB_SOURCE_DIR, 'app.css')], outfile: join(outDir, 'app.css'), target: ['chrome110', 'firefox110', 'safari16'] });
  copyFileSync(join(WEB_SOURCE_DIR, 'index.html'), join(outDir, 'index.html'));
  copyFileSync(join(WEB_SOURCE_DIR, 'icon.svg'), join(outDir, 'icon.svg'));
  return WEB_ASSET_FILES.map(({ file }) => {
    const body = readFileSync(join(outDir, file));
    return { file, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
}

export async function buildFunctions(outRoot = join(root, 'dist')): Promise<Array<{ name: string; bytes: number; web?: BuiltAsset[] }>> {
  rmSync(outRoot, { recursive: true, force: true });
  const names = readdirSync(join(root, 'functions')).filter((n) => statSync(join(root, 'functions', n, 'index.ts'), { throwIfNoEntry: false }));
  const built: Array<{ name: string; bytes: number; web?: BuiltAsset[] }> = [];
  for (const name of names) {
    const outfile = join(outRoot, name, 'index.js');
    const { metafile } = await build({ ...bundleOptions(join(root, 'functions', name, 'index.ts'), outfile), metafile: true });
    const imported = new Set(Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)));
    for (const [pkg, file] of Object.entries(LAZY_PACKAGES)) {
      if (!imported.has(`./${file}`)) continue;
      const entry = createRequire(import.meta.url).resolve(pkg);
      await build({ ...bundleOptions(entry, join(outRoot, name, file)), sourcemap: false, plugins: [] });
    }
    // Keep a root "type": "module" from leaking into the artifact.
    writeFileSync(join(outRoot, name, 'package.json'), '{"type":"commonjs"}\n');
    // The deployer's access document (gitignored), for MQTRACE_CONFIG=mqtrace.json; see README "Configuration".
    if (name === 'http' && existsSync(DEPLOY_CONFIG_PATH)) copyFileSync(DEPLOY_CONFIG_PATH, join(outRoot, name, 'mqtrace.json'));
    // The web page's files sit beside the HTTP bundle; only a request for the page reads them.
    const web = name === 'http' ? await buildWebPage(join(outRoot, name, WEB_ASSET_DIR)) : undefined;
    built.push({ name, bytes: statSync(outfile).size, ...(web ? { web } : {}) });
  }
  return built;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const built = await buildFunctions();
  for (const b of built) {
    console.log(`dist/${b.name}/index.js  ${(b.bytes / 1024).toFixed(0)} KiB`);
    if (!b.web) continue;
    for (const a of b.web) console.log(`dist/${b.name}/${WEB_ASSET_DIR}/${a.file}  ${(a.bytes / 1024).toFixed(1)} KiB (${(a.gzipBytes / 1024).toFixed(1)} KiB gzipped)`);
    const total = b.web.reduce((sum, a) => ({ bytes: sum.bytes + a.bytes, gzip: sum.gzip + a.gzipBytes }), { bytes: 0, gzip: 0 });
    console.log(`  web page total  ${(total.bytes / 1024).toFixed(1)} KiB (${(total.gzip / 1024).toFixed(1)} KiB gzipped)`);
  }
}
