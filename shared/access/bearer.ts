import * as crypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../errors';

/** A configured API token: its name and the hex SHA-256 of the token. */
export interface BearerToken {
  name: string;
  sha256: string;
}

const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i;

/**
 * Authenticates an `Authorization: Bearer <token>` header against configured SHA-256 hashes.
 * The presented token is hashed and compared with every configured hash in constant time, without
 * stopping at a match, so the answer time does not depend on which entry (if any) matched.
 * Throws {@link UnauthenticatedError}; its message is for the log and names no token or hash.
 */
export function authenticateBearer<T extends BearerToken>({ header, tokens }: { header: string | undefined; tokens: readonly T[] }): T {
  if (tokens.length === 0) throw new UnauthenticatedError('no API token is configured');
  if (header === undefined || header === '') throw new UnauthenticatedError('missing bearer token');
  const presented = BEARER.exec(header)?.[1];
  if (!presented) throw new UnauthenticatedError('malformed Authorization header');
  const digest = sha256(presented);
  let matched: T | undefined;
  for (const token of tokens) {
    const expected = expectedDigest(token);
    // Configured hashes are validated as 64 hex digits; the length check only guards against a bypass of that schema.
    const equal = expected.length === digest.length && timingSafeEqual(expected, digest);
    if (equal && !matched) matched = token;
  }
  if (!matched) throw new UnauthenticatedError('unknown bearer token');
  return matched;
}

// The one-shot crypto.hash (Node 20.12+) runs far less code per request than a Hash stream.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;
const sha256 = (text: string): Buffer => (oneShot ? oneShot('sha256', text, 'buffer') : createHash('sha256').update(text, 'utf8').digest());

// Configured tokens live as long as the instance: each hash is decoded once, not per request.
const digests = new WeakMap<BearerToken, Buffer>();
function expectedDigest(token: BearerToken): Buffer {
  let digest = digests.get(token);
  if (digest === undefined) {
    digest = Buffer.from(token.sha256, 'hex');
    digests.set(token, digest);
  }
  return digest;
}

/** The hex SHA-256 of a token, as configured in `http.tokens[].sha256`. */
export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
