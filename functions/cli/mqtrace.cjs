#!/usr/bin/env node
'use strict';
// `npx mqtrace …`: runs the CLI that `npm run build` bundles into dist/cli/index.js.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', '..', 'dist', 'cli', 'index.js');
if (!existsSync(entry)) {
  process.stderr.write('mqtrace: the CLI is not built yet; run `npm run build` first.\n');
  process.exit(3);
}
require(entry);
