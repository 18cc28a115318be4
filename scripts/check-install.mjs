// Runs before `npm test`, `npm start`, `npm run bench` and `npm run spot-check` (npm's pre-scripts):
// with no dependencies installed those would fail with "tsc: not found" or "tsx: not found".
// Plain Node on purpose: nothing from node_modules can be assumed here.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const needed = ['typescript', 'tsx', 'vitest', 'esbuild'];
const missing = needed.filter((name) => !existsSync(join(root, 'node_modules', name, 'package.json')));
if (missing.length > 0) {
  console.error(`mqtrace: the dependencies are not installed (missing ${missing.join(', ')}). Run \`npm ci\` first, then run this command again.`);
  process.exit(1);
}
