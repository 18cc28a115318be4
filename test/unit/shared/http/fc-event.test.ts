import { describe, expect, it } from 'vitest';
import { InvalidInputError, PayloadTooLargeError } from '../../../../shared/errors';
import { parseFcEvent } from '../../../../shared/http/fc-event';
import { INTERNAL_EVENT_KIND, sealInternalEvent } from '../../../../shared/invoke/internal-event';
import { buildFcHttpEvent, buildFcHttpEventBuffer } from '../../../builders/build-fc-http-event';

const SECRET = 'internal-secret-for-tests-0123456789abcdef';

describe('Function: parseFcEvent', () => {
  it('hands an HTTP trigger event to the HTTP parser unchanged', () => {
    const parsed = parseFcEvent(buildFcHttpEventBuffer({ path: '/chat/slack', method: 'POST', body: 'a=1' }));
    expect(parsed.kind).toBe('http');
    expect(parsed.kind === 'http' && parsed.http).toMatchObject({ method: 'POST', path: '/chat/slack', rawBody: Buffer.from('a=1') });
  });

  it('recognises an internal event by its kind, without checking its HMAC yet', () => {
    const parsed = parseFcEvent(sealInternalEvent({ issuedAt: 1 }, SECRET));
    expect(parsed.kind).toBe('internal');
    expect(parsed.kind === 'internal' && parsed.envelope.kind).toBe(INTERNAL_EVENT_KIND);
  });

  it.each([
    ['an unknown kind', { kind: 'somebody.else', body: '{}', sig: '0'.repeat(64) }],
    ['an internal envelope with extra fields', { kind: INTERNAL_EVENT_KIND, body: '{}', sig: '0'.repeat(64), http: {} }],
    ['an internal envelope without a signature', { kind: INTERNAL_EVENT_KIND, body: '{}' }],
    ['a timer event', { triggerTime: '2025-01-01T00:00:00Z', triggerName: 't', payload: '' }],
    ['an HTTP event of another version', { ...buildFcHttpEvent(), version: 'v2' }],
  ])('rejects %s as invalid input', (_name, event) => {
    expect(() => parseFcEvent(Buffer.from(JSON.stringify(event)))).toThrow(InvalidInputError);
  });

  it('rejects an internal event over the 128 KB async limit before parsing it', () => {
    const event = JSON.stringify({ kind: INTERNAL_EVENT_KIND, body: 'x'.repeat(130 * 1024), sig: '0'.repeat(64) });
    expect(() => parseFcEvent(Buffer.from(event))).toThrow(PayloadTooLargeError);
  });

  it('rejects bytes that are not JSON', () => {
    expect(() => parseFcEvent(Buffer.from('not json'))).toThrow('is not a JSON HTTP trigger event');
  });
});
