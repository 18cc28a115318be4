import { describe, expect, it } from 'vitest';
import { authenticateBearer, sha256Hex } from '../../../../shared/access/bearer';
import { UnauthenticatedError } from '../../../../shared/errors';
import { thrownBy } from '../../../builders/thrown-by';

const TOKEN = 'mqt_live_7f3a9c1e5b2d4f6a8c0e2b4d6f8a0c2e';
const OTHER = 'mqt_live_other_0000000000000000000000';
const tokens = [
  { name: 'other', sha256: sha256Hex(OTHER) },
  { name: 'oncall', sha256: sha256Hex(TOKEN) },
];

describe('Function: authenticateBearer', () => {
  describe('Given a configured token', () => {
    it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer  ${TOKEN} `])('accepts %j and returns its entry', (header) => {
      expect(authenticateBearer({ header, tokens }).name).toBe('oncall');
    });
  });

  describe('Given a header that must be refused', () => {
    const hash = sha256Hex(TOKEN);
    it.each([
      ['a missing header', undefined, 'missing bearer token'],
      ['an empty header', '', 'missing bearer token'],
      ['a wrong token', 'Bearer mqt_live_wrong', 'unknown bearer token'],
      ['the token minus its last character', `Bearer ${TOKEN.slice(0, -1)}`, 'unknown bearer token'],
      ['the token plus a character', `Bearer ${TOKEN}x`, 'unknown bearer token'],
      ['the configured hash itself', `Bearer ${hash}`, 'unknown bearer token'],
      ['a prefix of the configured hash', `Bearer ${hash.slice(0, 32)}`, 'unknown bearer token'],
      ['another scheme', `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`, 'malformed Authorization header'],
      ['the bare token', TOKEN, 'malformed Authorization header'],
      ['two tokens', `Bearer ${TOKEN} ${TOKEN}`, 'malformed Authorization header'],
    ])('refuses %s', (_, header, reason) => {
      const error = thrownBy(() => authenticateBearer({ header, tokens }));
      expect(error).toBeInstanceOf(UnauthenticatedError);
      expect((error as Error).message).toBe(reason);
      expect((error as Error).message).not.toContain(TOKEN.slice(10));
    });
  });

  describe('Given a token whose hash shares a prefix with a configured hash', () => {
    it('refuses it: the whole 32-byte digest is compared', () => {
      // Prepare: find a token whose SHA-256 shares the configured hash's first hex digit.
      const configured = sha256Hex(TOKEN);
      let candidate = '';
      for (let i = 0; ; i++) {
        candidate = `probe-${i}`;
        if (sha256Hex(candidate).slice(0, 2) === configured.slice(0, 2)) break;
      }

      // Act + Assert
      expect(() => authenticateBearer({ header: `Bearer ${candidate}`, tokens })).toThrow('unknown bearer token');
    });
  });

  describe('Given no token is configured', () => {
    it('refuses every header, even one that would otherwise match', () => {
      expect(() => authenticateBearer({ header: `Bearer ${TOKEN}`, tokens: [] })).toThrow('no API token is configured');
    });
  });
});
