import { timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import { UnauthenticatedError } from '../../errors';

/**
 * How far a callback's `timestamp` may be from now. WeCom documents no window; it redelivers
 * within seconds (5 s, up to 3 times), so five minutes refuses replays without refusing those.
 * UNVERIFIED.
 */
export const WECOM_MAX_SKEW_SECONDS = 5 * 60;

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^[0-9a-f]{40}$/;

export interface WeComSignedQuery {
  msg_signature?: string | undefined;
  timestamp?: string | undefined;
  nonce?: string | undefined;
}

/**
 * Verifies a callback's `msg_signature` (round2.md §6.3, `@wecom/crypto`): hex SHA-1 of the sorted,
 * concatenated token, timestamp, nonce and the encrypted text (`echostr` or `<Encrypt>`), within
 * {@link WECOM_MAX_SKEW_SECONDS}. Throws {@link UnauthenticatedError} whose message is the reason.
 */
export function verifyWeComSignature(input: { token: string; query: WeComSignedQuery; encrypted: string; nowMs: number }): void {
  const { msg_signature: signature, timestamp, nonce } = input.query;
  if (signature === undefined) throw new UnauthenticatedError('wecom signature: missing msg_signature');
  if (timestamp === undefined || nonce === undefined) throw new UnauthenticatedError('wecom signature: missing timestamp or nonce');
  if (!TIMESTAMP.test(timestamp)) throw new UnauthenticatedError('wecom signature: malformed timestamp');
  const skew = Math.floor(input.nowMs / 1000) - Number(timestamp);
  if (skew > WECOM_MAX_SKEW_SECONDS) throw new UnauthenticatedError('wecom signature: timestamp is more than 5 minutes old');
  if (skew < -WECOM_MAX_SKEW_SECONDS) throw new UnauthenticatedError('wecom signature: timestamp is more than 5 minutes in the future');
  const given = signature.trim().toLowerCase();
  if (!SIGNATURE.test(given)) throw new UnauthenticatedError('wecom signature: malformed msg_signature');
  const expected = getSignature(input.token, timestamp, nonce, input.encrypted);
  if (!timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'))) throw new UnauthenticatedError('wecom signature: mismatch');
}

/**
 * Decrypts a callback's encrypted text with the EncodingAESKey (`@wecom/crypto`: AES-256-CBC,
 * key = base64(EncodingAESKey + "="), IV = its first 16 bytes, PKCS#7 to 32) and checks that it was
 * meant for `receiveId` (the CorpID, for an app). Throws {@link UnauthenticatedError}.
 */
export function decryptWeCom(encodingAesKey: string, encrypted: string, receiveId: string): string {
  let opened: { message: string; id: string };
  try {
    opened = decrypt(encodingAesKey, encrypted);
  } catch {
    throw new UnauthenticatedError('wecom decrypt: does not decrypt with WECOM_ENCODING_AES_KEY');
  }
  if (opened.id !== receiveId) throw new UnauthenticatedError('wecom decrypt: receiveId is not WECOM_CORP_ID');
  return opened.message;
}

/** Encrypts a reply (or, for the fakes, a callback) for `receiveId`, and signs it. */
export function sealWeCom(input: { token: string; encodingAesKey: string; receiveId: string; message: string; timestamp: string; nonce: string }): { encrypted: string; signature: string } {
  const encrypted = encrypt(input.encodingAesKey, input.message, input.receiveId);
  return { encrypted, signature: getSignature(input.token, input.timestamp, input.nonce, encrypted) };
}
