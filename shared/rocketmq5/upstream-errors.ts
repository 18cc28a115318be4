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
import { ROCKETMQ5_ACTIONS, resourceTemplateOf, type RocketMq5Action } from './actions';

/**
 * How what `@alicloud/openapi-core` (under `@alicloud/rocketmq20220801`) throws becomes the
 * taxonomy of `shared/errors.ts`. openapi-core rejects 4xx/5xx answers with a `ClientError`,
 * `ServerError` or `ThrottlingError` carrying `code`, `statusCode`, `requestId` and `data` (the
 * parsed body: `{requestId, code, message, …}` from the product, `{RequestId, Code, Message, …}`
 * from the gateway), and transport failures as they come from `httpx`. Their `message` quotes the
 * upstream message and can hold request details, so only the code and request id are kept.
 */
export interface ClassifiedFailure {
  error: AppError;
  retryable: boolean;
  /** Short, safe label for logs and attempt trails. */
  outcome: string;
  /** The broker said to slow down. */
  throttled: boolean;
}

/**
 * UNVERIFIED: the codes 5.x answers for a missing resource. The SDK's examples show
 * `Topic.NotFound`, `Instance.NotFound` and `InvalidConsumerGroupId` ("The instance cannot be
 * found."); the others follow the same naming. Change this map, and only it, when the real codes
 * are known. Each code has one fixed message: the upstream text is never shown.
 */
export const NOT_FOUND_CODES: ReadonlyMap<string, string> = new Map([
  ['Instance.NotFound', 'the instance does not exist in this region and account'],
  ['Topic.NotFound', 'the topic does not exist on this instance'],
  ['ConsumerGroup.NotFound', 'the consumer group does not exist on this instance'],
  ['InvalidConsumerGroupId', 'the consumer group does not exist on this instance'],
  ['Subscription.NotFound', 'the consumer group does not subscribe to this topic'],
  ['Message.NotFound', 'there is no such message in this topic (wrong ID, wrong topic, or older than the retention time)'],
]);

const CREDENTIAL_CODES = /^(InvalidAccessKeyId|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken|MissingSecurityToken|InvalidTimeStamp|SignatureNonceUsed|InvalidAuthorization)/;
const PERMISSION_CODES = /^(Forbidden|NoPermission|AccessDenied)/;
// `Invalid{Name}` names a bad parameter (`InvalidScrollId`); `InvalidApi.NotFound` (a wrong path) is not one.
const INPUT_CODES = /^(MissingParameter|Missing[A-Z]|InvalidParameter|IllegalParameter|Invalid[A-Z][A-Za-z]*$)/;
const THROTTLE_CODES = /^Throttling/;
const UNAVAILABLE_CODES = /^(ServiceUnavailable|InternalError|ServerError|SystemError)/;
const SAFE_CODE = /^[A-Za-z0-9._-]{1,80}$/;
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// $dara.cast's own errors when a body does not fit the SDK's model ("type of x is mismatch, …").
const CAST_FAILURE = /^(type of .+ is mismatch|can not cast to Map)/;
// Without an x-acs-retry-after header, one second is the window the limits are counted in.
const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** What a failed answer said, from openapi-core's error or from a 2xx body with `success: false`. */
export interface ApiFailure {
  code: string | undefined;
  requestId: string | undefined;
  httpStatus: number | undefined;
  /** openapi-core's `ThrottlingError.retryAfter` (ms, from `x-acs-retry-after`). */
  retryAfterMs?: number | undefined;
}

/** Classifies anything the SDK (or the transport under it) can reject with. */
export function classifyRocketMq5Failure(action: RocketMq5Action, failure: unknown): ClassifiedFailure {
  if (failure instanceof AppError) return { error: failure, retryable: false, outcome: failure.code, throttled: false };
  const record = (typeof failure === 'object' && failure !== null ? failure : {}) as Record<string, unknown>;
  const name = typeof record.name === 'string' ? record.name : '';
  const message = typeof record.message === 'string' ? record.message : '';

  const body = record.data;
  const statusCode = typeof record.statusCode === 'number' ? record.statusCode : undefined;
  if ((typeof body === 'object' && body !== null) || statusCode !== undefined) {
    const data = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    return classifyApiFailure(action, {
      code: firstString(data.code, data.Code, record.code),
      requestId: firstString(data.requestId, data.RequestId, record.requestId),
      httpStatus: statusCode ?? (typeof data.statusCode === 'number' ? data.statusCode : undefined),
      retryAfterMs: typeof record.retryAfter === 'number' ? record.retryAfter : undefined,
    });
  }

  if (name === 'RequestTimeoutError' || name.startsWith('RequestTimeout')) {
    return plain(new UpstreamTimeoutError(`${action}: the endpoint did not answer in time`, { upstream: { action } }), true, 'TIMEOUT');
  }
  const netCode = typeof record.code === 'string' ? record.code : '';
  if (RESET_CODES.has(netCode) || /socket hang up/i.test(message)) {
    return plain(new UpstreamError(`${action}: the connection was reset`, { upstream: { action, code: 'ECONNRESET' } }), true, 'ECONNRESET');
  }
  if (UNREACHABLE_CODES.has(netCode)) {
    return plain(
      new UpstreamUnavailableError(`${action}: the endpoint cannot be reached (${netCode})`, { upstream: { action, code: netCode } }),
      false,
      netCode,
    );
  }
  if (name === 'SyntaxError') {
    // openapi-core parses an error body before it attaches the status, so a proxy's HTML 502 page
    // arrives as this: a 5xx in all but name, and worth another attempt.
    return plain(new UpstreamUnavailableError(`${action}: the endpoint answered with a body that is not JSON`, { upstream: { action } }), true, 'NON_JSON_BODY');
  }
  if (CAST_FAILURE.test(message)) {
    return plain(new UpstreamError(`${action}: the response did not have the documented shape`, { upstream: { action } }), false, 'MALFORMED_RESPONSE');
  }
  return plain(new UpstreamError(`${action}: the call failed`, { upstream: { action } }), false, 'TRANSPORT_ERROR');
}

