import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SECRET = 'SECRETVALUE-signing-0123456789';
const INSTANCE = 'MQ_INST_1234567890123456_BXprod01';
// Each run renders s.yaml with s preview (~6 s alone); they run side by side on two cores.
const TIMEOUT = 240_000;

interface Run {
  code: number | null;
  output: string;
}

/**
 * `npx tsx scripts/deploy/check-deploy.ts`, as `npm run check:deploy` runs it, with exactly `env`
 * besides PATH and HOME (s preview itself runs offline, under a private HOME).
 */
function checkDeploy(env: Record<string, string>, sYaml?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', join(ROOT, 'scripts', 'deploy', 'check-deploy.ts'), ...(sYaml ? [sYaml] : [])], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** The problem lines (not the warnings) of a run. */
const problems = (run: Run) => run.output.split('\n').filter((l) => l.startsWith('check:deploy: ') && !l.startsWith('check:deploy: warning:'));

/**
 * A project copy whose HTTP code directory holds `config/mqtrace.json` as `npm run build` copies
 * it, beside links to the real bundles.
 */
function projectWithConfig(configSource: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mqtrace-project-'));
  copyFileSync(join(ROOT, 's.yaml'), join(dir, 's.yaml'));
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, 'dist', 'http'), { recursive: true });
  copyFileSync(configSource, join(dir, 'config', 'mqtrace.json'));
  copyFileSync(configSource, join(dir, 'dist', 'http', 'mqtrace.json'));
  for (const file of readdirSync(join(ROOT, 'dist', 'http'))) symlinkSync(join(ROOT, 'dist', 'http', file), join(dir, 'dist', 'http', file));
  symlinkSync(join(ROOT, 'dist', 'spot-check'), join(dir, 'dist', 'spot-check'));
  return dir;
}

describe.concurrent('Script: check:deploy over the deployer environment (issue 11 §1)', () => {
  const copies: string[] = [];
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it('passes a clean environment: "s.yaml is valid", exit 0', { timeout: TIMEOUT }, async () => {
    // Act
    const run = await checkDeploy({});

    // Assert
    expect(run.code).toBe(0);
    expect(run.output).toContain(`check:deploy: ${join(ROOT, 's.yaml')} is valid`);
    expect(problems(run).filter((l) => !l.endsWith('is valid'))).toEqual([]);
  });

  it.each([
    ['a truncated inline MQTRACE_CONFIG', { MQTRACE_CONFIG: '{"http":' }, 'mqtrace-http: MQTRACE_CONFIG: is not valid JSON'],
    ['SLACK_SIGNING_SECRET without MQTRACE_INTERNAL_SECRET', { SLACK_SIGNING_SECRET: SECRET }, 'mqtrace-http: MQTRACE_INTERNAL_SECRET: is required when a chat platform is turned on (slack)'],
    ['a timer payload without the check fields', { MQTRACE_SPOT_CHECK_PAYLOAD: JSON.stringify({ checks: [{ name: 'orders' }] }) }, 'mqtrace-spot-check: MQTRACE_SPOT_CHECK_PAYLOAD.checks[orders].instanceId: is required'],
    ['an unknown deploy region', { MQTRACE_DEPLOY_REGION: 'mars-1' }, 'MQTRACE_DEPLOY_REGION: is not a known Alibaba Cloud region ID'],
  ])('fails on %s, naming the key, never the value', { timeout: TIMEOUT }, async (_name, env, line) => {
    // Act
    const run = await checkDeploy(env);

    // Assert
    expect(run.code).toBe(1);
    expect(run.output).not.toContain('is valid');
    expect(problems(run).some((l) => l.includes(line))).toBe(true);
    for (const value of Object.values(env)) expect(run.output).not.toContain(value);
  });

  it('fails on bad inputs of ram:policy --render: the account ID, and each instance list', { timeout: TIMEOUT }, async () => {
    // Act
    const run = await checkDeploy({
      MQTRACE_ACCOUNT_ID: '12345',
      MQTRACE_RAM_INSTANCE_IDS: `${INSTANCE},rmq-cn-abcdef123`,
      MQTRACE_RAM_ROCKETMQ5_INSTANCE_IDS: 'MQ_INST_nope',
    });

    // Assert
    expect(run.code).toBe(1);
    expect(problems(run)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^check:deploy: MQTRACE_ACCOUNT_ID: must be the 16-digit/),
        expect.stringMatching(/^check:deploy: MQTRACE_RAM_INSTANCE_IDS: item 2 is not a 4\.x instance ID .*MQTRACE_RAM_ROCKETMQ5_INSTANCE_IDS$/),
        expect.stringMatching(/^check:deploy: MQTRACE_RAM_ROCKETMQ5_INSTANCE_IDS: item 1 is not a 5\.x instance ID/),
      ]),
    );
    expect(run.output).not.toContain('rmq-cn-abcdef123');
    expect(run.output).not.toContain('MQ_INST_nope');
  });

  it('fails on config/mqtrace.json copied from the commented example, with a hint to strip the comments', { timeout: TIMEOUT }, async () => {
    // Arrange
    const dir = projectWithConfig(join(ROOT, 'config', 'mqtrace-config.example.jsonc'));
    copies.push(dir);

    // Act
    const run = await checkDeploy({ MQTRACE_CONFIG: 'mqtrace.json' }, join(dir, 's.yaml'));

    // Assert
    expect(run.code).toBe(1);
    expect(problems(run)).toContainEqual(expect.stringMatching(/^check:deploy: mqtrace-http: MQTRACE_CONFIG: is not valid JSON: it holds comments .*strip them from config\/mqtrace\.json/));
  });

  it('lists every problem of an environment with all of them, each once', { timeout: TIMEOUT }, async () => {
    // Act
    const run = await checkDeploy({
      MQTRACE_CONFIG: '{"http":',
      SLACK_SIGNING_SECRET: SECRET,
      MQTRACE_SPOT_CHECK_PAYLOAD: '{"checks": [',
      MQTRACE_DEPLOY_REGION: 'mars-1',
      MQTRACE_CALL_TIMEOUT_MS: '5',
      MQTRACE_ACCOUNT_ID: 'abc',
    });

    // Assert
    expect(run.code).toBe(1);
    const lines = problems(run);
    for (const key of ['MQTRACE_CONFIG', 'MQTRACE_INTERNAL_SECRET', 'MQTRACE_SPOT_CHECK_PAYLOAD', 'MQTRACE_DEPLOY_REGION', 'MQTRACE_CALL_TIMEOUT_MS', 'MQTRACE_ACCOUNT_ID']) {
      expect(lines.filter((l) => l.includes(` ${key}: `) || l.includes(`: ${key}: `)), key).toHaveLength(1);
    }
    expect(lines).toContainEqual('check:deploy: mqtrace-http, mqtrace-spot-check: MQTRACE_CALL_TIMEOUT_MS: must be at least 100 (the function fails every request at cold start)');
    expect(run.output).not.toContain(SECRET);
    expect(run.output).not.toContain('mars-1');
  });

  it('keeps a value holding "${" away from s preview, whose error would print it', { timeout: TIMEOUT }, async () => {
    // Act
    const run = await checkDeploy({ DINGTALK_APP_SECRET: `${SECRET}\${oops}` });

    // Assert
    expect(run.code).toBe(1);
    expect(problems(run)).toContainEqual(expect.stringMatching(/^check:deploy: DINGTALK_APP_SECRET: holds "\$\{", which Serverless Devs reads as a template/));
    expect(run.output).not.toContain(SECRET);
  });
});
