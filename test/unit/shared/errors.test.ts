import { describe, expect, it } from 'vitest';
import {
  AppError,
  ConfigError,
  CredentialsError,
  ErrorCode,
  InvalidInputError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RouteNotFoundError,
  ThrottledError,
  toAppError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../../shared/errors';

describe('Function: AppError subclasses', () => {
  describe('Given each subclass', () => {
    it.each([
      [new InvalidInputError([{ path: 'a', message: 'b' }]), 'InvalidInputError', ErrorCode.INVALID_INPUT],
      [new PayloadTooLargeError(10), 'PayloadTooLargeError', ErrorCode.PAYLOAD_TOO_LARGE],
      [new RouteNotFoundError('/x'), 'RouteNotFoundError', ErrorCode.ROUTE_NOT_FOUND],
      [new MethodNotAllowedError('PUT', ['GET']), 'MethodNotAllowedError', ErrorCode.METHOD_NOT_ALLOWED],
      [new UnsupportedMediaTypeError('application/json'), 'UnsupportedMediaTypeError', ErrorCode.UNSUPPORTED_MEDIA_TYPE],
      [new UnauthenticatedError(), 'UnauthenticatedError', ErrorCode.UNAUTHENTICATED],
      [new NotFoundError('m'), 'NotFoundError', ErrorCode.NOT_FOUND],
      [new PermissionDeniedError('m'), 'PermissionDeniedError', ErrorCode.PERMISSION_DENIED],
      [new CredentialsError('m'), 'CredentialsError', ErrorCode.CREDENTIALS_INVALID],
      [new ThrottledError('m', 1), 'ThrottledError', ErrorCode.THROTTLED],
      [new UpstreamError('m'), 'UpstreamError', ErrorCode.UPSTREAM_FAILED],
      [new UpstreamUnavailableError('m'), 'UpstreamUnavailableError', ErrorCode.UPSTREAM_UNAVAILABLE],
      [new UpstreamTimeoutError('m'), 'UpstreamTimeoutError', ErrorCode.UPSTREAM_TIMEOUT],
      [new ConfigError([{ path: 'K', message: 'bad' }]), 'ConfigError', ErrorCode.CONFIG_INVALID],
    ])('%o has its name and code and is an AppError', (error, name, code) => {
      // Assert
      expect(error).toBeInstanceOf(AppError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
    });
  });

  describe('Given messages built from their inputs', () => {
    it.each([
      [new InvalidInputError([{ path: 'topic', message: 'is required' }, { path: '', message: 'root problem' }]), 'topic: is required; root problem'],
      [new PayloadTooLargeError(65536), 'request body is larger than 65536 bytes'],
      [new RouteNotFoundError(`/${'x'.repeat(100)}`), `no route for /${'x'.repeat(79)}…`],
      [new MethodNotAllowedError('PROPFIND-EXTENDED-LONG', ['GET', 'POST']), 'PROPFIND-EXTENDE… is not allowed here; use GET or POST'],
      [new UnsupportedMediaTypeError('application/json'), 'content-type must be application/json'],
      [new UnauthenticatedError(), 'authentication required'],
      [new ConfigError([{ path: 'A', message: 'x' }, { path: 'B', message: 'y' }]), 'invalid configuration: A: x; B: y'],
    ])('%o says %j', (error, message) => {
      // Assert
      expect(error.message).toBe(message);
    });
  });

  describe('Given ThrottledError retry hints', () => {
    it.each([
      [0, 1],
      [0.01, 1],
      [1, 1],
      [1.01, 2],
      [30, 30],
    ])('%d s becomes %i', (seconds, expected) => {
      // Assert
      expect(new ThrottledError('m', seconds).retryAfterSeconds).toBe(expected);
    });
  });

  describe('Given options', () => {
    it('keeps upstream info and cause', () => {
      // Arrange
      const cause = new Error('inner');

      // Act
      const error = new UpstreamError('m', { upstream: { action: 'A', code: 'C', requestId: 'R', httpStatus: 500 }, cause });

      // Assert
      expect(error.upstream).toEqual({ action: 'A', code: 'C', requestId: 'R', httpStatus: 500 });
      expect(error.cause).toBe(cause);
    });

    it('has no cause property when none is given', () => {
      // Assert
      expect(Object.hasOwn(new NotFoundError('m'), 'cause')).toBe(false);
    });
  });

  describe('Given ConfigError', () => {
    it('lists the failing keys', () => {
      // Assert
      expect(new ConfigError([{ path: 'A', message: 'x' }, { path: 'B', message: 'y' }]).keys).toEqual(['A', 'B']);
    });
  });
});

describe('Function: toAppError', () => {
  describe('Given an AppError', () => {
    it('returns the same instance', () => {
      // Arrange
      const error = new NotFoundError('m');

      // Act + Assert
      expect(toAppError(error)).toBe(error);
    });
  });

  describe('Given anything else', () => {
    it.each([new TypeError('boom'), 'string', null, { code: 'NOT_FOUND' }])('wraps %o as INTERNAL with a generic message', (thrown) => {
      // Act
      const error = toAppError(thrown);

      // Assert
      expect(error.code).toBe('INTERNAL');
      expect(error.message).toBe('internal error');
      expect(error.cause).toBe(thrown);
    });
  });
});
