import { describe, expect, it } from 'vitest';
import { MethodNotAllowedError, RouteNotFoundError } from '../../../../shared/errors';
import { createRouter } from '../../../../shared/http/router';

const route = createRouter([
  { name: 'trace.get', method: 'GET', path: '/v1/trace', handle: 'get-trace' },
  { name: 'trace.post', method: 'POST', path: '/v1/trace', handle: 'post-trace' },
  { name: 'healthz', method: 'GET', path: '/healthz', handle: 'health' },
  { name: 'root', method: 'GET', path: '/', handle: 'root' },
]);

describe('Function: createRouter', () => {
  describe('Given a known method and path', () => {
    it.each([
      ['GET', '/v1/trace', 'trace.get'],
      ['POST', '/v1/trace', 'trace.post'],
      ['GET', '/healthz', 'healthz'],
      ['GET', '/', 'root'],
    ])('%s %s → %s', (method, path, name) => {
      // Act + Assert
      expect(route(method, path).name).toBe(name);
    });
  });

  describe('Given trailing slashes', () => {
    it.each(['/v1/trace/', '/v1/trace///'])('matches %s as /v1/trace', (path) => {
      // Act + Assert
      expect(route('GET', path).name).toBe('trace.get');
    });
  });

  describe('Given HEAD', () => {
    it('is served by the GET route', () => {
      // Act + Assert
      expect(route('HEAD', '/healthz').handle).toBe('health');
    });
  });

  describe('Given an unknown path', () => {
    it.each(['/v2/trace', '/v1/trace/extra', '/V1/TRACE', '/v1'])('throws RouteNotFoundError for %s', (path) => {
      // Act + Assert
      expect(() => route('GET', path)).toThrow(RouteNotFoundError);
    });

    it('answers 404 before 405: an unknown path with an odd method is not found', () => {
      // Act + Assert
      expect(() => route('DELETE', '/nope')).toThrow(RouteNotFoundError);
    });
  });

  describe('Given a known path with another method', () => {
    it.each([
      ['DELETE', '/v1/trace', ['GET', 'POST', 'HEAD']],
      ['PUT', '/v1/trace/', ['GET', 'POST', 'HEAD']],
      ['POST', '/healthz', ['GET', 'HEAD']],
    ])('throws MethodNotAllowedError for %s %s, allowing %j', (method, path, allowed) => {
      // Act + Assert
      expect(() => route(method, path)).toThrow(MethodNotAllowedError);
      expect(() => route(method, path)).toThrow(expect.objectContaining({ allowed }));
    });

    it('does not let HEAD reach a POST-only path', () => {
      // Arrange
      const postOnly = createRouter([{ name: 'p', method: 'POST', path: '/p', handle: 1 }]);

      // Act + Assert
      expect(() => postOnly('HEAD', '/p')).toThrow(expect.objectContaining({ allowed: ['POST'] }));
    });
  });
});
