import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply, startFakeServer } from './fake-server';

/**
 * A local stand-in for one OSS bucket: GET and PUT of objects, each request verified against
 * ali-oss's V1 signature exactly as `lib/common/signUtils.js` builds it:
 *
 *   Authorization: OSS <AccessKeyId>:base64(HMAC-SHA1(secret,
 *     VERB\nContent-MD5\nContent-Type\n<x-oss-date>\n<x-oss-* headers, sorted, "k:v\n">/<bucket>/<object>))
 *
 * ali-oss signs the `x-oss-date` header in the Date slot. With an IP endpoint it sends the path
 * `/<object>` and names the bucket in the Host header (`<bucket>.oss-<region>.aliyuncs.com`).
 */
export interface OssFakeOptions {
  bucket: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, every request must carry it as `x-oss-security-token` (STS credentials). */
  securityToken?: string;
  now?: () => number;
  port?: number;
}

export interface OssFakeRequest {
  method: string;
  object: string;
  status: number;
  /** The OSS error code, for failures. */
  code?: string;
}

export interface OssFake {
  /** The endpoint to give ali-oss (`endpoint` option). */
  url: string;
  objects: Map<string, { body: Buffer; contentType: string; etag: string }>;
  requests: OssFakeRequest[];
  close(): Promise<void>;
}

/** OSS rejects requests whose time is more than 15 minutes off. */
export const OSS_TIME_SKEW_MS = 15 * 60 * 1000;

/** The V1 string to sign, as ali-oss's `buildCanonicalString` makes it (no sub-resources). */
export function ossStringToSign(method: string, headers: IncomingMessage['headers'], bucket: string, object: string): string {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(',') : (value ?? '');
  };
  const ossHeaders = Object.keys(headers)
    .filter((name) => name.startsWith('x-oss-'))
    .sort()
    .map((name) => `${name}:${header(name).trim()}`);
  return [method.toUpperCase(), header('content-md5'), header('content-type'), header('x-oss-date'), ...ossHeaders, `/${bucket}/${object}`].join('\n');
}

function errorXml(code: string, message: string, requestId: string, hostId: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<Error>',
    `  <Code>${code}</Code>`,
    `  <Message>${message}</Message>`,
    `  <RequestId>${requestId}</RequestId>`,
    `  <HostId>${hostId}</HostId>`,
    '</Error>',
    '',
  ].join('\n');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Starts the fake on 127.0.0.1. */
export async function startOssFake(options: OssFakeOptions): Promise<OssFake> {
  const now = options.now ?? Date.now;
  const objects: OssFake['objects'] = new Map();
  const requests: OssFakeRequest[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer | undefined) => {
    const requestId = randomUUID().replace(/-/g, '').toUpperCase().slice(0, 24);
    const host = String(req.headers.host ?? '');
    const method = req.method ?? '';
    const [rawPath = '/', query = ''] = (req.url ?? '/').split('?');
    const object = decodeURIComponent(rawPath.slice(1));
    const fail = (status: number, code: string, message: string) => {
      requests.push({ method, object, status, code });
      reply(res, status, 'application/xml', errorXml(code, message, requestId, host), { 'x-oss-request-id': requestId });
    };

    if (!host.startsWith(`${options.bucket}.`)) return fail(404, 'NoSuchBucket', 'The specified bucket does not exist.');
    if (query !== '') return fail(400, 'NotImplemented', 'The fake serves plain object GET and PUT only.');
    if (object === '') return fail(400, 'InvalidObjectName', 'The object name is empty.');
    if (method !== 'GET' && method !== 'PUT') return fail(405, 'MethodNotAllowed', 'The fake serves GET and PUT only.');
    if (body === undefined) return fail(400, 'EntityTooLarge', 'The body is too large for the fake.');

    const authorization = String(req.headers.authorization ?? '');
    const match = /^OSS ([^:]+):(.+)$/.exec(authorization);
    if (!match) return fail(403, 'AccessDenied', 'Authorization header is missing or not an OSS V1 signature.');
    if (match[1] !== options.accessKeyId) return fail(403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.');
    const date = Date.parse(String(req.headers['x-oss-date'] ?? ''));
    if (Number.isNaN(date) || Math.abs(now() - date) > OSS_TIME_SKEW_MS) {
      return fail(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.');
    }
    if (options.securityToken !== undefined && req.headers['x-oss-security-token'] !== options.securityToken) {
      // UNVERIFIED: the exact code OSS gives a wrong STS token.
      return fail(403, 'InvalidAccessKeyId', 'The security token you provided is invalid.');
    }
    const expected = createHmac('sha1', options.accessKeySecret).update(ossStringToSign(method, req.headers, options.bucket, object), 'utf8').digest('base64');
    if (!sameText(expected, match[2] as string)) {
      return fail(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }

    if (method === 'PUT') {
      const md5 = createHash('md5').update(body).digest();
      const sentMd5 = req.headers['content-md5'];
      if (sentMd5 !== undefined && sentMd5 !== md5.toString('base64')) return fail(400, 'InvalidDigest', 'The Content-MD5 you specified is not valid.');
      const etag = `"${md5.toString('hex').toUpperCase()}"`;
      objects.set(object, { body, contentType: String(req.headers['content-type'] ?? 'application/octet-stream'), etag });
      requests.push({ method, object, status: 200 });
      reply(res, 200, 'text/plain', '', { etag, 'x-oss-request-id': requestId });
      return;
    }
    const stored = objects.get(object);
    if (!stored) return fail(404, 'NoSuchKey', 'The specified key does not exist.');
    requests.push({ method, object, status: 200 });
    res.writeHead(200, { 'content-type': stored.contentType, 'content-length': String(stored.body.length), etag: stored.etag, 'x-oss-request-id': requestId });
    res.end(stored.body);
  };

  const server = await startFakeServer(handle, options.port);
  return { url: server.url, objects, requests, close: server.close };
}
