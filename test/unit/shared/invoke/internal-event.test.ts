import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidInputError, PayloadTooLargeError, UnauthenticatedError } from '../../../../shared/errors';
import { INTERNAL_EVENT_KIND, InternalEnvelopeSchema, MAX_ASYNC_PAYLOAD_BYTES, openInternalEvent, sealInternalEvent } from '../../../../shared/invoke/internal-event';

const SECRET = 'internal-secret-for-tests-0123456789abcdef';
const NOW = 1_761_364_800_000;
const JobSchema = z.object({ issuedAt: z.number(), idempotencyKey: z.string(), n: z.number() });
const open = (envelope: unknown, overrides: Partial<{ secret: string; nowMs: number }> = {}) =>
  openInternalEvent(InternalEnvelopeSchema.parse(envelope), { secret: SECRET, nowMs: NOW, maxAgeMs: 60_000, schema: JobSchema, ...overrides });
const sealed = (body: Record<string, unknown> = {}) => JSON.parse(sealInternalEvent({ issuedAt: NOW, idempotencyKey: 'slack:1', n: 1, ...body }, SECRET).toString('utf8'));

describe('Function: sealInternalEvent / openInternalEvent', () => {
  it('round-trips a body through an HMAC-signed envelope', () => {
    const envelope = sealed();
    expect(envelope.kind).toBe(INTERNAL_EVENT_KIND);
    expect(envelope.sig).toMatch(/^[0-9a-f]{64}$/);
    expect(open(envelope)).toEqual({ issuedAt: NOW, idempotencyKey: 'slack:1', n: 1 });
  });

  it.each([
    ['a changed body', (e: any) => ({ ...e, body: e.body.replace('"n":1', '"n":2') }), 'signature mismatch'],
    ['a signature from another secret', (e: any) => ({ ...e, sig: JSON.parse(sealInternalEvent(JSON.parse(e.body), 'another-secret-0123456789abcdef0123').toString()).sig }), 'signature mismatch'],
    ['a signature of zeros', (e: any) => ({ ...e, sig: '0'.repeat(64) }), 'signature mismatch'],
  ])('rejects %s before reading the body', (_name, change, reason) => {
    const act = () => open(change(sealed()));
    expect(act).toThrow(UnauthenticatedError);
    expect(act).toThrow(reason);
  });

  it.each([
    ['too old', NOW + 60_001, 'too old'],
    ['issued in the future', NOW - 60_001, 'issued in the future'],
  ])('rejects an event %s', (_name, nowMs, reason) => {
    expect(() => open(sealed(), { nowMs })).toThrow(reason);
  });

  it('rejects a signed body of the wrong shape with the failing field', () => {
    expect(() => open(sealed({ n: 'one' }))).toThrow(InvalidInputError);
  });

  it('refuses to seal more than the 128 KB FC accepts for an async payload', () => {
    expect(() => sealInternalEvent({ issuedAt: NOW, pad: 'x'.repeat(MAX_ASYNC_PAYLOAD_BYTES) }, SECRET)).toThrow(PayloadTooLargeError);
    expect(sealInternalEvent({ issuedAt: NOW, pad: 'x'.repeat(100 * 1024) }, SECRET).length).toBeLessThanOrEqual(MAX_ASYNC_PAYLOAD_BYTES);
  });

  it('accepts only the exact envelope shape', () => {
    expect(InternalEnvelopeSchema.safeParse({ ...sealed(), extra: 1 }).success).toBe(false);
    expect(InternalEnvelopeSchema.safeParse({ ...sealed(), sig: 'XYZ' }).success).toBe(false);
  });
});
