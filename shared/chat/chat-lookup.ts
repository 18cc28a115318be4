import type { AccessControl, Caller, CallerIdentity } from '../access/access-control';
import { upstreamIdsOf } from '../access/audit';
import { createDeadline } from '../deadline';
import { ErrorCode, toAppError, UpstreamTimeoutError, type AppError } from '../errors';
import { resolveCredentials, type FcContext } from '../fc-context';
import type { HttpScope } from '../http/http-boundary';
import type { OnsGateway } from '../ons/ons-gateway';
import type { Credentials } from '../ons/ons-port';
import { InstanceIdSchema } from '../trace/query-schema';
import type { TraceReport } from '../trace/report-schema';
import { createTraceService } from '../trace/trace-service';
import type { ChatAnswer, ChatTarget } from './chat-answer';
import { chatFailure, isTransient } from './chat-error-table';
import { createChatExplainer, type ChatPhase } from './chat-explain';

export interface ChatLookupDeps {
  gateway: OnsGateway;
  envCredentials: Credentials | undefined;
  /** Aliases and default instances, per caller. */
  access: AccessControl;
  producerUtcOffsetMinutes: number;
  now: () => number;
}

export type ResolvedTarget = { ok: true; target: ChatTarget } | { ok: false; problem: string };

/**
 * What a lookup came to: an answer to send, or (only when the caller allows it) a transient
 * failure that a deferred run with a larger budget should retry.
 */
export type LookupOutcome =
  | { kind: 'answer'; answer: ChatAnswer; report?: TraceReport; error?: AppError }
  /** `because`: an error code, or EXPLAIN_BUDGET; `fallback`: the reply to send if the hand-off fails. */
  | { kind: 'defer'; because: string; fallback: ChatAnswer };

/** Chat's view of the trace service: instance aliases in, {@link ChatAnswer}s out. */
export interface ChatLookup {
  resolveTarget(command: { topic: string; msgId: string; instance: string | undefined }, caller: Caller): ResolvedTarget;
  run(
    target: ChatTarget,
    options: {
      context: FcContext;
      scope: HttpScope;
      /** Who asked: the answer (not a hand-off) gets its `audit.lookup` line in `scope.audit`. */
      caller: CallerIdentity;
      budgetMs: number;
      deferrable: boolean;
      callTimeoutMs?: number;
      /** The user asked `why`; an unconsumed message is explained without it when time allows. */
      why?: boolean;
      /** Default inline: explain only if it fits the budget. */
      phase?: ChatPhase;
    },
  ): Promise<LookupOutcome>;
}

/**
 * After an inline lookup runs out of its budget, the upstream is slow: for this long, defer at once
 * instead of making every user wait the whole inline budget for a reply that is deferred anyway.
 */
export const SLOW_UPSTREAM_MEMORY_MS = 30_000;

/** Creates the {@link ChatLookup}. */
export function createChatLookup(deps: ChatLookupDeps): ChatLookup {
  const explainer = createChatExplainer({ gateway: deps.gateway, now: deps.now });
  // Per instance, like the rest of module state on FC: one request at a time, so no races.
  let deferUntil = 0;
  return {
    resolveTarget({ topic, msgId, instance }, caller) {
      const resolved = deps.access.resolveInstance(caller, instance);
      if (resolved === undefined) return { ok: false, problem: 'No default instance is configured: add an instance ID or alias after the message ID.' };
      const id = InstanceIdSchema.safeParse(resolved);
      if (id.success) return { ok: true, target: { instanceId: id.data, topic, msgId } };
      const known = deps.access.aliasesFor(caller);
      const hint = known.length > 0 ? ` Known aliases: ${known.join(', ')}.` : '';
      const shown = resolved.length > 40 ? `${resolved.slice(0, 40)}…` : resolved;
      return { ok: false, problem: `"${shown}" is neither an instance ID (MQ_INST_…) nor a configured alias.${hint}` };
    },

    async run(target, { context, scope, caller, budgetMs, deferrable, callTimeoutMs, why = false, phase = 'inline' }) {
      const audited = <O extends LookupOutcome>(outcome: O, verdictOrError: { verdict: string } | { errorCode: string }): O => {
        scope.audit.push({
          caller: { channel: caller.channel, id: caller.id },
          ...target,
          outcome: 'verdict' in verdictOrError ? 'answered' : 'failed',
          ...verdictOrError,
          upstreamRequestIds: upstreamIdsOf(scope.trail),
        });
        return outcome;
      };
      if (phase === 'inline' && deferrable && deps.now() < deferUntil) {
        const slow = new UpstreamTimeoutError('ONS answered slowly moments ago; the answer follows shortly');
        return { kind: 'defer', because: 'UPSTREAM_SLOW', fallback: chatFailure(slow, scope.requestId) };
      }
      try {
        const credentials = resolveCredentials(context, deps.envCredentials);
        const ons = deps.gateway.forCredentials(credentials);
        const service = createTraceService({ ons, now: deps.now, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes });
        const deadline = createDeadline(budgetMs, deps.now);
        const ctx = { deadline, trail: scope.trail, requestId: scope.requestId, ...(callTimeoutMs ? { callTimeoutMs } : {}) };
        const started = deps.now();
        const report = await service.lookup(target, ctx);
        const lookupMs = deps.now() - started;
        const explained = await explainer.step({ report, target, credentials, ctx, why, phase, deferrable, lookupMs, scope });
        if (explained.kind === 'defer') return { kind: 'defer', because: 'EXPLAIN_BUDGET', fallback: { kind: 'report', report } };
        const sections = explained.sections;
        return audited({ kind: 'answer', answer: { kind: 'report', report, ...(sections.length > 0 ? { sections } : {}) }, report }, { verdict: report.verdict });
      } catch (thrown) {
        const error = toAppError(thrown);
        if (deferrable && isTransient(error)) {
          if (phase === 'inline' && error.code === ErrorCode.UPSTREAM_TIMEOUT) deferUntil = deps.now() + SLOW_UPSTREAM_MEMORY_MS;
          return { kind: 'defer', because: error.code, fallback: chatFailure(error, scope.requestId) };
        }
        return audited({ kind: 'answer', answer: chatFailure(error, scope.requestId), error }, { errorCode: error.code });
      }
    },
  };
}
