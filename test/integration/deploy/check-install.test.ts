import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('Script: scripts/check-install.mjs (npm pre-scripts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtrace-no-install-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tells a user who skipped `npm ci` to run it, instead of "tsc: not found"', () => {
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(ROOT, 'scripts', 'check-install.mjs'), join(dir, 'scripts', 'check-install.mjs'));
    const run = spawnSync(process.execPath, [join(dir, 'scripts', 'check-install.mjs')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Run `npm ci` first');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('passes silently in this checkout, where the dependencies are installed', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'check-install.mjs')], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
  });
});
