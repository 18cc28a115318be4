import { z } from 'zod';
import { InvalidInputError, PayloadTooLargeError } from '../errors';
import { toFieldIssues } from '../validation';

/** The FC 3.0 HTTP trigger envelope for built-in runtimes (fc.md §1.4). */
export const FcHttpEventSchema = z.object({
  version: z.literal('v1'),
  rawPath: z.string(),
  body: z.string().optional().nullable(),
  isBase64Encoded: z.boolean().optional(),
  headers: z.record(z.string(), z.string()).optional().nullable(),
  queryParameters: z.record(z.string(), z.string()).optional().nullable(),
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

export type FcHttpEvent = z.infer<typeof FcHttpEventSchema>;

/** An HTTP request after normalisation: lower-case header names, decoded body bytes. */
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

  // No prototype: a header named "constructor" or "__proto__" is just a header.
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(envelope.headers ?? {})) {
    const key = name.toLowerCase();
    // Names that differ only in case are one header; join them as FC joins repeats.
    headers[key] = Object.hasOwn(headers, key) ? `${headers[key]},${value}` : value;
  }
  return {
    method: envelope.requestContext.http.method.toUpperCase(),
    path: envelope.requestContext.http.path,
    headers,
    query: { ...(envelope.queryParameters ?? {}) },
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

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !BASE64.test(compact)) {
    throw new InvalidInputError([{ path: 'body', message: 'is marked base64 but is not valid base64' }]);
  }
  return Buffer.from(compact, 'base64');
}
