import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type EmulatorHandle } from '../../../local/emulator/server';
import { startRedisServer, type RedisServer } from '../../../local/redis/redis-server';
import { buildDemoConfig, DEMO_API_TOKEN } from '../../../local/runner/demo-access';
import { readBuiltCode, requiresOf } from '../../builders/built-function';
import { buildSeedFile, stsCredentialOf } from '../../builders/seed';
import { inspector } from './redis-harness';

const run = promisify(execFile);
const BUNDLES = ['http', 'spot-check'].map((fn) => join(import.meta.dirname, '..', '..', '..', 'dist', fn, 'index.js'));
const [HTTP_BUNDLE] = BUNDLES as [string];

// A fresh node process, as an FC instance: one lookup through the built handler, then the loaded modules.
const PROBE = `
const { handler } = require(process.env.BUNDLE);
const context = { requestId: 'probe', accountId: '1234567890123456', credentials: JSON.parse(process.env.CREDS), function: { timeout: 30 } };
setTimeout(() => handler(Buffer.from(process.env.EVENT), context).then((response) => {
  process.stdout.write(JSON.stringify({ status: response.statusCode, loaded: Object.keys(require.cache) }) + '\\n');
  process.exit(0);
}), Number(process.env.DELAY_MS));`;

describe('ioredis in the built bundles: its own file, loaded only with MQTRACE_REDIS_URL', () => {
  let emulator: EmulatorHandle;
  let url: string;
  let seedInfo: ReturnType<typeof buildSeedFile>;
  let server: RedisServer;
  let look: Redis;

  beforeAll(async () => {
    seedInfo = buildSeedFile();
    emulator = createEmulator({ seed: seedInfo.seed });
    ({ url } = await emulator.start());
    server = await startRedisServer();
    look = inspector(server.url);
  });
  afterAll(async () => {
    look?.disconnect();
    await server?.stop();
    await emulator?.close();
  });

  const probe = async (extraEnv: Record<string, string>) => {
    const instance = seedInfo.seed.instances[0];
    const message = instance?.topics[0]?.messages[0];
    if (!instance || !message) throw new Error('demo seed changed');
    const credential = stsCredentialOf(seedInfo.seed);
    const event = {
      version: 'v1',
      rawPath: '/v1/trace',
      body: '',
      isBase64Encoded: false,
      headers: { Authorization: `Bearer ${DEMO_API_TOKEN}` },
      queryParameters: { instanceId: instance.instanceId, topic: 'orders', msgId: message.msgId },
      requestContext: { http: { method: 'GET', path: '/v1/trace' }, requestId: 'probe' },
    };
    const { stdout } = await run(process.execPath, ['-e', PROBE], {
      env: {
        PATH: process.env.PATH ?? '',
        BUNDLE: HTTP_BUNDLE,
        EVENT: JSON.stringify(event),
        CREDS: JSON.stringify({ accessKeyId: credential.accessKeyId, accessKeySecret: credential.accessKeySecret, securityToken: credential.securityToken }),
        ONS_ENDPOINT: url,
        MQTRACE_LOG_LEVEL: 'error',
        MQTRACE_CONFIG: JSON.stringify(buildDemoConfig({ aliases: {}, defaultInstance: instance.instanceId })),
        FC_ACCOUNT_ID: '1234567890123456',
        // An instance takes its first request a little after its cold start, as on FC.
        DELAY_MS: '300',
        ...extraEnv,
      },
    });
    return JSON.parse(stdout.trim().split('\n').pop() as string) as { status: number; loaded: string[] };
  };

  it('ships ioredis as ioredis.js beside each bundle, required on first use only', () => {
    for (const bundle of BUNDLES) {
      const code = readBuiltCode(dirname(bundle));
      expect(requiresOf(code, './ioredis.js')).toEqual({ deferred: 1, eager: 0 });
      // A name only ioredis' own code has: its error for a command out of retries.
      expect([...code.values()].some((text) => text.includes('MaxRetriesPerRequestError'))).toBe(false);
      expect(readFileSync(join(dirname(bundle), 'ioredis.js'), 'utf8')).toContain('MaxRetriesPerRequestError');
    }
  });

  it('answers a lookup without loading ioredis when MQTRACE_REDIS_URL is unset', async () => {
    // Act
    const result = await probe({});

    // Assert
    expect(result.status).toBe(200);
    expect(result.loaded.filter((path) => path.endsWith('ioredis.js'))).toEqual([]);
  });

  it('loads it, and spends the account’s shared budget in Redis, when MQTRACE_REDIS_URL is set', async () => {
    // Act
    const result = await probe({ MQTRACE_REDIS_URL: server.url, MQTRACE_REDIS_KEY_PREFIX: 'probe:' });

    // Assert
    expect(result.status).toBe(200);
    expect(result.loaded.filter((path) => path.endsWith(join('dist', 'http', 'ioredis.js')))).toHaveLength(1);
    expect(await look.keys('probe:*')).toEqual(expect.arrayContaining(['probe:rl:{acct:1234567890123456:ons-4x:OnsMessageTrace}']));
  });
});
