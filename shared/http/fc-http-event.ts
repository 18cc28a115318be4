import { z } from 'zod';
import { InvalidInputError, PayloadTooLargeError } from '../errors';
import { isObjectRecord, lazySchema, toFieldIssues } from '../validation';

/**
 * Headers or query parameters as FC sends them: names to (comma-joined) strings. Not `z.record`:
 * zod's record check calls an object whose own `constructor` is a string "not a record" and drops
 * a `__proto__` key, while here every name is plain data. The output has no prototype.
 */
const NameMapSchema = lazySchema(() =>
  z
    .custom<Record<string, unknown>>((value) => isObjectRecord(value), {
      error: 'expected an object of names to strings',
    })
    .superRefine((value, ctx) => {
      for (const [name, item] of Object.entries(value)) {
        if (typeof item !== 'string') ctx.addIssue({ code: 'custom', message: 'expected a string', path: [name] });
      }
    })
    .transform((value) => toNameMap(value as Record<string, string>, (name) => name)),
);

/** The FC 3.0 HTTP trigger envelope for built-in runtimes (fc.md §1.4). */
const buildFcHttpEventSchema = () => z.object({
  version: z.literal('v1'),
  rawPath: z.string(),
  body: z.string().optional().nullable(),
  isBase64Encoded: z.boolean().optional(),
  headers: NameMapSchema.optional().nullable(),
  queryParameters: NameMapSchema.optional().nullable(),
  requestContext: z.object({
    accountId: z.string().optional(),
    domainName: z.string().optional(),
    http: z.object({
      method: z.string().min(1),
      path: z.string(),
      protocol: z.string().optional(),
      sourceIp: z.string().optional(),
      userAgent: z.string().optional(),
    }),
    requestId: z.string().optional(),
    time: z.string().optional(),
    timeEpoch: z.string().optional(),
  }),
});

export type FcHttpEvent = z.infer<ReturnType<typeof buildFcHttpEventSchema>>;

export const FcHttpEventSchema = lazySchema(buildFcHttpEventSchema, (input) => fastFcHttpEvent(input));

type Context = FcHttpEvent['requestContext'];
const CONTEXT_TEXT = ['accountId', 'domainName'] as const;
const CONTEXT_TEXT_AFTER = ['requestId', 'time', 'timeEpoch'] as const;
const HTTP_TEXT = ['protocol', 'sourceIp', 'userAgent'] as const;

/** `z.string().optional()` on `source[key]`, copied to `target` as zod's object copies it; false when zod would refuse it. */
function copyOptionalText(source: Record<string, unknown>, target: Record<string, unknown>, key: string): boolean {
  if (!(key in source)) return true;
  const value = source[key];
  if (value !== undefined && typeof value !== 'string') return false;
  target[key] = value;
  return true;
}

/** `NameMapSchema.optional().nullable()` on `source[key]`, copied likewise. */
function copyNameMap(source: Record<string, unknown>, target: Record<string, unknown>, key: string): boolean {
  if (!(key in source)) return true;
  const value = source[key];
  if (value === undefined || value === null) {
    target[key] = value;
    return true;
  }
  if (!isObjectRecord(value)) return false;
  for (const name of Object.keys(value)) if (typeof value[name] !== 'string') return false;
  target[key] = toNameMap(value as Record<string, string>, (name) => name);
  return true;
}

/**
 * The fast path ({@link FastPath}) of {@link FcHttpEventSchema}: the same checks and the same
 * output, written out because it runs on every request.
 */
