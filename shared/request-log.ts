import type { AuditEntry } from './access/audit';
import type { UpstreamAttempt } from './trace/broker-port';

/**
 * What one request (or one timer run) records while it is served: fields for its one log line,
 * its audit entries and its upstream attempts. The channel's boundary provides it and writes it
 * out; the lookup use case and the channel adapters only write to it.
 */
export interface RequestLog {
  readonly requestId: string;
  /** Extra fields for the request's log line, e.g. the verdict; later writes win. */
  readonly fields: Record<string, unknown>;
  /** Every upstream attempt made for this request, appended as they happen. */
  readonly trail: UpstreamAttempt[];
  /** Records one audit entry: one `audit.lookup` line per lookup, refusals included. */
  audit(entry: AuditEntry): void;
}

/** A {@link RequestLog} that keeps its audit entries for the boundary to write when the request ends. */
export function createRequestLog(requestId: string): RequestLog & { readonly audits: readonly AuditEntry[] } {
  const audits: AuditEntry[] = [];
  return { requestId, fields: {}, trail: [], audits, audit: (entry) => void audits.push(entry) };
}
