import type { Logger } from '../log';
import type { CallerIdentity } from './access-control';

/** The event name of the audit line; one per lookup, refusals included. */
export const AUDIT_EVENT = 'audit.lookup';

/** Why a lookup was refused before any upstream call. */
export type RefusalReason = 'unauthenticated' | 'unknown_caller' | 'out_of_scope';

/**
 * One lookup, as the audit log records it: who asked, what, and what came of it. Never a secret,
 * a token or a token hash.
 */
export interface AuditEntry {
  caller: CallerIdentity;
  /** Absent for a lookup (`trace`); `find` and `journey` name their command. */
  command?: 'find' | 'journey';
  instanceId?: string | undefined;
  topic?: string | undefined;
  msgId?: string | undefined;
  outcome: 'answered' | 'failed' | 'refused';
  verdict?: string;
  errorCode?: string;
  reason?: RefusalReason;
  /** True when the answer came from the verdict cache, without an upstream call. */
  cached?: boolean;
  upstreamRequestIds: string[];
}

/** Writes one audit line. */
export function writeAudit(logger: Logger, requestId: string, entry: AuditEntry): void {
  logger.info(AUDIT_EVENT, { requestId, ...entry, caller: { channel: entry.caller.channel, id: entry.caller.id } });
}

/** The distinct upstream request ids of a trail of attempts. */
export function upstreamIdsOf(trail: ReadonlyArray<{ requestId?: string | undefined }>): string[] {
  return [...new Set(trail.map((a) => a.requestId).filter((id): id is string => Boolean(id)))];
}
