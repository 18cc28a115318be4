import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('CLI: npm start with a bad setting', () => {
  it('names the key at once and exits non-zero instead of reporting ready', async () => {
    const secretish = '{"http": "SECRETVALUE-not-to-be-printed"';
    const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'local/runner/cli.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH, PORT: '0', MQTRACE_CONFIG: secretish },
    }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('mqtrace: MQTRACE_CONFIG:');
    expect(run.stderr).toContain('not started');
    expect(run.stdout).not.toContain('local stack');
    expect(`${run.stdout}${run.stderr}`).not.toContain('SECRETVALUE');
  });
});
