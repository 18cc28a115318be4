import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildHttpEvent, canonicalHeaderName } from '../../../local/runner/http-trigger';
import { parseFcHttpEvent } from '../../../shared/http/fc-http-event';

const META = { accountId: '1234567890123456', requestId: '1-00000000-000000000000000000000000', nowMs: 1_761_364_800_000 };

function requestWith(rawHeaders: string[], url: string) {
  return { method: 'GET', url, rawHeaders, httpVersion: '1.1', body: Buffer.alloc(0) };
}

function ownEntries(value: unknown): Array<[string, unknown]> {
  return Object.entries(value as Record<string, unknown>);
}

describe('Function: canonicalHeaderName', () => {
  it.each([
    ['accept-encoding', 'Accept-Encoding'],
    ['X-FC-REQUEST-ID', 'X-Fc-Request-Id'],
    ['constructor', 'Constructor'],
    ['Constructor', 'Constructor'],
    ['__proto__', '__proto__'],
    ['toString', 'Tostring'],
    ['HASOWNPROPERTY', 'Hasownproperty'],
    ['x--y', 'X--Y'],
    ['1st-try', '1st-Try'],
  ])('writes %s as %s, as Go net/http (and so FC 3.0) does', (name, canonical) => {
    expect(canonicalHeaderName(name)).toBe(canonical);
  });

  it('leaves a name with a character outside the HTTP token set as it is', () => {
    expect(canonicalHeaderName('bad name')).toBe('bad name');
  });
});

describe('Function: buildHttpEvent with names that Object.prototype also has', () => {
  it('sends `Constructor`, `__proto__` and the query `constructor`, `__proto__`, `toString` as ordinary names', () => {
    // Act
    const event = buildHttpEvent(
      requestWith(['Host', 'localhost', 'Constructor', 'x', '__proto__', 'y', 'constructor', 'z', 'toString', 't'], '/healthz?constructor=1&__proto__=2&toString=3'),
      META,
    );

    // Assess: FC canonicalises header names and comma-joins repeats; the function lower-cases them.
    expect(ownEntries(event.headers)).toEqual([
      ['Host', 'localhost'],
      ['Constructor', 'x,z'],
      ['__proto__', 'y'],
      ['Tostring', 't'],
    ]);
    expect(ownEntries(event.queryParameters)).toEqual([
      ['constructor', '1'],
      ['__proto__', '2'],
      ['toString', '3'],
    ]);
    const request = parseFcHttpEvent(Buffer.from(JSON.stringify(event)));
    expect(ownEntries(request.headers)).toEqual([
      ['host', 'localhost'],
      ['constructor', 'x,z'],
      ['__proto__', 'y'],
      ['tostring', 't'],
    ]);
    expect(ownEntries(request.query)).toEqual([
      ['constructor', '1'],
      ['__proto__', '2'],
      ['toString', '3'],
    ]);
  });

  describe('Given arbitrary header names and query names (property)', () => {
    const tokenChar = fc.constantFrom(...'!#$%&\'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const headerName = fc.oneof(
      fc.constantFrom('constructor', 'Constructor', '__proto__', 'toString', 'TOSTRING', 'hasOwnProperty', 'valueOf', 'content-type', 'Content-Type'),
      fc.string({ unit: tokenChar, minLength: 1, maxLength: 10 }),
    );
    // Header values as a client can send them: visible ASCII, no leading or trailing space.
    const headerValue = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_,;=/ '), maxLength: 8 }).map((v) => v.trim());
    const queryName = fc.oneof(fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty'), fc.string({ minLength: 1, maxLength: 8 }));

    it('carries every name through the runner event and the function parser as data', () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(headerName, headerValue), { maxLength: 10 }),
          fc.array(fc.tuple(queryName, fc.string({ maxLength: 6 })), { maxLength: 10 }),
          (headers, query) => {
            // Prepare
            const join = (pairs: Array<[string, string]>, rename: (n: string) => string) => {
              const joined = new Map<string, string>();
              for (const [n, v] of pairs) {
                const seen = joined.get(rename(n));
                joined.set(rename(n), seen === undefined ? v : `${seen},${v}`);
              }
              return joined;
            };
            const url = `/healthz?${new URLSearchParams(query)}`;

            // Act
            const event = buildHttpEvent(requestWith(headers.flat(), url), META);
            const request = parseFcHttpEvent(Buffer.from(JSON.stringify(event)));

            // Assess
            expect(new Map(ownEntries(event.headers))).toEqual(join(headers, canonicalHeaderName));
            expect(new Map(ownEntries(event.queryParameters))).toEqual(join(query, (n) => n));
            expect(new Map(Object.entries(request.headers))).toEqual(join(headers, (n) => n.toLowerCase()));
            expect(new Map(Object.entries(request.query))).toEqual(join(query, (n) => n));
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
