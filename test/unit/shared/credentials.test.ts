import { describe, expect, it } from 'vitest';
import { createCredentialsProvider, resolveCredentials } from '../../../shared/credentials';
import { CredentialsError } from '../../../shared/errors';
import { buildFcContext, CONTEXT_CREDENTIALS } from '../../builders/build-fc-http-event';

const ENV = { accessKeyId: 'ENV_AK', accessKeySecret: 'env-secret' };

describe('Function: resolveCredentials', () => {
  describe('Given STS credentials in the context', () => {
    it('prefers them over the environment', () => {
      // Act
      const credentials = resolveCredentials(buildFcContext(), ENV);

      // Assert
      expect(credentials).toEqual({ ...CONTEXT_CREDENTIALS });
    });

    it('omits an empty security token', () => {
      // Act
      const credentials = resolveCredentials(buildFcContext({ credentials: { accessKeyId: 'A', accessKeySecret: 'S', securityToken: '' } }), ENV);

      // Assert
      expect(credentials).toEqual({ accessKeyId: 'A', accessKeySecret: 'S' });
      expect(credentials).not.toHaveProperty('securityToken');
    });
  });

  describe('Given incomplete or missing context credentials', () => {
    it.each([
      ['null', null],
      ['undefined', undefined],
      ['an id only', { accessKeyId: 'A' }],
      ['a secret only', { accessKeySecret: 'S', securityToken: 'T' }],
      ['empty strings', { accessKeyId: '', accessKeySecret: '' }],
    ])('falls back to the environment for %s', (_label, contextCredentials) => {
      // Act
      const credentials = resolveCredentials(buildFcContext({ credentials: contextCredentials }), ENV);

      // Assert
      expect(credentials).toBe(ENV);
    });
  });

  describe('Given no credentials anywhere', () => {
    it('throws CredentialsError that says how to fix it', () => {
      // Act
      const resolve = () => resolveCredentials(buildFcContext({ credentials: null }), undefined);

      // Assert
      expect(resolve).toThrow(CredentialsError);
      expect(resolve).toThrow(/RAM role.*ALIBABA_CLOUD_ACCESS_KEY_ID/);
    });
  });
});

describe('Function: createCredentialsProvider', () => {
  describe('Given environment credentials', () => {
    it('gives the context STS set of each invocation, and the environment set when the context has none', () => {
      // Arrange
      const provide = createCredentialsProvider(ENV);

      // Act
      const fromContext = provide(buildFcContext());
      const rotated = provide(buildFcContext({ credentials: { accessKeyId: 'STS.rotated', accessKeySecret: 'rotated-secret', securityToken: 'rotated-token' } }));
      const fromEnv = provide(buildFcContext({ credentials: null }));

      // Assert
      expect(fromContext).toEqual({ ...CONTEXT_CREDENTIALS });
      expect(rotated).toEqual({ accessKeyId: 'STS.rotated', accessKeySecret: 'rotated-secret', securityToken: 'rotated-token' });
      expect(fromEnv).toBe(ENV);
    });
  });

  describe('Given no environment credentials', () => {
    it('throws CredentialsError for an invocation without context credentials', () => {
      // Arrange
      const provide = createCredentialsProvider(undefined);

      // Act + Assert
      expect(() => provide(buildFcContext({ credentials: null }))).toThrow(CredentialsError);
      expect(provide(buildFcContext())).toEqual({ ...CONTEXT_CREDENTIALS });
    });
  });
});
