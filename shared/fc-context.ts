import type { Credentials } from './credentials';

/** The FC 3.0 Node.js `context` (fc.md §1.7), with every field optional that tests may omit. */
export interface FcContext {
  requestId: string;
  credentials?: Partial<Credentials> | null;
  function?: { name?: string; handler?: string; memory?: number; timeout?: number };
  region?: string;
  accountId?: string;
}

// Leave time to render and return the response after the last upstream call.
const RESPONSE_MARGIN_MS = 500;

/** The budget for this invocation: the configured one, capped by the function's own timeout. */
export function invocationBudgetMs(context: FcContext, configuredMs: number): number {
  const timeoutSeconds = context.function?.timeout;
  if (!timeoutSeconds || timeoutSeconds <= 0) return configuredMs;
  return Math.max(0, Math.min(configuredMs, timeoutSeconds * 1000 - RESPONSE_MARGIN_MS));
}
