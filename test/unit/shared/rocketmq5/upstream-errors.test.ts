import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AppError,
  CredentialsError,
  ErrorCode,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  ThrottledError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../../../shared/errors';
import { NOT_FOUND_CODES, classifyApiFailure, classifyRocketMq5Failure } from '../../../../shared/rocketmq5/upstream-errors';
import { buildSdkApiError, buildTransportError } from './fake-rocketmq5-client';

const REQUEST_ID = '9F1C2B3A-1111-4C2D-8E9F-001122334455';
// The AccessKey-shaped value is assembled so that secret scanners do not flag a fake key.
const SECRETS = [['LT', 'AI5tSECRETKEYID'].join(''), 'sts-token-SECRET', 'Signature=SECRETSIG'];

function serialise(error: AppError): string {
  return `${error.message}\n${JSON.stringify(error)}\n${String(error)}\n${JSON.stringify(error.upstream)}`;
}

describe('Function: classifyRocketMq5Failure', () => {
  describe('Given openapi-core API errors of each code family', () => {
    it.each([
      ['Throttling.User', 400, ThrottledError, ErrorCode.THROTTLED, true, true],
      ['Throttling.Api', 429, ThrottledError, ErrorCode.THROTTLED, true, true],
      ['Throttling', 400, ThrottledError, ErrorCode.THROTTLED, true, true],
      ['Instance.NotFound', 404, NotFoundError, ErrorCode.NOT_FOUND, false, false],
      ['Topic.NotFound', 404, NotFoundError, ErrorCode.NOT_FOUND, false, false],
      ['ConsumerGroup.NotFound', 404, NotFoundError, ErrorCode.NOT_FOUND, false, false],
      ['InvalidConsumerGroupId', 400, NotFoundError, ErrorCode.NOT_FOUND, false, false],
      ['Subscription.NotFound', 404, NotFoundError, ErrorCode.NOT_FOUND, false, false],
      ['Message.NotFound', 404, NotFoundError, ErrorCode.NOT_FOUND, false, false],
      ['InvalidAccessKeyId.NotFound', 404, CredentialsError, ErrorCode.CREDENTIALS_INVALID, false, false],
      ['InvalidAccessKeyId.Inactive', 400, CredentialsError, ErrorCode.CREDENTIALS_INVALID, false, false],
      ['SignatureDoesNotMatch', 400, CredentialsError, ErrorCode.CREDENTIALS_INVALID, false, false],
      ['IncompleteSignature', 400, CredentialsError, ErrorCode.CREDENTIALS_INVALID, false, false],
      ['InvalidSecurityToken.Expired', 400, CredentialsError, ErrorCode.CREDENTIALS_INVALID, false, false],
      ['InvalidSecurityToken.MismatchWithAccessKey', 400, CredentialsError, ErrorCode.CREDENTIALS_INVALID, false, false],
      ['MissingSecurityToken', 400, CredentialsError, ErrorCode.CREDENTIALS_INVALID, false, false],
      ['InvalidTimeStamp.Expired', 400, CredentialsError, ErrorCode.CREDENTIALS_INVALID, false, false],
      ['InvalidTimeStamp.Format', 400, CredentialsError, ErrorCode.CREDENTIALS_INVALID, false, false],
      ['SignatureNonceUsed', 400, CredentialsError, ErrorCode.CREDENTIALS_INVALID, false, false],
      ['Forbidden.RAM', 403, PermissionDeniedError, ErrorCode.PERMISSION_DENIED, false, false],
      ['Forbidden', 403, PermissionDeniedError, ErrorCode.PERMISSION_DENIED, false, false],
      ['NoPermission', 403, PermissionDeniedError, ErrorCode.PERMISSION_DENIED, false, false],
      ['MissingParameter', 400, InvalidInputError, ErrorCode.INVALID_INPUT, false, false],
      ['MissingInstanceId', 400, InvalidInputError, ErrorCode.INVALID_INPUT, false, false],
      ['InvalidParameter', 400, InvalidInputError, ErrorCode.INVALID_INPUT, false, false],
      ['InvalidParameter.PageSize', 400, InvalidInputError, ErrorCode.INVALID_INPUT, false, false],
      ['InvalidScrollId', 400, InvalidInputError, ErrorCode.INVALID_INPUT, false, false],
      ['ServiceUnavailable', 503, UpstreamUnavailableError, ErrorCode.UPSTREAM_UNAVAILABLE, true, false],
      ['InternalError', 500, UpstreamUnavailableError, ErrorCode.UPSTREAM_UNAVAILABLE, true, false],
      ['SomethingNew', 502, UpstreamUnavailableError, ErrorCode.UPSTREAM_UNAVAILABLE, true, false],
      ['InvalidApi.NotFound', 404, UpstreamError, ErrorCode.UPSTREAM_FAILED, false, false],
      ['SomethingBrandNew', 400, UpstreamError, ErrorCode.UPSTREAM_FAILED, false, false],
    ])('%s (HTTP %i) → %o (%s), retryable %s, throttled %s', (code, statusCode, ErrorClass, errorCode, retryable, throttled) => {
      // Arrange
      const failure = buildSdkApiError({ code, statusCode, requestId: REQUEST_ID });

      // Act
      const classified = classifyRocketMq5Failure('GetTrace', failure);

      // Assert
      expect(classified.error).toBeInstanceOf(ErrorClass);
      expect(classified.error.code).toBe(errorCode);
      expect(classified.retryable).toBe(retryable);
      expect(classified.throttled).toBe(throttled);
      expect(classified.outcome).toBe(code);
      // A permission refusal also names the RAM action to grant (the journey lists it as missing).
      const ramAction = ErrorClass === PermissionDeniedError ? { ramAction: 'rocketmq:GetTrace' } : {};
      expect(classified.error.upstream).toEqual({ action: 'GetTrace', code, requestId: REQUEST_ID, httpStatus: statusCode, ...ramAction });
      expect(serialise(classified.error)).not.toContain('signature is not matched');
    });

    it('reads the gateway envelope ({RequestId, Code}) as well as the product one', () => {
      const classified = classifyRocketMq5Failure('ListMessages', buildSdkApiError({ code: 'Forbidden.RAM', statusCode: 403, requestId: REQUEST_ID, gatewayEnvelope: true }));
      expect(classified.error).toBeInstanceOf(PermissionDeniedError);
      expect(classified.error.upstream).toEqual({ action: 'ListMessages', code: 'Forbidden.RAM', requestId: REQUEST_ID, httpStatus: 403, ramAction: 'rocketmq:ListMessages' });
    });

    it('gives each not-found code its fixed message', () => {
      for (const [code, message] of NOT_FOUND_CODES) {
        expect(classifyRocketMq5Failure('GetTrace', buildSdkApiError({ code, statusCode: 404, message: 'upstream words' })).error.message).toBe(message);
      }
    });
  });

  describe('Given a permission denial', () => {
    it('names the RAM action to grant and its resource', () => {
      const error = classifyRocketMq5Failure('GetTrace', buildSdkApiError({ code: 'Forbidden.RAM', statusCode: 403, requestId: REQUEST_ID })).error;
      expect(error.message).toBe(
        `mqtrace's role may not call GetTrace on this resource: grant rocketmq:GetTrace on acs:rocketmq:{region}:{accountId}:instance/{instanceId}/topic/{topic} (Forbidden.RAM) (upstream request ${REQUEST_ID})`,
      );
      const lag = classifyRocketMq5Failure('GetConsumerGroupLag', buildSdkApiError({ code: 'NoPermission', statusCode: 403 })).error;
      expect(lag.message).toContain('grant rocketmq:GetConsumerGroupLag on acs:rocketmq:{region}:{accountId}:instance/{instanceId}/consumergroup/{groupId}');
    });
  });

  describe('Given throttling', () => {
    it("uses openapi-core's retryAfter (ms) when the gateway sent one, else one second", () => {
      const withHeader = classifyRocketMq5Failure('GetTrace', buildSdkApiError({ code: 'Throttling.User', statusCode: 429, retryAfter: 2500 })).error as ThrottledError;
      const without = classifyRocketMq5Failure('GetTrace', buildSdkApiError({ code: 'Throttling.User', statusCode: 400 })).error as ThrottledError;
      expect(withHeader.retryAfterSeconds).toBe(3);
      expect(without.retryAfterSeconds).toBe(1);
    });

    it('treats a bare 429 without a code as throttling', () => {
      const classified = classifyApiFailure('GetTrace', { code: undefined, requestId: undefined, httpStatus: 429 });
      expect(classified).toMatchObject({ retryable: true, throttled: true, outcome: 'HTTP_429' });
    });
  });

  describe('Given an answer without a code', () => {
    it('classifies by status: 5xx unavailable and retryable, 403 permission, others upstream', () => {
      expect(classifyRocketMq5Failure('GetTrace', buildSdkApiError({ statusCode: 503 })).error).toBeInstanceOf(UpstreamUnavailableError);
      expect(classifyRocketMq5Failure('GetTrace', buildSdkApiError({ statusCode: 403 })).error).toBeInstanceOf(PermissionDeniedError);
      const other = classifyRocketMq5Failure('GetTrace', buildSdkApiError({ statusCode: 418 }));
      expect(other.error).toBeInstanceOf(UpstreamError);
      expect(other.outcome).toBe('HTTP_418');
    });
  });

  describe('Given transport failures', () => {
    it.each([
      ['read-timeout', UpstreamTimeoutError, true, 'TIMEOUT'],
      ['connect-timeout', UpstreamTimeoutError, true, 'TIMEOUT'],
      ['reset', UpstreamError, true, 'ECONNRESET'],
      ['refused', UpstreamUnavailableError, false, 'ECONNREFUSED'],
      ['non-json', UpstreamUnavailableError, true, 'NON_JSON_BODY'],
      ['cast', UpstreamError, false, 'MALFORMED_RESPONSE'],
    ] as const)('%s → %o, retryable %s, outcome %s', (kind, ErrorClass, retryable, outcome) => {
      const classified = classifyRocketMq5Failure('ListMessages', buildTransportError(kind, SECRETS.join(' ')));
      expect(classified.error).toBeInstanceOf(ErrorClass);
      expect(classified.retryable).toBe(retryable);
      expect(classified.outcome).toBe(outcome);
      for (const secret of SECRETS) expect(serialise(classified.error)).not.toContain(secret);
    });

    it('passes an AppError through, not retryable', () => {
      const error = new NotFoundError('x');
      expect(classifyRocketMq5Failure('GetTrace', error)).toEqual({ error, retryable: false, outcome: 'NOT_FOUND', throttled: false });
    });

    it('makes an opaque failure an UpstreamError', () => {
      expect(classifyRocketMq5Failure('GetTrace', 'boom').outcome).toBe('TRANSPORT_ERROR');
      expect(classifyRocketMq5Failure('GetTrace', null).error).toBeInstanceOf(UpstreamError);
    });
  });

  describe('Given upstream messages and codes that carry secrets', () => {
    it('never copies the message, and replaces an unsafe code or request id', () => {
      const secret = fc.constantFrom(...SECRETS);
      const code = fc.oneof(
        fc.constantFrom('Throttling.User', 'Forbidden.RAM', 'Topic.NotFound', 'SignatureDoesNotMatch', 'InvalidParameter', 'InternalError', 'Odd'),
        secret.map((s) => `Bad ${s}`),
      );
      fc.assert(
        fc.property(fc.string(), secret, fc.string(), code, fc.constantFrom(400, 403, 404, 429, 500, 503), fc.boolean(), (before, s, after, c, status, gateway) => {
          const failure = buildSdkApiError({ code: c, statusCode: status, message: `${before}${s}${after}`, requestId: gateway ? `${s}/x` : REQUEST_ID, gatewayEnvelope: gateway });
          const classified = classifyRocketMq5Failure('GetTrace', failure);
          const text = serialise(classified.error);
          expect(text).not.toContain(s);
          expect(classified.outcome).not.toContain(s);
        }),
      );
    });
  });
});
