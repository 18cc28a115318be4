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
}

export type InvokeOutcome =
  | { ok: true; value: { kind: 'buffer' | 'string' | 'json'; data: string }; instanceId: string; coldStart: boolean }
  | { ok: false; errorType: string; errorMessage: string; instanceId?: string; coldStart?: boolean };

export interface FcRunner {
  /** Invokes the function once, on an idle instance or a new one, within its timeout. */
  invoke(event: Buffer, options?: { requestId?: string }): Promise<InvokeOutcome>;
  /** The exact environment an instance of this function gets. */
  environment(instanceId: string): Record<string, string>;
  stats(): { instances: number; coldStarts: number; invocations: number; unhandledRejections: number; pids: number[] };
  close(): Promise<void>;
}

interface Instance {
  id: string;
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  used: boolean;
  pending: Map<number, (outcome: InvokeOutcome) => void>;
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
 * function's environment, serving one invocation at a time; the function timeout kills it.
 */
export function createFcRunner(options: FcRunnerOptions): FcRunner {
  const host = ensureInstanceHost();
  const { spec } = options;
  const maxInstances = options.maxInstances ?? 8;
  const instances: Instance[] = [];
  const waiting: Array<() => void> = [];
  let coldStarts = 0;
  let unhandledRejections = 0;
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

  const remove = (instance: Instance, outcome: InvokeOutcome) => {
    const index = instances.indexOf(instance);
    if (index >= 0) instances.splice(index, 1);
    for (const resolve of instance.pending.values()) resolve(outcome);
    instance.pending.clear();
    waiting.shift()?.();
  };

  const spawn = (): Instance => {
    const id = randomUUID();
    const child = fork(host, [], { env: environment(id), stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    const instance: Instance = { id, child, busy: true, used: false, pending: new Map(), ready: Promise.resolve() };
    instance.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: { type: string; id?: number; ok?: boolean; value?: unknown; errorType?: string; errorMessage?: string }) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'unhandled-rejection') unhandledRejections++;
        else if (message.type === 'init-failed') reject(Object.assign(new Error(message.errorMessage), { name: 'InitializationError' }));
        else if (message.type === 'result' && message.id !== undefined) {
          const settle = instance.pending.get(message.id);
          instance.pending.delete(message.id);
          settle?.(
            message.ok
              ? { ok: true, value: message.value as { kind: 'json'; data: string }, instanceId: id, coldStart: false }
              : { ok: false, errorType: message.errorType ?? 'Error', errorMessage: message.errorMessage ?? '', instanceId: id },
          );
        }
      });
      child.on('exit', (code, signal) => {
        reject(new Error(`instance exited during init (${signal ?? code})`));
        remove(instance, { ok: false, errorType: 'UnhandledInvocationError', errorMessage: `instance exited (${signal ?? code})`, instanceId: id });
      });
    });
    instance.ready.catch(() => undefined);
    child.send({ type: 'init', codeDir: spec.codeDir, handler: spec.handler });
    instances.push(instance);
    coldStarts++;
    return instance;
  };

  const acquire = async (): Promise<Instance> => {
    for (;;) {
      if (closed) throw new Error('runner closed');
      const idle = instances.find((i) => !i.busy);
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

  return {
    environment,
    async invoke(event, invokeOptions = {}) {
      invocations++;
      const instance = await acquire();
      const coldStart = !instance.used;
      try {
        await instance.ready;
      } catch (error) {
        instance.child.kill('SIGKILL');
        return { ok: false, errorType: 'InitializationError', errorMessage: (error as Error).message, instanceId: instance.id, coldStart };
      }
      const requestId = invokeOptions.requestId ?? randomUUID();
      const id = nextId++;
      const outcome = await new Promise<InvokeOutcome>((resolve) => {
        const timer = setTimeout(() => {
          instance.pending.delete(id);
          resolve({ ok: false, errorType: 'FunctionTimeoutError', errorMessage: `Function timed out after ${spec.timeout} seconds`, instanceId: instance.id, coldStart });
          // FC recycles an instance whose invocation timed out.
          instance.child.kill('SIGKILL');
        }, spec.timeout * 1000);
        instance.pending.set(id, (o) => {
          clearTimeout(timer);
          resolve({ ...o, coldStart } as InvokeOutcome);
        });
        instance.child.send({
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
        });
      });
      if (instances.includes(instance)) release(instance);
      return outcome;
    },
    stats: () => ({
      instances: instances.length,
      coldStarts,
      invocations,
      unhandledRejections,
      pids: instances.flatMap((i) => (i.child.pid === undefined ? [] : [i.child.pid])),
    }),
    async close() {
      closed = true;
      await Promise.all(
        instances.map(
          (i) =>
            new Promise<void>((resolve) => {
              if (i.child.exitCode !== null || i.child.signalCode !== null) return resolve();
              i.child.once('exit', () => resolve());
              i.child.kill('SIGTERM');
            }),
        ),
      );
      for (const w of waiting.splice(0)) w();
    },
  };
}
