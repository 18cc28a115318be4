import { describe, expect, it } from 'vitest';
import { emptyResponse, jsonResponse } from '../../../../shared/http/http-response';

describe('Function: jsonResponse', () => {
  describe('Given a body and extra headers', () => {
    it('serialises the body and lets extra headers override the defaults', () => {
      // Act
      const response = jsonResponse(201, { a: 1 }, { 'cache-control': 'max-age=5', 'x-extra': '1' });

      // Assert
      expect(response).toEqual({
        statusCode: 201,
        headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'max-age=5', 'x-extra': '1' },
        isBase64Encoded: false,
        body: '{"a":1}',
      });
    });
  });
});

describe('Function: emptyResponse', () => {
  describe('Given a status', () => {
    it('has no body and no content-type', () => {
      // Act
      const response = emptyResponse(401);

      // Assert
      expect(response).toEqual({ statusCode: 401, headers: { 'cache-control': 'no-store' }, isBase64Encoded: false, body: '' });
    });
  });
});
