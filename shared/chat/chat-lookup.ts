import type { Caller } from '../access/access-control';
import type { CredentialsProvider } from '../credentials';
import { createDeadline } from '../deadline';
import { ErrorCode, ForbiddenError, InvalidInputError, toAppError, UpstreamTimeoutError, type AppError } from '../errors';
import type { FcContext } from '../fc-context';
import type { RequestLog } from '../request-log';
import type { ExplainDecision, ExplainPlan, LookupService } from '../trace/lookup-service';
import type { TraceReport } from '../trace/report-schema';
import { deniedAnswer } from './chat-access';
import type { LooseMessage } from '../i18n/translator';
import type { ChatAnswer, ChatTarget } from './chat-answer';
import { chatFailure, isTransient } from './chat-error-table';
import { followUpsFor } from './command-registry';

/** Where a chat lookup runs: inside the platform's ack window, or in the async invocation. */
export type ChatPhase = 'inline' | 'deferred';

export interface ChatLookupDeps {
  /** The one lookup use case. */
  lookups: LookupService;
  credentials: CredentialsProvider;
  now: () => number;
}

/** A command's lookup, as chat parsed it: `instance` is an ID, an alias or absent. */
export interface ChatLookupInput {
  topic: string;
  msgId: string;
  instance: string | undefined;
}

/**
 * What a lookup came to: the usage text for input that cannot be resolved, an answer to send,
 * or (only when the caller allows it) a hand-off to a deferred run with a larger budget.
 */
export type LookupOutcome =
  | { kind: 'usage'; problem: LooseMessage }
  | { kind: 'answer'; answer: ChatAnswer; target: ChatTarget; report?: TraceReport; error?: AppError }
  /** `because`: an error code, UPSTREAM_SLOW or EXPLAIN_BUDGET; `fallback`: the reply to send if the hand-off fails. */
  | { kind: 'defer'; because: string; fallback: ChatAnswer; target: ChatTarget };

export interface ChatRunOptions {
  context: FcContext;
  log: RequestLog;
  budgetMs: number;
  deferrable: boolean;
  callTimeoutMs?: number;
  /** The user asked `why`; an unconsumed message is explained without it when time allows. */
  why?: boolean;
  /** The user asked `--fresh`: ask the broker, not the verdict cache. */
  fresh?: boolean;
  /** Default inline: explain only if it fits the budget. */
  phase?: ChatPhase;
}

/** Chat's adapter over the lookup use case: when to explain or defer, and {@link ChatAnswer}s out. */
export interface ChatLookup {
  run(caller: Caller, input: ChatLookupInput, options: ChatRunOptions): Promise<LookupOutcome>;
}

/**
 * After an inline lookup runs out of its budget, the upstream is slow: for this long, defer at once
 * instead of making every user wait the whole inline budget for a reply that is deferred anyway.
 */
export const SLOW_UPSTREAM_MEMORY_MS = 30_000;

/**
 * When chat explains: when asked (`why`) or when the verdict is not CONSUMED. Inline, only if the
 * broker's estimate fits the time left; otherwise an asked-for explanation defers (when it can) and
 * an automatic one is left out with a hint. Deferred, always within the deadline. Pure.
 */
export function chatExplainDecision(report: TraceReport, plan: ExplainPlan, options: { why: boolean; phase: ChatPhase; deferrable: boolean }): ExplainDecision | 'later' {
  if (!options.why && report.verdict === 'CONSUMED') return 'skip';
  if (options.phase === 'inline' && plan.estimateMs > plan.remainingMs) {
    if (options.why && options.deferrable) return 'defer';
    if (!options.why) return 'later';
    // Asked for, but there is nowhere to defer to: a partial diagnosis beats none.
  }
  return 'explain';
}

/** Creates the {@link ChatLookup}. */
export function createChatLookup(deps: ChatLookupDeps): ChatLookup {
  // Per instance, like the rest of module state on FC: one request at a time, so no races.
  let deferUntil = 0;
  return {
    async run(caller, input, { context, log, budgetMs, deferrable, callTimeoutMs, why = false, fresh = false, phase = 'inline' }) {
      let target: ChatTarget;
      try {
        target = deps.lookups.resolve(caller, { instance: input.instance, topic: input.topic, msgId: input.msgId });
      } catch (error) {
        if (error instanceof InvalidInputError) return { kind: 'usage', problem: usageProblem(error) };
        throw error;
      }
      const fields = log.fields;
      let explainLater = false;
      try {
        const outcome = await deps.lookups.lookup(caller, { instance: target.instanceId, topic: target.topic, msgId: target.msgId }, {
          credentials: deps.credentials(context),
          log,
          deadline: createDeadline(budgetMs, deps.now),
          ...(callTimeoutMs ? { callTimeoutMs } : {}),
          ...(fresh ? { fresh: true } : {}),
          explain: (report, plan) => {
            const decision = chatExplainDecision(report, plan, { why, phase, deferrable });
            if (phase === 'inline' && plan.estimateMs > plan.remainingMs && decision !== 'skip') {
              Object.assign(fields, { explain: 'no_time', explainEstimateMs: plan.estimateMs });
            }
            if (decision === 'explain') fields.explain = why ? 'asked' : 'auto';
            if (decision !== 'later') return decision;
            explainLater = true;
            return 'skip';
          },
          deferral: {
            beforeLookup: () => (phase === 'inline' && deferrable && deps.now() < deferUntil ? 'UPSTREAM_SLOW' : undefined),
            onError: (error) => {
              if (!deferrable || !isTransient(error)) return undefined;
              if (phase === 'inline' && error.code === ErrorCode.UPSTREAM_TIMEOUT) deferUntil = deps.now() + SLOW_UPSTREAM_MEMORY_MS;
              return error.code;
            },
          },
        });
        if (outcome.kind === 'deferred') {
          const fallback: ChatAnswer = outcome.report
            ? { kind: 'report', report: outcome.report, actions: followUpsFor(target, outcome.report) }
            : chatFailure(outcome.error ?? new UpstreamTimeoutError('the broker answered slowly moments ago; the answer follows shortly'), log.requestId);
          return { kind: 'defer', because: outcome.because, fallback, target };
        }
        const { report } = outcome;
        const later = !report.diagnosis && explainLater ? { explainLater: `trace ${target.topic} ${target.msgId} why` } : {};
        return { kind: 'answer', answer: { kind: 'report', report, ...later, actions: followUpsFor(target, report) }, report, target };
      } catch (thrown) {
        // Refusals are audited by the use case; the reply names nothing internal.
        if (thrown instanceof ForbiddenError) return { kind: 'answer', answer: deniedAnswer(log, 'out_of_scope'), target };
        const error = toAppError(thrown);
        return { kind: 'answer', answer: chatFailure(error, log.requestId), error, target };
      }
    },
  };
}

/** The use case's input problem (the first), as a catalogue message. */
function usageProblem(error: InvalidInputError): LooseMessage {
  const issue = error.issues[0];
  if (!issue || (issue.path === 'instanceId' && issue.message.startsWith('is required'))) return { key: 'problem.noDefaultInstance' };
  return { key: 'problem.input', params: { detail: { domain: `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}` } } };
}
