import type { HttpScope } from '../http/http-boundary';
import { ONS_ACTIONS } from '../ons/actions';
import { createOnsDiagnosticsPort } from '../ons/diagnostics';
import type { OnsGateway } from '../ons/ons-gateway';
import type { CallContext, Credentials } from '../ons/ons-port';
import { createExplainService } from '../trace/explain-service';
import { isUnconsumed } from '../trace/findings';
import type { TraceReport } from '../trace/report-schema';
import type { ChatSection, ChatTarget } from './chat-answer';
import { diagnosisSections, explainLaterSection } from './diagnosis-sections';

/** Where a chat lookup runs: inside the platform's ack window, or in the async invocation. */
export type ChatPhase = 'inline' | 'deferred';

/** What the explain step came to: sections to add to the report, or a request to defer the whole reply. */
export type ExplainStepOutcome = { kind: 'sections'; sections: ChatSection[] } | { kind: 'defer' };

export interface ExplainStepInput {
  report: TraceReport;
  target: ChatTarget;
  credentials: Credentials;
  ctx: CallContext;
  /** The user wrote `why`. */
  why: boolean;
  phase: ChatPhase;
  /** Whether a deferred reply is possible (the reply URL is allowed). */
  deferrable: boolean;
  /** How long the lookup took: the latency one round of calls can be expected to have. */
  lookupMs: number;
  scope: HttpScope;
}

/** Chat's use of the explain service: when to explain, within which budget, and how it reads. */
export interface ChatExplainer {
  /**
   * Explains the report when asked (`why`) or when the verdict is not CONSUMED. Inline, it explains
   * only if {@link estimateExplainMs} fits the deadline's remaining time; otherwise an asked-for
   * explanation defers (when it can) and an automatic one is left out with a hint. Deferred, it
   * always explains within the deadline. Never throws for a failed check: the diagnosis is partial.
   */
  step(input: ExplainStepInput): Promise<ExplainStepOutcome>;
}

/**
 * Worst-case time of an explain after a lookup that took `callMs`: one round of 1 + 3 calls per
 * unconsumed group, paced by the per-action limiters, then OnsConsumerStatus one group at a time
 * at its (much lower) limit. Pure, so that the inline-or-defer decision can be tested.
 */
export function estimateExplainMs(unconsumedGroups: number, callMs: number): number {
  const perAction = ONS_ACTIONS.OnsConsumerAccumulate.rateLimit;
  const status = ONS_ACTIONS.OnsConsumerStatus.rateLimit;
  const firstRound = callMs + (Math.ceil(Math.max(1, unconsumedGroups) / perAction.count) - 1) * perAction.windowMs;
  const statusRound = unconsumedGroups > 0 ? callMs + (Math.ceil(unconsumedGroups / status.count) - 1) * status.windowMs : 0;
  return firstRound + statusRound;
}

/** Creates the {@link ChatExplainer}. */
export function createChatExplainer(deps: { gateway: OnsGateway; now: () => number }): ChatExplainer {
  return {
    async step({ report, target, credentials, ctx, why, phase, deferrable, lookupMs, scope }) {
      const fields = scope.fields;
      if (!why && report.verdict === 'CONSUMED') return { kind: 'sections', sections: [] };
      const unconsumed = report.groups.filter((g) => isUnconsumed(g.trackType)).length;
      const estimateMs = estimateExplainMs(unconsumed, lookupMs);
      if (phase === 'inline' && estimateMs > ctx.deadline.remainingMs()) {
        fields.explain = 'no_time';
        fields.explainEstimateMs = estimateMs;
        if (why && deferrable) return { kind: 'defer' };
        if (!why) return { kind: 'sections', sections: [explainLaterSection(`trace ${target.topic} ${target.msgId}`)] };
        // Asked for, but there is nowhere to defer to: a partial diagnosis beats none.
      }
      const explainer = createExplainService({ diagnostics: createOnsDiagnosticsPort(deps.gateway.callerFor(credentials)), now: deps.now });
      const diagnosis = await explainer.explain({ query: target, groups: report.groups }, ctx);
      Object.assign(fields, {
        explain: why ? 'asked' : 'auto',
        findings: diagnosis.findings.map((f) => f.code),
        skippedChecks: diagnosis.skippedChecks.map((c) => `${c.check}:${c.reason}`),
      });
      return { kind: 'sections', sections: diagnosisSections(diagnosis) };
    },
  };
}
