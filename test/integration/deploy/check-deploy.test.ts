import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDeployment, checkRendered, renderSYaml } from '../../../scripts/deploy/check-deploy';

const ROOT = join(import.meta.dirname, '..', '..', '..');
type Rendered = { resources: Record<string, { props: Record<string, any> }> };

/** A copy of the project's s.yaml with `edit` applied to its text, beside a link to the real dist/. */
function brokenCopy(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mqtrace-syaml-'));
  writeFileSync(join(dir, 's.yaml'), edit(readFileSync(join(ROOT, 's.yaml'), 'utf8')));
  symlinkSync(join(ROOT, 'dist'), join(dir, 'dist'));
  return join(dir, 's.yaml');
}

describe('Function: check:deploy (s preview -o json, then zod over the fc3 props)', () => {
  let rendered: Rendered;

  beforeAll(async () => {
    rendered = (await renderSYaml(join(ROOT, 's.yaml'), { PATH: process.env.PATH })) as Rendered;
  });

  const mutated = (change: (r: Rendered) => void): Rendered => {
    const copy = structuredClone(rendered);
    change(copy);
    return copy;
  };

  it('accepts the project s.yaml, offline, with every handler present in its bundle', async () => {
    expect(Object.keys(rendered.resources).length).toBeGreaterThanOrEqual(1);
    expect(await checkRendered(rendered, ROOT)).toEqual([]);
  });

  it.each([
    ['memorySize not a multiple of 64', (r: Rendered) => (first(r).memorySize = 500), 'memorySize', 'multiple of 64'],
    ['a runtime typo', (r: Rendered) => (first(r).runtime = 'nodejs22'), 'runtime', 'nodejs20'],
    ['a number as an env value', (r: Rendered) => (first(r).environmentVariables.MQTRACE_MAX_ATTEMPTS = 3), 'environmentVariables.MQTRACE_MAX_ATTEMPTS', 'string'],
    ['a reserved FC_ env name', (r: Rendered) => (first(r).environmentVariables.FC_MINE = 'x'), 'environmentVariables.FC_MINE', 'reserved'],
    ['a timeout over a day', (r: Rendered) => (first(r).timeout = 90_000), 'timeout', ''],
    ['no role', (r: Rendered) => delete first(r).role, 'role', ''],
    ['an unknown trigger auth type', (r: Rendered) => (first(r).triggers[0].triggerConfig.authType = 'open'), 'triggers.0.triggerConfig.authType', ''],
    ['a handler the bundle does not export', (r: Rendered) => (first(r).handler = 'index.nothere'), 'handler', 'does not export'],
    ['a handler file that was never built', (r: Rendered) => (first(r).handler = 'missing.handler'), 'handler', 'does not exist'],
    ['a vpcConfig with a vSwitch that is not one', (r: Rendered) => (first(r).vpcConfig = { vpcId: 'vpc-bp1abcdefgh12345678', vSwitchIds: ['sg-bp1abcdefgh1234567'], securityGroupId: 'sg-bp1abcdefgh1234567' }), 'vpcConfig.vSwitchIds.0', 'vSwitch'],
    ['vpcConfig: auto (a new VPC, never the one Redis lives in)', (r: Rendered) => (first(r).vpcConfig = 'auto'), 'vpcConfig', ''],
  ])('rejects %s, naming the key', async (_name, change, path, message) => {
    const problems = await checkRendered(mutated(change), ROOT);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => p.path === path && p.message.includes(message))).toBe(true);
  });

  it('accepts the optional vpcConfig block of s.yaml once it is uncommented and filled in', async () => {
    // Arrange
    const path = brokenCopy((text) =>
      text
        .replace(/# vpcConfig:/g, 'vpcConfig:')
        .replace(/# {3}vpcId: vpc-x+/g, '  vpcId: vpc-bp1abcdefgh12345678')
        .replace(/# {3}vSwitchIds:/g, '  vSwitchIds:')
        .replace(/# {5}- vsw-x+/g, '    - vsw-bp1abcdefgh12345678')
        .replace(/# {3}securityGroupId: sg-x+/g, '  securityGroupId: sg-bp1abcdefgh1234567'),
    );

    // Act
    const copy = (await renderSYaml(path, { PATH: process.env.PATH })) as Rendered;
    const problems = await checkRendered(copy, join(path, '..'));

    // Assert
    expect(problems).toEqual([]);
    expect(Object.values(copy.resources).map((r) => r.props.vpcConfig)).toEqual([
      { vpcId: 'vpc-bp1abcdefgh12345678', vSwitchIds: ['vsw-bp1abcdefgh12345678'], securityGroupId: 'sg-bp1abcdefgh1234567' },
      { vpcId: 'vpc-bp1abcdefgh12345678', vSwitchIds: ['vsw-bp1abcdefgh12345678'], securityGroupId: 'sg-bp1abcdefgh1234567' },
    ]);
  });

  it('rejects a YAML number where fc3 wants a string, straight from a broken s.yaml copy', async () => {
    const path = brokenCopy((text) => text.replace("MQTRACE_LOG_LEVEL: ${env('MQTRACE_LOG_LEVEL', 'info')}", 'MQTRACE_LOG_LEVEL: 42'));
    const problems = await checkRendered(await renderSYaml(path, { PATH: process.env.PATH }), join(path, '..'));
    expect(problems).toContainEqual(expect.objectContaining({ path: 'environmentVariables.MQTRACE_LOG_LEVEL' }));
  });
});

describe('Function: checkDeployment (s.yaml and the deployer environment together)', () => {
  const SLACK = { SLACK_SIGNING_SECRET: 'SECRETVALUE-signing-0123456789', MQTRACE_INTERNAL_SECRET: 'i'.repeat(32) };
  const CHANNELS = JSON.stringify({ slack: { channels: [{ teamId: 'T0123ABCD', channelId: '*', scope: { instances: ['*'], topics: ['*'] } }] } });

  it('flags a chat secret behind an HTTP trigger that is not anonymous', async () => {
    // Arrange
    const path = brokenCopy((text) => text.replace('authType: anonymous', 'authType: function'));

    // Act
    const { problems } = await checkDeployment(path, { PATH: process.env.PATH, ...SLACK, MQTRACE_CONFIG: CHANNELS });

    // Assert
    expect(problems).toEqual([expect.objectContaining({ resources: ['mqtrace-http'], key: 'triggers.0.triggerConfig.authType', message: expect.stringContaining('SLACK_SIGNING_SECRET is set') })]);
  });

  it('warns that Redis without a vpcConfig is reachable only through a public endpoint, and checks its URL as the functions do', async () => {
    // Act
    const plain = await checkDeployment(join(ROOT, 's.yaml'), { PATH: process.env.PATH, MQTRACE_REDIS_URL: 'redis://r-bp1abcdefgh.redis.rds.aliyuncs.com:6379' });
    const withPassword = await checkDeployment(join(ROOT, 's.yaml'), { PATH: process.env.PATH, MQTRACE_REDIS_URL: 'redis://:SECRETPASS-0123@r-bp1abcdefgh.redis.rds.aliyuncs.com:6379' });

    // Assert
    expect(plain.problems).toEqual([]);
    expect(plain.warnings).toContainEqual(
      expect.objectContaining({ resources: ['mqtrace-http', 'mqtrace-spot-check'], key: 'MQTRACE_REDIS_URL', message: expect.stringContaining('no vpcConfig') }),
    );
    expect(withPassword.problems).toContainEqual(expect.objectContaining({ key: 'MQTRACE_REDIS_URL', message: expect.stringContaining('MQTRACE_REDIS_PASSWORD'), phase: 'cold-start' }));
    expect(JSON.stringify(withPassword)).not.toContain('SECRETPASS');
  });

  it('flags a stale copy of config/mqtrace.json, and a RAM function name that is not the HTTP function', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'mqtrace-stale-'));
    writeFileSync(join(dir, 's.yaml'), readFileSync(join(ROOT, 's.yaml'), 'utf8'));
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'mqtrace.json'), '{"aliases": {}}');
    mkdirSync(join(dir, 'dist', 'http'), { recursive: true });
    for (const file of readdirSync(join(ROOT, 'dist', 'http'))) symlinkSync(join(ROOT, 'dist', 'http', file), join(dir, 'dist', 'http', file));
    symlinkSync(join(ROOT, 'dist', 'spot-check'), join(dir, 'dist', 'spot-check'));
    writeFileSync(join(dir, 'dist', 'http', 'mqtrace.json'), '{}');

    // Act
    const { problems } = await checkDeployment(join(dir, 's.yaml'), { PATH: process.env.PATH, MQTRACE_CONFIG: 'mqtrace.json', MQTRACE_HTTP_FUNCTION_NAME: 'another-function' });

    // Assert
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toEqual([
      expect.stringMatching(/^MQTRACE_CONFIG: names mqtrace\.json, whose copy in the code directory is missing or older than config\/mqtrace\.json: run npm run build$/),
      expect.stringMatching(/^MQTRACE_HTTP_FUNCTION_NAME: does not name the HTTP function of s\.yaml/),
    ]);
  });
});

function first(r: Rendered): Record<string, any> {
  const resource = Object.values(r.resources)[0];
  if (!resource) throw new Error('no resources rendered');
  return resource.props;
}
