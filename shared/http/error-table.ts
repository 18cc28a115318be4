import { ErrorCode, InvalidInputError, MethodNotAllowedError, ThrottledError, type AppError } from '../errors';
import { jsonResponse, type FcHttpResponse } from './http-response';

/**
 * The HTTP channel's one mapping from error code to status. Upstream credential failures are
 * mqtrace's own problem, not the caller's, so they are a 502 rather than a 401.
 */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.INVALID_INPUT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.PERMISSION_DENIED]: 403,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.ROUTE_NOT_FOUND]: 404,
  [ErrorCode.METHOD_NOT_ALLOWED]: 405,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ErrorCode.THROTTLED]: 429,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.CONFIG_INVALID]: 500,
  [ErrorCode.UPSTREAM_FAILED]: 502,
  [ErrorCode.CREDENTIALS_INVALID]: 502,
  [ErrorCode.UPSTREAM_UNAVAILABLE]: 503,
  [ErrorCode.UPSTREAM_TIMEOUT]: 504,
};

const HIDDEN_MESSAGE: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.INTERNAL]: 'internal error',
  [ErrorCode.CONFIG_INVALID]: 'mqtrace is misconfigured; see its logs',
};

/** The JSON error body `{error: {code, message, requestId, ...}}`. */
export function errorBody(error: AppError, requestId: string): { error: Record<string, unknown> } {
  // Only input errors show their fields: a ConfigError's keys are the operator's, not the caller's.
  const issues = error instanceof InvalidInputError && error.issues.length > 0 ? { issues: error.issues } : {};
  const upstream = error.upstream?.code || error.upstream?.requestId
    ? { upstream: { code: error.upstream.code, requestId: error.upstream.requestId } }
    : {};
  return {
    error: {
      code: error.code,
      message: HIDDEN_MESSAGE[error.code] ?? error.message,
      requestId,
      ...issues,
      ...upstream,
    },
  };
}

/** Renders an error as the HTTP response the table prescribes. */
export function errorResponse(error: AppError, requestId: string): FcHttpResponse {
  const headers: Record<string, string> = { 'x-mqtrace-request-id': requestId };
  if (error instanceof ThrottledError) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error instanceof MethodNotAllowedError) headers.allow = error.allowed.join(', ');
  // RFC 6750 §3; the chat routes answer their own 401s and never get here.
  if (error.code === ErrorCode.UNAUTHENTICATED) headers['www-authenticate'] = 'Bearer realm="mqtrace"';
  return jsonResponse(HTTP_STATUS_BY_CODE[error.code], errorBody(error, requestId), headers);
}
