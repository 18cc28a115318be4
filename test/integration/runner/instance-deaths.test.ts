import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFcRunner, INSTANCE_EXIT_ERROR, type FcRunner, type InvokeOutcome } from '../../../local/runner/fc-runner';
import { createHttpTriggerServer } from '../../../local/runner/http-trigger';
import type { FunctionSpec } from '../../../local/runner/s-yaml';

/**
 * Real child processes dying in every way an FC instance can: SIGKILL while idle or busy,
 * process.exit and an uncaught error mid-invocation or at load, and a runaway allocation.
 */

const ACCOUNT_ID = '1234567890123456';
const CRASH_MESSAGE = /^Process exited unexpectedly before completing request \(duration: \d+ms, maxMemoryUsage: \d+MB\)$/;

// CommonJS, as the built bundles are. Each path is one way to behave; a `marker` query names a file
// the handler writes its pid to once it is running, and `count` a file it appends a line to.
const HANDLER = `
const { appendFileSync, writeFileSync } = require('node:fs');
exports.handler = async (buffer) => {
  const event = JSON.parse(buffer.toString('utf8'));
  const path = event.requestContext.http.path;
  const query = event.queryParameters || {};
  if (query.count) appendFileSync(query.count, process.pid + '\\n');
  if (query.marker) writeFileSync(query.marker, String(process.pid));
  if (path === '/pid') return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pid: process.pid }) };
  if (path === '/hang') return new Promise(() => undefined);
  if (path === '/exit') process.exit(7);
  if (path === '/throw') {
    setImmediate(() => { throw new Error('uncaught mid-invocation'); });
    return new Promise(() => undefined);
  }
  if (path === '/oom') {
    const hog = [];
    for (;;) hog.push(new Array(1e5).fill(hog.length));
  }
  return { statusCode: 404, body: '' };
};
`;

const tempDirs: string[] = [];

function functionDir(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mqtrace-deaths-'));
  tempDirs.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}\n');
  writeFileSync(join(dir, 'index.js'), source);
  return dir;
}

function specFor(codeDir: string): FunctionSpec {
  return {
    resourceName: 'deaths',
    region: 'cn-hangzhou',
    functionName: 'mqtrace-deaths',
    runtime: 'nodejs20',
    code: codeDir,
    handler: 'index.handler',
    // Small, so that the runaway allocation hits the limit within a second or two.
    memorySize: 128,
    timeout: 20,
    environmentVariables: {},
    triggers: [],
    codeDir,
  };
}

interface Stack {
  runner: FcRunner;
  url: string;
  server: Server;
}

async function startStack(codeDir: string): Promise<Stack> {
  const runner = createFcRunner({
    spec: specFor(codeDir),
    credentials: { accessKeyId: 'STS.test', accessKeySecret: 'secret' },
    accountId: ACCOUNT_ID,
    hostEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    maxInstances: 2,
  });
  const server = createHttpTriggerServer({ runner, accountId: ACCOUNT_ID });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { runner, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await new Promise<void>((resolve) => {
    stack.server.close(() => resolve());
    stack.server.closeAllConnections();
  });
  await stack.runner.close();
}

function httpEvent(path: string, query: Record<string, string> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({ version: 'v1', rawPath: path, headers: {}, queryParameters: query, requestContext: { http: { method: 'GET', path } } }),
  );
}

