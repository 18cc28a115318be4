import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'test', 'fixtures', 'runner', 'run-logging-function.ts');

const run = async (mode: string, env: Record<string, string> = {}) =>
  (await promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT, mode], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', ...env } })).stdout;

describe('Function: createFcRunner (function logs)', () => {
  it("prints the function's log lines by default, as `npm start` shows them", async () => {
    const stdout = await run('default');
    expect(stdout).toContain('FUNCTION-LOG-MARKER');
    expect(stdout).toContain('INVOKED ok');
  });

  it('keeps them out of the output when told to, as the test suite does (MQTRACE_FUNCTION_LOGS=ignore)', async () => {
    expect(await run('default', { MQTRACE_FUNCTION_LOGS: 'ignore' })).not.toContain('FUNCTION-LOG-MARKER');
    const explicit = await run('ignore');
    expect(explicit).not.toContain('FUNCTION-LOG-MARKER');
    expect(explicit).toContain('INVOKED ok');
  });
});
