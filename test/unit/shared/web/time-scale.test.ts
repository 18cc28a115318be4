import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTimeScale, LINEAR_MAX_MS } from '../../../../shared/web/src/time-scale';

const span = fc.integer({ min: 0, max: 3 * 86_400_000 });

describe('Function: createTimeScale', () => {
  it('maps the send to 0 and the span’s end to 1, never backwards', () => {
    fc.assert(
      fc.property(span, fc.integer({ min: 0, max: 3 * 86_400_000 }), fc.integer({ min: 0, max: 3 * 86_400_000 }), (s, a, b) => {
        const scale = createTimeScale(s);
        expect(scale.at(0)).toBe(0);
        expect(scale.at(Math.max(1, s))).toBeCloseTo(1, 12);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(scale.at(lo)).toBeLessThanOrEqual(scale.at(hi));
        expect(scale.at(hi)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('ticks from 0 to the span’s end, rising, never closer than the gap asked for', () => {
    fc.assert(
      fc.property(span, fc.double({ min: 0.02, max: 0.3, noNaN: true }), (s, gap) => {
        const scale = createTimeScale(s);
        const ticks = scale.ticks(gap);
        expect(ticks[0]).toBe(0);
        expect(ticks[ticks.length - 1]).toBe(Math.max(1, s));
        for (let i = 1; i < ticks.length; i++) {
          expect(ticks[i] as number).toBeGreaterThan(ticks[i - 1] as number);
          if (scale.kind === 'log') expect(scale.at(ticks[i] as number) - scale.at(ticks[i - 1] as number)).toBeGreaterThanOrEqual(gap);
        }
      }),
    );
  });

  it('is linear up to a minute, and past it gives a retry at +10 s its own place beside the first delivery at +100 ms', () => {
    expect(createTimeScale(LINEAR_MAX_MS).kind).toBe('linear');
    expect(createTimeScale(LINEAR_MAX_MS).at(LINEAR_MAX_MS / 2)).toBe(0.5);
    // The demo's dead-lettered message: 17 deliveries over 4 h 47 min.
    const scale = createTimeScale(17_200_000);
    expect(scale.kind).toBe('log');
    expect(scale.at(10_580) - scale.at(100)).toBeGreaterThan(0.25);
    expect(scale.ticks(0.11)).toEqual([0, 100, 1000, 10_000, 60_000, 600_000, 17_200_000]);
  });
});
