import { checkAcs3Request, verifyAcs3Signature, type Acs3Rejection, type Acs3Request } from '../../signing/acs3-signature';
import { EmulatorApiError } from '../api-errors';
import { authorizeRamAction } from '../auth';
import type { NonceStore } from '../nonce-store';
import type { CredentialEntry, SeedIndex } from '../seed-index';
import { ROCKETMQ5_API_VERSION } from './action-names';
import { RocketMq5Error, rocketMq5Error } from './errors';

/** Dependencies of {@link authenticateRocketMq5Request}. */
export interface RocketMq5AuthInput {
  request: Acs3Request;
  /** The operation the method and path resolved to; `x-acs-action` must name it. */
  action: string;
  index: SeedIndex;
  nonces: NonceStore;
  nowMs: number;
}

function header(request: Acs3Request, name: string): string | undefined {
  for (const [key, value] of request.headers) {
    if (key.toLowerCase() === name) {
      return typeof value === 'string' ? value : value.join(',');
    }
  }
  return undefined;
}

function rejectionError(rejection: Acs3Rejection): RocketMq5Error {
  switch (rejection.reason) {
    case 'MISSING_AUTHORIZATION':
      return rocketMq5Error('IncompleteSignature', { detail: 'The Authorization header is missing.' });
    case 'MALFORMED_AUTHORIZATION':
      return rocketMq5Error('IncompleteSignature', { detail: 'Authorization must be "ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...".' });
    case 'UNSUPPORTED_ALGORITHM':
      return rocketMq5Error('IncompleteSignature', { detail: `The signature algorithm ${rejection.algorithm.slice(0, 64)} is not supported.` });
    case 'MISSING_HEADER':
      return rocketMq5Error('MissingParameter', { name: rejection.header });
    case 'UNSIGNED_HEADER':
      return rocketMq5Error('IncompleteSignature', { detail: `The header ${rejection.header.slice(0, 64)} must be in SignedHeaders.` });
    case 'SIGNED_HEADER_ABSENT':
      return rocketMq5Error('IncompleteSignature', { detail: `The signed header ${rejection.header} is not in the request.` });
    case 'MALFORMED_CONTENT_SHA256':
      return rocketMq5Error('IncompleteSignature', { detail: 'x-acs-content-sha256 must be 64 lower-case hex digits.' });
    case 'CONTENT_SHA256_MISMATCH':
      return rocketMq5Error('SignatureDoesNotMatch', { detail: `x-acs-content-sha256 is not the SHA-256 of the body (${rejection.expected}).` });
    case 'MALFORMED_DATE':
      return rocketMq5Error('InvalidTimeStamp.Format');
    case 'DATE_EXPIRED':
      return rocketMq5Error('InvalidTimeStamp.Expired');
    case 'SIGNATURE_MISMATCH':
      // The canonical request is what makes a signing bug debuggable; it holds no secret.
      return rocketMq5Error('SignatureDoesNotMatch', { detail: `server canonical request is: ${JSON.stringify(rejection.canonicalRequest)}` });
  }
}

function checkSecurityToken(entry: CredentialEntry, request: Acs3Request, nowMs: number): void {
  const token = header(request, 'x-acs-security-token');
  const tokenKeyId = header(request, 'x-acs-accesskey-id');
  const expected = entry.credential.securityToken;
  if (expected === undefined) {
    // A token with a permanent AccessKey is a client bug; the gateway's answer is UNVERIFIED.
    if (token !== undefined) {
      throw rocketMq5Error('InvalidSecurityToken.MismatchWithAccessKey');
    }
    return;
  }
  if (token === undefined || token === '') {
    throw rocketMq5Error('MissingSecurityToken');
  }
  if (token !== expected || (tokenKeyId !== undefined && tokenKeyId !== entry.credential.accessKeyId)) {
    throw rocketMq5Error('InvalidSecurityToken.MismatchWithAccessKey');
  }
  const expiresAt = entry.credential.expiresAt;
  if (expiresAt !== undefined && Date.parse(expiresAt) < nowMs) {
    throw rocketMq5Error('InvalidSecurityToken.Expired');
  }
}

/**
 * Authenticates an ACS3-HMAC-SHA256 request: structure (Authorization, required and signed
 * headers, body hash), `x-acs-date` within 15 minutes, `x-acs-version` and `x-acs-action`, the
 * AccessKey, the signature, the STS token, then the nonce (only signed requests burn nonces; the
 * store is shared with the 4.x side, keyed by AccessKey id and nonce).
 *
 * @param input - Request, resolved action, seed index, nonce store and clock.
 * @returns The credential and its account.
 * @throws RocketMq5Error for every rejection (see errors.ts for codes).
 */
export function authenticateRocketMq5Request(input: RocketMq5AuthInput): CredentialEntry {
  const checked = checkAcs3Request(input.request, { nowMs: input.nowMs });
  if (!checked.ok) {
    throw rejectionError(checked);
  }
  if (header(input.request, 'x-acs-version') !== ROCKETMQ5_API_VERSION) {
    throw rocketMq5Error('InvalidVersion');
  }
  if (header(input.request, 'x-acs-action') !== input.action) {
    throw rocketMq5Error('InvalidApi.NotFound');
  }
  const accessKeyId = checked.authorization.accessKeyId;
  const entry = input.index.credentials.get(accessKeyId);
  if (entry === undefined) {
    throw rocketMq5Error('InvalidAccessKeyId.NotFound');
  }
  const verified = verifyAcs3Signature(input.request, checked.authorization, entry.credential.accessKeySecret);
  if (!verified.ok) {
    throw rejectionError(verified);
  }
  checkSecurityToken(entry, input.request, input.nowMs);
  if (!input.nonces.use(`${accessKeyId}\u0000${checked.nonce}`)) {
    throw rocketMq5Error('SignatureNonceUsed');
  }
  return entry;
}

/**
 * Checks the credential's allowed RAM actions (the 4.x wildcard rules) for a 5.x action.
 *
 * @param entry - The authenticated credential.
 * @param ramAction - E.g. `rocketmq:GetTrace`.
 * @throws RocketMq5Error `Forbidden.RAM` with `accessDeniedDetail`.
 */
export function authorizeRocketMq5Action(entry: CredentialEntry, ramAction: string): void {
  try {
    authorizeRamAction(entry, ramAction);
  } catch (error) {
    if (error instanceof EmulatorApiError) {
      throw new RocketMq5Error({
        code: error.code,
        status: error.status,
        message: error.message,
        ...(error.accessDeniedDetail === undefined ? {} : { accessDeniedDetail: error.accessDeniedDetail }),
      });
    }
    throw error;
  }
}