export function fastFcHttpEvent(input: unknown): { value: FcHttpEvent } | undefined {
  if (!isObjectRecord(input) || input.version !== 'v1' || typeof input.rawPath !== 'string') return undefined;
  const context = input.requestContext;
  if (!isObjectRecord(context)) return undefined;
  const http = context.http;
  if (!isObjectRecord(http) || typeof http.method !== 'string' || http.method.length < 1 || typeof http.path !== 'string') return undefined;
  const value: Record<string, unknown> = { version: 'v1', rawPath: input.rawPath };
  if ('body' in input) {
    const body = input.body;
    if (body !== undefined && body !== null && typeof body !== 'string') return undefined;
    value.body = body;
  }
  if ('isBase64Encoded' in input) {
    const flag = input.isBase64Encoded;
    if (flag !== undefined && typeof flag !== 'boolean') return undefined;
    value.isBase64Encoded = flag;
  }
  if (!copyNameMap(input, value, 'headers') || !copyNameMap(input, value, 'queryParameters')) return undefined;
  const outContext: Record<string, unknown> = {};
  for (const key of CONTEXT_TEXT) if (!copyOptionalText(context, outContext, key)) return undefined;
  const outHttp: Record<string, unknown> = { method: http.method, path: http.path };
  for (const key of HTTP_TEXT) if (!copyOptionalText(http, outHttp, key)) return undefined;
  outContext.http = outHttp;
  for (const key of CONTEXT_TEXT_AFTER) if (!copyOptionalText(context, outContext, key)) return undefined;
  value.requestContext = outContext as Context;
  return { value: value as FcHttpEvent };
}

/**
 * An HTTP request after normalisation: lower-case header names, decoded body bytes. `headers` and
 * `query` have no prototype, so a name such as `constructor` or `__proto__` is just a name.
 */
export interface HttpRequest {
  method: string;
  /** Decoded path. */
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The exact bytes the client sent, for signature checks. */
  rawBody: Buffer;
  sourceIp: string | undefined;
  eventRequestId: string | undefined;
}

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Turns the raw FC event (a Buffer holding JSON) into an {@link HttpRequest}.
 * Throws {@link InvalidInputError} for a malformed envelope and {@link PayloadTooLargeError} for a
 * body over `maxBodyBytes`.
 */
export function parseFcHttpEvent(event: unknown, maxBodyBytes = MAX_BODY_BYTES): HttpRequest {
  const envelope = parseEnvelope(event);
  const body = envelope.body ?? '';
  // Reject on the encoded length first, so a huge body is never decoded.
  const encodedLimit = envelope.isBase64Encoded ? Math.ceil((maxBodyBytes * 4) / 3) + 4 : maxBodyBytes * 4;
  if (body.length > encodedLimit) throw new PayloadTooLargeError(maxBodyBytes);
  const rawBody = envelope.isBase64Encoded ? decodeBase64(body) : Buffer.from(body, 'utf8');
  if (rawBody.length > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);

  return {
    method: envelope.requestContext.http.method.toUpperCase(),
    path: envelope.requestContext.http.path,
    // Names that differ only in case are one header; they are joined as FC joins repeats.
    headers: toNameMap(envelope.headers ?? {}, (name) => name.toLowerCase()),
    // Parsing already made it a fresh copy without a prototype (NameMapSchema, fastFcHttpEvent).
    query: envelope.queryParameters ?? toNameMap({}, (name) => name),
    rawBody,
    sourceIp: envelope.requestContext.http.sourceIp,
    eventRequestId: envelope.requestContext.requestId,
  };
}

function parseEnvelope(event: unknown): FcHttpEvent {
  let value: unknown = event;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new InvalidInputError([{ path: 'event', message: 'is not a JSON HTTP trigger event' }]);
    }
  }
  const result = FcHttpEventSchema.safeParse(value);
  if (!result.success) throw new InvalidInputError(toFieldIssues(result.error, 'event'));
  return result.data;
}

/**
 * Copies `source` into an object without a prototype, renaming each name with `rename` and
 * comma-joining values whose names become equal.
 */
function toNameMap(source: Readonly<Record<string, string>>, rename: (name: string) => string): Record<string, string> {
  const target = Object.create(null) as Record<string, string>;
  for (const name of Object.keys(source)) {
    const key = rename(name);
    const value = source[name] as string;
    target[key] = Object.hasOwn(target, key) ? `${target[key]},${value}` : value;
  }
  return target;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw new InvalidInputError([{ path: 'body', message: 'is marked base64 but is not valid base64' }]);
  }
  return Buffer.from(compact, 'base64');
}
