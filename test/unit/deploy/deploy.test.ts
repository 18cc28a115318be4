import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accessAliasOf, explainFailure, findAccess } from '../../../scripts/deploy/deploy';

const SECRET = 'TOPSECRET0123456789';
const homes: string[] = [];
const home = (files: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'mqtrace-home-'));
  homes.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
};
afterEach(() => {
  for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Function: accessAliasOf', () => {
  it.each([
    ['access: default\n', [], 'default'],
    ['access: prod\n', [], 'prod'],
    ['name: x\n', [], 'default'],
    ['access: default\n', ['-a', 'ci'], 'ci'],
    ['access: default\n', ['--access=ci'], 'ci'],
  ])('reads %j with %j as %s', (yaml, args, alias) => {
    expect(accessAliasOf(yaml, args)).toBe(alias);
  });
});

describe('Function: findAccess (where s 3.x looks for credentials)', () => {
  it('finds the three env vars s reads together, whatever the alias', () => {
    expect(findAccess('default', { AccountID: '1', AccessKeyID: SECRET, AccessKeySecret: SECRET }, home())).toEqual({ ok: true, source: 'AccountID, AccessKeyID, AccessKeySecret' });
  });

  it('finds the alias in ~/.s/access.yaml (what s config add writes), or in the workspace s.json names', () => {
    // Arrange
    const plain = home({ '.s/access.yaml': `default:\n  AccountID: "1"\n  AccessKeyID: ${SECRET}\n` });
    const workspace = home({ '.s/config/s.json': JSON.stringify({ workspace: '~/ws' }), 'ws/access.yaml': 'default:\n  AccountID: "1"\n' });

    // Act / Assert
    expect(findAccess('default', {}, plain)).toEqual({ ok: true, source: join(plain, '.s', 'access.yaml') });
    expect(findAccess('default', {}, workspace)).toEqual({ ok: true, source: join(workspace, 'ws', 'access.yaml') });
  });

  it('says how to set credentials up when there are none for the alias, naming no value', () => {
    // Arrange
    const other = home({ '.s/access.yaml': 'prod:\n  AccountID: "1"\n' });

    // Act
    const result = findAccess('default', { AccessKeyID: SECRET, ALIBABA_CLOUD_ACCESS_KEY_ID: SECRET }, other);

    // Assert
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.lines;
    expect(lines[0]).toMatch(/no Alibaba Cloud credentials for the access "default".*npx s config add.*AccountID, AccessKeyID, AccessKeySecret/);
    expect(lines[1]).toBe('deploy: AccessKeyID is set, but AccountID and AccessKeySecret are not: s reads the three together');
    expect(lines[2]).toMatch(/ALIBABA_CLOUD_ACCESS_KEY_ID is set, but s does not read it/);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('checks the aliyun CLI configuration for access: ${aliyun-cli}', () => {
    expect(findAccess('${aliyun-cli}', {}, home()).ok).toBe(false);
    expect(findAccess('${aliyun-cli}', {}, home({ '.aliyun/config.json': '{}' })).ok).toBe(true);
  });
});

describe('Function: explainFailure (one line for what s deploy printed)', () => {
  it.each([
    ['Error: getaddrinfo ENOTFOUND api.devsapp.cn\n    at GetAddrInfoReqWrap.onlookup', /^deploy: no network: cannot resolve api\.devsapp\.cn\. .*HTTPS_PROXY/],
    ['connect ECONNREFUSED 127.0.0.1:8080', /^deploy: no network: connection refused by 127\.0\.0\.1:8080\./],
    ['Error: socket hang up', /^deploy: no network: the connection failed\./],
    ['code: InvalidAccessKeyId.NotFound', /^deploy: Alibaba Cloud refused the AccessKey of the access "default" \(InvalidAccessKeyId\.NotFound\)/],
    ['Error: Not found access: default', /^deploy: s found no credentials for the access "default"/],
  ])('explains %j', (output, line) => {
    expect(explainFailure(output, 'default')).toMatch(line);
  });

  it('says nothing about a failure it does not recognise', () => {
    expect(explainFailure('Error: the role does not exist', 'default')).toBeUndefined();
  });
});
