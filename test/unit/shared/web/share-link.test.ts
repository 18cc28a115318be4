import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromFragment, MAX_WAIT_SECONDS, toFragment, type LookupQuery } from '../../../../shared/web/src/share-link';

const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s.length > 0);
const instance = fc.option(text, { nil: undefined });
const iso = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

const query: fc.Arbitrary<LookupQuery> = fc.oneof(
  fc.record({ mode: fc.constant('id' as const), instance, topic: text, msgId: text, explain: fc.boolean(), waitSeconds: fc.option(fc.integer({ min: 1, max: MAX_WAIT_SECONDS }), { nil: undefined }) }),
  fc.record({ mode: fc.constant('key' as const), instance, topic: text, key: text }),
  fc.record({ mode: fc.constant('window' as const), instance, topic: text, from: iso, to: iso, tag: fc.option(text, { nil: undefined }) }),
);

const withoutUndefined = (q: LookupQuery) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined));

describe('Function: toFragment / fromFragment', () => {
  it('reads back every lookup it writes', () => {
    fc.assert(
      fc.property(query, (q) => {
        expect(fromFragment(toFragment(q))).toEqual(withoutUndefined(q));
      }),
    );
  });

  it('writes a fragment (never sent to a server), with every value encoded', () => {
    const fragment = toFragment({ mode: 'key', topic: 'orders', key: 'a&b=c #d' });
    expect(fragment).toBe('#mode=key&topic=orders&key=a%26b%3Dc+%23d');
  });

  it.each([
    ['nothing', ''],
    ['no topic', '#mode=id&msgId=0A'],
    ['no message ID', '#mode=id&topic=orders'],
    ['a window without its end', '#mode=window&topic=orders&from=2025-01-01T00:00:00Z'],
    ['an unknown mode', '#mode=other&topic=orders&msgId=0A'],
  ])('holds no lookup for %s', (_, hash) => {
    expect(fromFragment(hash)).toBeUndefined();
  });

  it('drops a wait outside 1..900 seconds rather than the lookup', () => {
    expect(fromFragment('#topic=orders&msgId=0A&wait=5000')).toEqual({ mode: 'id', topic: 'orders', msgId: '0A', explain: false });
  });
});
