import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type EmulatorHandle } from '../../../local/emulator/server';
import { buildDemoConfig, DEMO_API_TOKEN } from '../../../local/runner/demo-access';
import { buildSignedSlackCommand, buildSlackCommandEvent, TEST_SLACK_SECRET } from '../../builders/build-chat-requests';
import { readBuiltCode, requiresOf } from '../../builders/built-function';
import { buildSeedFile, stsCredentialOf } from '../../builders/seed';

const run = promisify(execFile);
const BUNDLE = join(import.meta.dirname, '..', '..', '..', 'dist', 'http', 'index.js');

// Runs in a fresh node process: one lookup through the built handler, then lists loaded modules.
const PROBE = `
const { handler } = require(process.env.BUNDLE);
const event = Buffer.from(process.env.EVENT);
const context = { requestId: 'probe', credentials: JSON.parse(process.env.CREDS), function: { timeout: 30 } };
handler(event, context).then((response) => {
  const loaded = Object.keys(require.cache);
  process.stdout.write(JSON.stringify({ status: response.statusCode, loaded }) + '\\n');
});`;

// Loads the bundle (which must not fail), answers each event of EVENTS in turn, prints the answers.
const PROBE_EACH = `
const { handler } = require(process.env.BUNDLE);
const context = { requestId: 'probe', credentials: JSON.parse(process.env.CREDS), function: { timeout: 30 } };
(async () => {
  const answers = [];
  for (const event of JSON.parse(process.env.EVENTS)) {
    const response = await handler(Buffer.from(event, 'base64'), context);
    answers.push({ status: response.statusCode, body: response.body });
  }
  process.stdout.write(JSON.stringify(answers) + '\\n');
})();`;

describe('The lookup path of the built HTTP bundle', () => {
  let emulator: EmulatorHandle;
  let url: string;
  let seedInfo: ReturnType<typeof buildSeedFile>;

  beforeAll(async () => {
    seedInfo = buildSeedFile();
    emulator = createEmulator({ seed: seedInfo.seed });
    ({ url } = await emulator.start());
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it('keeps both invoke SDKs out of the function code: each is a file of its own, required on first use only', () => {
    const code = readBuiltCode(dirname(BUNDLE));
    for (const file of ['fc3.js', 'fc2.js']) {
      expect(requiresOf(code, `./${file}`)).toEqual({ deferred: 1, eager: 0 });
      expect(existsSync(join(dirname(BUNDLE), file))).toBe(true);
    }
    const text = [...code.values()].join('\n');
    // Methods only the SDKs' clients have (FC 3.0: an API mqtrace never calls; fc2: its OSS upload helper).
    expect(text).not.toContain('listAsyncTasksWithOptions');
    expect(text).not.toContain('getTempBucketToken');
  });

  it('answers a lookup without ever loading @alicloud/fc2 or the FC 3.0 SDK', async () => {
    // Arrange
    const instance = seedInfo.seed.instances[0];
    const topic = instance?.topics[0];
    const message = topic?.messages[0];
    if (!instance || !topic || !message) throw new Error('demo seed changed');
    const credential = stsCredentialOf(seedInfo.seed);
    const event = {
      version: 'v1',
      rawPath: '/v1/trace',
      body: '',
      isBase64Encoded: false,
      headers: { Authorization: `Bearer ${DEMO_API_TOKEN}` },
      queryParameters: { instanceId: instance.instanceId, topic: topic.topic, msgId: message.msgId },
      requestContext: { http: { method: 'GET', path: '/v1/trace' }, requestId: 'probe' },
    };
    // Act
    const { stdout } = await run(process.execPath, ['-e', PROBE], {
      env: {
        PATH: process.env.PATH ?? '',
        BUNDLE,
        EVENT: JSON.stringify(event),
        CREDS: JSON.stringify({ accessKeyId: credential.accessKeyId, accessKeySecret: credential.accessKeySecret, securityToken: credential.securityToken }),
        ONS_ENDPOINT: url,
        MQTRACE_LOG_LEVEL: 'error',
        MQTRACE_CONFIG: JSON.stringify(buildDemoConfig({ aliases: {}, defaultInstance: instance.instanceId })),
      },
    });
    // Assert
    const result = JSON.parse(stdout.trim().split('\n').pop() as string) as { status: number; loaded: string[] };
    expect(result.status).toBe(200);
    expect(result.loaded.some((path) => path.endsWith(join('dist', 'http', 'index.js')))).toBe(true);
    expect(result.loaded.filter((path) => /fc2|fc3|fc20230330|openapi-core|darabonba|ali-oss|urllib/.test(path))).toEqual([]);
    // A valid lookup passes the exact fast paths, so zod (a file of its own) is never even parsed.
    expect(result.loaded.filter((path) => path.endsWith(join('dist', 'http', 'zod.js')))).toEqual([]);
  });

  it('validates chat settings when chat starts: a bad one fails every chat request, never a lookup', async () => {
    // Arrange: Slack is on, but the secret that seals deferred replies is missing.
    const instance = seedInfo.seed.instances[0];
    const topic = instance?.topics[0];
    const message = topic?.messages[0];
    if (!instance || !topic || !message) throw new Error('demo seed changed');
    const credential = stsCredentialOf(seedInfo.seed);
    const lookup = Buffer.from(
      JSON.stringify({
        version: 'v1',
        rawPath: '/v1/trace',
        headers: { Authorization: `Bearer ${DEMO_API_TOKEN}` },
        queryParameters: { instanceId: instance.instanceId, topic: topic.topic, msgId: message.msgId },
        requestContext: { http: { method: 'GET', path: '/v1/trace' }, requestId: 'probe' },
      }),
    );
    const command = buildSignedSlackCommand({ text: `trace ${topic.topic} ${message.msgId}` }, { timestampSec: Math.floor(Date.now() / 1000) });
    const events = [lookup, buildSlackCommandEvent(command), lookup, buildSlackCommandEvent(command)].map((e) => e.toString('base64'));

    // Act
    const { stdout } = await run(process.execPath, ['-e', PROBE_EACH], {
      env: {
        PATH: process.env.PATH ?? '',
        BUNDLE,
        EVENTS: JSON.stringify(events),
        CREDS: JSON.stringify({ accessKeyId: credential.accessKeyId, accessKeySecret: credential.accessKeySecret, securityToken: credential.securityToken }),
        ONS_ENDPOINT: url,
        MQTRACE_LOG_LEVEL: 'error',
        MQTRACE_CONFIG: JSON.stringify(buildDemoConfig({ aliases: {}, defaultInstance: instance.instanceId })),
        SLACK_SIGNING_SECRET: TEST_SLACK_SECRET,
      },
    });

    // Assert
    const answers = JSON.parse(stdout.trim().split('\n').pop() as string) as Array<{ status: number; body: string }>;
    expect(answers.map((a) => a.status)).toEqual([200, 500, 200, 500]);
    expect(JSON.parse(answers[1]?.body ?? '{}')).toMatchObject({ error: { code: 'CONFIG_INVALID' } });
    expect(answers[1]?.body).not.toContain(TEST_SLACK_SECRET);
  });
});
