/**
 * A real `redis-server` on a free loopback port, for tests, the bench and local runs: no mock
 * stands in for Redis. `--save '' --appendonly no`: nothing is written to disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where Debian, Homebrew and source installs put the binary, besides PATH. */
const USUAL_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/opt/homebrew/bin'];

/** Thrown when no `redis-server` can be found: the message says how to get one. */
export class RedisServerMissingError extends Error {
  constructor() {
    super(
      'redis-server is not installed: the Redis integration tests and the fleet bench run a real one. ' +
        'Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis), ' +
        'or set REDIS_SERVER to its path. .ci/run installs it when missing.',
    );
    this.name = 'RedisServerMissingError';
  }
}

/** The `redis-server` binary: `REDIS_SERVER`, else the first on PATH or in the usual places. */
export function findRedisServer(env: Record<string, string | undefined> = process.env, usualDirs: readonly string[] = USUAL_DIRS): string {
  const candidates = [
    ...(env.REDIS_SERVER ? [env.REDIS_SERVER] : []),
    ...[...(env.PATH ?? '').split(delimiter).filter(Boolean), ...usualDirs].map((dir) => join(dir, 'redis-server')),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next.
    }
  }
  throw new RedisServerMissingError();
}

/** A free TCP port on 127.0.0.1, as the OS hands it out for port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServerOptions {
  /** Default: a free one. A restarted server reuses its port. */
  port?: number;
  /** `requirepass`: the default user's password. */
  password?: string;
  /** ACL users, as `user <name> on ><password> ~* &* +@all` lines take them. */
  users?: Array<{ name: string; password: string }>;
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops it (SIGKILL with `hard`, as a crash would), keeping the port for {@link RedisServer.start}. */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  running(): boolean;
}

/** Starts `redis-server` and resolves once it accepts connections. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findRedisServer();
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'mqtrace-redis-'));
  let child: ChildProcess | undefined;

  const args = () => [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    ...(options.password ? ['--requirepass', options.password] : []),
    ...(options.users ?? []).flatMap((u) => ['--user', u.name, 'on', `>${u.password}`, '~*', '&*', '+@all']),
  ];

  const start = async () => {
    const proc = spawn(binary, args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (data: Buffer) => {
        output += data.toString();
        if (output.includes('Ready to accept connections')) {
          proc.stdout?.off('data', onData);
          resolve();
        }
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${output.slice(-500)}`)));
      proc.once('error', reject);
    });
    proc.stdout?.resume();
    proc.stderr?.resume();
  };

  const stop = async (stopOptions: { hard?: boolean } = {}) => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(stopOptions.hard ? 'SIGKILL' : 'SIGTERM');
    });
  };

  await start();
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
  };
  // Never leave a server behind, whatever ends the process.
  process.once('exit', () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}
