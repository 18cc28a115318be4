import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { checkAcs3Request, verifyAcs3Signature, type Acs3Rejection, type Acs3Request } from '../signing/acs3-signature';
import { ASYNC_TASK_ID_PATTERN } from '../../shared/invoke/invoker-port';
import type { InvokeOutcome } from './fc-runner';
import type { RunnerCredentials } from './fc-runner';
import { readBody } from './http-trigger';

/**
 * The FC invoke API of the local runner: `POST /2023-03-30/functions/{name}/invocations`. It
 * accepts both signatures a client of mqtrace sends, each verified exactly:
 *
 * - ACS3-HMAC-SHA256, as the official FC 3.0 SDK `@alicloud/fc20230330` signs through openapi-core
 *   (verified by `local/signing/acs3-signature.ts`; STS token, nonce and `x-acs-action` included);
 * - fc2's `Authorization: FC <AccessKeyID>:<base64 HMAC-SHA256>` (fc.md §3.3,
 *   node_modules/@alicloud/fc2/lib/client.js + helper.js).
 *
 * An async invocation is answered 202 at once and run in the background on an idle or new
 * instance, as FC does. A reused `x-fc-async-task-id` is refused with 409 and nothing runs (FC's
 * task de-duplication, round2.md §3.4).
 *
 * UNVERIFIED: that FC 3.0 accepts fc2's signature on this path at all (fc.md §3.4); FC 3.0's error
 * body and the code of the 409. ACS3 callers get `{Code, Message, RequestId}` (what openapi-core
 * reads, and what the fc3 component's `ex.code` checks imply); fc2 callers keep FC 2.0's
 * `{ErrorCode, ErrorMessage}` because that is what fc2 reads.
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
  /** How the request was signed. */
  scheme: InvokeScheme;
  /** The `x-fc-async-task-id` it carried (for an async invocation without one, FC's own: the request ID). */
  taskId: string | undefined;
  body: Buffer;
  /** Resolves when the handler finished (async invocations run after the 202). */
  done: Promise<InvokeOutcome>;
}

/** One refused request: nothing ran. */
export interface RefusedInvocation {
  requestId: string;
  status: number;
  code: string;
  scheme: InvokeScheme | undefined;
  taskId: string | undefined;
}

export interface InvokeApi {
  server: Server;
  invocations(): readonly RecordedInvocation[];
  /** Requests answered with an error, e.g. a bad signature or a reused task ID (409). */
  refusals(): readonly RefusedInvocation[];
  /** Waits until every accepted async invocation has finished. */
  settled(): Promise<void>;
}

/** The two signing schemes the invoke API verifies. */
export type InvokeScheme = 'acs3' | 'fc2';

/** A received request, as {@link verifyInvokeRequest} sees it. */
export interface InvokeApiRequest {
  method: string;
  /** The request target as received: the raw path and query. */
  url: string;
  /** Lower-case header name to every value received under it. */
  headers: ReadonlyMap<string, readonly string[]>;
  body: Buffer;
}

/** Why a request is refused: HTTP status, FC-style code and a message (never a secret). */
export interface InvokeProblem {
  status: number;
  code: string;
  message: string;
}

export type InvokeVerification =
  | { ok: true; scheme: InvokeScheme; accessKeyId: string; functionName: string; nonce: string | undefined }
  | ({ ok: false; scheme: InvokeScheme | undefined } & InvokeProblem);

/** FC's limits: 128 KB for an async payload, 32 MB for a sync one (fc.md §1.4). */
export const ASYNC_PAYLOAD_LIMIT = 128 * 1024;
const SYNC_PAYLOAD_LIMIT = 32 * 1024 * 1024;
const DATE_WINDOW_MS = 15 * 60 * 1000;
const PATH = /^\/2023-03-30\/functions\/([^/?]+)\/invocations$/;
const API_VERSION = '2023-03-30';
const ACTION = 'InvokeFunction';
const FC2_AUTHORIZATION = /^FC ([^:\s]+):([A-Za-z0-9+/=]+)$/;
// The account endpoint names the account: {accountId}.{region}[-internal].fc.aliyuncs.com.
const ACCOUNT_HOST = /^(\d{6,20})\.[a-z0-9-]+\.fc\.aliyuncs\.com(?::\d+)?$/;
// What fc2 signs (fcStringToSign), so each must come once.
const FC2_SIGNED = (name: string) => ['authorization', 'content-md5', 'content-type', 'date'].includes(name) || name.startsWith('x-fc-');
const MAX_REMEMBERED = 10_000;
/** The code FC 2.0's API answers a reused task ID with (seen in client code); FC 3.0's is UNVERIFIED. */
export const DUPLICATE_TASK_CODE = 'StatefulAsyncInvocationAlreadyExists';

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

