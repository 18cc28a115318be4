import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEMO_SEED_PATH, SeedLoadError, loadSeedFile } from './load-seed';
import { seedJsonSchema } from './seed-schema';
import { createEmulator } from './server';

const USAGE = `Usage: tsx local/emulator/cli.ts [--port 0] [--host 127.0.0.1] [--seed FILE]
       tsx local/emulator/cli.ts --print-seed-schema

Runs the ONS (ApsaraMQ for RocketMQ 4.x) OpenAPI emulator, version 2019-02-14.
  --port N              port to listen on (default 0: a free port)
  --host H              address to bind (default 127.0.0.1)
  --seed FILE           seed JSON (default: the bundled demo seed)
  --print-seed-schema   print the seed JSON Schema and exit
Prints one JSON line {"event":"emulator.ready","url":...,"seed":...} when listening.`;

class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The port cannot be bound: reported as its one-line message, without a stack. */
class PortError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PortError';
  }
}

interface CliOptions {
  port: number;
  host: string;
  seedPath: string;
  printSchema: boolean;
  help: boolean;
}

function parseCliArgs(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        'print-seed-schema': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const port = Number(values.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}".`);
  }
  return {
    port,
    host: values.host ?? '127.0.0.1',
    seedPath: values.seed === undefined ? DEMO_SEED_PATH : resolve(values.seed),
    printSchema: values['print-seed-schema'] === true,
    help: values.help === true,
  };
}

async function run(argv: string[]): Promise<void> {
  const options = parseCliArgs(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (options.printSchema) {
    process.stdout.write(`${JSON.stringify(seedJsonSchema(), null, 2)}\n`);
    return;
  }
  const seed = await loadSeedFile(options.seedPath);
  const emulator = createEmulator({ seed });
  const { url } = await emulator.start({ port: options.port, host: options.host }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EADDRINUSE') throw new PortError(`mqtrace: port ${options.port} is already in use; pass --port … to use another (--port 0 picks a free one)`);
    if (code === 'EACCES') throw new PortError(`mqtrace: port ${options.port} needs privileges this user does not have; pass --port … to use another`);
    throw error;
  });
  process.stdout.write(`${JSON.stringify({ event: 'emulator.ready', url, seed: options.seedPath })}\n`);

  const shutdown = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const message = error instanceof SeedLoadError || error instanceof PortError ? error.message : `Emulator failed to start: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
