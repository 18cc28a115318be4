import { describe, expect, it } from 'vitest';
import { createAccountScope } from '../../../shared/account-scope';

describe('Function: createAccountScope', () => {
  it('names the account when it is known, whatever STS key signs', () => {
    // Arrange
    const scope = createAccountScope('1234567890123456');

    // Act
    const scopes = [scope({ accessKeyId: 'STS.instance-a' }), scope({ accessKeyId: 'STS.instance-b' })];

    // Assert
    expect(scopes).toEqual(['acct:1234567890123456', 'acct:1234567890123456']);
  });

  it('stands in a hash of the AccessKey ID without the account: stable, distinct, and never the ID', () => {
    // Arrange
    const scope = createAccountScope(undefined);

    // Act
    const [a, again, b] = [scope({ accessKeyId: 'test-key-id-a' }), scope({ accessKeyId: 'test-key-id-a' }), scope({ accessKeyId: 'test-key-id-b' })];

    // Assert
    expect(a).toMatch(/^ak:[0-9a-f]{24}$/);
    expect(again).toBe(a);
    expect(b).not.toBe(a);
    expect(a).not.toContain('test-key-id');
  });
});
