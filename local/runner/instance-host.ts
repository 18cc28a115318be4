/**
 * One simulated FC instance: a child process that loads the built handler and serves invocations
 * sent over IPC, one at a time, as a built-in FC 3.0 runtime does. Bundled to CommonJS and forked by
 * the runner with the function's exact environment.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

interface InitMessage {
  type: 'init';
  codeDir: string;
  handler: string;
}

interface InvokeMessage {
  type: 'invoke';
  id: number;
  event: string;
  context: Record<string, unknown> & { requestId: string };
}

type Handler = (event: Buffer, context: unknown, callback?: (error: unknown, result?: unknown) => void) => unknown;

let handler: Handler | undefined;

function send(message: object, then?: () => void): void {
  // The runner may be gone; a closed channel must not become an uncaught 'error' here.
  if (!process.connected) return;
  process.send?.({ ...message, rss: process.memoryUsage.rss() }, (error: Error | null) => {
    if (!error) then?.();
  });
}

function makeLogger(requestId: string) {
  const line = (level: string) => (...args: unknown[]) =>
    process.stdout.write(`${new Date().toISOString()} ${requestId} [${level}] ${args.map(String).join(' ')}\n`);
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), log: line('info') };
}

function serialise(value: unknown): { kind: 'buffer' | 'string' | 'json'; data: string } {
  if (Buffer.isBuffer(value)) return { kind: 'buffer', data: value.toString('base64') };
  if (typeof value === 'string') return { kind: 'string', data: value };
  return { kind: 'json', data: JSON.stringify(value ?? null) };
}

async function invoke(message: InvokeMessage): Promise<void> {
  const started = process.hrtime.bigint();
  try {
    if (!handler) throw new Error('handler not loaded');
    const context = { ...message.context, logger: makeLogger(message.context.requestId) };
    const event = Buffer.from(message.event, 'base64');
    const result = await new Promise<unknown>((resolve, reject) => {
      const returned = handler?.(event, context, (error, value) => (error ? reject(error) : resolve(value)));
      if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(resolve, reject);
      else if (handler && handler.length < 3) resolve(returned);
    });
    send({ type: 'result', id: message.id, ok: true, value: serialise(result), durationNs: String(process.hrtime.bigint() - started) });
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    process.stderr.write(`${new Date().toISOString()} ${message.context.requestId} [error] ${err.stack ?? err.message}\n`);
    send({ type: 'result', id: message.id, ok: false, errorType: err.name, errorMessage: err.message });
  }
}

process.on('message', (message: InitMessage | InvokeMessage) => {
  if (message.type === 'init') {
    const started = process.hrtime.bigint();
    try {
      const [file, exportName] = [message.handler.slice(0, message.handler.lastIndexOf('.')), message.handler.slice(message.handler.lastIndexOf('.') + 1)];
      const load = createRequire(join(message.codeDir, 'noop.js'));
      const mod = load(join(message.codeDir, file)) as Record<string, unknown>;
      const candidate = mod[exportName];
      if (typeof candidate !== 'function') throw new Error(`${message.handler} is not a function in ${message.codeDir}`);
      handler = candidate as Handler;
      send({ type: 'ready', loadNs: String(process.hrtime.bigint() - started) });
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      send({ type: 'init-failed', errorType: err.name, errorMessage: err.message });
    }
    return;
  }
  // The handler runs only once the runner holds the acknowledgement, so the runner knows an
  // instance that dies from here on died during this invocation, not before it.
  send({ type: 'started', id: message.id }, () => void invoke(message));
});

// An orphaned instance has no one to serve.
process.on('disconnect', () => process.exit(0));

process.on('unhandledRejection', (reason) => {
  process.stderr.write(`[instance] unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
  send({ type: 'unhandled-rejection' });
});
