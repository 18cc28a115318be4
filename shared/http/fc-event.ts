import { InvalidInputError, PayloadTooLargeError } from '../errors';
import { INTERNAL_EVENT_KIND, InternalEnvelopeSchema, MAX_ASYNC_PAYLOAD_BYTES, type InternalEnvelope } from '../invoke/internal-event';
import { toFieldIssues } from '../validation';
import { MAX_BODY_BYTES, parseFcHttpEvent, type HttpRequest } from './fc-http-event';

/**
 * What the HTTP function can be invoked with: the HTTP trigger's v1 envelope, or mqtrace's own
 * internal event (an asynchronous self-invocation that finishes a deferred chat reply).
 */
export type FcEvent = { kind: 'http'; http: HttpRequest } | { kind: 'internal'; envelope: InternalEnvelope };

/**
 * Parses the raw FC event (a Buffer holding JSON). An object whose `kind` is the internal marker is
 * an internal envelope (only its shape is checked here; the HMAC is checked by its handler); every
 * other event goes through {@link parseFcHttpEvent} unchanged.
 */
export function parseFcEvent(event: unknown, maxBodyBytes = MAX_BODY_BYTES): FcEvent {
  let value: unknown = event;
  let bytes: number | undefined;
  if (value instanceof Uint8Array) {
    bytes = value.byteLength;
    // A view on the same memory: the event is decoded once, not copied first.
    value = (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)).toString('utf8');
  }
  if (typeof value === 'string') {
    bytes ??= Buffer.byteLength(value, 'utf8');
    try {
      value = JSON.parse(value);
    } catch {
      throw new InvalidInputError([{ path: 'event', message: 'is not a JSON HTTP trigger event' }]);
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'kind' in value) {
    if ((value as { kind: unknown }).kind !== INTERNAL_EVENT_KIND) {
      throw new InvalidInputError([{ path: 'event.kind', message: 'is not an event this function handles' }]);
    }
    if (bytes !== undefined && bytes > MAX_ASYNC_PAYLOAD_BYTES) throw new PayloadTooLargeError(MAX_ASYNC_PAYLOAD_BYTES);
    const result = InternalEnvelopeSchema.safeParse(value);
    if (!result.success) throw new InvalidInputError(toFieldIssues(result.error, 'event'));
    return { kind: 'internal', envelope: result.data };
  }
  return { kind: 'http', http: parseFcHttpEvent(value, maxBodyBytes) };
}
