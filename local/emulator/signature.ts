import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Percent-encodes a string the way POP v1 (and `@alicloud/pop-core`) does: `encodeURIComponent`,
 * then `! ' ( ) *` become `%21 %27 %28 %29 %2A`. Space becomes `%20`, `~` stays, `+` becomes `%2B`.
 *
 * @param str - The raw (decoded) string.
 * @returns The encoded string.
 * @example
 * popEncode("a b*c"); // 'a%20b%2Ac'
 */
export function popEncode(str: string): string {
  return encodeURIComponent(str)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2A');
}

/**
 * Builds the canonicalized query string of an RPC request: raw keys sorted with the JS default sort
 * (UTF-16 code-unit order), each pair written as `popEncode(key)=popEncode(value)`, joined by `&`.
 * The `Signature` parameter itself is excluded.
 *
 * @param params - Decoded request parameters.
 * @returns The canonicalized string that is signed.
 */
export function canonicalizeRpcParams(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => key !== 'Signature')
    .sort()
    .map((key) => `${popEncode(key)}=${popEncode(params[key] ?? '')}`)
    .join('&');
}

/**
 * Builds the POP v1 string to sign: `METHOD&%2F&popEncode(canonicalized)`.
 *
 * @param method - HTTP method, upper-cased by this function.
 * @param params - Decoded request parameters (`Signature` is ignored).
 * @returns The string to sign.
 */
export function buildRpcStringToSign(method: string, params: Readonly<Record<string, string>>): string {
  return `${method.toUpperCase()}&${popEncode('/')}&${popEncode(canonicalizeRpcParams(params))}`;
}

/** Input of {@link computeRpcSignature}. */
export interface ComputeRpcSignatureInput {
  method: string;
  params: Readonly<Record<string, string>>;
  accessKeySecret: string;
}

/**
 * Computes the POP v1 RPC signature: base64 of HMAC-SHA1 over the string to sign, keyed with
 * `accessKeySecret + '&'`.
 *
 * @param input - Method, decoded params and the AccessKey secret.
 * @returns The base64 signature (not URL-encoded).
 * @example
 * computeRpcSignature({ method: 'GET', params: { Action: 'DescribeRegions' }, accessKeySecret: 'testsecret' });
 */
export function computeRpcSignature(input: ComputeRpcSignatureInput): string {
  return createHmac('sha1', `${input.accessKeySecret}&`)
    .update(buildRpcStringToSign(input.method, input.params), 'utf8')
    .digest('base64');
}

/** Input of {@link verifyRpcSignature}. */
export interface VerifyRpcSignatureInput extends ComputeRpcSignatureInput {
  signature: string;
}

/**
 * Checks a received signature against the one computed from the request, in constant time.
 *
 * @param input - Method, decoded params, the AccessKey secret and the received (decoded) signature.
 * @returns `true` when the signatures match.
 */
export function verifyRpcSignature(input: VerifyRpcSignatureInput): boolean {
  const expected = Buffer.from(computeRpcSignature(input), 'utf8');
  const received = Buffer.from(input.signature, 'utf8');
  // timingSafeEqual throws on unequal lengths; compare against itself to keep the work constant.
  if (expected.length !== received.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, received);
}
