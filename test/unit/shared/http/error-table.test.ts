import { describe, expect, it } from 'vitest';
import {
  AppError,
  ConfigError,
  ErrorCode,
  InvalidInputError,
  MethodNotAllowedError,
  NotFoundError,
  ThrottledError,
  UpstreamError,
} from '../../../../shared/errors';
import { errorBody, errorResponse, HTTP_STATUS_BY_CODE } from '../../../../shared/http/error-table';

const EXPECTED_STATUS: Record<string, number> = {
  INVALID_INPUT: 400,
  PAYLOAD_TOO_LARGE: 413,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  PERMISSION_DENIED: 403,
  FORBIDDEN: 403,
  CREDENTIALS_INVALID: 502,
  THROTTLED: 429,
  UPSTREAM_FAILED: 502,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

describe('Function: errorResponse', () => {
  describe('Given every ErrorCode', () => {
    it('has a table row for each code and no other', () => {
      // Assert
      expect(Object.keys(HTTP_STATUS_BY_CODE).sort()).toEqual(Object.values(ErrorCode).sort());
    });

    it.each(Object.values(ErrorCode))('maps %s to its documented status', (code) => {
      // Act
      const response = errorResponse(new AppError(code, 'x'), 'req-1');

      // Assert
      expect(response.statusCode).toBe(EXPECTED_STATUS[code]);
      expect(response.headers).toMatchObject({
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        'x-mqtrace-request-id': 'req-1',
      });
      expect(JSON.parse(response.body)).toMatchObject({ error: { code, requestId: 'req-1' } });
    });
  });

  describe('Given a ThrottledError', () => {
    it.each([
      [0.2, '1'],
      [1, '1'],
      [2.1, '3'],
    ])('carries retry-after for %d s as "%s"', (seconds, header) => {
      // Act
      const response = errorResponse(new ThrottledError('slow down', seconds), 'req-1');

      // Assert
      expect(response.statusCode).toBe(429);
      expect(response.headers['retry-after']).toBe(header);
    });
  });

  describe('Given a MethodNotAllowedError', () => {
    it('carries allow', () => {
      // Act
      const response = errorResponse(new MethodNotAllowedError('DELETE', ['GET', 'POST']), 'req-1');

      // Assert
      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('GET, POST');
    });
  });

  describe('Given other errors', () => {
    it('adds neither retry-after nor allow', () => {
      // Act
      const response = errorResponse(new NotFoundError('gone'), 'req-1');

      // Assert
      expect(response.headers).not.toHaveProperty('retry-after');
      expect(response.headers).not.toHaveProperty('allow');
    });
  });
});

describe('Function: errorBody', () => {
  describe('Given INTERNAL and CONFIG_INVALID errors', () => {
    it.each([
      [new AppError(ErrorCode.INTERNAL, 'TypeError at /var/task/index.js: password=hunter2'), 'internal error'],
      [new ConfigError([{ path: 'ALIBABA_CLOUD_ACCESS_KEY_ID', message: 'set both or neither' }]), 'mqtrace is misconfigured; see its logs'],
    ])('hides the message of %o', (error, message) => {
      // Act
      const body = errorBody(error, 'req-1');

      // Assert
      expect(body).toEqual({ error: { code: error.code, message, requestId: 'req-1' } });
    });
  });

  describe('Given an InvalidInputError', () => {
    it('includes the issues', () => {
      // Arrange
      const issues = [
        { path: 'topic', message: 'is required' },
        { path: 'msgId', message: 'is required' },
      ];

      // Act
      const body = errorBody(new InvalidInputError(issues), 'req-1');

      // Assert
      expect(body).toEqual({
        error: { code: 'INVALID_INPUT', message: 'topic: is required; msgId: is required', requestId: 'req-1', issues },
      });
    });

    it('omits an empty issue list', () => {
      // Act
      const body = errorBody(new InvalidInputError([]), 'req-1');

      // Assert
      expect(body.error).not.toHaveProperty('issues');
    });
  });

  describe('Given an error with upstream information', () => {
    it('includes only the upstream code and request id', () => {
      // Arrange
      const error = new UpstreamError('OnsMessageTrace failed: X', {
        upstream: { action: 'OnsMessageTrace', code: 'X', requestId: 'UP-1', httpStatus: 500 },
      });

      // Act
      const body = errorBody(error, 'req-1');

      // Assert
      expect(body).toEqual({
        error: {
          code: 'UPSTREAM_FAILED',
          message: 'OnsMessageTrace failed: X',
          requestId: 'req-1',
          upstream: { code: 'X', requestId: 'UP-1' },
        },
      });
    });

    it('omits upstream when it holds only the action', () => {
      // Act
      const body = errorBody(new UpstreamError('failed', { upstream: { action: 'OnsMessageTrace' } }), 'req-1');

      // Assert
      expect(body.error).not.toHaveProperty('upstream');
    });
  });
});
