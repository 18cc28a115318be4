/**
 * The journey timeline's time axis. Retries back off from seconds to hours (4.x: 10 s, 30 s, 1 min …
 * 2 h), so on a linear axis a dead-lettered message's first deliveries would sit on one pixel.
 * Past {@link LINEAR_MAX_MS} the axis is logarithmic, which gives every step its own place.
 */

/** Up to this span the axis is linear: nothing is far enough apart to crowd the start. */
export const LINEAR_MAX_MS = 60_000;

/** The log axis' unit: a step this long after the send already sits a visible way in. */
const LOG_UNIT_MS = 10;

/** The log axis' ticks, the ones within the span (and far enough apart) are drawn. */
const LOG_TICKS_MS = [0, 100, 1000, 10_000, 60_000, 600_000, 3_600_000, 21_600_000, 86_400_000, 3 * 86_400_000];

export interface TimeScale {
  kind: 'linear' | 'log';
  /** Where `ms` since the send falls, from 0 (the send) to 1 (the end of the span). */
  at(ms: number): number;
  /** Tick positions in ms, first 0, each at least `minGap` (a fraction of the axis) from the one before. */
  ticks(minGap: number): number[];
}

export function createTimeScale(spanMs: number): TimeScale {
  const span = Math.max(1, spanMs);
  if (span <= LINEAR_MAX_MS) {
    return {
      kind: 'linear',
      at: (ms) => Math.min(1, Math.max(0, ms / span)),
      ticks: () => [0, 0.25, 0.5, 0.75, 1].map((f) => f * span),
    };
  }
  const total = Math.log10(1 + span / LOG_UNIT_MS);
  const at = (ms: number) => Math.min(1, Math.max(0, Math.log10(1 + Math.max(0, ms) / LOG_UNIT_MS) / total));
  return {
    kind: 'log',
    at,
    ticks: (minGap) => {
      const out: number[] = [];
      for (const ms of [...LOG_TICKS_MS.filter((t) => t < span), span]) {
        const last = out[out.length - 1];
        if (last !== undefined && at(ms) - at(last) < minGap) {
          // The span's end always gets its tick; it replaces a neighbour too close to it.
          if (ms === span) out[out.length - 1] = ms;
          continue;
        }
        out.push(ms);
      }
      return out;
    },
  };
}
