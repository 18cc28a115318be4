import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastFcHttpEvent, FcHttpEventSchema, parseFcHttpEvent } from '../../../../shared/http/fc-http-event';
import { expectFastPathAgrees, mostly, rawOrParsedJson } from '../../../builders/fast-path-agreement';

const optionalText = mostly(fc.oneof(fc.string({ maxLength: 8 }), fc.constant(undefined)));
const nameMap = mostly(
  fc.oneof(
    { weight: 6, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'Host', 'host')), mostly(fc.string({ maxLength: 8 })), { maxKeys: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(null, undefined, [], 'a=b') },
  ),
);
const http = fc.record(
  {
    method: mostly(fc.constantFrom('GET', 'POST', 'get', '')),
    path: mostly(fc.constantFrom('/v1/trace', '/healthz', '')),
    protocol: optionalText,
    sourceIp: optionalText,
    userAgent: optionalText,
    extra: fc.string(),
  },
  { requiredKeys: ['method', 'path'] },
);
const requestContext = fc.record(
  { accountId: optionalText, domainName: optionalText, http: mostly(http), requestId: optionalText, time: optionalText, timeEpoch: optionalText, extra: fc.nat() },
  { requiredKeys: ['http'] },
);
const envelope = fc.record(
  {
    version: mostly(fc.constantFrom('v1', 'v1', 'v2')),
    rawPath: mostly(fc.constantFrom('/v1/trace', '/')),
    body: mostly(fc.oneof(fc.string({ maxLength: 12 }), fc.constant(null))),
    isBase64Encoded: mostly(fc.boolean()),
    headers: nameMap,
    queryParameters: nameMap,
    requestContext: mostly(requestContext),
    stageVariables: fc.object({ maxDepth: 1 }),
  },
  { requiredKeys: ['version', 'rawPath', 'requestContext'] },
);

describe('Function: fastFcHttpEvent (the fast path of FcHttpEventSchema)', () => {
  describe('Given arbitrary envelopes', () => {
    it('accepts exactly what zod accepts, with the same output (prototype-less name maps included)', () => {
      // Arrange
      const inputs = rawOrParsedJson(fc.oneof({ weight: 8, arbitrary: envelope }, { weight: 1, arbitrary: fc.anything() }));

      // Act
      const { accepted, refused } = expectFastPathAgrees(FcHttpEventSchema, fastFcHttpEvent, inputs, 1500);

      // Assert
      expect(accepted).toBeGreaterThan(100);
      expect(refused).toBeGreaterThan(100);
    });
  });

  describe('Given an envelope the fast path refuses', () => {
    it('still names the failing field, as zod does', () => {
      // Act
      const parse = () => parseFcHttpEvent({ version: 'v1', rawPath: '/', headers: { host: 1 }, requestContext: { http: { method: 'GET', path: '/' } } });

      // Assert
      expect(parse).toThrow('event.headers.host: expected a string');
    });
  });
});
