/**
 * The emulator's table of error codes, HTTP statuses and messages. Sources are in
 * /work/shared/ref/ons-api.md §3. Rows marked UNVERIFIED are guesses kept in this one table so they
 * can be corrected in one place.
 */
export const API_ERRORS = {
  MissingParameter: { status: 400, message: 'The input parameter "{name}" that is mandatory for processing this request is not supplied.' },
  InvalidParameter: { status: 400, message: 'The specified parameter "{name}" is not valid.' },
  'InvalidApi.NotFound': { status: 404, message: 'Specified api is not found, please check your url and method.' },
  // UNVERIFIED: code and status for a wrong Version value.
  InvalidVersion: { status: 400, message: 'Specified parameter Version is not valid.' },
  UnsupportedHTTPMethod: { status: 400, message: 'This http method is not supported.' },
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to Aliyun standards.' },
  'InvalidTimeStamp.Format': { status: 400, message: 'Specified time stamp or date value is not well formatted.' },
  'InvalidTimeStamp.Expired': { status: 400, message: 'Specified time stamp or date value is expired.' },
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  SignatureDoesNotMatch: { status: 400, message: 'Specified signature is not matched with our calculation.' },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  // UNVERIFIED: statuses and messages of the STS token family.
  MissingSecurityToken: { status: 400, message: 'SecurityToken is mandatory for this request.' },
  'InvalidSecurityToken.MismatchWithAccessKey': { status: 400, message: 'Specified SecurityToken mismatch with the AccessKey.' },
  'InvalidSecurityToken.Expired': { status: 400, message: 'Specified SecurityToken is expired.' },
  'Forbidden.RAM': { status: 403, message: "User not authorized to operate on the specified resource, or this API doesn't support RAM." },
  'Throttling.User': { status: 400, message: 'Request was denied due to user flow control.' },
  // UNVERIFIED for ONS.
  'Throttling.Api': { status: 400, message: 'Request was denied due to api flow control.' },
  Throttling: { status: 400, message: 'Request was denied due to request throttling.' },
  ServiceUnavailable: { status: 503, message: 'The request has failed due to a temporary failure of the server.' },
  InternalError: { status: 500, message: 'The request processing has failed due to some unknown error, exception or failure.' },
  // UNVERIFIED: the gateway's code for an oversized body is undocumented.
  RequestEntityTooLarge: { status: 413, message: 'The request body exceeds the size limit of {limit} bytes.' },
  // ONS business codes: 400 per the MQ error tables; the messages are UNVERIFIED.
  ONS_SYSTEM_ERROR: { status: 400, message: 'An internal system error occurred. Please try again later.' },
  ONS_SYSTEM_FLOW_CONTROL: { status: 400, message: 'The request was throttled by the system. Please try again later.' },
  INSTANCE_NOT_FOUND: { status: 400, message: 'The instance {name} does not exist. Please check and try again later.' },
  AUTH_RESOURCE_OWNER_ERROR: { status: 400, message: 'The resource {name} does not belong to the current user. Please check and try again later.' },
  BIZ_TOPIC_NOT_FOUND: { status: 400, message: 'The topic {name} does not exist. Please check and try again later.' },
  BIZ_NO_MESSAGE: { status: 400, message: 'No message matches the query. Please check and try again later.' },
  BIZ_SUBSCRIPTION_NOT_FOUND: { status: 400, message: 'The group {name} does not exist. Please check and try again later.' },
  // UNVERIFIED: the open-source broker's CONSUMER_NOT_ONLINE (206), as the ONS code list names it.
  BIZ_CONSUMER_NOT_ONLINE: { status: 400, message: 'The consumer group {name} is not online. Please check and try again later.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** An error code the emulator can return. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** Codes a fault may inject (`Fault.errorCode`). */
export const FAULT_ERROR_CODES = [
  'Throttling.User',
  'Throttling.Api',
  'Throttling',
  'ServiceUnavailable',
  'InternalError',
  'ONS_SYSTEM_ERROR',
  'ONS_SYSTEM_FLOW_CONTROL',
] as const satisfies readonly ApiErrorCode[];

/** A code a fault may inject. */
export type FaultErrorCode = (typeof FAULT_ERROR_CODES)[number];

/** The `AccessDeniedDetail` object added to `Forbidden.RAM` bodies. */
export interface AccessDeniedDetail {
  PolicyType: string;
  AuthPrincipalOwnerId: string;
  AuthPrincipalType: string;
  AuthPrincipalDisplayName: string;
  NoPermissionType: string;
  AuthAction: string;
  EncodedDiagnosticMessage: string;
}

/** A documented API failure; the server turns it into the JSON error body. */
export class EmulatorApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly accessDeniedDetail: AccessDeniedDetail | undefined;

  public constructor(code: string, status: number, message: string, accessDeniedDetail?: AccessDeniedDetail) {
    super(message);
    this.name = 'EmulatorApiError';
    this.code = code;
    this.status = status;
    this.accessDeniedDetail = accessDeniedDetail;
  }
}

/**
 * Creates an {@link EmulatorApiError} with the table's status and message.
 *
 * @param code - The error code.
 * @param vars - Values for `{name}`-style placeholders in the message.
 * @param accessDeniedDetail - Only for `Forbidden.RAM`.
 * @returns The error, ready to throw.
 * @example
 * throw apiError('MissingParameter', { name: 'Action' });
 */
export function apiError(
  code: ApiErrorCode,
  vars: Readonly<Record<string, string | number>> = {},
  accessDeniedDetail?: AccessDeniedDetail,
): EmulatorApiError {
  const template: string = API_ERRORS[code].message;
  const message = template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = vars[key];
    return value === undefined ? whole : String(value);
  });
  return new EmulatorApiError(code, API_ERRORS[code].status, message, accessDeniedDetail);
}

/**
 * Creates the error for a missing action-specific parameter. The emulator uses the POP gateway's
 * `Missing{Name}` style (e.g. `MissingTopic`) for action parameters and `MissingParameter` for the
 * common ones; which of the two ONS itself returns is UNVERIFIED.
 *
 * @param name - The parameter name, e.g. `Topic`.
 * @returns The error, ready to throw.
 */
export function missingActionParamError(name: string): EmulatorApiError {
  return new EmulatorApiError(`Missing${name}`, 400, `${name} is mandatory for this action.`);
}

/** The JSON error body of every failed API call. */
export interface ErrorBody {
  RequestId: string;
  HostId: string;
  Code: string;
  Message: string;
  Recommend: string;
  AccessDeniedDetail?: AccessDeniedDetail;
}

/**
 * Builds the documented RPC error body `{RequestId, HostId, Code, Message, Recommend}`.
 *
 * @param error - The API error.
 * @param requestId - The request id of this response.
 * @param hostId - The endpoint host the emulator pretends to be.
 * @returns The body to serialize.
 */
export function buildErrorBody(error: EmulatorApiError, requestId: string, hostId: string): ErrorBody {
  const body: ErrorBody = {
    RequestId: requestId,
    HostId: hostId,
    Code: error.code,
    Message: error.message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=Ons&requestId=${requestId}`,
  };
  if (error.accessDeniedDetail !== undefined) {
    body.AccessDeniedDetail = error.accessDeniedDetail;
  }
  return body;
}
