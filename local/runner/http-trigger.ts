import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { INSTANCE_EXIT_ERROR, type FcRunner, type InvokeOutcome } from './fc-runner';

export interface HttpTriggerOptions {
  runner: FcRunner;
  accountId: string;
  now?: () => number;
  /** FC's synchronous request body limit. */
  maxBodyBytes?: number;
}

const SYNC_BODY_LIMIT = 32 * 1024 * 1024;
// FC documents base64 for "binary" bodies without listing the types (UNVERIFIED): text-like
// types go through as strings, everything else as base64.
const TEXT_TYPE = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|application\/[\w.+-]+\+(json|xml))/i;

// RFC 9110 token characters: the only ones Go's CanonicalMIMEHeaderKey rewrites a name made of.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A header name as FC 3.0 puts it in the event: Go's `textproto.CanonicalMIMEHeaderKey`, i.e. the
 * first letter and every letter after a hyphen upper case, the rest lower case ("accept-encoding"
 * becomes "Accept-Encoding"; FC FAQ "Why does the first letter of the header key become
 * uppercase…", https://www.alibabacloud.com/help/en/functioncompute/fc-3-0/why-does-the-first-letter-of-header-key-become-uppercase-when-using-http-trigger-call).
 * A name with a non-token character is left as it is, as Go does.
 *
 * @example canonicalHeaderName('x-fc-request-id') // 'X-Fc-Request-Id'
 */
export function canonicalHeaderName(name: string): string {
  if (!TOKEN.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_match, hyphen: string, letter: string) => `${hyphen}${letter.toUpperCase()}`);
}

/** Comma-joins repeated names, as FC does for headers and query parameters (fc.md §1.4). */
function joinRepeats(pairs: Iterable<readonly [string, string]>): Map<string, string> {
  const joined = new Map<string, string>();
  for (const [name, value] of pairs) {
    const seen = joined.get(name);
    joined.set(name, seen === undefined ? value : `${seen},${value}`);
  }
  return joined;
}

/** A map as a JSON-ready object without a prototype, so that no name is special. */
function toPlainRecord(map: ReadonlyMap<string, string>): Record<string, string> {
  const record = Object.create(null) as Record<string, string>;
  for (const [name, value] of map) record[name] = value;
  return record;
}

/**
 * Builds the FC 3.0 HTTP-trigger event (fc.md §1.4) for one request. Header and query names are
 * plain data: `constructor`, `__proto__` and the like arrive as any other name.
 */
export function buildHttpEvent(
  request: { method: string; url: string; rawHeaders: string[]; httpVersion: string; remoteAddress?: string; body: Buffer },
  meta: { accountId: string; requestId: string; nowMs: number },
): Record<string, unknown> {
  const [rawPath = '/', rawQuery = ''] = splitOnce(request.url, '?');
  const headerPairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    headerPairs.push([canonicalHeaderName(request.rawHeaders[i] as string), request.rawHeaders[i + 1] as string]);
  }
  const headers = joinRepeats(headerPairs);
  const queryParameters = joinRepeats(new URLSearchParams(rawQuery));
  const contentType = headers.get('Content-Type') ?? '';
  const isText = request.body.length === 0 || TEXT_TYPE.test(contentType);
  const host = headers.get('Host') ?? 'localhost';
  return {
    version: 'v1',
    rawPath,
    body: isText ? request.body.toString('utf8') : request.body.toString('base64'),
    isBase64Encoded: !isText,
    headers: toPlainRecord(headers),
    queryParameters: toPlainRecord(queryParameters),
    requestContext: {
      accountId: meta.accountId,
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: {
        method: request.method,
        path: safeDecode(rawPath),
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.remoteAddress ?? '127.0.0.1',
        userAgent: headers.get('User-Agent') ?? '',
      },
      requestId: meta.requestId,
      time: new Date(meta.nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timeEpoch: String(meta.nowMs),
    },
  };
}

/** An HTTP server that turns each request into an FC event and the handler's answer into a response. */
export function createHttpTriggerServer(options: HttpTriggerOptions): Server {
  const now = options.now ?? Date.now;
  const limit = options.maxBodyBytes ?? SYNC_BODY_LIMIT;
  return createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`local runner error: ${(error as Error).message}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, limit);
    const requestId = `1-${Math.floor(now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
    if (body === undefined) {
      writeFcErrorBody(res, requestId, 413, 'PayloadTooLarge', { errorType: 'PayloadTooLarge', errorMessage: `request body exceeds ${limit} bytes` });
      return;
    }
    const event = buildHttpEvent(
      { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, httpVersion: req.httpVersion, body, ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}) },
      { accountId: options.accountId, requestId, nowMs: now() },
    );
    const outcome = await options.runner.invoke(Buffer.from(JSON.stringify(event)), { requestId });
    if (!outcome.ok) {
      writeFcError(res, requestId, outcome);
      return;
    }
    const { kind, data } = outcome.value;
    if (kind === 'json') {
      const value = JSON.parse(data) as unknown;
      if (isHttpResponse(value)) {
        const headers = Object.assign(Object.create(null) as Record<string, string>, value.headers, { 'x-fc-request-id': requestId });
        res.writeHead(value.statusCode, headers);
        res.end(value.isBase64Encoded ? Buffer.from(value.body ?? '', 'base64') : (value.body ?? ''));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-fc-request-id': requestId });
      res.end(data);
      return;
    }
    res.writeHead(200, { 'x-fc-request-id': requestId });
    res.end(kind === 'buffer' ? Buffer.from(data, 'base64') : data);
  }
}

function isHttpResponse(value: unknown): value is { statusCode: number; headers?: Record<string, string>; isBase64Encoded?: boolean; body?: string } {
  return typeof value === 'object' && value !== null && typeof (value as { statusCode?: unknown }).statusCode === 'number';
}

// UNVERIFIED: the exact status and body FC sends for a function error behind an HTTP trigger; an
// instance that died mid-request answers INSTANCE_EXIT_ERROR (see there).
function writeFcError(res: ServerResponse, requestId: string, outcome: Extract<InvokeOutcome, { ok: false }>): void {
  if (outcome.instanceExited) {
    writeFcErrorBody(res, requestId, INSTANCE_EXIT_ERROR.httpStatus, outcome.errorType, { errorMessage: outcome.errorMessage });
    return;
  }
  writeFcErrorBody(res, requestId, 502, outcome.errorType, { errorType: outcome.errorType, errorMessage: outcome.errorMessage });
}

function writeFcErrorBody(res: ServerResponse, requestId: string, status: number, errorType: string, body: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-fc-request-id': requestId, 'x-fc-error-type': errorType });
  res.end(JSON.stringify(body));
}

/** Reads a request body; undefined when it exceeds `limit` bytes (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function splitOnce(text: string, separator: string): [string, string] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, ''] : [text.slice(0, index), text.slice(index + 1)];
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
