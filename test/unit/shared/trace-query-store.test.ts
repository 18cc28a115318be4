import { describe, expect, it } from 'vitest';
import { createMemoryTraceQueryStore } from '../../../shared/trace-query-store';
import { buildFakeClock } from '../../builders/fake-clock';

describe('Function: createMemoryTraceQueryStore', () => {
  it('returns a kept task until its time is up, then forgets it', async () => {
    // Arrange
    const clock = buildFakeClock();
    const store = createMemoryTraceQueryStore({ maxEntries: 10, now: clock.now });
    await store.put('m1', { queryId: 'Q1', createdAtMs: clock.now() }, 1000);

    // Act
    clock.advance(999);
    const kept = await store.get('m1');
    clock.advance(1);
    const gone = await store.get('m1');

    // Assert
    expect(kept).toEqual({ queryId: 'Q1', createdAtMs: clock.now() - 1000 });
    expect(gone).toBeUndefined();
    expect(store.size()).toBe(0);
  });

  it('replaces an entry and forgets a deleted one', async () => {
    const store = createMemoryTraceQueryStore({ maxEntries: 10, now: () => 0 });
    await store.put('m1', { queryId: 'Q1', createdAtMs: 0 }, 1000);
    await store.put('m1', { queryId: 'Q2', createdAtMs: 0 }, 1000);
    expect((await store.get('m1'))?.queryId).toBe('Q2');
    await store.delete('m1');
    expect(await store.get('m1')).toBeUndefined();
  });

  it('stays within maxEntries by forgetting the oldest first', async () => {
    const store = createMemoryTraceQueryStore({ maxEntries: 2, now: () => 0 });
    for (const key of ['a', 'b', 'c']) await store.put(key, { queryId: key, createdAtMs: 0 }, 1000);
    expect(store.size()).toBe(2);
    expect(await store.get('a')).toBeUndefined();
    expect((await store.get('c'))?.queryId).toBe('c');
  });

  it('hands out copies: a caller cannot change what is kept', async () => {
    const store = createMemoryTraceQueryStore({ maxEntries: 2, now: () => 0 });
    const record = { queryId: 'Q1', createdAtMs: 0 };
    await store.put('m1', record, 1000);
    record.queryId = 'changed';
    const read = await store.get('m1');
    if (read) read.queryId = 'changed too';
    expect((await store.get('m1'))?.queryId).toBe('Q1');
  });
});
