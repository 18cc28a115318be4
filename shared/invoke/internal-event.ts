import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { PayloadTooLargeError, UnauthenticatedError } from '../errors';
import { lazySchema, parseInput } from '../validation';

/** Marks an event as mqtrace's own, handed from one invocation of the function to another. */
export const INTERNAL_EVENT_KIND = 'mqtrace.internal/v1';

/** FC's limit on an asynchronous invocation's payload (fc.md §1.4). */
export const MAX_ASYNC_PAYLOAD_BYTES = 128 * 1024;

/**
 * The envelope: `body` is a JSON string and `sig` the hex HMAC-SHA256 of `kind + "\n" + body`
 * under a secret only the function knows, so that nobody with mere invoke permission can forge one.
 */
export const InternalEnvelopeSchema = lazySchema(() =>
  z
    .object({
      kind: z.literal(INTERNAL_EVENT_KIND),
      body: z.string().max(MAX_ASYNC_PAYLOAD_BYTES),
      sig: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex HMAC-SHA256'),
    })
    .strict(),
);

export type InternalEnvelope = z.output<typeof InternalEnvelopeSchema>;

/** Fields every internal body carries, whatever the job. */
export const InternalBodyBaseSchema = lazySchema(() =>
  z.object({
    issuedAt: z.number().int().nonnegative(),
  }),
);

/**
 * Serialises and signs `body` as an internal event. Throws {@link PayloadTooLargeError} when the
 * result would exceed FC's 128 KB async limit.
 */
export function sealInternalEvent(body: z.input<typeof InternalBodyBaseSchema> & Record<string, unknown>, secret: string): Buffer {
  const json = JSON.stringify(body);
  const envelope: InternalEnvelope = { kind: INTERNAL_EVENT_KIND, body: json, sig: sign(secret, json) };
  const bytes = Buffer.from(JSON.stringify(envelope), 'utf8');
  if (bytes.length > MAX_ASYNC_PAYLOAD_BYTES) throw new PayloadTooLargeError(MAX_ASYNC_PAYLOAD_BYTES);
  return bytes;
}

export interface OpenOptions<S extends z.ZodType> {
  secret: string;
  nowMs: number;
  /** Older events are refused: by then the reply URL they carry is likely dead anyway. */
  maxAgeMs: number;
  schema: S;
}

/**
 * Checks the HMAC of an envelope before reading its body, then its age, then parses the body with
 * `schema`. Throws {@link UnauthenticatedError} (the reason is for the log) or InvalidInputError.
 */
export function openInternalEvent<S extends z.ZodType>(envelope: InternalEnvelope, options: OpenOptions<S>): z.output<S> {
  const expected = Buffer.from(sign(options.secret, envelope.body), 'hex');
  if (!timingSafeEqual(Buffer.from(envelope.sig, 'hex'), expected)) throw new UnauthenticatedError('internal event: signature mismatch');
  let body: unknown;
  try {
    body = JSON.parse(envelope.body);
  } catch {
    throw new UnauthenticatedError('internal event: body is not JSON');
  }
  const { issuedAt } = parseInput(InternalBodyBaseSchema.loose(), body, 'internal');
  const age = options.nowMs - issuedAt;
  if (age > options.maxAgeMs) throw new UnauthenticatedError('internal event: too old');
  // A little skew between instances is normal; more means a forged or replayed clock.
  if (age < -60_000) throw new UnauthenticatedError('internal event: issued in the future');
  return parseInput(options.schema, body, 'internal');
}

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(`${INTERNAL_EVENT_KIND}\n`).update(body).digest('hex');
}
