import { describe, expect, it } from 'vitest';
import { createClientPool } from '../../../../shared/upstream/client-pool';

const creds = (n: number) => ({ accessKeyId: `AK${n}`, accessKeySecret: `SK${n}`, securityToken: `T${n}` });

describe('Function: createClientPool', () => {
  it('builds one client per credential set and context, and reuses it', () => {
    let built = 0;
    const pool = createClientPool<{ n: number }, string>({ build: () => ({ n: ++built }), keyOf: (endpoint) => endpoint });
    const a = pool.get(creds(1), 'e1');
    expect(pool.get({ ...creds(1) }, 'e1')).toBe(a);
    expect(pool.get(creds(1), 'e2')).not.toBe(a);
    expect(built).toBe(2);
  });

  it('keeps the newest ones only and closes the evicted client', () => {
    const closed: number[] = [];
    let built = 0;
    const pool = createClientPool({
      build: () => {
        const n = ++built;
        return { n, close: () => closed.push(n) };
      },
      maxClients: 2,
    });
    pool.get(creds(1));
    pool.get(creds(2));
    pool.get(creds(3));
    expect(pool.size()).toBe(2);
    expect(closed).toEqual([1]);
    expect(pool.get(creds(1)).n).toBe(4);
  });
});
