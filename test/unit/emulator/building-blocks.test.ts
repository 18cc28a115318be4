import { describe, expect, it } from 'vitest';
import { EmulatorApiError } from '../../../local/emulator/api-errors';
import { authorizeRamAction, parsePopTimestamp } from '../../../local/emulator/auth';
import { createFaultStore } from '../../../local/emulator/faults';
import { createNonceStore } from '../../../local/emulator/nonce-store';
import { createRateLimiter } from '../../../local/emulator/rate-limiter';
import { parseFormParams } from '../../../local/emulator/request-params';
import type { CredentialEntry } from '../../../local/emulator/seed-index';

function buildClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof EmulatorApiError ? error.code : 'not-an-api-error';
  }
  return undefined;
}

describe('Function: createRateLimiter()', () => {
  it('grants the capacity, refuses the next, and refills continuously', () => {
    const clock = buildClock();
    const limiter = createRateLimiter({ now: clock.now });
    const limit = { count: 10, windowMs: 1000 };

    const granted = Array.from({ length: 11 }, () => limiter.tryTake('k', limit));
    clock.advance(99);
    const tooEarly = limiter.tryTake('k', limit);
    clock.advance(1);
    const refilled = limiter.tryTake('k', limit);

    expect(granted.filter(Boolean)).toHaveLength(10);
    expect(granted[10]).toBe(false);
    expect(tooEarly).toBe(false);
    expect(refilled).toBe(true);
  });

  it('never holds more than the capacity and ignores a clock that goes back', () => {
    const clock = buildClock();
    const limiter = createRateLimiter({ now: clock.now });
    const limit = { count: 2, windowMs: 1000 };

    clock.advance(60_000);
    const afterIdle = Array.from({ length: 3 }, () => limiter.tryTake('k', limit));
    clock.advance(-5000);
    const afterRewind = limiter.tryTake('k', limit);

    expect(afterIdle).toStrictEqual([true, true, false]);
    expect(afterRewind).toBe(false);
  });

  it('keeps buckets apart by key', () => {
    const limiter = createRateLimiter({ now: buildClock().now });
    const limit = { count: 1, windowMs: 1000 };

    expect([limiter.tryTake('a', limit), limiter.tryTake('b', limit), limiter.tryTake('a', limit)]).toStrictEqual([true, true, false]);
  });
});

describe('Function: createNonceStore()', () => {
  it('refuses reuse within the window and allows it after', () => {
    const clock = buildClock();
    const nonces = createNonceStore({ ttlMs: 1000, maxEntries: 10, now: clock.now });

    const first = nonces.use('n');
    const reuse = nonces.use('n');
    clock.advance(1000);
    const afterWindow = nonces.use('n');

    expect([first, reuse, afterWindow]).toStrictEqual([true, false, true]);
  });

  it('prunes expired entries and stays within maxEntries', () => {
    const clock = buildClock();
    const nonces = createNonceStore({ ttlMs: 1000, maxEntries: 3, now: clock.now });

    for (let i = 0; i < 10; i += 1) {
      nonces.use(`n${i}`);
    }
    const sizeAtCap = nonces.size();
    clock.advance(1000);

    expect(sizeAtCap).toBe(3);
    expect(nonces.size()).toBe(0);
  });
});

