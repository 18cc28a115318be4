import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
// tsx's own CLI, not npx: npm exec would put node_modules/.bin, and the real s, before the fake one.
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const SECRET = 'TOPSECRET0123456789abcd';

/**
 * A stand-in for the Serverless Devs CLI: records its arguments, then behaves as FAKE_S says
 * (ok, offline, refused). No network is involved.
 */
const FAKE_S = `#!/bin/sh
echo "$@" > "$FAKE_S_ARGS"
case "$FAKE_S" in
  ok) echo "fake s: deployed"; exit 0 ;;
  offline) echo "[mqtrace-http] deploying..."; echo "Error: getaddrinfo ENOTFOUND api.devsapp.cn" >&2; echo "    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26)" >&2; exit 1 ;;
  refused) echo "Error: connect ECONNREFUSED 127.0.0.1:8080" >&2; exit 1 ;;
esac
exit 3
`;

describe('Script: scripts/deploy/deploy.ts (s deploy -y, behind a credentials check and clear network errors)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtrace-deploy-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 's'), FAKE_S);
  chmodSync(join(bin, 's'), 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const deploy = (name: string, env: Record<string, string>, files: Record<string, string> = {}) => {
    const home = join(dir, name);
    mkdirSync(home);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(home, path, '..'), { recursive: true });
      writeFileSync(join(home, path), text);
    }
    const argsFile = join(home, 's-args');
    const run = spawnSync(process.execPath, [TSX, join(ROOT, 'scripts', 'deploy', 'deploy.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: home, FAKE_S_ARGS: argsFile, ...env },
      timeout: 60_000,
    });
    return { ...run, sArgs: existsSync(argsFile) ? readFileSync(argsFile, 'utf8').trim() : undefined };
  };
  const withAccess = { AccountID: '1234567890123456', AccessKeyID: SECRET, AccessKeySecret: SECRET };

  it('stops before s when there are no credentials, saying how to set them up', () => {
    // Act
    const run = deploy('none', { FAKE_S: 'ok', ALIBABA_CLOUD_ACCESS_KEY_ID: SECRET });

    // Assert
    expect(run.status).toBe(1);
    expect(run.sArgs).toBeUndefined();
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^deploy: no Alibaba Cloud credentials for the access "default" that s\.yaml names: set them up once with npx s config add/);
    expect(lines[1]).toMatch(/^deploy: ALIBABA_CLOUD_ACCESS_KEY_ID is set, but s does not read it/);
    expect(run.stderr + run.stdout).not.toContain(SECRET);
  });

  it('runs s deploy -y when s config add stored the access, and passes its exit code on', () => {
    // Act
    const run = deploy('stored', { FAKE_S: 'ok' }, { '.s/access.yaml': 'default:\n  AccountID: "1234567890123456"\n' });

    // Assert
    expect(run.status).toBe(0);
    expect(run.sArgs).toBe(`deploy -y -t ${join(ROOT, 's.yaml')}`);
    expect(run.stdout).toContain('fake s: deployed');
    expect(run.stderr).toBe('');
  });

  it('ends an offline deploy with one line naming the unreachable host', () => {
    // Act
    const run = deploy('offline', { FAKE_S: 'offline', ...withAccess });

    // Assert
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('[mqtrace-http] deploying...');
    const lines = run.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^deploy: no network: cannot resolve api\.devsapp\.cn\. s deploy needs to reach .* then run npm run deploy again$/);
    expect(lines.filter((l) => l.startsWith('deploy:'))).toHaveLength(1);
    expect(run.stderr + run.stdout).not.toContain(SECRET);
  });

  it('names a refused connection (a proxy that is down)', () => {
    // Act
    const run = deploy('refused', { FAKE_S: 'refused', ...withAccess });

    // Assert
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^deploy: no network: connection refused by 127\.0\.0\.1:8080\./);
  });

  it('leaves a failure it does not recognise to s’s own output', () => {
    // Act
    const run = deploy('other', { FAKE_S: 'something-else', ...withAccess });

    // Assert
    expect(run.status).toBe(3);
    expect(run.stderr).not.toContain('deploy:');
  });
});