/**
 * Groups header pairs as received (`rawHeaders`) by lower-case name, keeping repeated values apart.
 *
 * @param pairs - Name and value, in the order received.
 * @returns Lower-case name to its values.
 */
export function headerMapFromPairs(pairs: Iterable<readonly [string, string]>): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const key = name.toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), value]);
  }
  return headers;
}

/**
 * Verifies one request of the invoke API, without state: path and method, then the signature of
 * whichever scheme the `Authorization` header names, the credential (and its STS token), the
 * clock window, the body hash, and for ACS3 `x-acs-action`/`x-acs-version`. The nonce is returned
 * for the caller to burn; the function name is not compared here.
 *
 * @param request - The received request.
 * @param options - The function owner's account, the accepted credentials and the clock reading.
 * @returns The scheme, key and function name, or the refusal.
 */
export function verifyInvokeRequest(
  request: InvokeApiRequest,
  options: { accountId: string; credentials: readonly RunnerCredentials[]; nowMs: number },
): InvokeVerification {
  const [path = '/', query = ''] = splitOnce(request.url, '?');
  const authorization = request.headers.get('authorization') ?? [];
  const scheme: InvokeScheme | undefined = authorization[0]?.startsWith('FC ') ? 'fc2' : authorization.length > 0 ? 'acs3' : undefined;
  const refuse = (problem: InvokeProblem): InvokeVerification => ({ ok: false, scheme, ...problem });
  const match = PATH.exec(path);
  const functionName = match ? decodeSegment(match[1] as string) : undefined;
  if (request.method !== 'POST' || functionName === undefined) {
    return refuse({ status: 404, code: 'PathNotSupported', message: `${request.method} ${path} is not served by the local invoke API` });
  }
  if (scheme === undefined) return refuse({ status: 400, code: 'MissingRequiredHeader', message: 'required HTTP header Authorization was not specified' });
  const checked = scheme === 'fc2' ? verifyFc2(path, query, request, options) : verifyAcs3(path, query, request, options);
  return checked.ok ? { ok: true, scheme, accessKeyId: checked.accessKeyId, functionName, nonce: checked.nonce } : refuse(checked);
}

type SchemeCheck = { ok: true; accessKeyId: string; nonce: string | undefined } | ({ ok: false } & InvokeProblem);

const denied = (code: string, message: string): SchemeCheck => ({ ok: false, status: 403, code, message });
const invalid = (message: string): SchemeCheck => ({ ok: false, status: 400, code: 'InvalidArgument', message });

