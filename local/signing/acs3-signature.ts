/**
 * Alibaba Cloud OpenAPI signature V3 (`ACS3-HMAC-SHA256`), as `@alicloud/openapi-core@1.0.8`
 * computes it in `OpenApiUtil.getAuthorization` (src/utils.ts) and as the published protocol
 * ("ROA风格请求体&签名机制", help.aliyun.com) describes it:
 *
 * ```text
 * CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedRequestPayload
 * StringToSign     = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest))
 * Signature        = hex(hmac-sha256(AccessKeySecret, StringToSign))
 * Authorization    = "ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<h1;h2;...>,Signature=<hex>"
 * ```
 *
 * Pure: no I/O, no clock (every time-dependent function takes `nowMs`), no randomness (the
 * client-side helper takes the nonce). Header and query names are handled as data (Maps).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The only algorithm implemented here (the SDK default). */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** The documented clock skew window of `x-acs-date`: 15 minutes either way. */
export const ACS3_DATE_WINDOW_MS = 15 * 60 * 1000;

/**
 * Headers every signed V3 request carries (besides `Authorization`). The SDK always sends them;
 * the protocol lists them as required common request headers.
 */
export const ACS3_REQUIRED_HEADERS = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'] as const;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const HEX_SHA256_PATTERN = /^[0-9a-f]{64}$/;
const AUTHORIZATION_PATTERN = /^(\S+) (.+)$/;
const CREDENTIAL_PATTERN = /^[\x21-\x7e]{1,256}$/;
const SIGNED_HEADER_NAME_PATTERN = /^[a-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

/** One HTTP request as the signer sees it. */
export interface Acs3Request {
  /** HTTP method; upper-cased by the signer. */
  method: string;
  /** The path exactly as sent on the wire (already percent-encoded), without the query. */
  path: string;
  /** Decoded query parameters. Order does not matter; names must be unique. */
  query: ReadonlyMap<string, string>;
  /** Header values by name; names in any case, each with one or more values. */
  headers: ReadonlyMap<string, string | readonly string[]>;
  /** The raw body bytes (empty for GET). */
  body: Uint8Array;
}

/**
 * Percent-encodes like openapi-core's `encode` (and RFC 3986): `encodeURIComponent`, then
 * `! ' ( ) *` become `%21 %27 %28 %29 %2A`. Space is `%20`, `~` stays.
 *
 * @param value - The decoded string.
 * @returns The encoded string.
 * @example
 * acs3Encode('2023-05-10 10:42:11'); // '2023-05-10%2010%3A42%3A11'
 */
export function acs3Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Percent-encodes one path segment (RFC 3986, {@link acs3Encode}) for building a request path.
 * The product SDKs' `$dara.URL.percentEncode` leaves `! ' ( )` as they are; either way the
 * signature matches, because the canonical URI is derived from the path as sent.
 *
 * @param segment - The decoded segment, e.g. an instance id.
 * @returns The encoded segment.
 */
export function acs3EncodePathSegment(segment: string): string {
  return acs3Encode(segment);
}

/**
 * The canonical URI: the path as sent, with `+` → `%20`, `*` → `%2A` and `%7E` → `~` (exactly the
 * SDK's rewrite of its own pathname before signing).
 *
 * @param path - The encoded path without query.
 * @returns The canonical URI.
 */
export function canonicalUri(path: string): string {
  return path.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
}

/**
 * The canonical query string: pairs `encode(name)=encode(value)`, sorted by encoded name (then
 * value), joined by `&`. The SDK sorts and writes raw names; for the names it sends (ASCII letters
 * and digits) both give the same bytes.
 *
 * @param query - Decoded query parameters.
 * @returns The canonical query string, empty when there are none.
 */
export function canonicalQueryString(query: ReadonlyMap<string, string>): string {
  return [...query]
    .map(([name, value]) => [acs3Encode(name), acs3Encode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * Normalises headers: lower-cased names, every value trimmed. Repeated names (any case) merge.
 *
 * @param headers - Header values by name.
 * @returns Lower-case name → trimmed values.
 */
export function normalizeHeaders(headers: ReadonlyMap<string, string | readonly string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, raw] of headers) {
    const values = typeof raw === 'string' ? [raw] : [...raw];
    const key = name.toLowerCase();
    const list = out.get(key) ?? [];
    list.push(...values.map((value) => value.trim()));
    out.set(key, list);
  }
  return out;
}

/**
 * The headers the SDK signs: `host`, `content-type` and every `x-acs-*` header present, sorted.
 *
 * @param headers - Header values by name (any case).
 * @returns Sorted lower-case names.
 */
export function sdkSignedHeaderNames(headers: ReadonlyMap<string, string | readonly string[]>): string[] {
  return [...normalizeHeaders(headers).keys()].filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-')).sort();
}

/**
 * The canonical headers block: one `name:value` line per signed header, in the given order; the
 * values of a repeated header are sorted and joined with `,`. Every line ends with `\n`.
 *
 * @param headers - Header values by name (any case).
 * @param signedHeaders - Lower-case names, sorted.
 * @returns The block; a signed header that is absent contributes `name:`.
 */
export function canonicalHeaders(headers: ReadonlyMap<string, string | readonly string[]>, signedHeaders: readonly string[]): string {
  const normalized = normalizeHeaders(headers);
  return signedHeaders.map((name) => `${name}:${[...(normalized.get(name) ?? [])].sort().join(',')}\n`).join('');
}

/**
 * Hex SHA-256, as used for `x-acs-content-sha256` and the canonical request hash.
 *
 * @param data - Bytes or a UTF-8 string.
 * @returns 64 lower-case hex digits.
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Parts that go into a canonical request besides the request itself. */
export interface CanonicalRequestParts {
  signedHeaders: readonly string[];
  /** Hex SHA-256 of the body; the verifier uses the value of `x-acs-content-sha256`. */
  hashedPayload: string;
}

/**
 * Builds the canonical request string.
 *
 * @param request - The request.
 * @param parts - Signed header names (sorted, lower-case) and the hashed payload.
 * @returns The canonical request.
 */
export function buildCanonicalRequest(request: Acs3Request, parts: CanonicalRequestParts): string {
  return [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    canonicalQueryString(request.query),
    canonicalHeaders(request.headers, parts.signedHeaders),
    parts.signedHeaders.join(';'),
    parts.hashedPayload,
  ].join('\n');
}

/**
 * Builds the string to sign: `ACS3-HMAC-SHA256\n<hex sha256 of the canonical request>`.
 *
 * @param canonicalRequest - From {@link buildCanonicalRequest}.
 * @returns The string to sign.
 */
export function buildAcs3StringToSign(canonicalRequest: string): string {
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/**
 * Computes the signature: hex HMAC-SHA256 of the string to sign, keyed with the AccessKey secret.
 *
 * @param stringToSign - From {@link buildAcs3StringToSign}.
 * @param accessKeySecret - The secret.
 * @returns 64 lower-case hex digits.
 */
export function computeAcs3Signature(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex');
}

/**
 * Formats an instant as `x-acs-date` (`yyyy-MM-ddTHH:mm:ssZ`, UTC, no milliseconds).
 *
 * @param ms - Epoch milliseconds.
 * @returns The header value.
 */
export function formatAcs3Date(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Parses `x-acs-date`.
 *
 * @param value - The header value.
 * @returns Epoch milliseconds, or `undefined` when malformed or not a real date.
 */
export function parseAcs3Date(value: string): number | undefined {
  if (!DATE_PATTERN.test(value)) {
    return undefined;
  }
  const ms = Date.parse(value);
  // Date.parse rolls impossible dates such as 02-30 over; the round trip catches that.
  if (Number.isNaN(ms) || formatAcs3Date(ms) !== value) {
    return undefined;
  }
  return ms;
}

/** A parsed `Authorization` header. */
export interface Acs3Authorization {
  algorithm: string;
  accessKeyId: string;
  /** Lower-case names in the order given. */
  signedHeaders: string[];
  /** As sent (the SDK sends lower-case hex). */
  signature: string;
}

/**
 * Parses `Authorization: ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<a;b>,Signature=<hex>`.
 * The three fields may come in any order, each exactly once; spaces after commas are allowed.
 *
 * @param header - The header value.
 * @returns The parts, or `undefined` when the header does not have that shape.
 */
export function parseAcs3Authorization(header: string): Acs3Authorization | undefined {
  const match = AUTHORIZATION_PATTERN.exec(header.trim());
  if (match?.[1] === undefined || match[2] === undefined) {
    return undefined;
  }
  const fields = new Map<string, string>();
  for (const part of match[2].split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    if (eq === -1 || fields.has(name)) {
      return undefined;
    }
    fields.set(name, part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (fields.size !== 3 || accessKeyId === undefined || signedHeaders === undefined || signature === undefined) {
    return undefined;
  }
  const names = signedHeaders.split(';');
  const unique = new Set(names).size === names.length;
  if (!CREDENTIAL_PATTERN.test(accessKeyId) || signature === '' || !unique || !names.every((name) => SIGNED_HEADER_NAME_PATTERN.test(name))) {
    return undefined;
  }
  return { algorithm: match[1], accessKeyId, signedHeaders: names, signature };
}

/**
 * Formats the `Authorization` header.
 *
 * @param parts - AccessKey id, sorted signed header names and the signature.
 * @returns The header value.
 */
export function formatAcs3Authorization(parts: { accessKeyId: string; signedHeaders: readonly string[]; signature: string }): string {
  return `${ACS3_ALGORITHM} Credential=${parts.accessKeyId},SignedHeaders=${parts.signedHeaders.join(';')},Signature=${parts.signature}`;
}

/** Everything a signature computation produced, for debugging and error messages. */
export interface Acs3SigningResult {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedHeaders: string[];
  /** The `Authorization` header value. */
  authorization: string;
}

/**
 * Signs a request the way openapi-core does: it signs `host`, `content-type` and every `x-acs-*`
 * header present (so `x-acs-content-sha256`, `x-acs-date`, `x-acs-signature-nonce` and, for STS,
 * `x-acs-security-token` must already be set), and uses `x-acs-content-sha256` as the hashed payload
 * (the SHA-256 of the body when that header is absent).
 *
 * @param request - The request with all headers except `Authorization`.
 * @param credential - AccessKey id and secret.
 * @returns The signature and the `Authorization` value.
 */
export function signAcs3Request(request: Acs3Request, credential: { accessKeyId: string; accessKeySecret: string }): Acs3SigningResult {
  const signedHeaders = sdkSignedHeaderNames(request.headers);
  const hashedPayload = normalizeHeaders(request.headers).get('x-acs-content-sha256')?.[0] ?? sha256Hex(request.body);
  const canonicalRequest = buildCanonicalRequest(request, { signedHeaders, hashedPayload });
  const stringToSign = buildAcs3StringToSign(canonicalRequest);
  const signature = computeAcs3Signature(stringToSign, credential.accessKeySecret);
  return {
    canonicalRequest,
    stringToSign,
    signature,
    signedHeaders,
    authorization: formatAcs3Authorization({ accessKeyId: credential.accessKeyId, signedHeaders, signature }),
  };
}

/** Input of {@link buildAcs3SignedHeaders}. */
export interface BuildAcs3HeadersInput {
  method: string;
  /** `host[:port]` exactly as the `host` header carries it. */
  host: string;
  /** Encoded path, see {@link acs3EncodePathSegment}. */
  path: string;
  query?: ReadonlyMap<string, string>;
  body?: Uint8Array;
  /** E.g. `application/json; charset=utf-8`; omitted when the body is empty and this is unset. */
  contentType?: string;
  action: string;
  version: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** The signing instant (the injectable clock). */
  nowMs: number;
  /** A fresh random value per request (the SDK uses 64 hex digits). */
  nonce: string;
  /** More headers; `x-acs-*` ones are signed too. */
  extraHeaders?: ReadonlyMap<string, string>;
}

/**
 * Client side: builds every header of a V3-signed request, openapi-core style, including
 * `Authorization`. Header names are lower-case except `Authorization`.
 *
 * @param input - Request, identity, clock and nonce.
 * @returns The headers to send (a new Map) and the signing details.
 * @example
 * const { headers } = buildAcs3SignedHeaders({ method: 'GET', host: '127.0.0.1:8080', path: '/instances/rmq-cn-x/topics/t/traces/01AB',
 *   action: 'GetTrace', version: '2022-08-01', accessKeyId, accessKeySecret, nowMs: Date.now(), nonce: randomUUID() });
 */
export function buildAcs3SignedHeaders(input: BuildAcs3HeadersInput): { headers: Map<string, string>; signing: Acs3SigningResult } {
  const body = input.body ?? new Uint8Array();
  const headers = new Map<string, string>([
    ['host', input.host],
    ['x-acs-version', input.version],
    ['x-acs-action', input.action],
    ['x-acs-date', formatAcs3Date(input.nowMs)],
    ['x-acs-signature-nonce', input.nonce],
    ['accept', 'application/json'],
  ]);
  for (const [name, value] of input.extraHeaders ?? []) {
    headers.set(name.toLowerCase(), value);
  }
  if (input.contentType !== undefined) {
    headers.set('content-type', input.contentType);
  }
  headers.set('x-acs-content-sha256', sha256Hex(body));
  if (input.securityToken !== undefined && input.securityToken !== '') {
    headers.set('x-acs-accesskey-id', input.accessKeyId);
    headers.set('x-acs-security-token', input.securityToken);
  }
  const signing = signAcs3Request(
    { method: input.method, path: input.path, query: input.query ?? new Map(), headers, body },
    { accessKeyId: input.accessKeyId, accessKeySecret: input.accessKeySecret },
  );
  headers.set('Authorization', signing.authorization);
  return { headers, signing };
}

/** Why {@link checkAcs3Request} or {@link verifyAcs3Signature} rejected a request. */
export type Acs3Rejection =
  | { reason: 'MISSING_AUTHORIZATION' }
  | { reason: 'MALFORMED_AUTHORIZATION' }
  | { reason: 'UNSUPPORTED_ALGORITHM'; algorithm: string }
  | { reason: 'MISSING_HEADER'; header: string }
  | { reason: 'UNSIGNED_HEADER'; header: string }
  | { reason: 'SIGNED_HEADER_ABSENT'; header: string }
  | { reason: 'MALFORMED_CONTENT_SHA256' }
  | { reason: 'CONTENT_SHA256_MISMATCH'; expected: string; received: string }
  | { reason: 'MALFORMED_DATE'; value: string }
  | { reason: 'DATE_EXPIRED'; value: string }
  | { reason: 'SIGNATURE_MISMATCH'; canonicalRequest: string; stringToSign: string };

/** Outcome of a check: the parsed authorization, or why the request is rejected. */
export type Acs3CheckResult = { ok: true; authorization: Acs3Authorization; dateMs: number; nonce: string } | ({ ok: false } & Acs3Rejection);

function reject(rejection: Acs3Rejection): { ok: false } & Acs3Rejection {
  return { ok: false, ...rejection };
}

function mustBeSigned(name: string): boolean {
  return name === 'host' || name === 'content-type' || name.startsWith('x-acs-');
}

/**
 * Server side, step 1 (needs no secret): parses `Authorization`, checks the required headers, that
 * `host`, `content-type` and every `x-acs-*` header present is signed and every signed header is
 * present, that `x-acs-content-sha256` is the SHA-256 of the body, and that `x-acs-date` is within
 * `windowMs` of `nowMs`. Checks run in that order; the first failure is returned.
 *
 * @param request - The received request.
 * @param options - The clock reading and the allowed skew (default {@link ACS3_DATE_WINDOW_MS}).
 * @returns The parsed authorization, the date and the nonce, or the rejection.
 */
export function checkAcs3Request(request: Acs3Request, options: { nowMs: number; windowMs?: number }): Acs3CheckResult {
  const headers = normalizeHeaders(request.headers);
  const rawAuthorization = headers.get('authorization');
  if (rawAuthorization === undefined || rawAuthorization.length === 0 || rawAuthorization[0] === '') {
    return reject({ reason: 'MISSING_AUTHORIZATION' });
  }
  const authorization = rawAuthorization.length === 1 ? parseAcs3Authorization(rawAuthorization[0] ?? '') : undefined;
  if (authorization === undefined) {
    return reject({ reason: 'MALFORMED_AUTHORIZATION' });
  }
  if (authorization.algorithm !== ACS3_ALGORITHM) {
    return reject({ reason: 'UNSUPPORTED_ALGORITHM', algorithm: authorization.algorithm });
  }
  for (const name of ACS3_REQUIRED_HEADERS) {
    if ((headers.get(name)?.[0] ?? '') === '') {
      return reject({ reason: 'MISSING_HEADER', header: name });
    }
  }
  const signed = new Set(authorization.signedHeaders);
  for (const name of [...headers.keys()].sort()) {
    if (mustBeSigned(name) && !signed.has(name)) {
      return reject({ reason: 'UNSIGNED_HEADER', header: name });
    }
  }
  for (const name of authorization.signedHeaders) {
    if (!headers.has(name)) {
      return reject({ reason: 'SIGNED_HEADER_ABSENT', header: name });
    }
  }
  const contentSha = headers.get('x-acs-content-sha256') ?? [];
  const received = contentSha[0] ?? '';
  if (contentSha.length !== 1 || !HEX_SHA256_PATTERN.test(received)) {
    return reject({ reason: 'MALFORMED_CONTENT_SHA256' });
  }
  const expected = sha256Hex(request.body);
  if (!constantTimeEqual(expected, received)) {
    return reject({ reason: 'CONTENT_SHA256_MISMATCH', expected, received });
  }
  const dateValues = headers.get('x-acs-date') ?? [];
  const dateValue = dateValues[0] ?? '';
  const dateMs = dateValues.length === 1 ? parseAcs3Date(dateValue) : undefined;
  if (dateMs === undefined) {
    return reject({ reason: 'MALFORMED_DATE', value: dateValues.join(',') });
  }
  if (Math.abs(options.nowMs - dateMs) > (options.windowMs ?? ACS3_DATE_WINDOW_MS)) {
    return reject({ reason: 'DATE_EXPIRED', value: dateValue });
  }
  return { ok: true, authorization, dateMs, nonce: (headers.get('x-acs-signature-nonce') ?? []).join(',') };
}

/**
 * Server side, step 2: recomputes the signature over the headers the client listed and the
 * `x-acs-content-sha256` value, and compares it with the received one in constant time.
 *
 * @param request - The received request.
 * @param authorization - From {@link checkAcs3Request} or {@link parseAcs3Authorization}.
 * @param accessKeySecret - The secret of `authorization.accessKeyId`.
 * @returns `{ ok: true }`, or `SIGNATURE_MISMATCH` with the server's canonical request and string to sign.
 */
export function verifyAcs3Signature(
  request: Acs3Request,
  authorization: Acs3Authorization,
  accessKeySecret: string,
): { ok: true } | ({ ok: false } & Extract<Acs3Rejection, { reason: 'SIGNATURE_MISMATCH' }>) {
  const hashedPayload = normalizeHeaders(request.headers).get('x-acs-content-sha256')?.join(',') ?? sha256Hex(request.body);
  const canonicalRequest = buildCanonicalRequest(request, { signedHeaders: authorization.signedHeaders, hashedPayload });
  const stringToSign = buildAcs3StringToSign(canonicalRequest);
  const expected = computeAcs3Signature(stringToSign, accessKeySecret);
  if (constantTimeEqual(expected, authorization.signature)) {
    return { ok: true };
  }
  return { ok: false, reason: 'SIGNATURE_MISMATCH', canonicalRequest, stringToSign };
}

/**
 * Compares two strings in time that depends only on the expected length.
 *
 * @param expected - The value computed here.
 * @param received - The value the client sent.
 * @returns `true` when equal.
 */
export function constantTimeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  // timingSafeEqual throws on unequal lengths; compare against itself to keep the work constant.
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}
