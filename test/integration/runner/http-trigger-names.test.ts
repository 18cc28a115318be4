import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_AUTH_HEADERS } from '../../../local/runner/demo-access';
import { createFcRunner, type FcRunner } from '../../../local/runner/fc-runner';
import { createHttpTriggerServer } from '../../../local/runner/http-trigger';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import type { FunctionSpec } from '../../../local/runner/s-yaml';
import { buildSeedFile } from '../../builders/seed';

/**
 * Header and query names that Object.prototype also has, sent over a real socket to the runner's
 * HTTP trigger: they must reach the function as ordinary names, and routes must answer normally.
 */

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ACCOUNT_ID = '1234567890123456';
const ODD_HEADERS = ['Constructor', 'x', '__proto__', 'y', 'toString', 'z', 'HASOWNPROPERTY', 'w'];
const ODD_QUERY = 'constructor=1&__proto__=2&toString=3';

// A function that answers with what the real HTTP function's parser made of the event.
const ECHO_SOURCE = `
import { parseFcEvent } from './shared/http/fc-event';
export const handler = async (event: Buffer) => {
  const raw = JSON.parse(event.toString('utf8'));
  const parsed = parseFcEvent(event);
  if (parsed.kind !== 'http') throw new Error('not an HTTP event');
  const { headers, query } = parsed.http;
  const body = {
    eventHeaders: Object.entries(raw.headers),
    eventQuery: Object.entries(raw.queryParameters),
    headers: Object.entries(headers),
    query: Object.entries(query),
    withoutPrototype: Object.getPrototypeOf(headers) === null && Object.getPrototypeOf(query) === null,
  };
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, isBase64Encoded: false, body: JSON.stringify(body) };
};
`;

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One request with header names exactly as given (fetch would lower-case them). */
function send(url: string, rawHeaders: string[], init: { method?: string; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    // Given as a raw list, headers go out exactly as written, so Host must be among them.
    const headers = ['Host', new URL(url).host, ...rawHeaders];
    const req = httpRequest(url, { method: init.method ?? 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error('no answer within 15 s')));
    req.end(init.body);
  });
}

const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("Local runner: the HTTP trigger hands Object.prototype's names to the function as data", () => {
  let runner: FcRunner;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // Prepare
    const codeDir = mkdtempSync(join(tmpdir(), 'mqtrace-echo-'));
    tempDirs.push(codeDir);
    buildSync({
      stdin: { contents: ECHO_SOURCE, resolveDir: ROOT, loader: 'ts', sourcefile: 'echo.ts' },
      outfile: join(codeDir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
    });
    writeFileSync(join(codeDir, 'package.json'), '{"type":"commonjs"}\n');
    const spec: FunctionSpec = {
      resourceName: 'echo',
      region: 'cn-hangzhou',
      functionName: 'mqtrace-echo',
      runtime: 'nodejs20',
      code: codeDir,
      handler: 'index.handler',
      memorySize: 256,
      timeout: 10,
      environmentVariables: {},
      triggers: [],
      codeDir,
    };
    runner = createFcRunner({ spec, credentials: { accessKeyId: 'STS.test', accessKeySecret: 'secret' }, accountId: ACCOUNT_ID, maxInstances: 1 });
    server = createHttpTriggerServer({ runner, accountId: ACCOUNT_ID });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server?.close(() => resolve());
      server?.closeAllConnections();
    });
    await runner?.close();
  });

  it('delivers `Constructor: x`, `__proto__: y` and `?constructor=1&__proto__=2&toString=3` with their values', async () => {
    // Act
    const answer = await send(`${url}/echo?${ODD_QUERY}`, ODD_HEADERS);

    // Assess
    expect(answer.status).toBe(200);
    const echo = JSON.parse(answer.text) as Record<string, unknown>;
    // The event carries FC's canonical header names (Go net/http); the function lower-cases them.
    expect(echo.eventHeaders).toEqual(expect.arrayContaining([['Constructor', 'x'], ['__proto__', 'y'], ['Tostring', 'z'], ['Hasownproperty', 'w']]));
    expect(echo.headers).toEqual(expect.arrayContaining([['constructor', 'x'], ['__proto__', 'y'], ['tostring', 'z'], ['hasownproperty', 'w']]));
    expect(echo.eventQuery).toEqual([
      ['constructor', '1'],
      ['__proto__', '2'],
      ['toString', '3'],
    ]);
    expect(echo.query).toEqual(echo.eventQuery);
    expect(echo.withoutPrototype).toBe(true);
  });

  it('joins a lower-case `constructor` repeat of `Constructor` with a comma, as FC joins repeated headers', async () => {
    // Act
    const answer = await send(`${url}/echo`, ['Constructor', 'x', 'constructor', 'again']);

    // Assess
    const echo = JSON.parse(answer.text) as { headers: Array<[string, string]> };
    expect(echo.headers).toContainEqual(['constructor', 'x,again']);
  });
});

describe("Local stack: the built HTTP function's routes answer normally with Object.prototype's names", () => {
  let stack: LocalStack;
  let lookup: { instanceId: string; topic: string; msgId: string };
  const auth = Object.entries(DEMO_AUTH_HEADERS).flat();

  beforeAll(async () => {
    // Prepare
    const built = buildSeedFile();
    const own = built.seed.instances.filter((i) => i.accountId === built.seed.accounts[0]?.accountId);
    const instance = own[0];
    const topic = instance?.topics[0];
    const message = topic?.messages[0];
    lookup = { instanceId: instance?.instanceId ?? '', topic: topic?.topic ?? '', msgId: message?.msgId ?? '' };
    stack = await startLocalStack({
      port: 0,
      env: { PATH: process.env.PATH },
      seedPath: built.path,
      functionEnv: { MQTRACE_LOOKUP_DEADLINE_MS: '3000', MQTRACE_CALL_TIMEOUT_MS: '600' },
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers /healthz 200 with those headers and query', async () => {
    // Act
    const answer = await send(`${stack.url}/healthz?${ODD_QUERY}`, ODD_HEADERS);

    // Assess
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ status: 'ok' });
  });

  it('answers a GET lookup 200 with those headers', async () => {
    // Act
    const answer = await send(`${stack.url}/v1/trace?${new URLSearchParams(lookup)}`, [...ODD_HEADERS, ...auth]);

    // Assess
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ msgId: lookup.msgId.toUpperCase() });
  });

  it('answers a POST lookup 200 with those headers', async () => {
    // Act
    const answer = await send(`${stack.url}/v1/trace`, [...ODD_HEADERS, ...auth, 'content-type', 'application/json'], {
      method: 'POST',
      body: JSON.stringify(lookup),
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ msgId: lookup.msgId.toUpperCase() });
  });

  it.each(['constructor', '__proto__', 'toString'])('treats an extra query parameter %s like any unknown one', async (name) => {
    // Act
    const odd = await send(`${stack.url}/v1/trace?${new URLSearchParams(lookup)}&${name}=1`, auth);
    const plain = await send(`${stack.url}/v1/trace?${new URLSearchParams(lookup)}&somethingElse=1`, auth);

    // Assess
    expect(odd.status).toBe(plain.status);
    const oddError = (JSON.parse(odd.text) as { error: { code: string } }).error;
    const plainError = (JSON.parse(plain.text) as { error: { code: string } }).error;
    expect(oddError.code).toBe(plainError.code);
    expect(odd.text).toContain(name);
  });
});
