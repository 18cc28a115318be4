/** A controllable clock for deadline, limiter and retry tests: no real time passes. */
export interface FakeClock {
  now: () => number;
  /** Records each requested wait and, unless built with `advanceOnSleep: false`, moves the clock by it. */
  sleep: (ms: number) => Promise<void>;
  advance: (ms: number) => void;
  readonly sleeps: number[];
}

export const FAKE_CLOCK_START_MS = Date.parse('2025-10-25T04:00:00.000Z');

/** Builds a {@link FakeClock} starting at `startMs`. */
export function buildFakeClock(options: { startMs?: number; advanceOnSleep?: boolean } = {}): FakeClock {
  let t = options.startMs ?? FAKE_CLOCK_START_MS;
  const advanceOnSleep = options.advanceOnSleep ?? true;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      if (advanceOnSleep) t += Math.max(0, ms);
    },
    advance: (ms) => {
      t += ms;
    },
    sleeps,
  };
}
