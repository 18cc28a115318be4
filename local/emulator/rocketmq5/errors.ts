import { API_ERRORS, type AccessDeniedDetail, type FaultErrorCode } from '../api-errors';

/**
 * The 5.x emulator's error codes, HTTP statuses and messages, in one table.
 *
 * Evidence: the gateway codes follow /work/shared/ref/round2.md §2 (same choices as the 4.x side).
 * The business codes and messages come from the `@alicloud/rocketmq20220801@5.0.7` model
 * `@example`s: `Instance.NotFound` "The instance cannot be found.", `Topic.NotFound` "The topic
 * cannot be found.", `Missing{Name}` "Parameter {name} is mandatory for this action .",
 * `Invalid{Name}` "Parameter {name} is invalid." with `dynamicCode`/`dynamicMessage` naming the
 * parameter. The examples carry no HTTP statuses.
 *
 * UNVERIFIED (every status of a business code, and every row marked so): the 404/403 statuses,
 * `ConsumerGroup.NotFound`, `Message.NotFound`, `Subscription.NotFound`, `NoPermission` for another
 * account's instance, `InvalidScrollId`, that a tampered body answers `SignatureDoesNotMatch`, that
 * an unsigned `x-acs-*` header or a malformed `Authorization` answers `IncompleteSignature`, and
 * that gateway errors use this lower-camel envelope rather than `{RequestId, HostId, Code, ...}`.
 */
