/**
 * Records one real request of the official `@alicloud/rocketmq20220801` SDK (ACS3-HMAC-SHA256 via
 * `@alicloud/openapi-core`) as a known-answer fixture for the signature tests: it starts a loopback
 * HTTP server, sends `ListTraces` with fixed fake STS credentials and a query that needs encoding,
 * and writes method, raw path and query, raw headers and body to the fixture file.
 *
 * The SDK draws its nonce and date itself, so the fixture is re-recorded rather than reproduced.
 * Run: `npx tsx local/signing/capture-sdk-request.ts test/fixtures/acs3/rocketmq-list-traces-sts.json`
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as RocketMq from '@alicloud/rocketmq20220801';
import { $OpenApiUtil } from '@alicloud/openapi-core';

/** The fake credential the fixture is signed with. */
export const CAPTURE_CREDENTIAL = {
  accessKeyId: 'STS.mqtrace-fixture-key-id',
  accessKeySecret: 'mqtrace-fixture-secret-not-a-real-secret',
  securityToken: 'mqtrace-fixture-security-token-not-real',
} as const;

/** One recorded HTTP request. */
export interface CapturedRequest {
  description: string;
  sdk: string;
  credential: typeof CAPTURE_CREDENTIAL;
  method: string;
  /** The request target as received: raw path and query. */
  url: string;
  /** `rawHeaders` pairs, names as sent. */
  rawHeaders: [string, string][];
  /** The body, base64. */
  bodyBase64: string;
}

type RocketMqModule = typeof RocketMq;
type ClientCtor = RocketMqModule['default'];

/** Resolves the SDK client class whether the CommonJS default arrives wrapped once or twice. */
export function rocketMqClientClass(module: RocketMqModule = RocketMq): ClientCtor {
  const outer = module.default as ClientCtor | { default: ClientCtor };
  return typeof outer === 'function' ? outer : outer.default;
}

/**
 * Starts a throwaway loopback server, lets `send` make one SDK call to it, and returns the request
 * exactly as it arrived (method, raw target, raw header pairs, body) with what `send` resolved to.
 * `respond` answers the request the way the real service would, so the SDK call completes.
 */
export async function recordOneRequest<T>(options: {
  description: string;
  sdk: string;
  respond: (res: ServerResponse, rawHeaders: readonly [string, string][]) => void;
  send: (hostPort: string) => Promise<T>;
}): Promise<{ captured: CapturedRequest; result: T }> {
  let captured: CapturedRequest | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('error', () => res.destroy());
    req.once('end', () => {
      const pairs: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '']);
      captured = {
        description: options.description,
        sdk: options.sdk,
        credential: CAPTURE_CREDENTIAL,
        method: req.method ?? '',
        url: req.url ?? '',
        rawHeaders: pairs,
        bodyBase64: Buffer.concat(chunks).toString('base64'),
      };
      options.respond(res, pairs);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  try {
    const { port } = server.address() as AddressInfo;
    const result = await options.send(`127.0.0.1:${port}`);
    if (captured === undefined) throw new Error('The SDK request never arrived.');
    return { captured, result };
  } finally {
    await new Promise<void>((closed) => server.close(() => closed()));
  }
}

/**
 * Sends one SDK `ListTraces` call to a throwaway loopback server and returns what arrived.
 *
 * @returns The captured request.
 */
export async function captureSdkRequest(): Promise<CapturedRequest> {
  const { captured } = await recordOneRequest({
    description: 'ListTraces by the official SDK with STS credentials and a query that needs percent-encoding.',
    sdk: '@alicloud/rocketmq20220801@5.0.7 + @alicloud/openapi-core@1.0.8',
    respond: (res) => {
      const payload = JSON.stringify({ requestId: 'CAPTURE', success: true, code: 'Success', httpStatusCode: 200, data: { list: [] } });
      res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(payload);
    },
    send: async (hostPort) => {
      const Client = rocketMqClientClass();
      const client = new Client(new $OpenApiUtil.Config({ ...CAPTURE_CREDENTIAL, endpoint: hostPort, protocol: 'http' }));
      await client.listTraces(
        'rmq-cn-demo5x0001',
        'orders-5x',
        new RocketMq.ListTracesRequest({
          queryType: 'MESSAGE_KEY',
          messageKey: "order 5x/0001*(a)'!",
          startTime: '2025-12-01 08:00:00',
          endTime: '2025-12-01 09:30:00',
          pageNumber: 1,
          pageSize: 10,
        }),
      );
    },
  });
  return captured;
}

const target = process.argv[2];
if (target !== undefined && import.meta.url === new URL(`file://${resolve(process.argv[1] ?? '')}`).href) {
  const request = await captureSdkRequest();
  await writeFile(resolve(target), `${JSON.stringify(request, null, 2)}\n`);
  process.stdout.write(`Wrote ${target}\n`);
}
