import { describe, expect, it } from 'vitest';
import { CredentialsError } from '../../../shared/errors';
import { invocationBudgetMs, resolveCredentials } from '../../../shared/fc-context';
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

describe('Function: invocationBudgetMs', () => {
  describe('Given function timeouts', () => {
    it.each([
      ['no function info', undefined, 8000, 8000],
      ['no timeout', {}, 8000, 8000],
      ['a zero timeout', { timeout: 0 }, 8000, 8000],
      ['a negative timeout', { timeout: -1 }, 8000, 8000],
      ['a generous timeout', { timeout: 60 }, 8000, 8000],
      ['a timeout shorter than the budget', { timeout: 5 }, 8000, 4500],
      ['a timeout just above the budget', { timeout: 8 }, 8000, 7500],
      ['a timeout below the response margin', { timeout: 0.2 }, 8000, 0],
    ])('with %s → %i ms', (_label, fn, configured, expected) => {
      // Arrange
      const context = { requestId: 'r', ...(fn === undefined ? {} : { function: fn }) };

      // Act + Assert
      expect(invocationBudgetMs(context, configured)).toBe(expected);
    });
  });
});
