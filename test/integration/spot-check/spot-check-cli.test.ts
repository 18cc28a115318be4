import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CLI = join(ROOT, 'local', 'runner', 'spot-check-cli.ts');

/** Runs `npm run spot-check`'s CLI (the bundle is built by `npm test` first) with its own TMPDIR. */
async function runCli(args: string[], tmp: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { PATH: process.env.PATH, TMPDIR: tmp },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('CLI: npm run spot-check', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mqtrace-spot-cli-test-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('names a missing payload file in one line, without a stack trace', async () => {
    const run = await runCli(['--payload', join(tmp, 'nope.json')], tmp);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`mqtrace: cannot read the payload file ${join(tmp, 'nope.json')} (no such file)`);
  });

  it('lists what is wrong with a bad payload, field by field, without a stack trace', async () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify({ checks: [{ name: 'x', instanceId: 'prod', topic: 'bad topic' }] }));
    const run = await runCli(['--payload', file], tmp);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not a valid timer payload');
    expect(run.stderr).toContain('payload.checks');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs the demo payload and leaves no temporary directory behind', async () => {
    const run = await runCli([], tmp);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('spot check:');
    expect(readdirSync(tmp).filter((name) => name.startsWith('mqtrace-spot-check-'))).toEqual([]);
  });
});
