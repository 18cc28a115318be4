import { ErrorCode, ThrottledError, type AppError } from '../errors';
import type { ChatAnswer } from './chat-answer';

interface ChatFailureSpec {
  /** False hides the error's message behind the generic hint (internal details stay in the logs). */
  showMessage: boolean;
}

/**
 * The chat channel's one mapping from error code to reply. Chat platforms show anything but a 200
 * as a broken bot, so every failure after verification is a 200 with this text; only a failed
 * signature is a 401 (empty body), and malformed commands get the usage text instead. The title
 * and hint of each code are the catalogue's `failure.<CODE>.title` / `.hint`, in every locale.
 */
export const CHAT_FAILURE_BY_CODE: Record<ErrorCode, ChatFailureSpec> = {
  [ErrorCode.INVALID_INPUT]: { showMessage: true },
  [ErrorCode.PAYLOAD_TOO_LARGE]: { showMessage: true },
  [ErrorCode.ROUTE_NOT_FOUND]: { showMessage: false },
  [ErrorCode.METHOD_NOT_ALLOWED]: { showMessage: false },
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: { showMessage: false },
  [ErrorCode.UNAUTHENTICATED]: { showMessage: false },
  [ErrorCode.NOT_FOUND]: { showMessage: true },
  [ErrorCode.FORBIDDEN]: { showMessage: false },
  [ErrorCode.PERMISSION_DENIED]: { showMessage: true },
  [ErrorCode.CREDENTIALS_INVALID]: { showMessage: false },
  [ErrorCode.THROTTLED]: { showMessage: false },
  [ErrorCode.UPSTREAM_FAILED]: { showMessage: false },
  [ErrorCode.UPSTREAM_UNAVAILABLE]: { showMessage: false },
  [ErrorCode.UPSTREAM_TIMEOUT]: { showMessage: false },
  [ErrorCode.CONFIG_INVALID]: { showMessage: false },
  [ErrorCode.INTERNAL]: { showMessage: false },
};

/** The reply for an error, as neutral data. Messages of AppErrors are mqtrace's own, never an upstream's. */
export function chatFailure(error: AppError, requestId: string): Extract<ChatAnswer, { kind: 'failure' }> {
  return {
    kind: 'failure',
    code: error.code,
    ...(CHAT_FAILURE_BY_CODE[error.code].showMessage ? { message: error.message } : {}),
    ...(error instanceof ThrottledError ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
    ref: {
      requestId,
      ...(error.upstream?.code ? { upstreamCode: error.upstream.code } : {}),
      ...(error.upstream?.requestId ? { upstreamRequestId: error.upstream.requestId } : {}),
    },
  };
}

/** Failures that a later attempt with a larger budget may well get past: these defer, the rest are answered. */
export function isTransient(error: AppError): boolean {
  if (error.code === ErrorCode.THROTTLED || error.code === ErrorCode.UPSTREAM_TIMEOUT || error.code === ErrorCode.UPSTREAM_UNAVAILABLE) return true;
  return error.code === ErrorCode.UPSTREAM_FAILED && (error.upstream?.code === 'InternalError' || error.upstream?.code === 'ECONNRESET');
}
