import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type EmulatorHandle } from '../../../local/emulator/server';
import { startOssFake, type OssFake } from '../../../local/fakes/oss-fake';
import { readBuiltCode, requiresOf } from '../../builders/built-function';
import { buildSeedFile, stsCredentialOf } from '../../builders/seed';

const run = promisify(execFile);
const BUNDLE = join(import.meta.dirname, '..', '..', '..', 'dist', 'spot-check', 'index.js');
const BUCKET = 'mqtrace-state';

// Runs in a fresh node process: one timer run through the built handler, then lists loaded modules.
const PROBE = `
const { handler } = require(process.env.BUNDLE);
const event = Buffer.from(JSON.stringify({ triggerTime: new Date().toISOString(), triggerName: 'probe', payload: process.env.PAYLOAD }));
const context = { requestId: 'probe', credentials: JSON.parse(process.env.CREDS), function: { timeout: 60 } };
handler(event, context).then((summary) => {
  const loaded = Object.keys(require.cache);
  process.stdout.write(JSON.stringify({ complete: summary.complete, state: summary.state, loaded }) + '\\n');
});`;

describe('The built spot-check bundle', () => {
  let emulator: EmulatorHandle;
  let oss: OssFake;
  let url: string;
  let seedInfo: ReturnType<typeof buildSeedFile>;

  beforeAll(async () => {
    seedInfo = buildSeedFile();
    emulator = createEmulator({ seed: seedInfo.seed });
    ({ url } = await emulator.start());
    const credential = stsCredentialOf(seedInfo.seed);
    oss = await startOssFake({ bucket: BUCKET, accessKeyId: credential.accessKeyId, accessKeySecret: credential.accessKeySecret, securityToken: credential.securityToken as string });
  });

  afterAll(async () => {
    await oss?.close();
    await emulator?.close();
  });

  const runOnce = async (env: Record<string, string>) => {
    const instance = seedInfo.seed.instances[0];
    const topic = instance?.topics[0];
    const message = topic?.messages[0];
    if (!instance || !topic || !message) throw new Error('demo seed changed');
    const credential = stsCredentialOf(seedInfo.seed);
    const { stdout } = await run(process.execPath, ['-e', PROBE], {
      env: {
        PATH: process.env.PATH ?? '',
        BUNDLE,
        PAYLOAD: JSON.stringify({ checks: [{ name: 'probe', instanceId: instance.instanceId, topic: topic.topic, sample: 0, msgIds: [message.msgId] }] }),
        CREDS: JSON.stringify({ accessKeyId: credential.accessKeyId, accessKeySecret: credential.accessKeySecret, securityToken: credential.securityToken }),
        ONS_ENDPOINT: url,
        MQTRACE_LOG_LEVEL: 'error',
        ...env,
      },
    });
    return JSON.parse(stdout.trim().split('\n').pop() as string) as { complete: boolean; state: { kind: string; saved: boolean }; loaded: string[] };
  };
  const aliOssLoaded = (loaded: string[]) => loaded.filter((path) => /ali-oss|urllib/.test(path));

  it('ships ali-oss as a file of its own, required on first use only', () => {
    // Act
    const code = readBuiltCode(dirname(BUNDLE));

    // Assert
    expect(requiresOf(code, './ali-oss.js')).toEqual({ deferred: 1, eager: 0 });
    expect(existsSync(join(dirname(BUNDLE), 'ali-oss.js'))).toBe(true);
    // A method only ali-oss's client has.
    expect([...code.values()].some((text) => text.includes('putBucketLifecycle'))).toBe(false);
  });

  it('runs a check without OSS state and never loads ali-oss', async () => {
    // Act
    const result = await runOnce({});

    // Assert
    expect(result.complete).toBe(true);
    expect(result.state.kind).toBe('none');
    expect(aliOssLoaded(result.loaded)).toEqual([]);
  });

  it('loads ali-oss.js when OSS state is configured, and saves the state through it', async () => {
    // Act
    const result = await runOnce({ MQTRACE_STATE_OSS_BUCKET: BUCKET, MQTRACE_STATE_OSS_ENDPOINT: oss.url });

    // Assert
    expect(result.complete).toBe(true);
    expect(result.state).toMatchObject({ kind: 'oss', saved: true });
    expect(aliOssLoaded(result.loaded).map((path) => path.split('/').pop())).toEqual(['ali-oss.js']);
    expect(oss.requests.some((r) => r.method === 'PUT' && r.status === 200)).toBe(true);
  });
});
