/**
 * A V8 code cache for the HTTP bundle, measured by `npm run bench` and not shipped (see
 * docs/performance.md, "V8 code cache"). The bundle is compiled through `vm.Script` with the cache
 * as `cachedData`; the cache file is named by `v8.cachedDataVersionTag()` (V8 version and flags), so
 * another Node finds none and compiles as usual.
 */
import { cpSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The loader that would replace index.js: `bundle.js` beside it, `bundle.js.<tag>.cache` if present. */
const LOADER = `'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const vm = require('node:vm');
const { join } = require('node:path');
const { wrap } = require('node:module');
const { cachedDataVersionTag } = require('node:v8');
const file = join(__dirname, 'bundle.js');
const cacheFile = join(__dirname, 'bundle.js.' + cachedDataVersionTag() + '.cache');
let cachedData;
try { cachedData = readFileSync(cacheFile); } catch {}
const script = new vm.Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, require, mod, file, __dirname);
if (process.env.BENCH_WRITE_CODE_CACHE) {
  const { handler } = mod.exports;
  // After the first lookup, so that the functions it compiled are in the cache too.
  mod.exports = { handler: async (event, context) => { const response = await handler(event, context); writeFileSync(cacheFile, script.createCachedData()); return response; } };
}
module.exports = mod.exports;
`;

/**
 * Lays out `dir/index.js` (the loader) and `dir/bundle.js` (a copy of `bundlePath`), with the
 * bundle's sibling files (the chunks it requires) beside them; returns the loader's path.
 */
export function prepareCodeCacheLoader(bundlePath: string, dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  cpSync(dirname(bundlePath), dir, { recursive: true });
  renameSync(join(dir, 'index.js'), join(dir, 'bundle.js'));
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');
  writeFileSync(join(dir, 'index.js'), LOADER);
  return join(dir, 'index.js');
}

/** The environment variable that makes the loader write its cache after the first lookup. */
export const WRITE_CODE_CACHE_ENV = 'BENCH_WRITE_CODE_CACHE';