describe('Function: createFaultStore()', () => {
  it('calls random once per non-zero rate in the order drop, html502, error', () => {
    const calls: string[] = [];
    const rolls = [0.5, 0.5, 0.1];
    const faults = createFaultStore({
      initial: { OnsMessageTrace: { dropRate: 0.2, html502Rate: 0.3, errorRate: 0.4, errorCode: 'Throttling' } },
      random: () => {
        calls.push('roll');
        return rolls.shift() ?? 1;
      },
    });

    const decision = faults.take('OnsMessageTrace');

    expect(calls).toHaveLength(3);
    expect(decision).toStrictEqual({ latencyMs: 0, outcome: { kind: 'error', code: 'Throttling' } });
  });

  it('defaults errorCode to InternalError and errorRate to 1 when only errorCode is set', () => {
    const faults = createFaultStore({ initial: {}, random: () => 0.99 });

    faults.set('A', { errorRate: 1 });
    const onlyRate = faults.take('A');
    faults.set('A', { errorCode: 'ServiceUnavailable' });
    const onlyCode = faults.take('A');

    expect(onlyRate?.outcome).toStrictEqual({ kind: 'error', code: 'InternalError' });
    expect(onlyCode?.outcome).toStrictEqual({ kind: 'error', code: 'ServiceUnavailable' });
  });

  it('counts `times` per request that reaches it, rolled or not', () => {
    const faults = createFaultStore({ initial: { A: { errorRate: 0.5, times: 2 } }, random: () => 0.9 });

    const decisions = [faults.take('A'), faults.take('A'), faults.take('A')];

    expect(decisions.map((d) => d?.outcome.kind)).toStrictEqual(['pass', 'pass', undefined]);
    expect(faults.list()).toStrictEqual({});
  });
});

describe('Function: parseFormParams()', () => {
  it('decodes %20 and + as space and %2B as plus', () => {
    expect({ ...parseFormParams('A=a%20b&B=a+b&C=a%2Bb&D=~&E') }).toStrictEqual({ A: 'a b', B: 'a b', C: 'a+b', D: '~', E: '' });
  });

  it('stores a __proto__ key as data', () => {
    const params = parseFormParams('__proto__=x&constructor=y');

    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(params.__proto__).toBe('x');
  });

  it.each(['A=%', 'A=%E0%A4', '%ZZ=1', 'A=1&A=2', '=1'])('rejects %s with InvalidParameter', (text) => {
    expect(codeOf(() => parseFormParams(text))).toBe('InvalidParameter');
  });

  it('rejects a name already present among query parameters', () => {
    const fromQuery = parseFormParams('Action=OnsMessageTrace');

    expect(codeOf(() => parseFormParams('Action=Other', fromQuery))).toBe('InvalidParameter');
  });
});

describe('Function: parsePopTimestamp()', () => {
  it.each([
    { value: '2025-11-14T02:40:12Z', expected: Date.UTC(2025, 10, 14, 2, 40, 12) },
    { value: '2024-02-29T00:00:00Z', expected: Date.UTC(2024, 1, 29) },
  ])('parses $value', ({ value, expected }) => {
    expect(parsePopTimestamp(value)).toBe(expected);
  });

  it.each(['2025-11-14T02:40:12.000Z', '2025-11-14 02:40:12Z', '2025-11-14T02:40:12+08:00', '2025-02-29T00:00:00Z', '2025-13-01T00:00:00Z', '2025-11-14T24:00:00Z', ''])(
    'rejects %j',
    (value) => {
      expect(parsePopTimestamp(value)).toBeUndefined();
    },
  );
});

describe('Function: authorizeRamAction()', () => {
  function buildEntry(allowedActions: string[]): CredentialEntry {
    return { accountId: '1111222233334444', credential: { accessKeyId: 'k-id-1', accessKeySecret: 'secret-1', allowedActions } };
  }

  it.each([['*'], ['mq:*'], ['mq:QueryMessageTrace'], ['MQ:querymessagetrace'], ['mq:Query*']])('allows %j', (...allowed) => {
    expect(codeOf(() => authorizeRamAction(buildEntry(allowed), 'mq:QueryMessageTrace'))).toBeUndefined();
  });

  it.each([[], ['mq:QueryMessage'], ['ecs:*'], ['mq:QueryMessageTrace2']])('forbids %j', (...allowed) => {
    expect(codeOf(() => authorizeRamAction(buildEntry(allowed), 'mq:QueryMessageTrace'))).toBe('Forbidden.RAM');
  });
});
