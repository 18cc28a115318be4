import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { InvokeOutcome } from './fc-runner';
import type { RunnerCredentials } from './fc-runner';
import { readBody } from './http-trigger';

/**
 * The FC invoke API of the local runner: `POST /2023-03-30/functions/{name}/invocations`, signed
 * the way `@alicloud/fc2` signs (`Authorization: FC <AccessKeyID>:<base64 HMAC-SHA256>`, fc.md §3.3,
 * node_modules/@alicloud/fc2/lib/client.js + helper.js). An async invocation is answered 202 at
 * once and run in the background on an idle or new instance, as FC does.
 *
 * UNVERIFIED: that FC 3.0 accepts fc2's signature on this path at all (fc.md §3.4), and the error
 * bodies; errors use FC 2.0's `{ErrorCode, ErrorMessage}` because that is what fc2 reads.
 */
export interface InvokeApiOptions {
  accountId: string;
  functionName: string;
  /** Credentials whose signatures are accepted: the function role's, as the runner hands them out. */
  credentials: readonly RunnerCredentials[];
  /** Runs one invocation; the runner's `invoke`. */
  invoke: (event: Buffer, options: { requestId: string }) => Promise<InvokeOutcome>;
  now?: () => number;
}

/** One accepted invocation, for tests and the chat helper to inspect. */
export interface RecordedInvocation {
  requestId: string;
  type: 'Async' | 'Sync';
  body: Buffer;
  /** Resolves when the handler finished (async invocations run after the 202). */
  done: Promise<InvokeOutcome>;
}

export interface InvokeApi {
  server: Server;
  invocations(): readonly RecordedInvocation[];
  /** Waits until every accepted async invocation has finished. */
  settled(): Promise<void>;
}

/** FC's limits: 128 KB for an async payload, 32 MB for a sync one (fc.md §1.4). */
export const ASYNC_PAYLOAD_LIMIT = 128 * 1024;
const SYNC_PAYLOAD_LIMIT = 32 * 1024 * 1024;
const DATE_WINDOW_MS = 15 * 60 * 1000;
const PATH = /^\/2023-03-30\/functions\/([^/?]+)\/invocations$/;

/** fc2's string to sign: METHOD, Content-MD5, Content-Type, Date, sorted x-fc-* headers, then the path. */
export function fcStringToSign(method: string, path: string, headers: Readonly<Record<string, string | undefined>>): string {
  const fcHeaders = Object.keys(headers)
    .map((k) => k.toLowerCase().trim())
    .filter((k) => k.startsWith('x-fc-'))
    .sort()
    .map((k) => `${k}:${headers[k]}\n`)
    .join('');
  return `${method}\n${headers['content-md5'] ?? ''}\n${headers['content-type'] ?? ''}\n${headers.date ?? ''}\n${fcHeaders}${path}`;
}

/** fc2's Content-MD5: base64 of the *hex* MD5 digest, not of the raw digest. */
export function fcContentMd5(body: Buffer): string {
  return Buffer.from(createHash('md5').update(body).digest('hex'), 'utf8').toString('base64');
}

/** Creates the invoke API server (not yet listening). */
export function createInvokeApi(options: InvokeApiOptions): InvokeApi {
  const now = options.now ?? Date.now;
  const recorded: RecordedInvocation[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) fail(res, 'unknown', 500, 'InternalServerError', 'local invoke API error');
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = `1-${Math.floor(now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const match = PATH.exec(path);
    if (req.method !== 'POST' || !match) return fail(res, requestId, 404, 'PathNotSupported', `${req.method} ${path} is not served by the local invoke API`);
    const async = String(req.headers['x-fc-invocation-type'] ?? 'Sync').toLowerCase() === 'async';
    const body = await readBody(req, async ? ASYNC_PAYLOAD_LIMIT : SYNC_PAYLOAD_LIMIT);
    if (body === undefined) {
      return fail(res, requestId, 413, 'EntityTooLarge', `payload exceeds ${async ? '128 KB for an async' : '32 MB for a sync'} invocation`);
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const problem = checkSignature(path, headers, body);
    if (problem) return fail(res, requestId, problem.status, problem.code, problem.message);
    if (decodeURIComponent(match[1] as string) !== options.functionName) {
      return fail(res, requestId, 404, 'FunctionNotFound', `function '${match[1]}' does not exist`);
    }

    const done = options.invoke(body, { requestId });
    recorded.push({ requestId, type: async ? 'Async' : 'Sync', body, done });
    if (async) {
      res.writeHead(202, { 'x-fc-request-id': requestId, 'content-length': '0' });
      res.end();
      return;
    }
    const outcome = await done;
    if (!outcome.ok) {
      res.writeHead(200, { 'x-fc-request-id': requestId, 'x-fc-error-type': outcome.errorType, 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorType: outcome.errorType, errorMessage: outcome.errorMessage }));
      return;
    }
    res.writeHead(200, { 'x-fc-request-id': requestId });
    res.end(outcome.value.kind === 'buffer' ? Buffer.from(outcome.value.data, 'base64') : outcome.value.data);
  }

  function checkSignature(path: string, headers: Record<string, string>, body: Buffer): { status: number; code: string; message: string } | undefined {
    const denied = (code: string, message: string) => ({ status: 403, code, message });
    const authorization = /^FC ([^:\s]+):([A-Za-z0-9+/=]+)$/.exec(headers.authorization ?? '');
    if (!authorization) return denied('InvalidAuthorization', 'missing or malformed Authorization header');
    const [, keyId, signature] = authorization as unknown as [string, string, string];
    const credential = options.credentials.find((c) => c.accessKeyId === keyId);
    if (!credential) return denied('InvalidAccessKeyID', 'the AccessKeyID does not exist');
    if (credential.securityToken !== undefined && headers['x-fc-security-token'] !== credential.securityToken) {
      return denied('InvalidSecurityToken', 'the security token is missing or invalid');
    }
    if (headers['x-fc-account-id'] !== options.accountId) return denied('AccessDenied', 'x-fc-account-id does not match the function owner');
    const date = Date.parse(headers.date ?? '');
    if (!Number.isFinite(date) || Math.abs(now() - date) > DATE_WINDOW_MS) return denied('RequestTimeTooSkewed', 'the Date header is missing or more than 15 minutes off');
    if (body.length > 0 && headers['content-md5'] !== fcContentMd5(body)) {
      return { status: 400, code: 'InvalidArgument', message: 'Content-MD5 does not match the body' };
    }
    const expected = Buffer.from(createHmac('sha256', credential.accessKeySecret).update(fcStringToSign('POST', path, headers), 'utf8').digest('base64'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return denied('SignatureNotMatch', 'the request signature does not match');
    return undefined;
  }

  return {
    server,
    invocations: () => recorded,
    async settled() {
      // New async invocations may be accepted while earlier ones run; wait until none is left.
      for (let seen = -1; seen !== recorded.length; ) {
        seen = recorded.length;
        await Promise.all(recorded.map((r) => r.done));
      }
    },
  };
}

function fail(res: ServerResponse, requestId: string, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-fc-request-id': requestId });
  res.end(JSON.stringify({ ErrorCode: code, ErrorMessage: message }));
}