export const ROCKETMQ5_ERRORS = {
  'InvalidApi.NotFound': { status: 404, message: 'Specified api is not found, please check your url and method.' },
  // UNVERIFIED: code for a wrong x-acs-version.
  InvalidVersion: { status: 400, message: 'Specified parameter Version is not valid.' },
  MissingParameter: { status: 400, message: 'The input parameter "{name}" that is mandatory for processing this request is not supplied.' },
  // UNVERIFIED: missing/malformed Authorization, unsupported algorithm, unsigned or absent signed headers.
  IncompleteSignature: { status: 400, message: 'The request signature does not conform to Aliyun standards. {detail}' },
  'InvalidTimeStamp.Format': { status: 400, message: 'Specified time stamp or date value is not well formatted.' },
  'InvalidTimeStamp.Expired': { status: 400, message: 'Specified time stamp or date value is expired.' },
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  SignatureDoesNotMatch: { status: 400, message: 'Specified signature is not matched with our calculation. {detail}' },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  // UNVERIFIED: statuses and messages of the STS token family (as on the 4.x side).
  MissingSecurityToken: { status: 400, message: 'SecurityToken is mandatory for this request.' },
  'InvalidSecurityToken.MismatchWithAccessKey': { status: 400, message: 'Specified SecurityToken mismatch with the AccessKey.' },
  'InvalidSecurityToken.Expired': { status: 400, message: 'Specified SecurityToken is expired.' },
  'Forbidden.RAM': { status: 403, message: "User not authorized to operate on the specified resource, or this API doesn't support RAM." },
  // 400 by default; the seed's rocketmq5.throttlingStatus switches it to 429 (round2.md §2).
  'Throttling.User': { status: 400, message: 'Request was denied due to user flow control.' },
  // UNVERIFIED: the gateway's code for an oversized body.
  RequestEntityTooLarge: { status: 413, message: 'The request body exceeds the size limit of {limit} bytes.' },
  InternalError: { status: 500, message: 'The request processing has failed due to some unknown error, exception or failure.' },
  // UNVERIFIED statuses of the business codes below.
  'Instance.NotFound': { status: 404, message: 'The instance cannot be found.' },
  NoPermission: { status: 403, message: 'You are not authorized to access the resource {name}.' },
  'Topic.NotFound': { status: 404, message: 'The topic cannot be found.' },
  'ConsumerGroup.NotFound': { status: 404, message: 'The consumer group cannot be found.' },
  'Subscription.NotFound': { status: 404, message: 'The subscription cannot be found.' },
  'Message.NotFound': { status: 404, message: 'The message cannot be found.' },
  InvalidScrollId: { status: 400, message: 'Parameter scrollId is invalid.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A fixed error code of {@link ROCKETMQ5_ERRORS}. */
export type RocketMq5ErrorCode = keyof typeof ROCKETMQ5_ERRORS;

/** A 5.x API failure; the server turns it into the error envelope. */
export class RocketMq5Error extends Error {
  readonly code: string;
  readonly status: number;
  readonly dynamicCode: string | null;
  readonly dynamicMessage: string | null;
  readonly accessDeniedDetail: AccessDeniedDetail | undefined;

  public constructor(input: {
    code: string;
    status: number;
    message: string;
    dynamicCode?: string | null;
    dynamicMessage?: string | null;
    accessDeniedDetail?: AccessDeniedDetail;
  }) {
    super(input.message);
    this.name = 'RocketMq5Error';
    this.code = input.code;
    this.status = input.status;
    this.dynamicCode = input.dynamicCode ?? null;
    this.dynamicMessage = input.dynamicMessage ?? null;
    this.accessDeniedDetail = input.accessDeniedDetail;
  }
}

/**
 * Creates an error from the table, filling `{name}`-style placeholders.
 *
 * @param code - The code.
 * @param vars - Placeholder values; unfilled placeholders are removed.
 * @returns The error, ready to throw.
 */
export function rocketMq5Error(code: RocketMq5ErrorCode, vars: Readonly<Record<string, string | number>> = {}): RocketMq5Error {
  const template: string = ROCKETMQ5_ERRORS[code].message;
  const message = template.replace(/\{(\w+)\}/g, (_whole, key: string) => String(vars[key] ?? '')).trim();
  return new RocketMq5Error({ code, status: ROCKETMQ5_ERRORS[code].status, message });
}

function capitalize(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
}

/**
 * The error for a missing operation parameter, in the SDK examples' style: `MissingInstanceId`,
 * "Parameter instanceId is mandatory for this action .", dynamicCode `InstanceId`.
 *
 * @param name - The lower-camel parameter name.
 * @returns The error.
 */
export function missingParamError(name: string): RocketMq5Error {
  return new RocketMq5Error({
    code: `Missing${capitalize(name)}`,
    status: 400,
    message: `Parameter ${name} is mandatory for this action .`,
    dynamicCode: capitalize(name),
    dynamicMessage: name,
  });
}

/**
 * The error for an invalid operation parameter: `InvalidConsumerGroupId`, "Parameter
 * consumerGroupId is invalid.", dynamicCode `ConsumerGroupId`.
 *
 * @param name - The lower-camel parameter name.
 * @returns The error.
 */
export function invalidParamError(name: string): RocketMq5Error {
  return new RocketMq5Error({
    code: `Invalid${capitalize(name)}`,
    status: 400,
    message: `Parameter ${name} is invalid.`,
    dynamicCode: capitalize(name),
    dynamicMessage: name,
  });
}

/**
 * The error a fault injects: the 4.x table's status and message for the code.
 *
 * @param code - A fault error code.
 * @returns The error.
 */
export function faultError(code: FaultErrorCode): RocketMq5Error {
  return new RocketMq5Error({ code, status: API_ERRORS[code].status, message: API_ERRORS[code].message });
}

/** The JSON envelope of every 5.x response (SDK model field names). */
export interface RocketMq5Envelope {
  requestId: string;
  success: boolean;
  code: string;
  message: string;
  httpStatusCode: number;
  dynamicCode: string | null;
  dynamicMessage: string | null;
  data: unknown;
  accessDeniedDetail?: AccessDeniedDetail;
}

/**
 * Builds the success envelope.
 *
 * @param requestId - The request id.
 * @param data - The operation's `data`.
 * @returns `{requestId, success: true, code: "Success", message: "Success", httpStatusCode: 200, dynamicCode: null, dynamicMessage: null, data}`.
 */
export function successEnvelope(requestId: string, data: unknown): RocketMq5Envelope {
  return { requestId, success: true, code: 'Success', message: 'Success', httpStatusCode: 200, dynamicCode: null, dynamicMessage: null, data };
}

/**
 * Builds the error envelope (`success: false`, `data: null`, `httpStatusCode` = the HTTP status).
 *
 * @param requestId - The request id.
 * @param error - The error.
 * @param status - The HTTP status actually sent (differs from `error.status` for 429 throttling).
 * @returns The envelope; `accessDeniedDetail` only for `Forbidden.RAM`.
 */
export function errorEnvelope(requestId: string, error: RocketMq5Error, status: number = error.status): RocketMq5Envelope {
  const body: RocketMq5Envelope = {
    requestId,
    success: false,
    code: error.code,
    message: error.message,
    httpStatusCode: status,
    dynamicCode: error.dynamicCode,
    dynamicMessage: error.dynamicMessage,
    data: null,
  };
  if (error.accessDeniedDetail !== undefined) {
    body.accessDeniedDetail = error.accessDeniedDetail;
  }
  return body;
}
