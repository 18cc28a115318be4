import {
  AppError,
  CredentialsError,
  PermissionDeniedError,
  ThrottledError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type UpstreamInfo,
} from '../errors';

/** The API action both invokers call, for {@link UpstreamInfo.action} and the RAM registry. */
export const INVOKE_ACTION = 'InvokeFunction';

/** FC answers a reused `x-fc-async-task-id` with this status (task de-duplication, round2.md §3.4). */
export const DUPLICATE_TASK_STATUS = 409;

// FC's own codes (FC error-code table) and the OpenAPI gateway's ACS3 ones: which one FC 3.0's
// account endpoint answers for an ACS3 request is UNVERIFIED, so both are recognised.
const CREDENTIAL_CODES =
  /^(InvalidAccessKeyID|InvalidAccessKeyId|SignatureNotMatch|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken|MissingSecurityToken|SecurityTokenExpired|RequestTimeTooSkewed|InvalidTimeStamp|SignatureNonceUsed|InvalidAuthorization)/;
const PERMISSION_CODES = /^(AccessDenied|Forbidden|NoPermission)/;
const THROTTLE_CODES = /^(Throttling|ResourceThrottled|ResourceExhausted|ConcurrencyExceeded)/;
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const SAFE_CODE = /^[A-Za-z0-9._-]{1,80}$/;

/** What an SDK error said, reduced to the fields that are safe to keep. */
export interface InvokeFailureInfo {
  /** FC's error code or a Node network code; kept only when it looks like a code. */
  code: string | undefined;
  httpStatus: number | undefined;
  requestId: string | undefined;
  /** The SDK's error name, e.g. `RequestTimeoutError`. Never its message. */
  name: string | undefined;
}

/** `value` when it is a short code-like string, else undefined: upstream text never gets through. */
export function safeCode(value: unknown): string | undefined {
  return typeof value === 'string' && SAFE_CODE.test(value) && value !== 'undefined' ? value : undefined;
}

/**
 * Maps a failed invocation into the taxonomy of `shared/errors.ts`. The message names the code and
 * the status only; FC's message (which can quote the path and the signature's string to sign) is
 * dropped.
 */
export function invokeErrorFrom(info: InvokeFailureInfo): AppError {
  const { code, httpStatus } = info;
  const upstream: UpstreamInfo = {
    action: INVOKE_ACTION,
    ...(code ? { code } : {}),
    ...(info.requestId ? { requestId: info.requestId } : {}),
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  };
  const label = code ?? (httpStatus !== undefined ? `HTTP_${httpStatus}` : undefined);
  if (info.name === 'RequestTimeoutError') return new UpstreamTimeoutError('the async invocation was not accepted in time', { upstream });
  if (code && UNREACHABLE_CODES.has(code)) return new UpstreamUnavailableError(`the FC endpoint cannot be reached (${code})`, { upstream });
  if (code && RESET_CODES.has(code)) return new UpstreamError(`the connection to the FC endpoint was reset (${code})`, { upstream });
  if (code && CREDENTIAL_CODES.test(code)) return new CredentialsError(`FC rejected the function's credentials: ${code}`, { upstream });
  if (code && PERMISSION_CODES.test(code)) return new PermissionDeniedError(`the function's role may not invoke itself: ${code}`, { upstream });
  if (code === undefined && httpStatus === 403) return new PermissionDeniedError("the function's role may not invoke itself: HTTP_403", { upstream });
  if ((code && THROTTLE_CODES.test(code)) || httpStatus === 429) return new ThrottledError(`FC throttled the async invocation: ${label ?? 'HTTP_429'}`, 1, { upstream });
  if (httpStatus !== undefined && httpStatus >= 500) return new UpstreamUnavailableError(`FC could not take the async invocation: ${label}`, { upstream });
  return new UpstreamError(`the async invocation failed${label ? `: ${label}` : ''}`, { upstream });
}
