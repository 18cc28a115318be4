import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acs3Encode,
  buildAcs3SignedHeaders,
  canonicalQueryString,
  canonicalUri,
  checkAcs3Request,
  parseAcs3Authorization,
  parseAcs3Date,
  verifyAcs3Signature,
  type Acs3Request,
} from '../../../local/signing/acs3-signature';
import type { CapturedRequest } from '../../../local/signing/capture-sdk-request';

/** A real ListTraces request of the official SDK, recorded by local/signing/capture-sdk-request.ts. */
const FIXTURE = JSON.parse(readFileSync(new URL('../../fixtures/acs3/rocketmq-list-traces-sts.json', import.meta.url), 'utf8')) as CapturedRequest;

function toRequest(captured: CapturedRequest): Acs3Request {
  const q = captured.url.indexOf('?');
  const path = q === -1 ? captured.url : captured.url.slice(0, q);
  const query = new Map<string, string>();
  for (const pair of (q === -1 ? '' : captured.url.slice(q + 1)).split('&').filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    query.set(decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1)));
  }
  const headers = new Map<string, string[]>();
  for (const [name, value] of captured.rawHeaders) {
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return { method: captured.method, path, query, headers, body: Buffer.from(captured.bodyBase64, 'base64') };
}

function fixtureDateMs(): number {
  const date = FIXTURE.rawHeaders.find(([name]) => name === 'x-acs-date')?.[1] ?? '';
  return parseAcs3Date(date) ?? Number.NaN;
}

/** Runs both verification steps with the fixture's secret; returns 'OK' or the rejection reason. */
function verify(request: Acs3Request, secret: string = FIXTURE.credential.accessKeySecret, nowMs: number = fixtureDateMs()): string {
  const checked = checkAcs3Request(request, { nowMs });
  if (!checked.ok) {
    return checked.reason;
  }
  const verified = verifyAcs3Signature(request, checked.authorization, secret);
  return verified.ok ? 'OK' : verified.reason;
}

function withHeader(request: Acs3Request, name: string, value: string | undefined): Acs3Request {
  const headers = new Map(request.headers);
  if (value === undefined) {
    headers.delete(name);
  } else {
    headers.set(name, value);
  }
  return { ...request, headers };
}

function withQuery(request: Acs3Request, name: string, value: string | undefined): Acs3Request {
  const query = new Map(request.query);
  if (value === undefined) {
    query.delete(name);
  } else {
    query.set(name, value);
  }
  return { ...request, query };
}

function authorizationOf(request: Acs3Request): string {
  const value = request.headers.get('Authorization');
  return typeof value === 'string' ? value : (value?.[0] ?? '');
}

