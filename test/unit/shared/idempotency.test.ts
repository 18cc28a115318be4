import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryIdempotencyStore } from '../../../shared/idempotency';
import { buildFakeClock } from '../../builders/fake-clock';

describe('Function: createMemoryIdempotencyStore', () => {
  it('claims a key once within its time to live, and again after it', async () => {
    const clock = buildFakeClock();
    const store = createMemoryIdempotencyStore({ maxEntries: 10, now: clock.now });
    expect(await store.claim('a', 1000)).toBe(true);
    expect(await store.claim('a', 1000)).toBe(false);
    clock.advance(999);
    expect(await store.claim('a', 1000)).toBe(false);
    clock.advance(1);
    expect(await store.claim('a', 1000)).toBe(true);
  });

  it('keeps each key for its own time to live', async () => {
    const clock = buildFakeClock();
    const store = createMemoryIdempotencyStore({ maxEntries: 10, now: clock.now });
    await store.claim('long', 10_000);
    await store.claim('short', 100);
    clock.advance(100);
    expect(await store.claim('short', 100)).toBe(true);
    expect(await store.claim('long', 10_000)).toBe(false);
  });

  it('forgets a released key', async () => {
    const store = createMemoryIdempotencyStore({ maxEntries: 10, now: buildFakeClock().now });
    await store.claim('a', 1000);
    await store.release('a');
    expect(await store.claim('a', 1000)).toBe(true);
  });

  it('stays bounded, forgetting the oldest keys first', async () => {
    const store = createMemoryIdempotencyStore({ maxEntries: 3, now: buildFakeClock().now });
    for (const key of ['a', 'b', 'c', 'd']) await store.claim(key, 60_000);
    expect(store.size()).toBe(3);
    expect(await store.claim('a', 60_000)).toBe(true);
    expect(await store.claim('d', 60_000)).toBe(false);
  });

  it('never grants a live key twice, whatever the claims and clock steps (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 500 })), { maxLength: 60 }), async (steps) => {
        const clock = buildFakeClock();
        const store = createMemoryIdempotencyStore({ maxEntries: 100, now: clock.now });
        const grantedAt = new Map<string, number>();
        for (const [key, advance] of steps) {
          clock.advance(advance);
          const granted = await store.claim(key, 1000);
          const last = grantedAt.get(key);
          const live = last !== undefined && clock.now() - last < 1000;
          expect(granted).toBe(!live);
          if (granted) grantedAt.set(key, clock.now());
        }
      }),
    );
  });
});
