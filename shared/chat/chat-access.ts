import type { CallerIdentity, LookupTarget } from '../access/access-control';
import type { RefusalReason } from '../access/audit';
import type { RequestLog } from '../request-log';
import type { ChatAnswer } from './chat-answer';

/**
 * The one refusal every chat channel sends: to an unknown team, corp or conversation and to an
 * out-of-scope lookup alike, so that it names nothing internal and hints at nothing.
 */
export const CHAT_REFUSAL: ChatAnswer = { kind: 'denied' };

/** Marks the request as refused on its log line and returns {@link CHAT_REFUSAL}; the audit entry is the caller's to write. */
export function deniedAnswer(log: RequestLog, reason: RefusalReason): ChatAnswer {
  log.fields.outcome = 'denied';
  log.fields.deniedBecause = reason;
  return CHAT_REFUSAL;
}

/** Records a refusal that no lookup saw (an unknown caller, a re-checked deferred job) and returns {@link CHAT_REFUSAL}. */
export function refuseChat(
  log: RequestLog,
  caller: CallerIdentity,
  reason: RefusalReason,
  target?: LookupTarget & { msgId?: string },
): ChatAnswer {
  log.audit({ caller: { channel: caller.channel, id: caller.id }, ...target, outcome: 'refused', reason, upstreamRequestIds: [] });
  return deniedAnswer(log, reason);
}
