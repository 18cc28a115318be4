import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The two command-line entry points as a user runs them (`npm start`, `npm run emulator`): one
 * line, not a stack, for a busy port; and `npm start` outliving the death of an instance.
 */

const ROOT = join(import.meta.dirname, '..', '..', '..');
const RUNNER_CLI = join(ROOT, 'local', 'runner', 'cli.ts');
const EMULATOR_CLI = join(ROOT, 'local', 'emulator', 'cli.ts');
const children = new Set<ChildProcessWithoutNullStreams>();
const holders: Server[] = [];

// Without real credentials in the environment, `npm start` runs against the embedded emulator.
const LOCAL_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };

function runCli(path: string, args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', path, ...args], { cwd: ROOT, env, stdio: 'pipe' });
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

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Listens on a free loopback port, as another program would, and answers that port. */
async function holdPort(): Promise<number> {
  const holder = createServer();
  holders.push(holder);
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  return (holder.address() as AddressInfo).port;
}

/** Waits, boundedly, until `stdout` holds `text`. */
async function waitFor(stdout: { text: () => string }, child: ChildProcessWithoutNullStreams, text: string): Promise<void> {
  for (let i = 0; i < 800; i++) {
    if (stdout.text().includes(text)) return;
    if (child.exitCode !== null) throw new Error(`CLI exited with ${child.exitCode} before printing "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`CLI never printed "${text}"`);
}

/** The direct children of `pid` (Linux /proc), i.e. the runner's instances. */
function childPids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number),
  );
}

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(holders.splice(0).map((h) => new Promise<void>((resolve) => h.close(() => resolve()))));
});

describe('CLI: a busy port', () => {
  it('npm start (local/runner/cli.ts) prints one line naming the port and PORT, and exits 1', async () => {
    // Prepare
    const port = await holdPort();
    const child = runCli(RUNNER_CLI, [], { ...LOCAL_ENV, PORT: String(port) });
    const stderr = collect(child.stderr);

    // Act
    const code = await exitCode(child);

    // Assess
    expect(code).toBe(1);
    expect(stderr.text()).toBe(`mqtrace: port ${port} is already in use; set PORT=… to use another (PORT=0 picks a free one)\n`);
  });

  it('the emulator (local/emulator/cli.ts) prints one line naming the port and --port, and exits 1', async () => {
    // Prepare
    const port = await holdPort();
    const child = runCli(EMULATOR_CLI, ['--port', String(port)], LOCAL_ENV);
    const stderr = collect(child.stderr);
    const stdout = collect(child.stdout);

    // Act
    const code = await exitCode(child);

    // Assess
    expect(code).toBe(1);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toBe(`mqtrace: port ${port} is already in use; pass --port … to use another (--port 0 picks a free one)\n`);
  });
});

describe('CLI: npm start when an instance dies', () => {
  it('keeps serving after an idle instance is killed with SIGKILL, and stops cleanly on SIGTERM', async () => {
    // Prepare
    const child = runCli(RUNNER_CLI, [], { ...LOCAL_ENV, PORT: '0' });
    const stdout = collect(child.stdout);
    await waitFor(stdout, child, 'Ctrl-C stops.');
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout.text())?.[1] ?? '';
    const warm = await fetch(`${url}/healthz`);
    await warm.text();
    const instances = childPids(child.pid ?? 0);

    // Act
    for (const pid of instances) process.kill(pid, 'SIGKILL');
    const after = await fetch(`${url}/healthz`);
    const body = await after.text();
    const stillRunning = child.exitCode === null;
    child.kill('SIGTERM');
    const code = await exitCode(child);

    // Assess
    expect(warm.status).toBe(200);
    expect(instances.length).toBeGreaterThan(0);
    expect(after.status).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
    expect(stillRunning).toBe(true);
    expect(code).toBe(0);
  }, 60_000);
});
