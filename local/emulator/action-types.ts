import { EmulatorApiError } from './api-errors';
import type { TraceTaskStore } from './ons-trace-tasks';
import type { SeedIndex } from './seed-index';

/** One action parameter: absent/empty required ones fail with `Missing{Name}`, bad values with `InvalidParameter`. */
export interface ParamRule {
  name: string;
  required: boolean;
  pattern: RegExp;
}

/** What a handler sees of one authenticated, authorized request. */
export interface ActionContext {
  params: Readonly<Record<string, string>>;
  accountId: string;
  index: SeedIndex;
  /** Milliseconds since the emulator was created, on the injected clock. */
  elapsedMs: number;
  /** Now, epoch ms on the injected clock (`nowMs - elapsedMs` is when the emulator was created). */
  nowMs: number;
  unknownMessage: 'error' | 'empty';
  /**
   * When each message was first asked about (OnsMessageTrace), by upper-case msgId, for timelines
   * that count from the first lookup; handlers record the first one.
   */
  firstLookups: Map<string, number>;
  /** The asynchronous trace query tasks (OnsTraceQueryByMsgId / ByMsgKey, OnsTraceGetResult). */
  traceTasks: TraceTaskStore;
}

/** A success body without `RequestId`; it must not contain `Code`. */
export type ActionResult = Record<string, unknown>;

/** One documented action. */
export interface ActionDefinition {
  name: string;
  ramAction: string;
  limit: { count: number; windowMs: number };
  params: readonly ParamRule[];
  handle: (context: ActionContext) => ActionResult;
}

/**
 * Reads a parameter that `validateActionParams` (actions.ts) has already checked.
 *
 * @param params - Decoded request parameters.
 * @param name - Parameter name.
 * @returns The value.
 */
export function requiredParam(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined) {
    throw new EmulatorApiError('InternalError', 500, `Parameter ${name} was not validated.`);
  }
  return value;
}
