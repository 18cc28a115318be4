import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isClientId4x } from '../../../local/emulator/align-client-ids';
import { DEMO_SEED_PATH, loadSeedFile } from '../../../local/emulator/load-seed';
import { seedJsonSchema } from '../../../local/emulator/seed-schema';
import { callAction, createClient } from './harness';

const CLI_PATH = fileURLToPath(new URL('../../../local/emulator/cli.ts', import.meta.url));
const children = new Set<ChildProcessWithoutNullStreams>();
const tempDirs: string[] = [];

function runCli(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_PATH, ...args], { stdio: 'pipe' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function collect(stream: NodeJS.ReadableStream): { text: () => string } {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { text: () => text };
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline !== -1) {
        child.stdout.off('data', onData);
        resolve(buffered.slice(0, newline));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`CLI exited with ${String(code)} before printing a line.`)));
  });
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function tempFile(name: string, contents: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mqtrace-emulator-'));
  tempDirs.push(dir);
  const path = join(dir, name);
  await writeFile(path, contents);
  return path;
}

afterEach(async () => {
  for (const child of children) {
    child.kill('SIGKILL');
  }
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('CLI: local/emulator/cli.ts', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints one ready line, serves the demo seed and exits 0 on %s', async (signal) => {
    // Prepare
    const child = runCli(['--port', '0']);
    const stderr = collect(child.stderr);

    // Act
    const ready = JSON.parse(await firstLine(child)) as { event: string; url: string; seed: string };
    const seed = await loadSeedFile(DEMO_SEED_PATH);
    const credential = seed.accounts[0]?.credentials[0];
    const instance = seed.instances[0];
    const topic = instance?.topics[0];
    // The demo aligns its 4.x client ids to each start (alignClientIds); its broker offset id stays fixed.
    const message = topic?.messages.find((m) => !isClientId4x(m.msgId));
    const client = createClient(ready.url, { accessKeyId: credential?.accessKeyId ?? '', accessKeySecret: credential?.accessKeySecret ?? '' });
    const body = await callAction(client, { InstanceId: instance?.instanceId ?? '', Topic: topic?.topic ?? '', MsgId: message?.msgId ?? '' }, { method: 'POST' });
    child.kill(signal);
    const code = await exitCode(child);

    // Assess
    expect(ready).toStrictEqual({ event: 'emulator.ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), seed: DEMO_SEED_PATH });
    expect(body).toHaveProperty('Data.MessageTrack');
    expect(code).toBe(0);
    expect(stderr.text()).toBe('');
  });

  it('names the failing field of an invalid seed and exits 1', async () => {
    const seed = await loadSeedFile(DEMO_SEED_PATH);
    const broken = structuredClone(seed);
    const instance = broken.instances[1];
    if (instance !== undefined) {
      instance.accountId = '9999999999999999';
    }
    const path = await tempFile('broken.json', JSON.stringify(broken));
    const child = runCli(['--seed', path]);
    const stderr = collect(child.stderr);
    const stdout = collect(child.stdout);

    const code = await exitCode(child);

    expect(code).toBe(1);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toContain(path);
    expect(stderr.text()).toContain('instances[1].accountId: Unknown accountId "9999999999999999".');
  });

  it('reports a seed file that is not JSON', async () => {
    const path = await tempFile('not-json.json', '{ "accounts": [');
    const child = runCli(['--seed', path]);
    const stderr = collect(child.stderr);

    const code = await exitCode(child);

    expect(code).toBe(1);
    expect(stderr.text()).toContain(`Seed file ${path} is not valid JSON`);
  });

  it('rejects a bad --port with exit code 2', async () => {
    const child = runCli(['--port', 'eighty']);
    const stderr = collect(child.stderr);

    const code = await exitCode(child);

    expect(code).toBe(2);
    expect(stderr.text()).toContain('--port must be an integer');
  });

  it('prints the seed JSON Schema', async () => {
    const child = runCli(['--print-seed-schema']);
    const stdout = collect(child.stdout);

    const code = await exitCode(child);

    expect(code).toBe(0);
    expect(JSON.parse(stdout.text())).toStrictEqual(seedJsonSchema());
  });
});
