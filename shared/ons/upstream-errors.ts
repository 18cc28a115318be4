import {
  AppError,
  CredentialsError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  ThrottledError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
  type UpstreamInfo,
} from '../errors';
import { ONS_ACTIONS, type OnsAction } from './actions';

/**
 * How upstream failures become typed errors. pop-core's own messages and `url` embed the signed
 * request (AccessKeyId, Signature, SecurityToken), so only the Code and RequestId are kept.
 */
export interface ClassifiedFailure {
  error: AppError;
  retryable: boolean;
  /** Short, safe label for logs and attempt trails. */
  outcome: string;
}

/**
 * Upstream codes that mean "the thing you asked about does not exist". What ONS answers for an
 * unknown message is UNVERIFIED (ons-api.md §3): BIZ_NO_MESSAGE is the most plausible code, and an
 * empty MessageTrack list is handled by the verdict rules as NO_SUBSCRIBERS with a caveat. Change
 * this set, and only this set, when the real behaviour is known.
 */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set([
  'BIZ_NO_MESSAGE',
  'BIZ_TOPIC_NOT_FOUND',
  'BIZ_SUBSCRIPTION_NOT_FOUND',
  'INSTANCE_NOT_FOUND',
  // Terraform's provider treats this as "already gone": ONS reports missing resources this way.
  'AUTH_RESOURCE_OWNER_ERROR',
]);

const CREDENTIAL_CODES = /^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken|MissingSecurityToken|InvalidTimeStamp|SignatureNonceUsed)/;
const PERMISSION_CODES = /^(Forbidden|NoPermission|AUTH_PERMISSION_CHECK_ERROR|EMPOWER_OWNER_CHECK_ERROR)/;
const INPUT_CODES = /^(MissingParameter|Missing[A-Z]|InvalidParameter|BIZ_FIELD_CHECK_INVALID)/;
const THROTTLE_CODES = /^(Throttling|ONS_SYSTEM_FLOW_CONTROL)/;
const SAFE_CODE = /^[A-Za-z0-9._-]{1,80}$/;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// Upstream asks to slow down; with no Retry-After from the RPC gateway, one second is the window.
const THROTTLE_RETRY_AFTER_SECONDS = 1;

/** True for the codes with which ONS says to slow down. */
export function isThrottleCode(code: string): boolean {
  return THROTTLE_CODES.test(code);
}

/** Classifies anything pop-core (or the transport under it) can reject with. */
export function classifyUpstreamFailure(action: string, failure: unknown): ClassifiedFailure {
  if (failure instanceof AppError) return { error: failure, retryable: false, outcome: failure.code };
  const record = (typeof failure === 'object' && failure !== null ? failure : {}) as Record<string, unknown>;

  const body = record.data;
  if (typeof body === 'object' && body !== null) return classifyApiError(action, body as Record<string, unknown>, record);

  if (record.name === 'SyntaxError' && !(failure instanceof Error)) {
    // json-bigint throws a plain object for a non-JSON body, e.g. a proxy's HTML 502 page.
    return {
      error: new UpstreamError(`${action}: the endpoint answered with a body that is not JSON`, { upstream: { action } }),
      retryable: false,
      outcome: 'NON_JSON_BODY',
    };
  }
  if (record.name === 'RequestTimeoutError') {
    return {
      error: new UpstreamTimeoutError(`${action}: the endpoint did not answer in time`, { upstream: { action } }),
      retryable: true,
      outcome: 'TIMEOUT',
    };
  }
  const netCode = typeof record.code === 'string' ? record.code : '';
  if (RESET_CODES.has(netCode) || /socket hang up/i.test(String(record.message ?? ''))) {
    return {
      error: new UpstreamError(`${action}: the connection was reset`, { upstream: { action, code: 'ECONNRESET' } }),
      retryable: true,
      outcome: 'ECONNRESET',
    };
  }
  if (UNAVAILABLE_CODES.has(netCode)) {
    return {
      error: new UpstreamUnavailableError(`${action}: the endpoint cannot be reached (${netCode})`, { upstream: { action, code: netCode } }),
      retryable: false,
      outcome: netCode,
    };
  }
  return {
    error: new UpstreamError(`${action}: the call failed`, { upstream: { action } }),
    retryable: false,
    outcome: 'TRANSPORT_ERROR',
  };
}

function classifyApiError(action: string, body: Record<string, unknown>, record: Record<string, unknown>): ClassifiedFailure {
  const rawCode = String(body.Code ?? record.code ?? '');
  const code = SAFE_CODE.test(rawCode) ? rawCode : 'UNRECOGNISED_CODE';
  const requestId = typeof body.RequestId === 'string' && SAFE_CODE.test(body.RequestId) ? body.RequestId : undefined;
  const entry = record.entry as { response?: { statusCode?: unknown } } | undefined;
  const httpStatus = typeof entry?.response?.statusCode === 'number' ? entry.response.statusCode : undefined;
  const upstream: UpstreamInfo = { action, code, ...(requestId ? { requestId } : {}), ...(httpStatus ? { httpStatus } : {}) };
  const ref = requestId ? ` (upstream request ${requestId})` : '';
  const make = (error: AppError, retryable = false): ClassifiedFailure => ({ error, retryable, outcome: code });

  if (THROTTLE_CODES.test(code)) {
    return make(new ThrottledError(`${action} was throttled by ONS: ${code}${ref}`, THROTTLE_RETRY_AFTER_SECONDS, { upstream }), true);
  }
  if (code === 'ServiceUnavailable') return make(new UpstreamUnavailableError(`ONS is unavailable: ${code}${ref}`, { upstream }), true);
  if (code === 'InternalError' || code === 'ONS_SYSTEM_ERROR') {
    return make(new UpstreamError(`ONS failed internally: ${code}${ref}`, { upstream }), code === 'InternalError');
  }
  if (NOT_FOUND_CODES.has(code)) return make(new NotFoundError(notFoundMessage(code), { upstream }));
  if (CREDENTIAL_CODES.test(code)) {
    return make(new CredentialsError(`ONS rejected mqtrace's cloud credentials or request signing: ${code}${ref}`, { upstream }));
  }
  if (PERMISSION_CODES.test(code)) {
    const ramAction = Object.hasOwn(ONS_ACTIONS, action) ? ONS_ACTIONS[action as OnsAction].ramAction : undefined;
    const grant = ramAction ? `; grant its role ${ramAction}` : '';
    return make(
      new PermissionDeniedError(`mqtrace's role may not call ${action} on this resource${grant}: ${code}${ref}`, {
        upstream: { ...upstream, ...(ramAction ? { ramAction } : {}) },
      }),
    );
  }
  if (INPUT_CODES.test(code)) {
    return make(new InvalidInputError([{ path: '', message: `ONS rejected the request: ${code}${ref}` }], { upstream }));
  }
  return make(new UpstreamError(`${action} failed: ${code}${ref}`, { upstream }));
}

function notFoundMessage(code: string): string {
  switch (code) {
    case 'INSTANCE_NOT_FOUND':
      return 'the instance does not exist in this region and account';
    case 'BIZ_TOPIC_NOT_FOUND':
      return 'the topic does not exist on this instance';
    case 'AUTH_RESOURCE_OWNER_ERROR':
      return 'the instance or topic does not exist in this account';
    case 'BIZ_SUBSCRIPTION_NOT_FOUND':
      return 'the consumer group does not exist on this instance';
    default:
      return 'ONS has no such message in this topic';
  }
}
