import { ErrorCode, ThrottledError, type AppError } from '../errors';
import type { ChatAnswer } from './chat-answer';

interface ChatFailureSpec {
  title: string;
  /** False hides the error's message behind a generic text (internal details stay in the logs). */
  showMessage: boolean;
  hint: string;
}

/**
 * The chat channel's one mapping from error code to reply. Chat platforms show anything but a 200
 * as a broken bot, so every failure after verification is a 200 with this text; only a failed
 * signature is a 401 (empty body), and malformed commands get the usage text instead.
 */
export const CHAT_FAILURE_BY_CODE: Record<ErrorCode, ChatFailureSpec> = {
  [ErrorCode.INVALID_INPUT]: { title: 'ONS refused the request', showMessage: true, hint: 'Check the topic, message ID and instance.' },
  [ErrorCode.PAYLOAD_TOO_LARGE]: { title: 'Too large', showMessage: true, hint: 'Send a shorter command.' },
  [ErrorCode.ROUTE_NOT_FOUND]: { title: 'Not found', showMessage: false, hint: 'This is not a chat route.' },
  [ErrorCode.METHOD_NOT_ALLOWED]: { title: 'Not allowed', showMessage: false, hint: 'This is not a chat route.' },
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: { title: 'Unsupported request', showMessage: false, hint: 'This is not a chat route.' },
  [ErrorCode.UNAUTHENTICATED]: { title: 'Not authenticated', showMessage: false, hint: 'The request could not be verified.' },
  [ErrorCode.NOT_FOUND]: { title: 'Not found', showMessage: true, hint: 'Check the topic, the message ID and the instance (or its alias).' },
  [ErrorCode.FORBIDDEN]: { title: 'Not available here', showMessage: false, hint: 'mqtrace cannot answer this request here.' },
  [ErrorCode.PERMISSION_DENIED]: { title: 'Not permitted', showMessage: true, hint: "Ask an admin to grant mqtrace's role access to this instance." },
  [ErrorCode.CREDENTIALS_INVALID]: { title: "ONS refused mqtrace's credentials", showMessage: false, hint: 'An admin should check the function role; see the function logs.' },
  [ErrorCode.THROTTLED]: { title: 'ONS is busy', showMessage: false, hint: 'Try again shortly.' },
  [ErrorCode.UPSTREAM_FAILED]: { title: 'The lookup failed', showMessage: false, hint: 'Try again; if it keeps failing, quote the ids below in a ticket.' },
  [ErrorCode.UPSTREAM_UNAVAILABLE]: { title: 'ONS is unavailable', showMessage: false, hint: 'Try again in a minute.' },
  [ErrorCode.UPSTREAM_TIMEOUT]: { title: 'ONS did not answer in time', showMessage: false, hint: 'Try again in a minute.' },
  [ErrorCode.CONFIG_INVALID]: { title: 'mqtrace is misconfigured', showMessage: false, hint: 'An admin should read the function logs.' },
  [ErrorCode.INTERNAL]: { title: 'Something went wrong inside mqtrace', showMessage: false, hint: 'Quote the request id below if you report it.' },
};

/** The reply for an error. Messages of AppErrors are mqtrace's own, never an upstream's. */
export function chatFailure(error: AppError, requestId: string): ChatAnswer {
  const spec = CHAT_FAILURE_BY_CODE[error.code];
  const retry = error instanceof ThrottledError ? ` Try again in ${error.retryAfterSeconds} s.` : '';
  const text = spec.showMessage ? `${capitalise(error.message)}. ${spec.hint}` : `${spec.hint}${retry}`;
  return {
    kind: 'failure',
    title: spec.title,
    text,
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

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).replace(/[.\s]+$/, '');
}
