import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import type { FunctionSpec } from './s-yaml';

export interface RunnerCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface FcRunnerOptions {
  spec: FunctionSpec;
  credentials: RunnerCredentials;
  accountId: string;
  /** At most this many simulated instances run at once; more requests queue. */
  maxInstances?: number;
  /** Variables the host adds for every instance, e.g. PATH. */
  hostEnv?: Record<string, string>;
  /**
   * Where the instances' stdout (the function's JSON log lines) goes: the terminal, as FC's log
   * service would show it (`inherit`, the default), or nowhere (`ignore`). Default: the
   * MQTRACE_FUNCTION_LOGS environment variable, which the test suite sets to `ignore` to keep its
   * output readable. Instance stderr always reaches the terminal.
   */
  functionLogs?: 'inherit' | 'ignore';
}

/** What one invocation came to: the handler's value, or FC's error type and message. */
export type InvokeOutcome =
  | { ok: true; value: { kind: 'buffer' | 'string' | 'json'; data: string }; instanceId: string; coldStart: boolean }
  | {
      ok: false;
      errorType: string;
      errorMessage: string;
      instanceId?: string;
      coldStart?: boolean;
      /** The instance died (crash, out of memory, killed, process.exit) while running this invocation. */
      instanceExited?: boolean;
    };

export interface FcRunner {
  /**
   * Invokes the function once, on an idle instance or a new one, within its timeout. An instance
   * that turns out to be dead before the invocation started is replaced and the invocation runs
   * on the new one; one that dies during the invocation answers {@link INSTANCE_EXIT_ERROR}.
   */
  invoke(event: Buffer, options?: { requestId?: string }): Promise<InvokeOutcome>;
  /** The exact environment an instance of this function gets. */
  environment(instanceId: string): Record<string, string>;
  stats(): {
    instances: number;
    coldStarts: number;
    invocations: number;
    unhandledRejections: number;
    /** Instances that died on their own (crash, out of memory, killed from outside), not by timeout or close. */
    unexpectedExits: number;
    pids: number[];
  };
  close(): Promise<void>;
}

/**
 * What FC answers for an invocation whose instance dies mid-request (a crash, running out of
 * memory, SIGKILL, `process.exit`).
 *
 * UNVERIFIED: fc.md documents no answer for an instance crash. The body is FC's documented
 * answer for a function that exits while running (only `errorMessage`, no `errorType`; C# runtime
 * error-handling page, https://www.alibabacloud.com/help/en/functioncompute/fc/error-handling-in-c:
 * "Process exited unexpectedly before completing request (duration: 45ms, maxMemoryUsage: 49MB)").
 * The status and error type are the HTTP trigger's documented ones for a function error
 * (UnhandledInvocationError, 502; https://www.alibabacloud.com/help/doc-detail/85445.htm). Neither
 * page is about FC 3.0's nodejs20 runtime. Change this one constant when the real answer is known.
 */
export const INSTANCE_EXIT_ERROR = {
  /** Status of the HTTP trigger's response. */
  httpStatus: 502,
  /** `X-Fc-Error-Type` of the response, and the outcome's `errorType`. */
  errorType: 'UnhandledInvocationError',
  /** The body's one field, `errorMessage`. */
  errorMessage: (durationMs: number, maxMemoryMb: number): string =>
    `Process exited unexpectedly before completing request (duration: ${durationMs}ms, maxMemoryUsage: ${maxMemoryMb}MB)`,
} as const;

/** How often a request is moved to a fresh instance because the one it got was already dead. */
const MAX_REPLACEMENTS = 2;
/** How long an instance that has exited, or closed its channel, may take to do the other. */
const EXIT_GRACE_MS = 500;

type HostMessage =
  | { type: 'ready'; rss?: number }
  | { type: 'init-failed'; errorType?: string; errorMessage?: string }
  | { type: 'started'; id: number; rss?: number }
  | { type: 'result'; id: number; ok: boolean; value?: { kind: 'buffer' | 'string' | 'json'; data: string }; errorType?: string; errorMessage?: string; rss?: number }
  | { type: 'unhandled-rejection' };

/** What became of one attempt to run an invocation on one instance. */
type Attempt = { kind: 'done'; outcome: InvokeOutcome } | { kind: 'not-started' };

interface Invocation {
  id: number;
  /** The instance acknowledged the invocation: the handler may have run. */
  started: boolean;
  startedAt: number;
  coldStart: boolean;
  settle(attempt: Attempt): void;
}

interface Instance {
  id: string;
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  used: boolean;
  /** Gone or going: it takes no more invocations and is no longer in the pool. */
  retired: boolean;
  /** Why the runner itself ended it ('timeout', 'init-failed'), if it did. */
  endedBy: string | undefined;
  current: Invocation | undefined;
  maxRssBytes: number;
  /** Rejects `ready`; a no-op once it has settled. */
  failReady: (error: Error) => void;
}

const HOST_SOURCE = join(import.meta.dirname, 'instance-host.ts');
const HOST_BUNDLE = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'mqtrace', 'instance-host.cjs');