function verifyFc2(path: string, query: string, request: InvokeApiRequest, options: { accountId: string; credentials: readonly RunnerCredentials[]; nowMs: number }): SchemeCheck {
  // No prototype: a header named like an Object.prototype member is just a header.
  const headers = Object.create(null) as Record<string, string>;
  for (const [name, values] of request.headers) {
    if (values.length > 1 && FC2_SIGNED(name)) return invalid(`header ${name} is repeated`);
    if (values[0] !== undefined) headers[name] = values[0];
  }
  // fc2 signs query parameters only for /proxy/ paths, so any query here would travel unsigned.
  if (query !== '') return invalid('fc2-signed invocations carry no query parameters');
  const authorization = FC2_AUTHORIZATION.exec(headers.authorization ?? '');
  if (!authorization) return denied('InvalidAuthorization', 'missing or malformed Authorization header');
  const [, keyId, signature] = authorization as unknown as [string, string, string];
  const credential = options.credentials.find((c) => c.accessKeyId === keyId);
  if (!credential) return denied('InvalidAccessKeyID', 'the AccessKeyID does not exist');
  if (credential.securityToken !== undefined && headers['x-fc-security-token'] !== credential.securityToken) {
    return denied('InvalidSecurityToken', 'the security token is missing or invalid');
  }
  if (headers['x-fc-account-id'] !== options.accountId) return denied('AccessDenied', 'x-fc-account-id does not match the function owner');
  const date = Date.parse(headers.date ?? '');
  if (!Number.isFinite(date) || Math.abs(options.nowMs - date) > DATE_WINDOW_MS) return denied('RequestTimeTooSkewed', 'the Date header is missing or more than 15 minutes off');
  if (request.body.length > 0 && headers['content-md5'] !== fcContentMd5(request.body)) return invalid('Content-MD5 does not match the body');
  const expected = Buffer.from(createHmac('sha256', credential.accessKeySecret).update(fcStringToSign('POST', path, headers), 'utf8').digest('base64'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return denied('SignatureNotMatch', 'the request signature does not match');
  return { ok: true, accessKeyId: keyId, nonce: undefined };
}

function verifyAcs3(path: string, rawQuery: string, request: InvokeApiRequest, options: { accountId: string; credentials: readonly RunnerCredentials[]; nowMs: number }): SchemeCheck {
  const query = parseQuery(rawQuery);
  if (!query) return invalid('the query string is not well-formed percent-encoded name=value pairs with unique names');
  const acs3: Acs3Request = { method: request.method, path, query, headers: request.headers, body: request.body };
  const checked = checkAcs3Request(acs3, { nowMs: options.nowMs, windowMs: DATE_WINDOW_MS });
  if (!checked.ok) return acs3Problem(checked);
  const credential = options.credentials.find((c) => c.accessKeyId === checked.authorization.accessKeyId);
  if (!credential) return denied('InvalidAccessKeyID', 'the AccessKeyID does not exist');
  const verified = verifyAcs3Signature(acs3, checked.authorization, credential.accessKeySecret);
  if (!verified.ok) return acs3Problem(verified);
  const single = (name: string) => {
    const values = request.headers.get(name);
    return values?.length === 1 ? values[0] : undefined;
  };
  const token = single('x-acs-security-token');
  const tokenKeyId = request.headers.get('x-acs-accesskey-id');
  if (credential.securityToken === undefined ? token !== undefined : token !== credential.securityToken) {
    return denied('InvalidSecurityToken', 'the security token is missing or invalid');
  }
  if (tokenKeyId !== undefined && (tokenKeyId.length !== 1 || tokenKeyId[0] !== credential.accessKeyId)) {
    return denied('InvalidSecurityToken', 'x-acs-accesskey-id does not match the signing key');
  }
  if (single('x-acs-action') !== ACTION) return invalid(`x-acs-action must be ${ACTION}`);
  if (single('x-acs-version') !== API_VERSION) return invalid(`x-acs-version must be ${API_VERSION}`);
  const host = ACCOUNT_HOST.exec(single('host') ?? '');
  if (host && host[1] !== options.accountId) return denied('AccessDenied', 'the endpoint names another account than the function owner');
  return { ok: true, accessKeyId: credential.accessKeyId, nonce: checked.nonce };
}

function acs3Problem(rejection: Acs3Rejection): SchemeCheck {
  switch (rejection.reason) {
    case 'MISSING_AUTHORIZATION':
      return { ok: false, status: 400, code: 'MissingRequiredHeader', message: 'required HTTP header Authorization was not specified' };
    case 'MISSING_HEADER':
      return { ok: false, status: 400, code: 'MissingRequiredHeader', message: `required HTTP header ${rejection.header} was not specified` };
    case 'MALFORMED_AUTHORIZATION':
    case 'UNSUPPORTED_ALGORITHM':
      return denied('InvalidAuthorization', 'Authorization must be "ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…"');
    case 'UNSIGNED_HEADER':
      return denied('SignatureNotMatch', `the header ${rejection.header.slice(0, 64)} must be signed`);
    case 'SIGNED_HEADER_ABSENT':
      return denied('SignatureNotMatch', `the signed header ${rejection.header.slice(0, 64)} is not in the request`);
    case 'MALFORMED_CONTENT_SHA256':
    case 'CONTENT_SHA256_MISMATCH':
      return invalid('x-acs-content-sha256 is not the SHA-256 of the body');
    case 'MALFORMED_DATE':
    case 'DATE_EXPIRED':
      return denied('RequestTimeTooSkewed', 'x-acs-date is malformed or more than 15 minutes off');
    case 'SIGNATURE_MISMATCH':
      return denied('SignatureNotMatch', 'The request signature we calculated does not match the signature you provided. Check your access key and signing method');
  }
}

/** Creates the invoke API server (not yet listening). */
export function createInvokeApi(options: InvokeApiOptions): InvokeApi {
  const now = options.now ?? Date.now;
  const recorded: RecordedInvocation[] = [];
  const refused: RefusedInvocation[] = [];
  // Burned ACS3 nonces (until the date window has passed) and the task IDs FC holds.
  const nonces = new Map<string, number>();
  const taskIds = new Set<string>();

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) fail(res, { requestId: 'unknown', scheme: undefined }, { status: 500, code: 'InternalServerError', message: 'local invoke API error' });
      else res.end();
    });
  });

  function refuse(res: ServerResponse, at: Omit<RefusedInvocation, 'status' | 'code'>, problem: InvokeProblem): void {
    refused.push({ ...at, status: problem.status, code: problem.code });
    fail(res, at, problem);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = `1-${Math.floor(now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
    const headers = headerMapFromPairs(pairsOf(req.rawHeaders));
    const authorization = headers.get('authorization')?.[0];
    const guessed: InvokeScheme | undefined = authorization === undefined ? undefined : authorization.startsWith('FC ') ? 'fc2' : 'acs3';
    const async = (headers.get('x-fc-invocation-type')?.[0] ?? 'Sync').toLowerCase() === 'async';
    const taskHeader = headers.get('x-fc-async-task-id');
    const taskId = taskHeader?.[0];
    const at = { requestId, scheme: guessed, taskId };
    const body = await readBody(req, async ? ASYNC_PAYLOAD_LIMIT : SYNC_PAYLOAD_LIMIT);
    if (body === undefined) {
      return refuse(res, at, { status: 413, code: 'EntityTooLarge', message: `payload exceeds ${async ? '128 KB for an async' : '32 MB for a sync'} invocation` });
    }

    const verified = verifyInvokeRequest({ method: req.method ?? '', url: req.url ?? '/', headers, body }, { accountId: options.accountId, credentials: options.credentials, nowMs: now() });
    if (!verified.ok) return refuse(res, at, verified);
    if (verified.nonce !== undefined) {
      const key = `${verified.accessKeyId}\u0000${verified.nonce}`;
      const nowMs = now();
      for (const [seen, expiresAt] of nonces) if (expiresAt <= nowMs) nonces.delete(seen);
      if (nonces.has(key)) return refuse(res, at, { status: 400, code: 'SignatureNonceUsed', message: 'the request signature nonce has been used' });
      nonces.set(key, nowMs + 2 * DATE_WINDOW_MS);
      while (nonces.size > MAX_REMEMBERED) nonces.delete(nonces.keys().next().value as string);
    }
    if (verified.functionName !== options.functionName) {
      return refuse(res, at, { status: 404, code: 'FunctionNotFound', message: `function '${verified.functionName.slice(0, 128)}' does not exist` });
    }
    if (taskHeader !== undefined) {
      if (taskHeader.length !== 1 || taskId === undefined || !ASYNC_TASK_ID_PATTERN.test(taskId)) {
        return refuse(res, at, { status: 400, code: 'InvalidArgument', message: 'x-fc-async-task-id must start with a letter or _, hold only letters, digits, _ and -, and be at most 128 characters' });
      }
      if (async && taskIds.has(taskId)) {
        return refuse(res, at, { status: 409, code: DUPLICATE_TASK_CODE, message: `async task '${taskId}' already exists` });
      }
      if (async) taskIds.add(taskId);
    }

    const done = options.invoke(body, { requestId });
    recorded.push({ requestId, type: async ? 'Async' : 'Sync', scheme: verified.scheme, taskId: async ? (taskId ?? requestId) : undefined, body, done });
    if (async) {
      res.writeHead(202, { 'x-fc-request-id': requestId, 'x-fc-async-task-id': taskId ?? requestId, 'content-length': '0' });
      res.end();
      return;
    }
    const outcome = await done;
    if (!outcome.ok) {
      res.writeHead(200, { 'x-fc-request-id': requestId, 'x-fc-error-type': outcome.errorType, 'content-type': 'application/json' });
      // An instance that died mid-invocation answers FC's message only (INSTANCE_EXIT_ERROR).
      res.end(JSON.stringify(outcome.instanceExited ? { errorMessage: outcome.errorMessage } : { errorType: outcome.errorType, errorMessage: outcome.errorMessage }));
      return;
    }
    res.writeHead(200, { 'x-fc-request-id': requestId });
    res.end(outcome.value.kind === 'buffer' ? Buffer.from(outcome.value.data, 'base64') : outcome.value.data);
  }

  return {
    server,
    invocations: () => recorded,
    refusals: () => refused,
    async settled() {
      // New async invocations may be accepted while earlier ones run; wait until none is left.
      for (let seen = -1; seen !== recorded.length; ) {
        seen = recorded.length;
        await Promise.all(recorded.map((r) => r.done));
      }
    },
  };
}

function fail(res: ServerResponse, at: Pick<RefusedInvocation, 'requestId' | 'scheme'>, problem: InvokeProblem): void {
  const body = at.scheme === 'fc2' ? { ErrorCode: problem.code, ErrorMessage: problem.message } : { Code: problem.code, Message: problem.message, RequestId: at.requestId };
  res.writeHead(problem.status, { 'content-type': 'application/json', 'x-fc-request-id': at.requestId });
  res.end(JSON.stringify(body));
}

function pairsOf(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string]);
  return pairs;
}

/** Decoded `name=value` pairs of a raw query, or undefined when malformed or a name repeats. */
function parseQuery(raw: string): Map<string, string> | undefined {
  const query = new Map<string, string>();
  if (raw === '') return query;
  for (const part of raw.split('&')) {
    const [name, value = ''] = splitOnce(part, '=');
    const decodedName = decodeSegment(name);
    const decodedValue = decodeSegment(value);
    if (!decodedName || decodedValue === undefined || query.has(decodedName)) return undefined;
    query.set(decodedName, decodedValue);
  }
  return query;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, ''] : [text.slice(0, index), text.slice(index + 1)];
}
