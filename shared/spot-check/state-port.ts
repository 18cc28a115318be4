import { z } from 'zod';
import type { Deadline } from '../deadline';

/** How one check ended last time, and when each destination last got a failure alert for it. */
export const CheckStateSchema = z.object({
  status: z.enum(['OK', 'FAILING', 'ERROR']),
  /** When the check entered `status` (ISO time). */
  since: z.string(),
  /** Failing messages in the last judged run. */
  failed: z.number().int().min(0),
  /** Per destination: the last failure alert it received in this episode. */
  alerts: z.record(z.string(), z.object({ at: z.string(), failed: z.number().int().min(0) })),
  updatedAt: z.string(),
});

/** The whole state: small, one entry per check name. */
export const SpotCheckStateSchema = z.object({
  version: z.literal(1),
  updatedAt: z.string(),
  checks: z.record(z.string(), CheckStateSchema),
});

export type CheckState = z.output<typeof CheckStateSchema>;
export type SpotCheckState = z.output<typeof SpotCheckStateSchema>;

/**
 * Where spot checks remember how each check ended, for recovery notices and de-duplicated alerts.
 * Adapters: one OSS object (cloud), one Redis key (`shared/redis/redis-state-port.ts`), a file
 * (local runs), none (stateless).
 */
export interface SpotCheckStatePort {
  readonly kind: 'oss' | 'file' | 'redis' | 'none';
  /**
   * The saved state; an empty state when nothing was saved yet; `undefined` when the port keeps no
   * state at all. Rejects with an AppError when the store cannot be read.
   */
  load(deadline: Deadline): Promise<SpotCheckState | undefined>;
  /** Replaces the saved state. Rejects with an AppError when the store cannot be written. */
  save(state: SpotCheckState, deadline: Deadline): Promise<void>;
}

/** A state with no check in it. */
export function emptyState(nowMs: number): SpotCheckState {
  return { version: 1, updatedAt: new Date(nowMs).toISOString(), checks: {} };
}

/** Parses saved state text; anything unreadable counts as no state, so a corrupt object cannot wedge the alerts. */
export function parseStateText(text: string, nowMs: number): SpotCheckState {
  try {
    const result = SpotCheckStateSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : emptyState(nowMs);
  } catch {
    return emptyState(nowMs);
  }
}

/** The stateless port: nothing is remembered, so every failing run alerts and no recovery is sent. */
export function createNoStatePort(): SpotCheckStatePort {
  return {
    kind: 'none',
    load: async () => undefined,
    save: async () => undefined,
  };
}
