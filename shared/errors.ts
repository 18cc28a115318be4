/**
 * The one error taxonomy. Every failure that leaves the domain or an adapter is an {@link AppError}
 * with a stable {@link ErrorCode}; each channel maps codes to replies in exactly one table.
 *
 * Constructors never log and never copy upstream messages: pop-core puts the signed URL
 * (AccessKeyId, Signature, SecurityToken) into its error messages.
 */
export const ErrorCode = {
  INVALID_INPUT: 'INVALID_INPUT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  NOT_FOUND: 'NOT_FOUND',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  FORBIDDEN: 'FORBIDDEN',
  CREDENTIALS_INVALID: 'CREDENTIALS_INVALID',
  THROTTLED: 'THROTTLED',
  UPSTREAM_FAILED: 'UPSTREAM_FAILED',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  CONFIG_INVALID: 'CONFIG_INVALID',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What an upstream answer told us, kept for support tickets. Never the URL or credentials. */
export interface UpstreamInfo {
  action?: string;
  code?: string;
  requestId?: string;
  httpStatus?: number;
  /** For a permission refusal: the RAM action the role lacks, from the adapter's action registry. */
  ramAction?: string;
}

export interface AppErrorOptions {
  upstream?: UpstreamInfo;
  cause?: unknown;
}

/** Base of every error mqtrace raises on purpose. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly upstream: UpstreamInfo | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.upstream = options.upstream;
  }
}

/** One problem with one input field. `path` is dotted, e.g. `lookups.3.msgId`. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class InvalidInputError extends AppError {
  readonly issues: FieldIssue[];

  constructor(issues: FieldIssue[], options?: AppErrorOptions) {
    super(ErrorCode.INVALID_INPUT, describeIssues(issues), options);
    this.name = 'InvalidInputError';
    this.issues = issues;
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(ErrorCode.PAYLOAD_TOO_LARGE, `request body is larger than ${limitBytes} bytes`);
    this.name = 'PayloadTooLargeError';
  }
}

export class RouteNotFoundError extends AppError {
  constructor(path: string) {
    super(ErrorCode.ROUTE_NOT_FOUND, `no route for ${truncate(path, 80)}`);
    this.name = 'RouteNotFoundError';
  }
}

export class MethodNotAllowedError extends AppError {
  readonly allowed: string[];

  constructor(method: string, allowed: string[]) {
    super(ErrorCode.METHOD_NOT_ALLOWED, `${truncate(method, 16)} is not allowed here; use ${allowed.join(' or ')}`);
    this.name = 'MethodNotAllowedError';
    this.allowed = allowed;
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(expected: string) {
    super(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `content-type must be ${expected}`);
    this.name = 'UnsupportedMediaTypeError';
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'authentication required') {
    super(ErrorCode.UNAUTHENTICATED, message);
    this.name = 'UnauthenticatedError';
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(ErrorCode.NOT_FOUND, message, options);
    this.name = 'NotFoundError';
  }
}

export class PermissionDeniedError extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(ErrorCode.PERMISSION_DENIED, message, options);
    this.name = 'PermissionDeniedError';
  }
}

/**
 * The caller may not look this up. One fixed message for every refusal, so that it tells nothing
 * about whether the instance, topic or message exists.
 */
export class ForbiddenError extends AppError {
  constructor() {
    super(ErrorCode.FORBIDDEN, 'this caller may not look up this message');
    this.name = 'ForbiddenError';
  }
}

export class CredentialsError extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(ErrorCode.CREDENTIALS_INVALID, message, options);
    this.name = 'CredentialsError';
  }
}

export class ThrottledError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number, options?: AppErrorOptions) {
    super(ErrorCode.THROTTLED, message, options);
    this.name = 'ThrottledError';
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

export class UpstreamError extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(ErrorCode.UPSTREAM_FAILED, message, options);
    this.name = 'UpstreamError';
  }
}

export class UpstreamUnavailableError extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(ErrorCode.UPSTREAM_UNAVAILABLE, message, options);
    this.name = 'UpstreamUnavailableError';
  }
}

export class UpstreamTimeoutError extends AppError {
  constructor(message: string, options?: AppErrorOptions) {
    super(ErrorCode.UPSTREAM_TIMEOUT, message, options);
    this.name = 'UpstreamTimeoutError';
  }
}

export class ConfigError extends AppError {
  readonly keys: string[];
  /** Each failing key with what is wrong with it; never its value. */
  readonly issues: FieldIssue[];

  /** @param keys the failing keys; their values are deliberately not part of the error. */
  constructor(keys: FieldIssue[]) {
    super(ErrorCode.CONFIG_INVALID, `invalid configuration: ${describeIssues(keys)}`);
    this.name = 'ConfigError';
    this.keys = keys.map((k) => k.path);
    this.issues = keys;
  }
}

/** Narrows an unknown throwable to an AppError, wrapping anything else as INTERNAL. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError(ErrorCode.INTERNAL, 'internal error', { cause: error });
}

function describeIssues(issues: FieldIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