describe('Fixture: a ListTraces request recorded from @alicloud/rocketmq20220801', () => {
  it('is accepted as recorded', () => {
    expect(verify(toRequest(FIXTURE))).toBe('OK');
  });

  it('has the shape the emulator relies on (ACS3, STS headers, empty-body hash)', () => {
    const auth = parseAcs3Authorization(authorizationOf(toRequest(FIXTURE)));

    expect(auth).toMatchObject({ algorithm: 'ACS3-HMAC-SHA256', accessKeyId: FIXTURE.credential.accessKeyId });
    expect(auth?.signedHeaders).toStrictEqual([
      'host',
      'x-acs-accesskey-id',
      'x-acs-action',
      'x-acs-content-sha256',
      'x-acs-credentials-provider',
      'x-acs-date',
      'x-acs-security-token',
      'x-acs-signature-nonce',
      'x-acs-version',
    ]);
    expect(FIXTURE.url.startsWith('/instances/rmq-cn-demo5x0001/topics/orders-5x/traces?')).toBe(true);
  });

  it('is rejected with a wrong secret', () => {
    expect(verify(toRequest(FIXTURE), 'another-secret-entirely')).toBe('SIGNATURE_MISMATCH');
  });

  const signedHeaderNames = FIXTURE.rawHeaders.map(([name]) => name).filter((name) => name === 'host' || name.startsWith('x-acs-'));

  it.each(signedHeaderNames.filter((name) => name !== 'x-acs-content-sha256' && name !== 'x-acs-date'))(
    'rejects a changed value of signed header %s',
    (name) => {
      const request = toRequest(FIXTURE);
      const original = request.headers.get(name);
      const value = typeof original === 'string' ? original : (original?.[0] ?? '');

      expect(verify(withHeader(request, name, `${value}0`))).toBe('SIGNATURE_MISMATCH');
    },
  );

  it('rejects a changed x-acs-date (still inside the window)', () => {
    const request = toRequest(FIXTURE);
    const changed = new Date(fixtureDateMs() + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

    expect(verify(withHeader(request, 'x-acs-date', changed))).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects an x-acs-content-sha256 that is not the body hash', () => {
    const request = toRequest(FIXTURE);

    expect(verify(withHeader(request, 'x-acs-content-sha256', 'f'.repeat(64)))).toBe('CONTENT_SHA256_MISMATCH');
  });

  it('rejects a body that was not signed', () => {
    const request = { ...toRequest(FIXTURE), body: Buffer.from('{}') };

    expect(verify(request)).toBe('CONTENT_SHA256_MISMATCH');
  });

  it.each([...toRequest(FIXTURE).query.keys()])('rejects a changed value of query parameter %s', (name) => {
    const request = toRequest(FIXTURE);

    expect(verify(withQuery(request, name, `${request.query.get(name) ?? ''}0`))).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects an added and a removed query parameter', () => {
    const request = toRequest(FIXTURE);

    expect(verify(withQuery(request, 'messageId', '01AA'))).toBe('SIGNATURE_MISMATCH');
    expect(verify(withQuery(request, 'pageSize', undefined))).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects a changed path and a changed method', () => {
    const request = toRequest(FIXTURE);

    expect(verify({ ...request, path: request.path.replace('orders-5x', 'orders-5y') })).toBe('SIGNATURE_MISMATCH');
    expect(verify({ ...request, method: 'POST' })).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects a signed-headers list without one x-acs header, and one listing an extra header', () => {
    const request = toRequest(FIXTURE);
    const auth = authorizationOf(request);

    expect(verify(withHeader(request, 'Authorization', auth.replace('x-acs-date;', '')))).toBe('UNSIGNED_HEADER');
    expect(verify(withHeader(request, 'Authorization', auth.replace('host;', 'accept;host;')))).toBe('SIGNATURE_MISMATCH');
    expect(verify(withHeader(request, 'Authorization', auth.replace('host;', 'content-type;host;')))).toBe('SIGNED_HEADER_ABSENT');
  });

  it('rejects an unsigned x-acs header that was added', () => {
    expect(verify(withHeader(toRequest(FIXTURE), 'x-acs-extra', 'v'))).toBe('UNSIGNED_HEADER');
  });

  it('rejects a changed signature, credential and algorithm', () => {
    const request = toRequest(FIXTURE);
    const auth = authorizationOf(request);
    const flipped = auth.replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === '0' ? '1' : '0'}`);

    expect(verify(withHeader(request, 'Authorization', flipped))).toBe('SIGNATURE_MISMATCH');
    expect(verify(withHeader(request, 'Authorization', auth.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3')))).toBe('UNSUPPORTED_ALGORITHM');
    expect(verify(withHeader(request, 'Authorization', auth.replace('Credential=', 'Credentials=')))).toBe('MALFORMED_AUTHORIZATION');
    expect(verify(withHeader(request, 'Authorization', undefined))).toBe('MISSING_AUTHORIZATION');
  });

  it('rejects the recorded request 15 minutes and 1 second later or earlier, and accepts it at exactly 15 minutes', () => {
    const request = toRequest(FIXTURE);
    const at = fixtureDateMs();

    expect(verify(request, undefined, at + 15 * 60_000)).toBe('OK');
    expect(verify(request, undefined, at + 15 * 60_000 + 1000)).toBe('DATE_EXPIRED');
    expect(verify(request, undefined, at - 15 * 60_000 - 1000)).toBe('DATE_EXPIRED');
  });
});

describe('Function: buildAcs3SignedHeaders()', () => {
  it('produces what the SDK produced for the same request, nonce and date', () => {
    const recorded = toRequest(FIXTURE);
    const header = (name: string): string => FIXTURE.rawHeaders.find(([n]) => n === name)?.[1] ?? '';

    const { headers } = buildAcs3SignedHeaders({
      method: 'GET',
      host: header('host'),
      path: recorded.path,
      query: recorded.query,
      action: 'ListTraces',
      version: '2022-08-01',
      ...FIXTURE.credential,
      nowMs: fixtureDateMs(),
      nonce: header('x-acs-signature-nonce'),
      extraHeaders: new Map([['x-acs-credentials-provider', header('x-acs-credentials-provider')]]),
    });

    expect(headers.get('Authorization')).toBe(header('Authorization'));
  });

  it('signs a JSON body with content-type and a hash that the checker accepts', () => {
    const body = Buffer.from('{"a":1}');
    const nowMs = Date.UTC(2025, 11, 1, 8, 0, 0);
    const { headers } = buildAcs3SignedHeaders({
      method: 'POST',
      host: 'example.test',
      path: '/a/b',
      body,
      contentType: 'application/json; charset=utf-8',
      action: 'X',
      version: '2022-08-01',
      accessKeyId: 'ak',
      accessKeySecret: 'sk',
      nowMs,
      nonce: 'n1',
    });
    const request: Acs3Request = { method: 'POST', path: '/a/b', query: new Map(), headers, body };

    expect(parseAcs3Authorization(headers.get('Authorization') ?? '')?.signedHeaders).toContain('content-type');
    expect(verify(request, 'sk', nowMs)).toBe('OK');
  });
});

describe('Function: canonicalQueryString() and canonicalUri()', () => {
  it('encodes RFC 3986 style and sorts', () => {
    const query = new Map([
      ['b', "x y*(z)'!~"],
      ['a', '1:2/3'],
      ['empty', ''],
    ]);

    expect(canonicalQueryString(query)).toBe('a=1%3A2%2F3&b=x%20y%2A%28z%29%27%21~&empty=');
    expect(acs3Encode('~-._')).toBe('~-._');
  });

  it('rewrites +, * and %7E in the path like the SDK', () => {
    expect(canonicalUri('/a+b/c*d/%7Ee')).toBe('/a%20b/c%2Ad/~e');
  });
});

describe('Function: parseAcs3Date()', () => {
  it.each(['2025-02-30T00:00:00Z', '2025-01-01T00:00:00.000Z', '2025-01-01 00:00:00', ''])('rejects %j', (value) => {
    expect(parseAcs3Date(value)).toBeUndefined();
  });

  it('parses a valid value', () => {
    expect(parseAcs3Date('2025-01-01T00:00:01Z')).toBe(Date.UTC(2025, 0, 1, 0, 0, 1));
  });
});

describe('Function: parseAcs3Authorization()', () => {
  it.each([
    'ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=ab,Signature=ab',
    'ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host;host,Signature=ab',
    'ACS3-HMAC-SHA256 Credential=a,SignedHeaders=Host,Signature=ab',
    'ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host',
    'ACS3-HMAC-SHA256',
  ])('rejects %j', (value) => {
    expect(parseAcs3Authorization(value)).toBeUndefined();
  });

  it('accepts the fields in any order with spaces after commas', () => {
    expect(parseAcs3Authorization('ACS3-HMAC-SHA256 Signature=ab, Credential=a, SignedHeaders=host;x-acs-date')).toStrictEqual({
      algorithm: 'ACS3-HMAC-SHA256',
      accessKeyId: 'a',
      signedHeaders: ['host', 'x-acs-date'],
      signature: 'ab',
    });
  });
});

describe('Property: sign, then check and verify', () => {
  const query = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 24 }), { maxKeys: 6 });

  it('accepts whatever buildAcs3SignedHeaders signed, in any query order, and rejects a changed query value', () => {
    fc.assert(
      fc.property(query, fc.string({ maxLength: 64 }), fc.string({ minLength: 1, maxLength: 8 }), (params, body, extra) => {
        const nowMs = Date.UTC(2025, 5, 1);
        const entries = Object.entries(params);
        const bytes = Buffer.from(body, 'utf8');
        const { headers } = buildAcs3SignedHeaders({
          method: 'POST',
          host: 'h.test',
          path: '/p/q',
          query: new Map(entries),
          body: bytes,
          contentType: 'application/json',
          action: 'A',
          version: 'V',
          accessKeyId: 'ak',
          accessKeySecret: 'sk',
          nowMs,
          nonce: 'n',
        });
        const reversed: Acs3Request = { method: 'POST', path: '/p/q', query: new Map([...entries].reverse()), headers, body: bytes };

        expect(verify(reversed, 'sk', nowMs)).toBe('OK');
        const [first] = entries;
        if (first !== undefined) {
          expect(verify(withQuery(reversed, first[0], `${first[1]}${extra}`), 'sk', nowMs)).toBe('SIGNATURE_MISMATCH');
        }
      }),
    );
  });
});
