/**
 * One build per function: functions/<name>/index.ts -> dist/<name>/index.js, CommonJS for node20
 * (FC treats `.js` as CommonJS and middy 6 is ESM-only, fc.md §6), plus the chunks it loads later.
 *
 * esbuild splits code only for ES modules, so a function builds in two passes: first to ES modules
 * with `splitting` (every `import()` of mqtrace's own code becomes a chunk, and code shared by
 * several chunks a chunk of its own, so no module is ever in two files), then each file to
 * CommonJS with `import()` turned into `require()`. A cold start parses index.js and the chunks it
 * requires at load; chat, find/journey, 5.x, explain and i18n wait for their first request.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
  // The spot check's OSS state (~0.9 MB with urllib and iconv-lite): loaded only when MQTRACE_STATE_OSS_BUCKET is set.
  'ali-oss': 'ali-oss.js',
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

/**
 * zod registers its English messages and exports ~45 other locales (~170 KiB minified) through
 * `z.locales`, which mqtrace never reads: its messages are its own, and the rest fall back to the
 * English locale that zod configures at import. Every locale index resolves to English only.
 */
export const zodEnglishOnlyPlugin: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: join(args.resolveDir, args.path), namespace: 'zod-english-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from './en.js';`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/** The files of packages built on their own beside a function's code: {@link LAZY_PACKAGES} and zod. */
export const PACKAGE_FILES: readonly string[] = [...Object.values(LAZY_PACKAGES), 'zod.js'];

/** zod's ES module build, as mqtrace's own imports resolve it (its `require` condition is another copy): bundled into zod.js. */
export const ZOD_ENTRY = join(dirname(createRequire(import.meta.url).resolve('zod/package.json')), 'index.js');

/**
 * zod is loaded when mqtrace first builds a schema, not when the bundle loads: every schema is
 * lazy (`lazySchema`) and the hot shapes have exact fast paths, so a valid 4.x lookup never needs
 * zod. mqtrace's own `import { z, globalRegistry } from 'zod'` resolve to proxies that require
 * zod.js, zod's own build beside the function's code, on first use. A package under node_modules
 * that imported zod would bundle a second copy; {@link assertOneCopyOfEachModule} fails the build then.
 */
const lazyZod: Plugin = {
  name: 'lazy-zod',
  setup(b) {
    // The proxies' zod: a file of its own beside the bundle, written by buildFunctions.
    b.onResolve({ filter: /^\.\/zod\.js$/ }, (args) => (args.namespace === 'mqtrace-lazy-zod' ? { path: './zod.js', external: true } : undefined));
    b.onResolve({ filter: /^zod$/ }, (args) =>
      args.namespace === 'file' && !/[\\/]node_modules[\\/]/.test(args.importer) ? { path: 'zod', namespace: 'mqtrace-lazy-zod' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'mqtrace-lazy-zod' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: `
let zod;
const load = () => (zod ??= require('./zod.js'));
const forward = (name) => new Proxy({}, {
  get: (_, key) => Reflect.get(load()[name], key),
  has: (_, key) => Reflect.has(load()[name], key),
  ownKeys: () => Reflect.ownKeys(load()[name]),
  getOwnPropertyDescriptor: (_, key) => { const d = Reflect.getOwnPropertyDescriptor(load()[name], key); return d && { ...d, configurable: true }; },
});
export const z = forward('z');
export const globalRegistry = forward('globalRegistry');
`,
    }));
  },
};

/**
 * esbuild options shared by every function bundle and the benchmark's reference bundle. The
 * functions add {@link functionPlugins}; the reference stays the bare handler anyone would bundle.
 */
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

/** What a function bundle adds to {@link bundleOptions}: only the code that runs gets bundled. */
export const functionPlugins: readonly Plugin[] = [lazyPackages, popCoreRpcOnly, zodEnglishOnlyPlugin, lazyZod];

/**
 * The bytes of some output files (by file name) by contributor: a package under node_modules, else
 * a folder of mqtrace; largest first.
 */
export function contributors(metafile: Metafile, files: readonly string[]): Array<{ name: string; bytes: number }> {
  const wanted = new Set(files);
  const inputs = Object.entries(metafile.outputs)
    .filter(([path]) => wanted.has(path.split('/').pop() as string))
    .flatMap(([, output]) => Object.entries(output.inputs));
  const totals = new Map<string, number>();
  for (const [path, input] of inputs) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1];
    const name = pkg ?? path.replace(/^(?:\.\.\/)+/, '').split('/').slice(0, 2).join('/');
    totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** The deployer's MQTRACE_CONFIG document, copied beside the HTTP bundle when it exists. */
export const DEPLOY_CONFIG_PATH = join(root, 'config', 'mqtrace.json');

/** The web page's sources: index.html, app.css, icon.svg and the TypeScript under src/. */
export const WEB_SOURCE_DIR = join(root, 'shared', 'web');

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

export interface BuiltFunction {
  name: string;
  /** index.js alone. */
  bytes: number;
  /** index.js and the chunks it requires as it loads. */
  startupFiles: string[];
  startupBytes: number;
  /** Every JavaScript file of the function's own code (index.js and all its chunks). */
  files: number;
  /** Who the bytes loaded at start belong to, largest first (esbuild's metafile). */
  contributors: Array<{ name: string; bytes: number }>;
  /** The web page's files (the HTTP function only). */
  web?: BuiltAsset[];
}

