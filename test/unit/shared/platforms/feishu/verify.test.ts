import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../../../../shared/errors';
import { decryptFeishu, encryptFeishu, feishuSignature, verifyFeishuSignature, verifyFeishuToken } from '../../../../../shared/platforms/feishu/verify';

const KEY = 'encrypt-key-for-tests';
const NOW_MS = 1_700_000_100_000;
const TS = '1700000000';

describe('Function: feishuSignature', () => {
  it('matches a known answer: hex SHA-256 of timestamp + nonce + encryptKey + body (sha256sum of the same bytes)', () => {
    // printf '%s' '1700000000nonce-abcencrypt-key-for-tests{"schema":"2.0"}' | sha256sum
    expect(feishuSignature(TS, 'nonce-abc', KEY, Buffer.from('{"schema":"2.0"}'))).toBe('460ff49eaffdb34ffc30c11cb5980ceff28ec614d4952229798914a2b06051be');
  });

  it('is the documented formula for any input, computed here without the function', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string({ unit: 'grapheme' }), (nonce, key, body) => {
        const expected = createHash('sha256').update(`${TS}${nonce}${key}${body}`, 'utf8').digest('hex');
        expect(feishuSignature(TS, nonce, key, Buffer.from(body, 'utf8'))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Function: verifyFeishuSignature', () => {
  const body = Buffer.from('{"encrypt":"abc"}');
  const headers = (overrides: Record<string, string | undefined> = {}) => ({
    'x-lark-request-timestamp': TS,
    'x-lark-request-nonce': 'n1',
    'x-lark-signature': feishuSignature(TS, 'n1', KEY, body),
    ...overrides,
  });

  it('accepts the signature of the exact bytes within five minutes', () => {
    expect(() => verifyFeishuSignature({ encryptKey: KEY, headers: headers(), rawBody: body, nowMs: NOW_MS })).not.toThrow();
  });

  it.each([
    ['a tampered body', { rawBody: Buffer.from('{"encrypt":"abd"}') }, 'mismatch'],
    ['another key', { encryptKey: 'another-key' }, 'mismatch'],
    ['a stale timestamp', { nowMs: 1_700_000_301_000 }, 'more than 5 minutes old'],
    ['a timestamp from the future', { nowMs: 1_699_999_699_000 }, 'in the future'],
    ['no signature', { headers: headers({ 'x-lark-signature': undefined }) }, 'missing x-lark-signature'],
    ['no nonce', { headers: headers({ 'x-lark-request-nonce': undefined }) }, 'missing x-lark-request-nonce'],
    ['a base64 signature', { headers: headers({ 'x-lark-signature': Buffer.from('x'.repeat(32)).toString('base64') }) }, 'malformed'],
  ])('refuses %s', (_name, change, reason) => {
    const input = { encryptKey: KEY, headers: headers(), rawBody: body, nowMs: NOW_MS, ...change };
    expect(() => verifyFeishuSignature(input)).toThrow(UnauthenticatedError);
    expect(() => verifyFeishuSignature(input)).toThrow(reason);
  });
});

describe('Function: decryptFeishu', () => {
  it("decrypts the Feishu documentation's example: key \"test key\" gives \"hello world\"", () => {
    expect(decryptFeishu('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
  });

  it('reads the documented layout: IV first, AES-256-CBC keyed by SHA-256 of the Encrypt Key', () => {
    // Arrange: encrypt here, by the formula, without encryptFeishu.
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(KEY).digest(), iv);
    const blob = Buffer.concat([iv, cipher.update('{"type":"url_verification"}', 'utf8'), cipher.final()]).toString('base64');
    // Act / Assert
    expect(decryptFeishu(KEY, blob)).toBe('{"type":"url_verification"}');
  });

  it('round-trips any text, Chinese included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 2000 }), fc.string({ minLength: 1, maxLength: 64 }), (text, key) => {
        expect(decryptFeishu(key, encryptFeishu(key, text))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['another key', () => encryptFeishu('another key', 'hello', Buffer.alloc(16, 7))],
    ['a truncated blob', () => encryptFeishu(KEY, 'hello').slice(0, 20)],
    ['not base64 of a block', () => 'bm90IGEgYmxvY2s='],
  ])('refuses %s with UnauthenticatedError', (_name, blob) => {
    expect(() => decryptFeishu(KEY, blob())).toThrow(UnauthenticatedError);
  });
});

describe('Function: verifyFeishuToken', () => {
  it('accepts the configured token and refuses anything else', () => {
    expect(() => verifyFeishuToken('tok-1', 'tok-1')).not.toThrow();
    expect(() => verifyFeishuToken('tok-1', 'tok-2')).toThrow(UnauthenticatedError);
    expect(() => verifyFeishuToken('tok-1', undefined)).toThrow('missing verification token');
  });
});
