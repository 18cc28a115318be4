import { API_ERRORS, EmulatorApiError, apiError, type AccessDeniedDetail } from './api-errors';
import type { NonceStore } from './nonce-store';
import type { CredentialEntry, SeedIndex } from './seed-index';
import { buildRpcStringToSign, verifyRpcSignature } from './signature';

/** The only API version the emulator serves. */
export const API_VERSION = '2019-02-14';

/** Allowed clock skew of `Timestamp`, and how long nonces are remembered. */
export const TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;

const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Parameters every signed RPC request carries; a missing one is `IncompleteSignature`. */
const SIGNATURE_PARAMS = ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce'] as const;

type Params = Readonly<Record<string, string>>;

/**
 * Parses a POP `Timestamp` (`YYYY-MM-DDTHH:mm:ssZ`, UTC, no milliseconds).
 *
 * @param value - The parameter value.
 * @returns Epoch milliseconds, or `undefined` when malformed or not a real date.
 */
export function parsePopTimestamp(value: string): number | undefined {
  if (!TIMESTAMP_PATTERN.test(value)) {
    return undefined;
  }
  const ms = Date.parse(value);
  // Date.parse rolls over impossible dates such as 02-30; the round trip catches that.
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== value.replace('Z', '.000Z')) {
    return undefined;
  }
  return ms;
}

/**
 * Checks the `Version` parameter; the emulator serves only {@link API_VERSION}.
 *
 * @param params - Decoded request parameters.
 * @throws EmulatorApiError `MissingParameter` or `InvalidVersion`.
 */
export function checkVersion(params: Params): void {
  const version = params.Version;
  if (version === undefined || version === '') {
    throw apiError('MissingParameter', { name: 'Version' });
  }
  if (version !== API_VERSION) {
    throw apiError('InvalidVersion');
  }
}

/**
 * Checks `Format`, the presence and values of the signature parameters, then `Timestamp`
 * (format, and at most {@link TIMESTAMP_WINDOW_MS} away from the emulator clock either way).
 *
 * @param params - Decoded request parameters.
 * @param nowMs - The emulator clock.
 * @throws EmulatorApiError `InvalidParameter`, `IncompleteSignature`, `MissingParameter`, `InvalidTimeStamp.*`.
 */
export function checkSigningParams(params: Params, nowMs: number): void {
  checkFormatAndSignatureParams(params);
  const timestamp = params.Timestamp;
  if (timestamp === undefined || timestamp === '') {
    throw apiError('MissingParameter', { name: 'Timestamp' });
  }
  const at = parsePopTimestamp(timestamp);
  if (at === undefined) {
    throw apiError('InvalidTimeStamp.Format');
  }
  if (Math.abs(nowMs - at) > TIMESTAMP_WINDOW_MS) {
    throw apiError('InvalidTimeStamp.Expired');
  }
}

function checkFormatAndSignatureParams(params: Params): void {
  const format = params.Format;
  if (format !== undefined && format.toUpperCase() !== 'JSON') {
    throw apiError('InvalidParameter', { name: 'Format' });
  }
  for (const name of SIGNATURE_PARAMS) {
    if (params[name] === undefined || params[name] === '') {
      throw apiError('IncompleteSignature');
    }
  }
  if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') {
    throw apiError('IncompleteSignature');
  }
}

/** Dependencies of {@link authenticateRequest}. */
export interface AuthenticateInput {
  method: string;
  params: Params;
  index: SeedIndex;
  nonces: NonceStore;
  nowMs: number;
}

function checkSecurityToken(entry: CredentialEntry, token: string | undefined, nowMs: number): void {
  const expected = entry.credential.securityToken;
  if (expected === undefined) {
    // A token sent with a permanent AccessKey is a client bug; the gateway's answer is UNVERIFIED.
    if (token !== undefined) {
      throw apiError('InvalidSecurityToken.MismatchWithAccessKey');
    }
    return;
  }
  if (token === undefined || token === '') {
    throw apiError('MissingSecurityToken');
  }
  if (token !== expected) {
    throw apiError('InvalidSecurityToken.MismatchWithAccessKey');
  }
  const expiresAt = entry.credential.expiresAt;
  if (expiresAt !== undefined && Date.parse(expiresAt) < nowMs) {
    throw apiError('InvalidSecurityToken.Expired');
  }
}

/**
 * Authenticates a request whose common parameters passed {@link checkSigningParams}: known
 * AccessKeyId, matching signature, STS token, then nonce freshness (only signed requests burn nonces).
 *
 * @param input - Method, params, seed index, nonce store and clock.
 * @returns The credential and its account.
 * @throws EmulatorApiError `InvalidAccessKeyId.NotFound`, `SignatureDoesNotMatch`, `MissingSecurityToken`,
 * `InvalidSecurityToken.*`, `SignatureNonceUsed`.
 */
export function authenticateRequest(input: AuthenticateInput): CredentialEntry {
  const accessKeyId = input.params.AccessKeyId ?? '';
  const entry = input.index.credentials.get(accessKeyId);
  if (entry === undefined) {
    throw apiError('InvalidAccessKeyId.NotFound');
  }
  const signatureOk = verifyRpcSignature({
    method: input.method,
    params: input.params,
    accessKeySecret: entry.credential.accessKeySecret,
    signature: input.params.Signature ?? '',
  });
  if (!signatureOk) {
    // The real gateway also echoes its string to sign, which is what makes signing bugs debuggable.
    const stringToSign = buildRpcStringToSign(input.method, input.params);
    const { status, message } = API_ERRORS.SignatureDoesNotMatch;
    throw new EmulatorApiError('SignatureDoesNotMatch', status, `${message} server string to sign is:${stringToSign}`);
  }
  checkSecurityToken(entry, input.params.SecurityToken, input.nowMs);
  if (!input.nonces.use(`${accessKeyId}\u0000${input.params.SignatureNonce ?? ''}`)) {
    throw apiError('SignatureNonceUsed');
  }
  return entry;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/**
 * Checks that a credential may call a RAM action; `*` wildcards match like RAM's (case-insensitive).
 *
 * @param entry - The authenticated credential.
 * @param ramAction - E.g. `mq:QueryMessageTrace`.
 * @throws EmulatorApiError `Forbidden.RAM` with an `AccessDeniedDetail`.
 */
export function authorizeRamAction(entry: CredentialEntry, ramAction: string): void {
  if (entry.credential.allowedActions.some((pattern) => globToRegExp(pattern).test(ramAction))) {
    return;
  }
  throw apiError('Forbidden.RAM', {}, buildAccessDeniedDetail(entry, ramAction));
}

function buildAccessDeniedDetail(entry: CredentialEntry, ramAction: string): AccessDeniedDetail {
  const isSts = entry.credential.securityToken !== undefined;
  const displayName = entry.credential.displayName ?? entry.credential.accessKeyId;
  const diagnostic = JSON.stringify({ AuthAction: ramAction, Principal: displayName, Account: entry.accountId });
  return {
    PolicyType: 'AccountLevelIdentityBasedPolicy',
    AuthPrincipalOwnerId: entry.accountId,
    AuthPrincipalType: isSts ? 'AssumedRoleUser' : 'SubUser',
    AuthPrincipalDisplayName: displayName,
    NoPermissionType: 'ImplicitDeny',
    AuthAction: ramAction,
    EncodedDiagnosticMessage: Buffer.from(diagnostic, 'utf8').toString('base64'),
  };
}