/** Bundles the instance host to CommonJS once, so instances start as plain `node`. */
function ensureInstanceHost(): string {
  mkdirSync(dirname(HOST_BUNDLE), { recursive: true });
  buildSync({ entryPoints: [HOST_SOURCE], outfile: HOST_BUNDLE, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
  return HOST_BUNDLE;
}

/**
 * Creates a local stand-in for one FC 3.0 function: each instance is a child process with the
 * function's environment, serving one invocation at a time; the function timeout kills it. An
 * instance may die at any moment, idle or busy; the runner replaces it as FC does and never fails
 * because of it.
 */
export function createFcRunner(options: FcRunnerOptions): FcRunner {
  const host = ensureInstanceHost();
  const { spec } = options;
  const maxInstances = options.maxInstances ?? 8;
  const instances: Instance[] = [];
  // Every child not yet exited, retired or not, so that close() waits for all of them.
  const living = new Set<ChildProcess>();
  const waiting: Array<() => void> = [];
  let coldStarts = 0;
  let unhandledRejections = 0;
  let unexpectedExits = 0;
  let invocations = 0;
  let nextId = 1;
  let closed = false;

  const environment = (instanceId: string): Record<string, string> => ({
    ...options.hostEnv,
    ...spec.environmentVariables,
    FC_RUNTIME: spec.runtime,
    FC_TIMEOUT: String(spec.timeout),
    FC_FUNC_CODE_PATH: spec.codeDir,
    FC_ACCOUNT_ID: options.accountId,
    FC_FUNCTION_HANDLER: spec.handler,
    FC_FUNCTION_MEMORY_SIZE: String(spec.memorySize),
    FC_FUNCTION_NAME: spec.functionName,
    FC_REGION: spec.region,
    FC_INSTANCE_ID: instanceId,
    FC_VER_ID: 'LATEST',
    ALIBABA_CLOUD_ACCESS_KEY_ID: options.credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: options.credentials.accessKeySecret,
    ...(options.credentials.securityToken ? { ALIBABA_CLOUD_SECURITY_TOKEN: options.credentials.securityToken } : {}),
  });

  const exitOutcome = (instance: Instance, startedAt: number, coldStart: boolean): InvokeOutcome => ({
    ok: false,
    errorType: INSTANCE_EXIT_ERROR.errorType,
    errorMessage: INSTANCE_EXIT_ERROR.errorMessage(Date.now() - startedAt, Math.round(instance.maxRssBytes / (1024 * 1024))),
    instanceId: instance.id,
    coldStart,
    instanceExited: true,
  });

  /** Takes a dead or dying instance out of the pool and settles whatever it was doing. Idempotent. */
  const retire = (instance: Instance, cause: string) => {
    if (instance.retired) return;
    instance.retired = true;
    const index = instances.indexOf(instance);
    if (index >= 0) instances.splice(index, 1);
    if (!instance.endedBy && !closed) {
      unexpectedExits++;
      process.stderr.write(`[runner] instance ${instance.id} ended (${cause}); the next request gets a new instance\n`);
    }
    instance.failReady(new Error(`instance exited during init (${cause})`));
    const current = instance.current;
    instance.current = undefined;
    // Not acknowledged means the handler never saw it: FC would run it on a live instance.
    if (current) current.settle(current.started ? { kind: 'done', outcome: exitOutcome(instance, current.startedAt, current.coldStart) } : { kind: 'not-started' });
    // A child whose channel broke may still be running; it can serve nothing any more.
    if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGKILL');
    waiting.shift()?.();
  };

  const send = (instance: Instance, message: object) => {
    const fail = (error: Error) => retire(instance, `IPC send failed: ${(error as NodeJS.ErrnoException).code ?? error.message}`);
    if (!instance.child.connected) return fail(Object.assign(new Error('IPC channel closed'), { code: 'ERR_IPC_CHANNEL_CLOSED' }));
    try {
      // The callback form: a dead channel reports here instead of as an unhandled 'error'.
      instance.child.send(message, (error) => {
        if (error) fail(error);
      });
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const functionLogs = options.functionLogs ?? (process.env.MQTRACE_FUNCTION_LOGS === 'ignore' ? 'ignore' : 'inherit');
  const spawn = (): Instance => {
    const id = randomUUID();
    // The heap cap makes a runaway allocation kill the instance as FC's memory limit would.
    const child = fork(host, [], {
      env: environment(id),
      stdio: ['ignore', functionLogs, 'inherit', 'ipc'],
      execArgv: [`--max-old-space-size=${spec.memorySize}`],
    });
    living.add(child);
    let resolveReady: () => void = () => undefined;
    let rejectReady: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    ready.catch(() => undefined);
    const instance: Instance = {
      id,
      child,
      ready,
      busy: true,
      used: false,
      retired: false,
      endedBy: undefined,
      current: undefined,
      maxRssBytes: 0,
      failReady: rejectReady,
    };

    child.on('message', (message: HostMessage) => {
      if ('rss' in message && typeof message.rss === 'number') instance.maxRssBytes = Math.max(instance.maxRssBytes, message.rss);
      if (message.type === 'ready') resolveReady();
      else if (message.type === 'unhandled-rejection') unhandledRejections++;
      else if (message.type === 'init-failed') {
        rejectReady(Object.assign(new Error(message.errorMessage), { name: 'InitializationError' }));
      } else if (message.type === 'started' && instance.current?.id === message.id) {
        instance.current.started = true;
      } else if (message.type === 'result' && instance.current?.id === message.id) {
        const current = instance.current;
        instance.current = undefined;
        current.settle({
          kind: 'done',
          outcome:
            message.ok && message.value
              ? { ok: true, value: message.value, instanceId: id, coldStart: current.coldStart }
              : { ok: false, errorType: message.errorType ?? 'Error', errorMessage: message.errorMessage ?? '', instanceId: id, coldStart: current.coldStart },
        });
      }
    });
    // An instance is gone once its channel has closed (which happens after its last message has
    // been delivered, so a 'started' sent before death is always seen first) and it has exited
    // (which says why). One without the other is given EXIT_GRACE_MS before it is retired anyway.
    let grace: NodeJS.Timeout | undefined;
    const gone = () => {
      const exited = child.exitCode !== null || child.signalCode !== null;
      if (exited && !child.connected) {
        clearTimeout(grace);
        return retire(instance, describeExit(child));
      }
      grace ??= setTimeout(() => retire(instance, describeExit(child)), EXIT_GRACE_MS).unref();
    };
    child.on('disconnect', gone);
    child.on('exit', () => {
      living.delete(child);
      gone();
    });
    child.on('error', (error) => {
      // A child that never started emits no 'exit'.
      if (child.pid === undefined) living.delete(child);
      retire(instance, `process error: ${(error as NodeJS.ErrnoException).code ?? error.message}`);
    });

    send(instance, { type: 'init', codeDir: spec.codeDir, handler: spec.handler });
    instances.push(instance);
    coldStarts++;
    return instance;
  };

  const acquire = async (): Promise<Instance> => {
    for (;;) {
      if (closed) throw new Error('runner closed');
      const idle = instances.find((i) => !i.busy && !i.retired && !i.endedBy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (instances.length < maxInstances) return spawn();
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };

  const release = (instance: Instance) => {
    instance.busy = false;
    instance.used = true;
    waiting.shift()?.();
  };

  /** Ends an instance on the runner's own initiative (timeout, failed init). */
  const end = (instance: Instance, reason: string) => {
    instance.endedBy ??= reason;
    instance.child.kill('SIGKILL');
  };

  const run = (instance: Instance, event: Buffer, requestId: string, coldStart: boolean): Promise<Attempt> =>
    new Promise<Attempt>((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        instance.current = undefined;
        resolve({
          kind: 'done',
          outcome: { ok: false, errorType: 'FunctionTimeoutError', errorMessage: `Function timed out after ${spec.timeout} seconds`, instanceId: instance.id, coldStart },
        });
        // FC recycles an instance whose invocation timed out.
        end(instance, 'timeout');
      }, spec.timeout * 1000);
      instance.current = {
        id,
        started: false,
        startedAt: Date.now(),
        coldStart,
        settle: (attempt) => {
          clearTimeout(timer);
          resolve(attempt);
        },
      };
      send(
        instance,
        {
          type: 'invoke',
          id,
          event: event.toString('base64'),
          context: {
            requestId,
            credentials: { ...options.credentials },
            function: { name: spec.functionName, handler: spec.handler, memory: spec.memorySize, timeout: spec.timeout },
            service: { name: '', logProject: '', logStore: '', qualifier: 'LATEST', versionId: '' },
            region: spec.region,
            accountId: options.accountId,
          },
        },
      );
    });

  return {
    environment,
    async invoke(event, invokeOptions = {}) {
      invocations++;
      const requestId = invokeOptions.requestId ?? randomUUID();
      for (let replacements = 0; ; replacements++) {
        const instance = await acquire();
        const coldStart = !instance.used;
        try {
          await instance.ready;
        } catch (error) {
          end(instance, 'init-failed');
          retire(instance, 'initialization failed');
          return { ok: false, errorType: 'InitializationError', errorMessage: (error as Error).message, instanceId: instance.id, coldStart };
        }
        const attempt = await run(instance, event, requestId, coldStart);
        if (!instance.retired && !instance.endedBy) release(instance);
        if (attempt.kind === 'done') return attempt.outcome;
        if (replacements >= MAX_REPLACEMENTS) return exitOutcome(instance, Date.now(), coldStart);
      }
    },
    stats: () => ({
      instances: instances.length,
      coldStarts,
      invocations,
      unhandledRejections,
      unexpectedExits,
      pids: instances.flatMap((i) => (i.child.pid === undefined ? [] : [i.child.pid])),
    }),
    async close() {
      closed = true;
      await Promise.all(
        [...living].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
      for (const w of waiting.splice(0)) w();
    },
  };
}

function describeExit(child: ChildProcess): string {
  if (child.signalCode !== null) return `killed by ${child.signalCode}`;
  if (child.exitCode !== null) return `exit code ${child.exitCode}`;
  return child.connected ? 'exited, channel still open' : 'IPC channel closed';
}
