import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../shared/errors';
import { parseFcEvent } from '../../../../shared/http/fc-event';
import { parseFcHttpEvent } from '../../../../shared/http/fc-http-event';
import { buildFcHttpEvent } from '../../../builders/build-fc-http-event';

/** Names that are also members of Object.prototype, in the forms a client may send them. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'propertyIsEnumerable'];
const MIXED_CASE = PROTOTYPE_NAMES.flatMap((n) => [n, n.toUpperCase(), n.toLowerCase(), n.charAt(0).toUpperCase() + n.slice(1)]);

/**
 * An object with exactly these own keys, `__proto__` included: an object literal or a plain
 * assignment would set the prototype instead.
 */
function record(entries: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const target = Object.create(null) as Record<string, string>;
  for (const [name, value] of entries) target[name] = value;
  return target;
}

/** The event as FC delivers it: JSON text, so `__proto__` arrives as an ordinary own key. */
function eventWith(headers: Record<string, string>, query: Record<string, string>): Buffer {
  return Buffer.from(JSON.stringify({ ...buildFcHttpEvent({ path: '/healthz' }), headers, queryParameters: query }), 'utf8');
}

describe('Function: parseFcHttpEvent with header and query names that Object.prototype also has', () => {
  describe('Given the names FC would send for `Constructor: x`, `__proto__: y` and `?constructor=1&__proto__=2&toString=3`', () => {
    it('keeps every name with its value, header names lower-cased, in objects without a prototype', () => {
      // Prepare
      const headers = record([
        ['Constructor', 'x'],
        ['__proto__', 'y'],
        ['Tostring', 'z'],
        ['Hasownproperty', 'w'],
      ]);
      const query = record([
        ['constructor', '1'],
        ['__proto__', '2'],
        ['toString', '3'],
      ]);

      // Act
      const request = parseFcHttpEvent(eventWith(headers, query));

      // Assess
      expect(Object.entries(request.headers)).toEqual([
        ['constructor', 'x'],
        ['__proto__', 'y'],
        ['tostring', 'z'],
        ['hasownproperty', 'w'],
      ]);
      expect(Object.entries(request.query)).toEqual([
        ['constructor', '1'],
        ['__proto__', '2'],
        ['toString', '3'],
      ]);
      expect(Object.getPrototypeOf(request.headers)).toBeNull();
      expect(Object.getPrototypeOf(request.query)).toBeNull();
    });

    it('accepts a lower-case `constructor` header, which zod records refuse as "expected record"', () => {
      // Act
      const request = parseFcHttpEvent(eventWith(record([['constructor', 'x']]), record([])));

      // Assess
      expect(request.headers.constructor).toBe('x');
    });

    it('answers undefined, not an Object.prototype member, for a name that was not sent', () => {
      // Act
      const request = parseFcHttpEvent(eventWith(record([['accept', '*/*']]), record([])));

      // Assess
      expect(request.headers.constructor).toBeUndefined();
      expect(request.query.toString).toBeUndefined();
      expect(request.query.__proto__).toBeUndefined();
    });
  });

  describe('Given a header or query value that is not a string', () => {
    it.each([
      ['headers', 'constructor'],
      ['headers', '__proto__'],
      ['queryParameters', 'toString'],
    ])('rejects %s.%s with InvalidInputError naming it', (field, name) => {
      // Prepare
      const event = `{"version":"v1","rawPath":"/","${field}":{"${name}":7},"requestContext":{"http":{"method":"GET","path":"/"}}}`;

      // Act
      const parse = () => parseFcHttpEvent(event);

      // Assess
      expect(parse).toThrow(InvalidInputError);
      expect(parse).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: `event.${field}.${name}` })] }));
    });

    it.each([
      ['an array', '[]'],
      ['a string', '"a=1"'],
    ])('rejects headers that are %s', (_label, json) => {
      // Act + Assess
      expect(() => parseFcHttpEvent(`{"version":"v1","rawPath":"/","headers":${json},"requestContext":{"http":{"method":"GET","path":"/"}}}`)).toThrow(
        expect.objectContaining({ issues: [expect.objectContaining({ path: 'event.headers' })] }),
      );
    });
  });

  describe('Given arbitrary header and query names (property)', () => {
    const name = fc.oneof(fc.constantFrom(...MIXED_CASE), fc.string({ minLength: 1, maxLength: 12 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }));
    const entries = fc.uniqueArray(fc.tuple(name, fc.string({ maxLength: 8 })), { selector: ([n]) => n, maxLength: 12 });

    it('hands every name through as data: headers lower-cased and comma-joined, query exactly as sent', () => {
      fc.assert(
        fc.property(entries, entries, (headerEntries, queryEntries) => {
          // Prepare
          const headers = record(headerEntries);
          const query = record(queryEntries);
          // JSON keeps the object's own key order, which is the order FC's repeats are joined in.
          const expectedHeaders = new Map<string, string>();
          for (const [n, v] of Object.entries(headers)) {
            const key = n.toLowerCase();
            const seen = expectedHeaders.get(key);
            expectedHeaders.set(key, seen === undefined ? v : `${seen},${v}`);
          }

          // Act
          const parsed = parseFcEvent(eventWith(headers, query));

          // Assess
          expect(parsed.kind).toBe('http');
          if (parsed.kind !== 'http') return;
          expect(new Map(Object.entries(parsed.http.headers))).toEqual(expectedHeaders);
          expect(new Map(Object.entries(parsed.http.query))).toEqual(new Map(Object.entries(query)));
          expect(Object.getPrototypeOf(parsed.http.headers)).toBeNull();
          expect(Object.getPrototypeOf(parsed.http.query)).toBeNull();
          expect(parsed.http.path).toBe('/healthz');
        }),
        { numRuns: 300 },
      );
    });
  });
});
