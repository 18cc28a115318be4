import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FcRunner } from './fc-runner';

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

/** Builds the FC 3.0 HTTP-trigger event (fc.md §1.4) for one request. */
export function buildHttpEvent(
  request: { method: string; url: string; rawHeaders: string[]; httpVersion: string; remoteAddress?: string; body: Buffer },
  meta: { accountId: string; requestId: string; nowMs: number },
): Record<string, unknown> {
  const [rawPath = '/', rawQuery = ''] = splitOnce(request.url, '?');
  const headers: Record<string, string> = {};
  const canonical: Record<string, string> = {};
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    const value = request.rawHeaders[i + 1] as string;
    const key = canonical[name.toLowerCase()] ?? name;
    canonical[name.toLowerCase()] = key;
    headers[key] = headers[key] === undefined ? value : `${headers[key]},${value}`;
  }
  const queryParameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    queryParameters[key] = queryParameters[key] === undefined ? value : `${queryParameters[key]},${value}`;
  }
  const contentType = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  const isText = request.body.length === 0 || TEXT_TYPE.test(contentType);
  const host = Object.entries(headers).find(([k]) => k.toLowerCase() === 'host')?.[1] ?? 'localhost';
  return {
    version: 'v1',
    rawPath,
    body: isText ? request.body.toString('utf8') : request.body.toString('base64'),
    isBase64Encoded: !isText,
    headers,
    queryParameters,
    requestContext: {
      accountId: meta.accountId,
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: {
        method: request.method,
        path: safeDecode(rawPath),
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.remoteAddress ?? '127.0.0.1',
        userAgent: Object.entries(headers).find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? '',
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
      writeFcError(res, requestId, 413, 'PayloadTooLarge', `request body exceeds ${limit} bytes`);
      return;
    }
    const event = buildHttpEvent(
      { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, httpVersion: req.httpVersion, body, ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}) },
      { accountId: options.accountId, requestId, nowMs: now() },
    );
    const outcome = await options.runner.invoke(Buffer.from(JSON.stringify(event)), { requestId });
    if (!outcome.ok) {
      writeFcError(res, requestId, 502, outcome.errorType, outcome.errorMessage);
      return;
    }
    const { kind, data } = outcome.value;
    if (kind === 'json') {
      const value = JSON.parse(data) as unknown;
      if (isHttpResponse(value)) {
        const headers = { ...value.headers, 'x-fc-request-id': requestId };
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

// UNVERIFIED: the exact status and body FC sends for a function error behind an HTTP trigger.
function writeFcError(res: ServerResponse, requestId: string, status: number, errorType: string, errorMessage: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-fc-request-id': requestId, 'x-fc-error-type': errorType });
  res.end(JSON.stringify({ errorType, errorMessage }));
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
