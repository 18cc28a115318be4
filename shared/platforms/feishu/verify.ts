import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../../errors';

/**
 * How far `X-Lark-Request-Timestamp` may be from now. Feishu documents no window (its SDK checks
 * none); five minutes, as Slack's, refuses replays while redeliveries (15 s, 5 min, 1 h, 6 h)
 * carry a fresh timestamp. UNVERIFIED that redeliveries re-sign; a refused stale redelivery costs
 * nothing, since the first delivery was acted on (event_id is de-duplicated).
 */
export const FEISHU_MAX_SKEW_SECONDS = 5 * 60;

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

/**
 * Feishu's event signature (round2.md §6.1): hex SHA-256 (not an HMAC) of
 * `timestamp + nonce + encryptKey + body`, over the raw body bytes.
 */
export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer | string): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}

export interface FeishuVerifyInput {
  encryptKey: string;
  /** Lower-cased request headers. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The exact bytes Feishu sent. */
  rawBody: Buffer;
  nowMs: number;
}

/**
 * Verifies `X-Lark-Signature` against {@link feishuSignature}, within
 * {@link FEISHU_MAX_SKEW_SECONDS}. Throws {@link UnauthenticatedError} whose message is the reason.
 *
 * @example
 * verifyFeishuSignature({ encryptKey, headers: request.headers, rawBody: request.rawBody, nowMs: Date.now() });
 */
export function verifyFeishuSignature(input: FeishuVerifyInput): void {
  const timestamp = input.headers['x-lark-request-timestamp'];
  const nonce = input.headers['x-lark-request-nonce'];
  const signature = input.headers['x-lark-signature'];
  if (timestamp === undefined) throw new UnauthenticatedError('feishu signature: missing x-lark-request-timestamp');
  if (nonce === undefined) throw new UnauthenticatedError('feishu signature: missing x-lark-request-nonce');
  if (signature === undefined) throw new UnauthenticatedError('feishu signature: missing x-lark-signature');
  if (!TIMESTAMP.test(timestamp)) throw new UnauthenticatedError('feishu signature: malformed timestamp');
  const skew = Math.floor(input.nowMs / 1000) - Number(timestamp);
  if (skew > FEISHU_MAX_SKEW_SECONDS) throw new UnauthenticatedError('feishu signature: timestamp is more than 5 minutes old');
  if (skew < -FEISHU_MAX_SKEW_SECONDS) throw new UnauthenticatedError('feishu signature: timestamp is more than 5 minutes in the future');
  const given = signature.trim().toLowerCase();
  if (!SIGNATURE.test(given)) throw new UnauthenticatedError('feishu signature: malformed x-lark-signature');
  const expected = feishuSignature(timestamp, nonce, input.encryptKey, input.rawBody);
  if (!timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'))) throw new UnauthenticatedError('feishu signature: mismatch');
}

/** Compares the Verification Token an event carries with the configured one, in constant time. */
export function verifyFeishuToken(expected: string, given: unknown): void {
  if (typeof given !== 'string') throw new UnauthenticatedError('feishu token: missing verification token');
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  if (!timingSafeEqual(a, b)) throw new UnauthenticatedError('feishu token: mismatch');
}

/** The AES-256 key of an Encrypt Key: its SHA-256 (round2.md §6.1). */
function aesKey(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey).digest();
}

/**
 * Decrypts an `encrypt` field: base64 of IV (16 bytes) followed by AES-256-CBC ciphertext with
 * PKCS#7 padding, keyed by SHA-256 of the Encrypt Key. Throws {@link UnauthenticatedError} when it
 * does not decrypt to UTF-8 text (a wrong key, or not Feishu's).
 */
export function decryptFeishu(encryptKey: string, encrypt: string): string {
  const blob = Buffer.from(encrypt, 'base64');
  if (blob.length < 32 || (blob.length - 16) % 16 !== 0) throw new UnauthenticatedError('feishu decrypt: malformed encrypt');
  try {
    const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), blob.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(blob.subarray(16)), decipher.final()]);
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new UnauthenticatedError('feishu decrypt: does not decrypt with FEISHU_ENCRYPT_KEY');
  }
}

/** Encrypts like Feishu does (for the local fakes and examples). */
export function encryptFeishu(encryptKey: string, plaintext: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}