/** The options of a function's first pass: ES modules, split at every `import()`, maps inline for the second pass to compose. */
function splitOptions(entry: string, outdir: string) {
  const { outfile: _single, ...common } = bundleOptions(entry, join(outdir, 'index.js'));
  return { ...common, outdir, format: 'esm' as const, splitting: true, chunkNames: 'chunk-[hash]', sourcemap: 'inline' as const, plugins: [...functionPlugins], metafile: true as const };
}

/** The files `index.js` requires as it loads (itself included): what a cold start parses before the first request. */
export function startupFiles(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  const byFile = new Map(Object.keys(outputs).map((path) => [path.split('/').pop() as string, path]));
  const seen = new Set<string>();
  const visit = (file: string) => {
    const path = byFile.get(file);
    if (seen.has(file) || !path) return;
    seen.add(file);
    for (const i of outputs[path]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path.split('/').pop() as string);
  };
  visit('index.js');
  return [...seen];
}

/**
 * Fails the build when a module would exist twice at run time: in two of the function's files, or
 * zod inside them beside zod.js. A second copy of a module is a second `AppError` class, and
 * `instanceof` would stop recognising the errors of the other copy.
 */
export function assertOneCopyOfEachModule(name: string, metafile: Metafile): void {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const input of Object.keys(output.inputs)) {
      const other = seen.get(input);
      if (other) problems.push(`${input} is in both ${other} and ${file}`);
      seen.set(input, file);
      if (/(?:^|[\\/])node_modules[\\/]zod[\\/]/.test(input)) problems.push(`${input} is in ${file}, not only in zod.js`);
    }
  }
  if (problems.length > 0) throw new Error(`dist/${name}: ${problems.slice(0, 5).join('; ')}`);
}

export async function buildFunctions(outRoot = join(root, 'dist')): Promise<BuiltFunction[]> {
  rmSync(outRoot, { recursive: true, force: true });
  const names = readdirSync(join(root, 'functions')).filter((n) => statSync(join(root, 'functions', n, 'index.ts'), { throwIfNoEntry: false }));
  const built: BuiltFunction[] = [];
  for (const name of names) {
    const outDir = join(outRoot, name);
    const esmDir = join(outRoot, '.esm', name);
    const { metafile } = await build(splitOptions(join(root, 'functions', name, 'index.ts'), esmDir));
    assertOneCopyOfEachModule(name, metafile);
    const esmFiles = readdirSync(esmDir).filter((f) => f.endsWith('.js'));
    await build({
      entryPoints: esmFiles.map((f) => join(esmDir, f)),
      outdir: outDir,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      // A chunk is CommonJS like the rest: require() keeps one instance of each module, and loads it synchronously.
      supported: { 'dynamic-import': false },
      sourcemap: 'external',
      legalComments: 'none',
      logLevel: 'warning',
    });
    const imported = new Set(Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
    for (const [pkg, file] of Object.entries(LAZY_PACKAGES)) {
      if (!imported.has(`./${file}`)) continue;
      const entry = createRequire(import.meta.url).resolve(pkg);
      await build({ ...bundleOptions(entry, join(outDir, file)), sourcemap: false, plugins: [] });
    }
    if (imported.has('./zod.js')) await build({ ...bundleOptions(ZOD_ENTRY, join(outDir, 'zod.js')), sourcemap: false, plugins: [zodEnglishOnlyPlugin] });
    // Keep a root "type": "module" from leaking into the artifact.
    writeFileSync(join(outDir, 'package.json'), '{"type":"commonjs"}\n');
    // The deployer's access document (gitignored), for MQTRACE_CONFIG=mqtrace.json; see README "Configuration".
    if (name === 'http' && existsSync(DEPLOY_CONFIG_PATH)) copyFileSync(DEPLOY_CONFIG_PATH, join(outDir, 'mqtrace.json'));
    // The web page's files sit beside the HTTP bundle; only a request for the page reads them.
    const web = name === 'http' ? await buildWebPage(join(outDir, WEB_ASSET_DIR)) : undefined;
    const startup = startupFiles(metafile);
    built.push({
      name,
      bytes: statSync(join(outDir, 'index.js')).size,
      startupFiles: startup,
      startupBytes: startup.reduce((sum, f) => sum + statSync(join(outDir, f)).size, 0),
      files: esmFiles.length,
      contributors: contributors(metafile, startup),
      ...(web ? { web } : {}),
    });
  }
  rmSync(join(outRoot, '.esm'), { recursive: true, force: true });
  return built;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const built = await buildFunctions();
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`.padStart(10);
  for (const b of built) {
    console.log(
      `dist/${b.name}: index.js ${(b.bytes / 1024).toFixed(0)} KiB; with the chunks it requires at load ${(b.startupBytes / 1024).toFixed(0)} KiB (${b.startupFiles.length} of ${b.files} files, packages such as zod.js not counted); top contributors:`,
    );
    for (const c of b.contributors.slice(0, 8)) console.log(`  ${kib(c.bytes)}  ${c.name}`);
    if (!b.web) continue;
    for (const a of b.web) console.log(`dist/${b.name}/${WEB_ASSET_DIR}/${a.file}  ${(a.bytes / 1024).toFixed(1)} KiB (${(a.gzipBytes / 1024).toFixed(1)} KiB gzipped)`);
    const total = b.web.reduce((sum, a) => ({ bytes: sum.bytes + a.bytes, gzip: sum.gzip + a.gzipBytes }), { bytes: 0, gzip: 0 });
    console.log(`  web page total  ${(total.bytes / 1024).toFixed(1)} KiB (${(total.gzip / 1024).toFixed(1)} KiB gzipped)`);
  }
}
