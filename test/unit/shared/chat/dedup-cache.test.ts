import { describe, expect, it } from 'vitest';
import { createDedupCache } from '../../../../shared/chat/dedup-cache';
import { buildFakeClock } from '../../../builders/fake-clock';

describe('Function: createDedupCache', () => {
  it('claims a key once within its time to live, and again after it', () => {
    // Arrange
    const clock = buildFakeClock();
    const cache = createDedupCache({ ttlMs: 1000, maxEntries: 10, now: clock.now });
    // Act / Assert
    expect(cache.claim('a')).toBe(true);
    expect(cache.claim('a')).toBe(false);
    clock.advance(999);
    expect(cache.claim('a')).toBe(false);
    clock.advance(1);
    expect(cache.claim('a')).toBe(true);
  });

  it('forgets a released key', () => {
    const cache = createDedupCache({ ttlMs: 1000, maxEntries: 10, now: buildFakeClock().now });
    cache.claim('a');
    cache.release('a');
    expect(cache.claim('a')).toBe(true);
  });

  it('stays bounded, forgetting the oldest keys first', () => {
    const clock = buildFakeClock();
    const cache = createDedupCache({ ttlMs: 60_000, maxEntries: 3, now: clock.now });
    for (const key of ['a', 'b', 'c', 'd']) {
      cache.claim(key);
      clock.advance(1);
    }
    expect(cache.size()).toBe(3);
    expect(cache.claim('a')).toBe(true);
    expect(cache.claim('d')).toBe(false);
  });

  it('drops expired keys as time passes', () => {
    const clock = buildFakeClock();
    const cache = createDedupCache({ ttlMs: 100, maxEntries: 100, now: clock.now });
    for (let i = 0; i < 50; i++) cache.claim(`k${i}`);
    clock.advance(100);
    cache.claim('fresh');
    expect(cache.size()).toBe(1);
  });
});
