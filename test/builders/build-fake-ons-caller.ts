import type { z } from 'zod';
import type { OnsAction } from '../../shared/ons/actions';
import type { OnsCaller } from '../../shared/ons/ons-gateway';

/** A scripted answer: a body (validated with the caller's schema), an error to reject with, or a function of the params. */
export type ScriptedAnswer = unknown | Error | ((params: Record<string, string | undefined>) => unknown);

export interface FakeOnsCaller {
  caller: OnsCaller;
  calls: Array<{ action: OnsAction; params: Record<string, string | undefined> }>;
}

/**
 * An {@link OnsCaller} that answers each action from `script`, validating bodies with the schema
 * the port passes (as the real gateway does) and, like it, recording one attempt per call.
 */
export function buildFakeOnsCaller(script: Partial<Record<OnsAction, ScriptedAnswer>>): FakeOnsCaller {
  const calls: FakeOnsCaller['calls'] = [];
  const caller: OnsCaller = {
    async call<S extends z.ZodType>(action: OnsAction, params: Record<string, string | undefined>, schema: S, ctx: { trail?: unknown[] }) {
      calls.push({ action, params });
      const entry = script[action];
      const answer = typeof entry === 'function' ? (entry as (p: typeof params) => unknown)(params) : entry;
      const outcome = answer instanceof Error ? 'FAILED' : answer === undefined ? 'UNSCRIPTED' : 'OK';
      ctx.trail?.push({ action, attempt: 1, outcome, latencyMs: 1 });
      if (answer instanceof Error) throw answer;
      if (answer === undefined) throw new Error(`fake ONS caller: ${action} is not scripted`);
      return schema.parse(answer) as z.output<S>;
    },
  };
  return { caller, calls };
}
