import type { CallerIdentity, LookupTarget } from '../access/access-control';
import type { RefusalReason } from '../access/audit';
import type { HttpScope } from '../http/http-boundary';
import type { ChatAnswer } from './chat-answer';

/**
 * The one refusal every chat channel sends: to an unknown team, corp or conversation and to an
 * out-of-scope lookup alike, so that it names nothing internal and hints at nothing.
 */
export const CHAT_REFUSAL: ChatAnswer = { kind: 'denied', text: 'Sorry, mqtrace cannot answer this request here.' };

/** Records a refused chat lookup for the audit log and the access line, and returns {@link CHAT_REFUSAL}. */
export function refuseChat(
  scope: HttpScope,
  caller: CallerIdentity,
  reason: RefusalReason,
  target?: LookupTarget & { msgId?: string },
): ChatAnswer {
  scope.fields.outcome = 'denied';
  scope.fields.deniedBecause = reason;
  scope.audit.push({ caller: { channel: caller.channel, id: caller.id }, ...target, outcome: 'refused', reason, upstreamRequestIds: [] });
  return CHAT_REFUSAL;
}
