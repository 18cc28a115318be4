import { describe, expect, it } from 'vitest';
import { createRpcClientPool } from '../../../../shared/ons/rpc-client';
import { buildFakeRpcClientFactory } from '../../../builders/build-fake-rpc-client-factory';

const A = { accessKeyId: 'AK_A', accessKeySecret: 'secret-a' };
const B = { accessKeyId: 'AK_B', accessKeySecret: 'secret-b', securityToken: 'token-b' };
const C = { accessKeyId: 'AK_C', accessKeySecret: 'secret-c' };

describe('Function: createRpcClientPool', () => {
  describe('Given the same credentials twice', () => {
    it('builds one client and reuses it', () => {
      // Arrange
      const fake = buildFakeRpcClientFactory();
      const pool = createRpcClientPool({ factory: fake.factory, endpoint: 'https://ons.cn-hangzhou.aliyuncs.com', apiVersion: '2019-02-14' });

      // Act
      const first = pool.get(A);
      const second = pool.get({ ...A });

      // Assert
      expect(second).toBe(first);
      expect(fake.configs).toEqual([{ ...A, endpoint: 'https://ons.cn-hangzhou.aliyuncs.com', apiVersion: '2019-02-14' }]);
      expect(pool.size()).toBe(1);
    });
  });

  describe('Given credential sets that differ in any one part', () => {
    it.each([
      ['the key id', { ...A, accessKeyId: 'AK_OTHER' }],
      ['the secret', { ...A, accessKeySecret: 'secret-other' }],
      ['a security token', { ...A, securityToken: 'token' }],
    ])('builds a new client when %s changes', (_label, other) => {
      // Arrange
      const fake = buildFakeRpcClientFactory();
      const pool = createRpcClientPool({ factory: fake.factory, endpoint: 'https://e', apiVersion: 'v' });

      // Act
      const first = pool.get(A);
      const second = pool.get(other);

      // Assert
      expect(second).not.toBe(first);
      expect(fake.configs).toHaveLength(2);
      expect(fake.configs[1]).toMatchObject(other);
    });
  });

  describe('Given more credential sets than maxClients', () => {
    it('evicts and closes the oldest client', () => {
      // Arrange
      const fake = buildFakeRpcClientFactory();
      const pool = createRpcClientPool({ factory: fake.factory, endpoint: 'https://e', apiVersion: 'v' });

      // Act
      pool.get(A);
      pool.get(B);
      pool.get(C);

      // Assert
      expect(pool.size()).toBe(2);
      expect(fake.closed).toEqual([0]);
    });

    it('builds a fresh client when evicted credentials come back', () => {
      // Arrange
      const fake = buildFakeRpcClientFactory();
      const pool = createRpcClientPool({ factory: fake.factory, endpoint: 'https://e', apiVersion: 'v', maxClients: 1 });
      const first = pool.get(A);
      pool.get(B);

      // Act
      const again = pool.get(A);

      // Assert
      expect(again).not.toBe(first);
      expect(fake.configs.map((c) => c.accessKeyId)).toEqual(['AK_A', 'AK_B', 'AK_A']);
      expect(fake.closed).toEqual([0, 1]);
      expect(pool.size()).toBe(1);
    });
  });

  describe('Given a client without close()', () => {
    it('evicts it without failing', () => {
      // Arrange
      const pool = createRpcClientPool({
        factory: () => ({ request: async <T>() => ({}) as T }),
        endpoint: 'https://e',
        apiVersion: 'v',
        maxClients: 1,
      });

      // Act
      pool.get(A);
      pool.get(B);

      // Assert
      expect(pool.size()).toBe(1);
    });
  });
});
