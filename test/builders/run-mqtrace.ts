import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The package's bin, as `npx mqtrace` runs it (it needs `npm run build`). */
export const MQTRACE_BIN = join(import.meta.dirname, '..', '..', 'functions', 'cli', 'mqtrace.cjs');

export interface MqtraceRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real bin in a child process with only `env` (plus PATH) and, unless `env` names one,
 * an empty HOME, so that no developer's ~/.aliyun or token leaks into a test. stdin is not a TTY.
 */
export function runMqtrace(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<MqtraceRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MQTRACE_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: mkdtempSync(join(tmpdir(), 'mqtrace-home-')), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether text holds what a Node stack trace prints: "    at fn (file:line:col)". */
export const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;
