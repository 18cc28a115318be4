import { ApiError } from '../api-client/api-client';
import { AppError, ErrorCode, InvalidInputError } from '../errors';

/** Failures only the terminal command has: its own usage, its own inputs, its own transport. */
export const CliErrorCode = {
  USAGE: 'USAGE',
  TOKEN_MISSING: 'TOKEN_MISSING',
  NO_CREDENTIALS: 'NO_CREDENTIALS',
  NETWORK: 'NETWORK',
  BAD_RESPONSE: 'BAD_RESPONSE',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/** A failure of the command itself, with a message written to be shown as it is. */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    /** The command whose `--help` to point at, for usage errors. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * The CLI's one error table: what to add after the message, per code, for every code the API,
 * the lookup use case (direct mode) and the command itself can end with. All of them exit 3.
 */
export const CLI_ERROR_HINTS: Record<ErrorCode | CliErrorCode, string | undefined> = {
  [ErrorCode.INVALID_INPUT]: undefined,
  [ErrorCode.PAYLOAD_TOO_LARGE]: undefined,
  [ErrorCode.ROUTE_NOT_FOUND]: 'This mqtrace server does not offer that route; it may be an older version.',
  [ErrorCode.METHOD_NOT_ALLOWED]: undefined,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: undefined,
  [ErrorCode.UNAUTHENTICATED]: 'The server refused the token: check MQTRACE_TOKEN.',
  [ErrorCode.NOT_FOUND]: 'Check the instance, the topic and the message ID.',
  [ErrorCode.PERMISSION_DENIED]: 'The credentials that signed the call lack a RAM permission (see docs/deploying.md for the policy).',
  [ErrorCode.FORBIDDEN]: 'The lookup is outside your token’s scope.',
  [ErrorCode.CREDENTIALS_INVALID]: 'The cloud rejected the credentials (expired STS token, wrong secret?).',
  [ErrorCode.THROTTLED]: 'The broker API is busy: try again in a few seconds.',
  [ErrorCode.UPSTREAM_FAILED]: 'The broker API failed; quote the request ID in a support ticket.',
  [ErrorCode.UPSTREAM_UNAVAILABLE]: 'The broker API is unavailable: try again shortly.',
  [ErrorCode.UPSTREAM_TIMEOUT]: 'The broker API did not answer in time: try again.',
  [ErrorCode.CONFIG_INVALID]: undefined,
  [ErrorCode.INTERNAL]: undefined,
  [CliErrorCode.USAGE]: undefined,
  [CliErrorCode.TOKEN_MISSING]: undefined,
  [CliErrorCode.NO_CREDENTIALS]: undefined,
  [CliErrorCode.NETWORK]: 'Check --url (or MQTRACE_URL) and your connection.',
  [CliErrorCode.BAD_RESPONSE]: 'Is --url a mqtrace server?',
};

/** A failure as the CLI shows it: one message, an optional hint, the fields at fault, a request to quote. */
export interface CliFailure {
  code: string;
  message: string;
  hint?: string;
  issues: Array<{ path: string; message: string }>;
  /** mqtrace's request ID (remote mode). */
  requestId?: string;
  /** The broker API's, for a support ticket. */
  upstream?: { code?: string; requestId?: string };
  /** The command whose `--help` explains the usage. */
  command?: string;
}

const isKnownCode = (code: string): code is ErrorCode | CliErrorCode => Object.hasOwn(CLI_ERROR_HINTS, code);

/**
 * Maps anything a command can fail with to a {@link CliFailure}. Messages come from mqtrace's own
 * errors only (they never carry an upstream's text); anything else is "internal error", and its
 * stack is never printed.
 */
export function describeFailure(error: unknown): CliFailure {
  const hintFor = (code: string) => (isKnownCode(code) ? CLI_ERROR_HINTS[code] : undefined);
  const withHint = (failure: Omit<CliFailure, 'hint'>): CliFailure => {
    const hint = hintFor(failure.code);
    return hint ? { ...failure, hint } : failure;
  };
  if (error instanceof CliError) return withHint({ code: error.code, message: error.message, issues: [], ...(error.command ? { command: error.command } : {}) });
  if (error instanceof ApiError) {
    return withHint({
      code: error.code,
      message: error.message,
      issues: error.issues,
      ...(error.requestId ? { requestId: error.requestId } : {}),
      ...(error.upstream ? { upstream: error.upstream } : {}),
    });
  }
  if (error instanceof AppError) {
    const hidden = error.code === ErrorCode.INTERNAL || error.code === ErrorCode.CONFIG_INVALID;
    return withHint({
      code: error.code,
      message: hidden ? 'internal error' : error.message,
      issues: error instanceof InvalidInputError ? error.issues : [],
      ...(error.upstream?.code || error.upstream?.requestId
        ? { upstream: { ...(error.upstream.code ? { code: error.upstream.code } : {}), ...(error.upstream.requestId ? { requestId: error.upstream.requestId } : {}) } }
        : {}),
    });
  }
  return { code: ErrorCode.INTERNAL, message: 'internal error', issues: [] };
}
