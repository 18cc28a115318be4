import { describe, expect, it } from 'vitest';
import { InvalidInputError, PayloadTooLargeError } from '../../../../shared/errors';
import { MAX_BODY_BYTES, parseFcHttpEvent } from '../../../../shared/http/fc-http-event';
import { buildFcHttpEvent, buildFcHttpEventBuffer } from '../../../builders/build-fc-http-event';

describe('Function: parseFcHttpEvent', () => {
  describe('Given a valid event as FC delivers it (a Buffer of JSON)', () => {
    it('normalises method, path, query, source IP and request id', () => {
      // Arrange
      const event = buildFcHttpEventBuffer({ method: 'get', path: '/v1/trace', query: { topic: 'TopicA' }, requestId: 'evt-9' });

      // Act
      const request = parseFcHttpEvent(event);

      // Assert
      expect(request).toMatchObject({
        method: 'GET',
        path: '/v1/trace',
        query: { topic: 'TopicA' },
        sourceIp: '203.0.113.7',
        eventRequestId: 'evt-9',
      });
      expect(request.rawBody.length).toBe(0);
    });

    it.each([
      ['a JSON string', (e: Record<string, unknown>) => JSON.stringify(e)],
      ['a Uint8Array', (e: Record<string, unknown>) => new Uint8Array(Buffer.from(JSON.stringify(e)))],
      ['an already parsed object', (e: Record<string, unknown>) => e],
    ])('also accepts %s', (_label, wrap) => {
      // Arrange
      const event = wrap(buildFcHttpEvent({ method: 'POST', body: '{"a":1}' }));

      // Act
      const request = parseFcHttpEvent(event);

      // Assert
      expect(request.method).toBe('POST');
      expect(request.rawBody.toString('utf8')).toBe('{"a":1}');
    });
  });

  describe('Given headers in mixed case', () => {
    it('lower-cases names and comma-joins names that differ only in case', () => {
      // Arrange
      const event = buildFcHttpEventBuffer({
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '10.0.0.1', 'x-forwarded-for': '10.0.0.2', ACCEPT: '*/*' },
        authorization: null,
      });

      // Act
      const request = parseFcHttpEvent(event);

      // Assert
      expect(request.headers).toEqual({
        'content-type': 'application/json',
        'x-forwarded-for': '10.0.0.1,10.0.0.2',
        accept: '*/*',
      });
    });

    it('keeps a header whose name is also an Object.prototype member', () => {
      // Arrange
      const event = buildFcHttpEventBuffer({ headers: { Constructor: 'abc' } });

      // Act
      const request = parseFcHttpEvent(event);

      // Assert
      expect(request.headers.constructor).toBe('abc');
    });
  });

  describe('Given missing or null optional parts', () => {
    it('answers empty headers, query and body', () => {
      // Arrange
      const event = { ...buildFcHttpEvent(), headers: null, queryParameters: null, body: null };

      // Act
      const request = parseFcHttpEvent(event);

      // Assert
      expect(request.headers).toEqual({});
      expect(request.query).toEqual({});
      expect(request.rawBody.length).toBe(0);
    });
  });

  describe('Given a base64 body', () => {
    it('decodes the exact bytes', () => {
      // Arrange
      const bytes = Buffer.from([0x7b, 0x22, 0xe4, 0xbd, 0xa0, 0x22, 0x3a, 0x31, 0x7d, 0x00, 0xff]);
      const event = buildFcHttpEventBuffer({ method: 'POST', body: bytes.toString('base64'), isBase64Encoded: true });

      // Act
      const request = parseFcHttpEvent(event);

      // Assert
      expect(request.rawBody.equals(bytes)).toBe(true);
    });

    it('ignores whitespace such as line wrapping', () => {
      // Arrange
      const encoded = Buffer.from('{"topic":"TopicA"}').toString('base64');
      const event = buildFcHttpEventBuffer({ body: `${encoded.slice(0, 8)}\r\n${encoded.slice(8)}`, isBase64Encoded: true });

      // Act
      const request = parseFcHttpEvent(event);

      // Assert
      expect(request.rawBody.toString('utf8')).toBe('{"topic":"TopicA"}');
    });

    it.each([
      ['invalid characters', '%%%%'],
      ['URL-safe alphabet', 'ab-_'],
      ['padding in the middle', 'ab=c'],
      ['a length of 4n+1', 'abcde'],
    ])('rejects %s with InvalidInputError on "body"', (_label, body) => {
      // Arrange
      const event = buildFcHttpEventBuffer({ body, isBase64Encoded: true });

      // Act
      const parse = () => parseFcHttpEvent(event);

      // Assert
      expect(parse).toThrow(InvalidInputError);
      expect(parse).toThrow('body: is marked base64 but is not valid base64');
    });
  });

  describe('Given bodies at and over 64 KiB', () => {
    it('accepts exactly 64 KiB', () => {
      // Arrange
      const event = buildFcHttpEventBuffer({ body: 'a'.repeat(MAX_BODY_BYTES) });

      // Act
      const request = parseFcHttpEvent(event);

      // Assert
      expect(MAX_BODY_BYTES).toBe(65_536);
      expect(request.rawBody.length).toBe(65_536);
    });

    it.each([
      ['a plain ASCII body of 64 KiB + 1', { body: 'a'.repeat(MAX_BODY_BYTES + 1) }],
      ['a plain multi-byte body over 64 KiB in bytes but not in characters', { body: '你'.repeat(30_000) }],
      ['a plain body far over every limit', { body: 'a'.repeat(MAX_BODY_BYTES * 5) }],
      ['a base64 body decoding to 64 KiB + 1', { body: Buffer.alloc(MAX_BODY_BYTES + 1, 1).toString('base64'), isBase64Encoded: true }],
      ['a base64 body far over the limit', { body: 'A'.repeat(MAX_BODY_BYTES * 2), isBase64Encoded: true }],
    ])('rejects %s with PayloadTooLargeError', (_label, overrides) => {
      // Arrange
      const event = buildFcHttpEventBuffer(overrides);

      // Act
      const parse = () => parseFcHttpEvent(event);

      // Assert
      expect(parse).toThrow(PayloadTooLargeError);
      expect(parse).toThrow('request body is larger than 65536 bytes');
    });

    it('honours a custom limit', () => {
      // Arrange
      const event = buildFcHttpEventBuffer({ body: 'a'.repeat(11) });

      // Act + Assert
      expect(() => parseFcHttpEvent(event, 10)).toThrow(PayloadTooLargeError);
    });
  });

  describe('Given something that is not a JSON event', () => {
    it.each([
      ['a non-JSON buffer', Buffer.from('<html>not json</html>')],
      ['an empty buffer', Buffer.alloc(0)],
      ['a non-JSON string', 'GET / HTTP/1.1'],
    ])('rejects %s with InvalidInputError on "event"', (_label, event) => {
      // Act
      const parse = () => parseFcHttpEvent(event);

      // Assert
      expect(parse).toThrow(InvalidInputError);
      expect(parse).toThrow('event: is not a JSON HTTP trigger event');
    });
  });

  describe('Given an envelope with the wrong shape', () => {
    it.each([
      ['no requestContext', 'requestContext', 'event.requestContext'],
      ['no rawPath', 'rawPath', 'event.rawPath'],
      ['no version', 'version', 'event.version'],
    ])('rejects %s, naming the field', (_label, drop, path) => {
      // Arrange
      const event: Record<string, unknown> = buildFcHttpEvent();
      delete event[drop];

      // Act
      const parse = () => parseFcHttpEvent(Buffer.from(JSON.stringify(event)));

      // Assert
      expect(parse).toThrow(InvalidInputError);
      expect(parse).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path })] }));
    });

    it('rejects an event without requestContext.http.method', () => {
      // Arrange
      const event = buildFcHttpEvent();
      (event.requestContext as { http: Record<string, unknown> }).http.method = '';

      // Act + Assert
      expect(() => parseFcHttpEvent(event)).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'event.requestContext.http.method' })] }));
    });

    it.each([null, 42, [], 'null'])('rejects %j', (event) => {
      // Act + Assert
      expect(() => parseFcHttpEvent(event)).toThrow(InvalidInputError);
    });
  });
});