/** Classifies an API answer that failed: by its code first, by its HTTP status when it has none. */
export function classifyApiFailure(action: RocketMq5Action, failure: ApiFailure): ClassifiedFailure {
  const rawCode = failure.code;
  const code = rawCode === undefined ? undefined : SAFE_CODE.test(rawCode) ? rawCode : 'UNRECOGNISED_CODE';
  const requestId = failure.requestId !== undefined && SAFE_CODE.test(failure.requestId) ? failure.requestId : undefined;
  const status = failure.httpStatus;
  const label = code ?? (status !== undefined ? `HTTP_${status}` : 'UNKNOWN_ERROR');
  const upstream: UpstreamInfo = {
    action,
    code: label,
    ...(requestId ? { requestId } : {}),
    ...(status !== undefined ? { httpStatus: status } : {}),
  };
  const ref = requestId ? ` (upstream request ${requestId})` : '';
  const make = (error: AppError, retryable = false, throttled = false): ClassifiedFailure => ({ error, retryable, outcome: label, throttled });

  if ((code !== undefined && THROTTLE_CODES.test(code)) || (code === undefined && status === 429)) {
    const seconds = failure.retryAfterMs !== undefined && failure.retryAfterMs > 0 ? failure.retryAfterMs / 1000 : DEFAULT_RETRY_AFTER_SECONDS;
    return make(new ThrottledError(`${action} was throttled by ApsaraMQ for RocketMQ: ${label}${ref}`, seconds, { upstream }), true, true);
  }
  if (code !== undefined) {
    const notFound = NOT_FOUND_CODES.get(code);
    if (notFound !== undefined) return make(new NotFoundError(notFound, { upstream }));
    if (CREDENTIAL_CODES.test(code)) {
      return make(new CredentialsError(`ApsaraMQ for RocketMQ rejected mqtrace's cloud credentials or request signing: ${code}${ref}`, { upstream }));
    }
    if (PERMISSION_CODES.test(code)) return make(new PermissionDeniedError(permissionMessage(action, code, ref), { upstream: withRamAction(upstream, action) }));
    if (INPUT_CODES.test(code)) {
      return make(new InvalidInputError([{ path: '', message: `ApsaraMQ for RocketMQ rejected the request: ${code}${ref}` }], { upstream }));
    }
    if (UNAVAILABLE_CODES.test(code)) return make(new UpstreamUnavailableError(`ApsaraMQ for RocketMQ is unavailable: ${code}${ref}`, { upstream }), true);
  }
  if (status !== undefined && status >= 500) {
    return make(new UpstreamUnavailableError(`ApsaraMQ for RocketMQ is unavailable: ${label}${ref}`, { upstream }), true);
  }
  if (code === undefined && status === 403) return make(new PermissionDeniedError(permissionMessage(action, label, ref), { upstream: withRamAction(upstream, action) }));
  return make(new UpstreamError(`${action} failed: ${label}${ref}`, { upstream }));
}

function withRamAction(upstream: UpstreamInfo, action: RocketMq5Action): UpstreamInfo {
  return { ...upstream, ramAction: ROCKETMQ5_ACTIONS[action].ramAction };
}

/** "grant rocketmq:GetTrace on acs:rocketmq:…", so the fix is in the message. */
function permissionMessage(action: RocketMq5Action, code: string, ref: string): string {
  return `mqtrace's role may not call ${action} on this resource: grant ${ROCKETMQ5_ACTIONS[action].ramAction} on ${resourceTemplateOf(action)} (${code})${ref}`;
}

function plain(error: AppError, retryable: boolean, outcome: string): ClassifiedFailure {
  return { error, retryable, outcome, throttled: false };
}

// openapi-core stringifies a missing code as "undefined".
function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v !== '' && v !== 'undefined') return v;
  return undefined;
}
