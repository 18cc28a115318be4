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
import { classifyUpstreamFailure } from '../../../../shared/ons/upstream-errors';
import {
  buildNetworkError,
  buildPopCoreApiError,
  buildPopCoreNonJsonFailure,
  buildPopCoreTimeoutError,
  LEAK_MARKERS,
} from '../../../builders/build-pop-core-error';

const ACTION = 'OnsMessageTrace';
const REQUEST_ID = 'B2C3D4E5-0000-4A1B-9C8D-112233445566';

function expectNoLeak(error: AppError): void {
  const serialised = `${error.message}\n${JSON.stringify(error)}\n${String(error)}`;
  for (const marker of LEAK_MARKERS) expect(serialised).not.toContain(marker);
}

describe('Function: classifyUpstreamFailure', () => {
  describe('Given pop-core API errors of each code family', () => {
    it.each([
      ['Throttling.User', ThrottledError, ErrorCode.THROTTLED, true],
      ['Throttling.Api', ThrottledError, ErrorCode.THROTTLED, true],
      ['Throttling', ThrottledError, ErrorCode.THROTTLED, true],
      ['ONS_SYSTEM_FLOW_CONTROL', ThrottledError, ErrorCode.THROTTLED, true],
      ['ServiceUnavailable', UpstreamUnavailableError, ErrorCode.UPSTREAM_UNAVAILABLE, true],
      ['InternalError', UpstreamError, ErrorCode.UPSTREAM_FAILED, true],
      ['ONS_SYSTEM_ERROR', UpstreamError, ErrorCode.UPSTREAM_FAILED, false],
      ['BIZ_NO_MESSAGE', NotFoundError, ErrorCode.NOT_FOUND, false],
      ['BIZ_TOPIC_NOT_FOUND', NotFoundError, ErrorCode.NOT_FOUND, false],
      ['BIZ_SUBSCRIPTION_NOT_FOUND', NotFoundError, ErrorCode.NOT_FOUND, false],
      ['INSTANCE_NOT_FOUND', NotFoundError, ErrorCode.NOT_FOUND, false],
      ['AUTH_RESOURCE_OWNER_ERROR', NotFoundError, ErrorCode.NOT_FOUND, false],
      ['InvalidAccessKeyId.NotFound', CredentialsError, ErrorCode.CREDENTIALS_INVALID, false],
      ['InvalidAccessKeyId.Inactive', CredentialsError, ErrorCode.CREDENTIALS_INVALID, false],
      ['SignatureDoesNotMatch', CredentialsError, ErrorCode.CREDENTIALS_INVALID, false],
      ['IncompleteSignature', CredentialsError, ErrorCode.CREDENTIALS_INVALID, false],
      ['InvalidSecurityToken.Expired', CredentialsError, ErrorCode.CREDENTIALS_INVALID, false],
      ['MissingSecurityToken', CredentialsError, ErrorCode.CREDENTIALS_INVALID, false],
      ['InvalidTimeStamp.Expired', CredentialsError, ErrorCode.CREDENTIALS_INVALID, false],
      ['SignatureNonceUsed', CredentialsError, ErrorCode.CREDENTIALS_INVALID, false],
      ['Forbidden.RAM', PermissionDeniedError, ErrorCode.PERMISSION_DENIED, false],
      ['Forbidden', PermissionDeniedError, ErrorCode.PERMISSION_DENIED, false],
      ['NoPermission', PermissionDeniedError, ErrorCode.PERMISSION_DENIED, false],
      ['AUTH_PERMISSION_CHECK_ERROR', PermissionDeniedError, ErrorCode.PERMISSION_DENIED, false],
      ['EMPOWER_OWNER_CHECK_ERROR', PermissionDeniedError, ErrorCode.PERMISSION_DENIED, false],
      ['MissingParameter', InvalidInputError, ErrorCode.INVALID_INPUT, false],
      ['MissingInstanceId', InvalidInputError, ErrorCode.INVALID_INPUT, false],
      ['InvalidParameter', InvalidInputError, ErrorCode.INVALID_INPUT, false],
      ['InvalidParameter.MsgId', InvalidInputError, ErrorCode.INVALID_INPUT, false],
      ['BIZ_FIELD_CHECK_INVALID', InvalidInputError, ErrorCode.INVALID_INPUT, false],
      ['SomethingBrandNew', UpstreamError, ErrorCode.UPSTREAM_FAILED, false],
    ])('%s → %o (%s), retryable %s', (code, ErrorClass, errorCode, retryable) => {
      // Arrange
      const failure = buildPopCoreApiError({ code, requestId: REQUEST_ID, statusCode: 403 });

      // Act
      const classified = classifyUpstreamFailure(ACTION, failure);

      // Assert
      expect(classified.error).toBeInstanceOf(ErrorClass);
      expect(classified.error.code).toBe(errorCode);
      expect(classified.retryable).toBe(retryable);
      expect(classified.outcome).toBe(code);
      // A permission refusal also names the RAM action to grant (the journey lists it as missing).
      const ramAction = ErrorClass === PermissionDeniedError ? { ramAction: 'mq:QueryMessageTrace' } : {};
      expect(classified.error.upstream).toEqual({ action: ACTION, code, requestId: REQUEST_ID, httpStatus: 403, ...ramAction });
      expectNoLeak(classified.error);
    });
  });

  describe('Given a throttling error', () => {
    it('asks the caller to retry after one second and names the request', () => {
      // Act
      const { error } = classifyUpstreamFailure(ACTION, buildPopCoreApiError({ code: 'Throttling.User', requestId: REQUEST_ID }));

      // Assert
      expect(error).toBeInstanceOf(ThrottledError);
      expect((error as ThrottledError).retryAfterSeconds).toBe(1);
      expect(error.message).toBe(`OnsMessageTrace was throttled by ONS: Throttling.User (upstream request ${REQUEST_ID})`);
    });
  });

  describe('Given the not-found codes', () => {
    it.each([
      ['BIZ_NO_MESSAGE', 'ONS has no such message in this topic'],
      ['BIZ_TOPIC_NOT_FOUND', 'the topic does not exist on this instance'],
      ['BIZ_SUBSCRIPTION_NOT_FOUND', 'the consumer group does not exist on this instance'],
      ['INSTANCE_NOT_FOUND', 'the instance does not exist in this region and account'],
      ['AUTH_RESOURCE_OWNER_ERROR', 'the instance or topic does not exist in this account'],
    ])('%s says "%s"', (code, message) => {
      // Act
      const { error } = classifyUpstreamFailure(ACTION, buildPopCoreApiError({ code }));

      // Assert
      expect(error.message).toBe(message);
    });
  });

  describe('Given an upstream input error', () => {
    it('becomes one issue naming only the code and request', () => {
      // Act
      const { error } = classifyUpstreamFailure(ACTION, buildPopCoreApiError({ code: 'InvalidParameter', requestId: REQUEST_ID }));

      // Assert
      expect((error as InvalidInputError).issues).toEqual([
        { path: '', message: `ONS rejected the request: InvalidParameter (upstream request ${REQUEST_ID})` },
      ]);
    });
  });

  describe('Given a Code with unsafe characters', () => {
    it.each([
      ['markup', '<script>alert(1)</script>'],
      ['spaces', 'Bad Code'],
      ['the signed URL', 'x?AccessKeyId=SECRETKEY&Signature=SIGXYZ'],
      ['81 characters', 'A'.repeat(81)],
      ['an empty string', ''],
    ])('replaces a Code with %s by UNRECOGNISED_CODE', (_label, code) => {
      // Arrange
      const failure = buildPopCoreApiError({ code });

      // Act
      const classified = classifyUpstreamFailure(ACTION, failure);

      // Assert
      expect(classified.error).toBeInstanceOf(UpstreamError);
      expect(classified.outcome).toBe('UNRECOGNISED_CODE');
      expect(classified.error.upstream?.code).toBe('UNRECOGNISED_CODE');
      expect(classified.error.message).not.toContain(code || '\u0000');
      expectNoLeak(classified.error);
    });
  });

  describe('Given a RequestId with unsafe characters', () => {
    it('drops it', () => {
      // Arrange
      const failure = buildPopCoreApiError({
        code: 'Forbidden.RAM',
        data: { Code: 'Forbidden.RAM', RequestId: 'id with spaces & TOKEN123' },
      });

      // Act
      const { error } = classifyUpstreamFailure(ACTION, failure);

      // Assert
      expect(error.upstream).toEqual({ action: ACTION, code: 'Forbidden.RAM', httpStatus: 400, ramAction: 'mq:QueryMessageTrace' });
      expectNoLeak(error);
    });
  });

  describe('Given an API body without a Code', () => {
    it('falls back to the error code', () => {
      // Arrange
      const failure = buildPopCoreApiError({ code: 'Throttling.User', data: { RequestId: REQUEST_ID } });

      // Act
      const classified = classifyUpstreamFailure(ACTION, failure);

      // Assert
      expect(classified.error).toBeInstanceOf(ThrottledError);
      expect(classified.error.upstream?.requestId).toBe(REQUEST_ID);
    });
  });

  describe('Given a non-JSON body (json-bigint rejects with a plain object)', () => {
    it('is a non-retryable UpstreamError without the body text', () => {
      // Act
      const classified = classifyUpstreamFailure(ACTION, buildPopCoreNonJsonFailure());

      // Assert
      expect(classified.error).toBeInstanceOf(UpstreamError);
      expect(classified).toMatchObject({ retryable: false, outcome: 'NON_JSON_BODY' });
      expect(classified.error.message).toBe('OnsMessageTrace: the endpoint answered with a body that is not JSON');
      expect(classified.error.message).not.toContain('html');
      expectNoLeak(classified.error);
    });
  });

  describe('Given a read timeout', () => {
    it('is a retryable UpstreamTimeoutError', () => {
      // Act
      const classified = classifyUpstreamFailure(ACTION, buildPopCoreTimeoutError());

      // Assert
      expect(classified.error).toBeInstanceOf(UpstreamTimeoutError);
      expect(classified).toMatchObject({ retryable: true, outcome: 'TIMEOUT' });
      expect(classified.error.upstream).toEqual({ action: ACTION });
      expectNoLeak(classified.error);
    });
  });

  describe('Given network errors', () => {
    it.each([
      ['ECONNRESET', UpstreamError, true, 'ECONNRESET'],
      ['EPIPE', UpstreamError, true, 'ECONNRESET'],
      ['ECONNREFUSED', UpstreamUnavailableError, false, 'ECONNREFUSED'],
      ['ENOTFOUND', UpstreamUnavailableError, false, 'ENOTFOUND'],
      ['EAI_AGAIN', UpstreamUnavailableError, false, 'EAI_AGAIN'],
      ['EHOSTUNREACH', UpstreamUnavailableError, false, 'EHOSTUNREACH'],
    ])('%s → %o, retryable %s, outcome %s', (code, ErrorClass, retryable, outcome) => {
      // Act
      const classified = classifyUpstreamFailure(ACTION, buildNetworkError(code));

      // Assert
      expect(classified.error).toBeInstanceOf(ErrorClass);
      expect(classified.retryable).toBe(retryable);
      expect(classified.outcome).toBe(outcome);
      expect(classified.error.upstream).toEqual({ action: ACTION, code: outcome });
      expectNoLeak(classified.error);
    });

    it('treats "socket hang up" without a code as a reset', () => {
      // Act
      const classified = classifyUpstreamFailure(ACTION, new Error('socket hang up'));

      // Assert
      expect(classified).toMatchObject({ retryable: true, outcome: 'ECONNRESET' });
    });
  });

  describe('Given junk that is not any known failure shape', () => {
    it.each([
      ['a string', 'boom SECRETKEY'],
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['an empty object', {}],
      ['a real SyntaxError', new SyntaxError('Unexpected token SIGXYZ')],
      ['an Error with an unknown code', buildNetworkError('EWHATEVER')],
    ])('%s → non-retryable TRANSPORT_ERROR', (_label, failure) => {
      // Act
      const classified = classifyUpstreamFailure(ACTION, failure);

      // Assert
      expect(classified.error).toBeInstanceOf(UpstreamError);
      expect(classified).toMatchObject({ retryable: false, outcome: 'TRANSPORT_ERROR' });
      expect(classified.error.message).toBe('OnsMessageTrace: the call failed');
      expectNoLeak(classified.error);
    });
  });

  describe('Given an AppError thrown before the call', () => {
    it('passes it through, not retryable', () => {
      // Arrange
      const original = new ThrottledError('local rate limit', 2);

      // Act
      const classified = classifyUpstreamFailure(ACTION, original);

      // Assert
      expect(classified).toEqual({ error: original, retryable: false, outcome: 'THROTTLED' });
    });
  });
});

describe('Function: classifyUpstreamFailure (permission denied)', () => {
  it.each([
    ['OnsMessageTrace', 'mq:QueryMessageTrace'],
    ['OnsConsumerAccumulate', 'mq:QueryConsumerAccumulate'],
    ['OnsDLQMessageGetById', 'mq:QueryDLQMessage'],
  ])('names the RAM action to grant when %s is refused', (action, ramAction) => {
    const { error } = classifyUpstreamFailure(action, buildPopCoreApiError({ code: 'Forbidden.RAM', requestId: 'R-1', statusCode: 403 }));
    expect(error.code).toBe(ErrorCode.PERMISSION_DENIED);
    expect(error.message).toContain(`grant its role ${ramAction}`);
  });

  it('names no action for a call outside the registry', () => {
    const { error } = classifyUpstreamFailure('SomethingElse', buildPopCoreApiError({ code: 'Forbidden.RAM', statusCode: 403 }));
    expect(error.message).not.toContain('grant');
  });
});
