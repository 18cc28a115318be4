/**
 * Records one real async `InvokeFunction` request of the official FC 3.0 SDK
 * (`@alicloud/fc20230330`, signed ACS3-HMAC-SHA256 by `@alicloud/openapi-core`) as mqtrace's
 * default invoker sends it, as a known-answer fixture for the local invoke API's verifier: it starts
 * a loopback HTTP server that answers like FC (202, `x-fc-request-id`, `x-fc-async-task-id`),
 * invokes it through `createFc3Invoker` with fixed fake STS credentials, and writes method, raw
 * path and query, raw headers and body to the fixture file.
 *
 * The SDK draws its nonce and date itself, so the fixture is re-recorded rather than reproduced.
 * Run: `npx tsx local/signing/capture-fc3-invoke.ts test/fixtures/fc3/invoke-async-sts.json`
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createFc3Invoker } from '../../shared/invoke/fc3-invoker';
import type { InvokeResult, InvokeTarget } from '../../shared/invoke/invoker-port';
import { CAPTURE_CREDENTIAL, recordOneRequest, type CapturedRequest } from './capture-sdk-request';

/** What the capture invokes: fixed, so the fixture's path and task ID are known answers. */
export const FC3_CAPTURE_INPUT = {
  target: { accountId: '1234567890123456', region: 'cn-hangzhou', functionName: 'mqtrace-http' } satisfies InvokeTarget,
  idempotencyKey: 'slack:13345224609.738474920.8088930838d88f008e0',
  payload: '{"kind":"mqtrace.internal/v1","body":"{\\"type\\":\\"chat.reply\\",\\"issuedAt\\":1764547200000}","sig":"00"}',
} as const;

/** One recorded FC 3.0 invocation, and what the invoker made of the answer. */
export interface CapturedFc3Request extends CapturedRequest {
  input: typeof FC3_CAPTURE_INPUT;
  result: InvokeResult;
}

/**
 * Sends one async invocation through the default invoker to a throwaway loopback server and
 * returns what arrived.
 *
 * @returns The captured request.
 */
export async function captureFc3InvokeRequest(): Promise<CapturedFc3Request> {
  const { captured, result } = await recordOneRequest({
    description: "An async InvokeFunction by mqtrace's default invoker (the official FC 3.0 SDK) with STS credentials and a task ID.",
    sdk: '@alicloud/fc20230330@4.7.6 + @alicloud/openapi-core@1.0.8',
    respond: (res, pairs) => {
      const taskId = pairs.find(([name]) => name.toLowerCase() === 'x-fc-async-task-id')?.[1] ?? 'none';
      res.writeHead(202, { 'x-fc-request-id': '1-capture-0000', 'x-fc-async-task-id': taskId, 'content-length': '0' }).end();
    },
    send: (hostPort) =>
      createFc3Invoker({ endpoint: `http://${hostPort}`, timeoutMs: 5000 }).invokeAsync(Buffer.from(FC3_CAPTURE_INPUT.payload, 'utf8'), FC3_CAPTURE_INPUT.target, CAPTURE_CREDENTIAL, {
        idempotencyKey: FC3_CAPTURE_INPUT.idempotencyKey,
      }),
  });
  return { ...captured, input: FC3_CAPTURE_INPUT, result };
}

const target = process.argv[2];
if (target !== undefined && import.meta.url === new URL(`file://${resolve(process.argv[1] ?? '')}`).href) {
  const request = await captureFc3InvokeRequest();
  await mkdir(dirname(resolve(target)), { recursive: true });
  await writeFile(resolve(target), `${JSON.stringify(request, null, 2)}\n`);
  process.stdout.write(`Wrote ${target}\n`);
}