function pidOf(outcome: InvokeOutcome): number {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.errorType}: ${outcome.errorMessage}`);
  return (JSON.parse((JSON.parse(outcome.value.data) as { body: string }).body) as { pid: number }).pid;
}

async function get(stack: Stack, path: string) {
  const response = await fetch(`${stack.url}${path}`);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

/** Waits, boundedly, until the handler has written its pid to `marker`. */
async function pidFromMarker(marker: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    if (existsSync(marker)) {
      const text = readFileSync(marker, 'utf8');
      if (text) return Number(text);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the handler never wrote ${marker}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function expectCrashAnswer(answer: { status: number; headers: Headers; text: string }): void {
  expect(answer.status).toBe(INSTANCE_EXIT_ERROR.httpStatus);
  expect(answer.headers.get('x-fc-error-type')).toBe(INSTANCE_EXIT_ERROR.errorType);
  expect(answer.headers.get('x-fc-request-id')).toMatch(/^1-[0-9a-f]+-[0-9a-f]{24}$/);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['errorMessage']);
  expect(body.errorMessage).toMatch(CRASH_MESSAGE);
}

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Local runner: instances that die, as FC instances do', () => {
  let stack: Stack;
  let scratch: string;

  beforeAll(async () => {
    stack = await startStack(functionDir(HANDLER));
    scratch = mkdtempSync(join(tmpdir(), 'mqtrace-deaths-scratch-'));
    tempDirs.push(scratch);
  });

  afterAll(async () => {
    await stopStack(stack);
  });

  describe('Given an idle instance killed with SIGKILL', () => {
    it('runs a request routed to it before its death is noticed on a fresh instance, without an error', async () => {
      // Prepare
      const first = await stack.runner.invoke(httpEvent('/pid'));
      const deadPid = pidOf(first);
      const exitsBefore = stack.runner.stats().unexpectedExits;

      // Act: the request is routed in the same tick as the kill, before the runner can see the exit.
      process.kill(deadPid, 'SIGKILL');
      const outcome = await stack.runner.invoke(httpEvent('/pid'));

      // Assess
      expect(outcome).toMatchObject({ ok: true, coldStart: true });
      expect(outcome.ok && first.ok && outcome.instanceId !== first.instanceId).toBe(true);
      expect(pidOf(outcome)).not.toBe(deadPid);
      expect(stack.runner.stats().unexpectedExits).toBe(exitsBefore + 1);
      expect(stack.runner.stats().pids).not.toContain(deadPid);
    });

    it('answers the next HTTP request normally from a fresh instance', async () => {
      // Prepare
      const warm = await get(stack, '/pid');
      const deadPid = (JSON.parse(warm.text) as { pid: number }).pid;

      // Act
      process.kill(deadPid, 'SIGKILL');
      const answer = await get(stack, '/pid');

      // Assess
      expect(warm.status).toBe(200);
      expect(answer.status).toBe(200);
      expect((JSON.parse(answer.text) as { pid: number }).pid).not.toBe(deadPid);
    });
  });

  describe('Given a busy instance killed with SIGKILL mid-request', () => {
    it("answers that request with FC's instance-exit error, and the next one normally", async () => {
      // Prepare
      const marker = join(scratch, 'hang.pid');
      const pending = get(stack, `/hang?marker=${encodeURIComponent(marker)}`);
      const busyPid = await pidFromMarker(marker);

      // Act
      process.kill(busyPid, 'SIGKILL');
      const answer = await pending;
      const next = await get(stack, '/pid');

      // Assess
      expectCrashAnswer(answer);
      expect(next.status).toBe(200);
      expect((JSON.parse(next.text) as { pid: number }).pid).not.toBe(busyPid);
    });
  });

  describe.each([
    ['calls process.exit', '/exit'],
    ['throws an uncaught error', '/throw'],
    ['allocates memory without bound', '/oom'],
  ])('Given a function that %s mid-invocation', (_name, path) => {
    it("answers FC's instance-exit error once, without retrying the request, and the next request succeeds", async () => {
      // Prepare
      const count = join(scratch, `count-${path.slice(1)}`);

      // Act
      const answer = await get(stack, `${path}?count=${encodeURIComponent(count)}`);
      const next = await get(stack, '/pid');

      // Assess
      expectCrashAnswer(answer);
      const runs = readFileSync(count, 'utf8').trim().split('\n');
      expect(runs).toHaveLength(1);
      expect(isAlive(Number(runs[0]))).toBe(false);
      expect(next.status).toBe(200);
    });
  });
});

describe.each([
  ['calls process.exit at load', 'process.exit(3);\nexports.handler = async () => "never";\n', /instance exited during init \(exit code 3\)/],
  ['throws at load', 'throw new Error("broken at load");\n', /broken at load/],
])('Local runner: a function that %s', (_name, source, message) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack(functionDir(source));
  });

  afterAll(async () => {
    await stopStack(stack);
  });

  it('answers each request with an InitializationError from a new instance, and the runner keeps serving', async () => {
    // Act
    const answers = [await get(stack, '/pid'), await get(stack, '/pid')];

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(502);
      expect(answer.headers.get('x-fc-error-type')).toBe('InitializationError');
      expect((JSON.parse(answer.text) as { errorMessage: string }).errorMessage).toMatch(message);
    }
    expect(stack.runner.stats()).toMatchObject({ coldStarts: 2, invocations: 2, instances: 0 });
  });
});
