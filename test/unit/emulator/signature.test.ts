import { describe, expect, it } from 'vitest';
import {
  buildRpcStringToSign,
  canonicalizeRpcParams,
  computeRpcSignature,
  popEncode,
  verifyRpcSignature,
} from '../../../local/emulator/signature';

/** The published POP v1 example (secret "testsecret"), ons-api.md §4. */
function buildPublishedParams(timestampKey: 'TimeStamp' | 'Timestamp'): Record<string, string> {
  return {
    AccessKeyId: 'testid',
    Action: 'DescribeRegions',
    Format: 'XML',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
    SignatureVersion: '1.0',
    [timestampKey]: '2016-02-23T12:46:24Z',
    Version: '2014-05-26',
  };
}

describe('Function: computeRpcSignature()', () => {
  it('builds the published string to sign', () => {
    const stringToSign = buildRpcStringToSign('GET', buildPublishedParams('TimeStamp'));

    expect(stringToSign).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26TimeStamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
  });

  it.each([
    { timestampKey: 'TimeStamp' as const, expected: 'CT9X0VtwR86fNWSnsc6v8YGOjuE=' },
    { timestampKey: 'Timestamp' as const, expected: 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=' },
  ])('reproduces the published vector with key $timestampKey', ({ timestampKey, expected }) => {
    const signature = computeRpcSignature({ method: 'GET', params: buildPublishedParams(timestampKey), accessKeySecret: 'testsecret' });

    expect(signature).toBe(expected);
  });

  it('ignores a Signature parameter already present', () => {
    const params = buildPublishedParams('Timestamp');

    const signature = computeRpcSignature({ method: 'get', params: { ...params, Signature: 'anything' }, accessKeySecret: 'testsecret' });

    expect(signature).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('depends on the HTTP method', () => {
    const params = buildPublishedParams('Timestamp');

    const viaPost = computeRpcSignature({ method: 'POST', params, accessKeySecret: 'testsecret' });

    expect(viaPost).not.toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });
});

describe('Function: verifyRpcSignature()', () => {
  const params = buildPublishedParams('Timestamp');
  const signature = 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=';

  it('accepts the right signature', () => {
    expect(verifyRpcSignature({ method: 'GET', params, accessKeySecret: 'testsecret', signature })).toBe(true);
  });

  it('rejects a signature with one byte changed', () => {
    const tampered = `P${signature.slice(1)}`;

    expect(verifyRpcSignature({ method: 'GET', params, accessKeySecret: 'testsecret', signature: tampered })).toBe(false);
  });

  it('rejects params with one byte changed', () => {
    const tampered = { ...params, AccessKeyId: 'testie' };

    expect(verifyRpcSignature({ method: 'GET', params: tampered, accessKeySecret: 'testsecret', signature })).toBe(false);
  });

  it('rejects a wrong secret', () => {
    expect(verifyRpcSignature({ method: 'GET', params, accessKeySecret: 'testsecreT', signature })).toBe(false);
  });

  it.each(['', 'short', `${signature}A`, '🚚'.repeat(20)])('returns false without throwing for a signature of another length (%s)', (candidate) => {
    expect(verifyRpcSignature({ method: 'GET', params, accessKeySecret: 'testsecret', signature: candidate })).toBe(false);
  });
});

describe('Function: popEncode()', () => {
  it.each([
    { input: 'a b', expected: 'a%20b' },
    { input: 'a~b', expected: 'a~b' },
    { input: 'a+b', expected: 'a%2Bb' },
    { input: "!'()*", expected: '%21%27%28%29%2A' },
    { input: '-_.', expected: '-_.' },
    { input: '/:=&', expected: '%2F%3A%3D%26' },
    { input: 'é', expected: '%C3%A9' },
    { input: '订单', expected: '%E8%AE%A2%E5%8D%95' },
    { input: '🚚', expected: '%F0%9F%9A%9A' },
  ])('encodes $input as $expected', ({ input, expected }) => {
    expect(popEncode(input)).toBe(expected);
  });
});

describe('Function: canonicalizeRpcParams()', () => {
  it('sorts raw keys by UTF-16 code unit (upper case before lower case) and encodes both sides', () => {
    const canonical = canonicalizeRpcParams({ b: '1', B: 'x y', a: '+', 'A.1': '~' });

    expect(canonical).toBe('A.1=~&B=x%20y&a=%2B&b=1');
  });

  it('excludes Signature and keeps empty values', () => {
    const canonical = canonicalizeRpcParams({ Signature: 'sig', Empty: '', Z: 'z' });

    expect(canonical).toBe('Empty=&Z=z');
  });

  it('encodes unicode keys and values', () => {
    const canonical = canonicalizeRpcParams({ 'Tópic': '订单 ✓' });

    expect(canonical).toBe('T%C3%B3pic=%E8%AE%A2%E5%8D%95%20%E2%9C%93');
  });

  it('works on null-prototype records with a __proto__ key', () => {
    const params: Record<string, string> = Object.create(null);
    params.__proto__ = 'x';
    params.Action = 'OnsMessageTrace';

    expect(canonicalizeRpcParams(params)).toBe('Action=OnsMessageTrace&__proto__=x');
  });
});
