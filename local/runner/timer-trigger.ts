import type { FunctionSpec } from './s-yaml';

/** The FC timer event (fc.md §1.6): `{triggerTime, triggerName, payload}`, payload a string. */
export interface TimerEvent {
  triggerTime: string;
  triggerName: string;
  payload: string;
}

/** The timer trigger of a function spec, or undefined when it has none. */
export function timerTriggerOf(spec: FunctionSpec): FunctionSpec['triggers'][number] | undefined {
  return spec.triggers.find((t) => t.triggerType === 'timer');
}

/**
 * Builds the event FC sends when a timer fires: the trigger's configured payload unless `payload`
 * overrides it, and `triggerTime` in FC's second-precision UTC format.
 */
export function buildTimerEvent(trigger: { triggerName: string; triggerConfig: Record<string, unknown> }, options: { payload?: string; nowMs?: number } = {}): Buffer {
  const configured = trigger.triggerConfig.payload;
  const event: TimerEvent = {
    triggerTime: new Date(options.nowMs ?? Date.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    triggerName: trigger.triggerName,
    payload: options.payload ?? (typeof configured === 'string' ? configured : ''),
  };
  return Buffer.from(JSON.stringify(event));
}
