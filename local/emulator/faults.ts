import type { FaultErrorCode } from './api-errors';
import type { Fault } from './seed-schema';

/** What a fault does to one request. */
export type FaultOutcome = { kind: 'pass' } | { kind: 'drop' } | { kind: 'html502' } | { kind: 'error'; code: FaultErrorCode };

/** The decision for one request that reached the fault stage. */
export interface FaultDecision {
  latencyMs: number;
  outcome: FaultOutcome;
}

/** Runtime fault table, one fault per action. */
export interface FaultStore {
  set(action: string, fault: Fault | undefined): void;
  list(): Record<string, Fault>;
  /**
   * Decides the fault for one request of `action` and counts it against `times`. `random()` is
   * called once per non-zero rate, in the order dropRate, html502Rate, errorRate.
   */
  take(action: string): FaultDecision | undefined;
}

interface ActiveFault {
  fault: Fault;
  remaining: number | undefined;
}

function rolls(rate: number | undefined, random: () => number): boolean {
  return rate !== undefined && rate > 0 && random() < rate;
}

function decide(fault: Fault, random: () => number): FaultDecision {
  const latencyMs = fault.latencyMs ?? 0;
  if (rolls(fault.dropRate, random)) {
    return { latencyMs, outcome: { kind: 'drop' } };
  }
  if (rolls(fault.html502Rate, random)) {
    return { latencyMs, outcome: { kind: 'html502' } };
  }
  const errorRate = fault.errorRate ?? (fault.errorCode === undefined ? 0 : 1);
  if (rolls(errorRate, random)) {
    return { latencyMs, outcome: { kind: 'error', code: fault.errorCode ?? 'InternalError' } };
  }
  return { latencyMs, outcome: { kind: 'pass' } };
}

/**
 * Creates the fault table. A fault with `times: N` applies to the next N requests that reach the
 * fault stage (whether or not a rate rolled), then removes itself.
 *
 * @param options - Faults active from start and the random source.
 * @returns The store.
 */
export function createFaultStore(options: { initial: Readonly<Partial<Record<string, Fault>>>; random: () => number }): FaultStore {
  const active = new Map<string, ActiveFault>();

  const set = (action: string, fault: Fault | undefined): void => {
    if (fault === undefined) {
      active.delete(action);
      return;
    }
    active.set(action, { fault, remaining: fault.times });
  };

  for (const [action, fault] of Object.entries(options.initial)) {
    set(action, fault);
  }

  return {
    set,
    list() {
      return Object.fromEntries([...active].map(([action, entry]) => [action, { ...entry.fault, ...(entry.remaining === undefined ? {} : { times: entry.remaining }) }]));
    },
    take(action) {
      const entry = active.get(action);
      if (entry === undefined) {
        return undefined;
      }
      if (entry.remaining !== undefined) {
        entry.remaining -= 1;
        if (entry.remaining <= 0) {
          active.delete(action);
        }
      }
      return decide(entry.fault, options.random);
    },
  };
}
