import type { AccessControl, Caller } from '../access/access-control';
import { upstreamIdsOf, type AuditEntry } from '../access/audit';
import { describeInstanceIds } from '../brokers/instance-rules';
import type { Credentials } from '../credentials';
import type { Deadline } from '../deadline';
import { AppError, ErrorCode, ForbiddenError, InvalidInputError, toAppError } from '../errors';
import type { RequestLog } from '../request-log';
import type { Broker, BrokerDirectory, CallContext, MessageRef, UpstreamAttempt } from './broker-port';
import { describeCaveats } from './caveats';
import { createExplainService } from './explain-service';
import { isUnconsumed } from './findings';
import { decodeMessageId } from './message-id';
import type { TraceReport } from './report-schema';
import { decideVerdict } from './verdict';
import { waitForConsumption } from './wait-for-consumption';

export interface LookupServiceDeps {
  /** Finds the broker (4.x ONS, 5.x rocketmq) that serves an instance. */
  brokers: BrokerDirectory;
  /** Aliases, default instances and scopes. */
  access: Pick<AccessControl, 'resolveInstance' | 'permits' | 'aliasesFor'>;
  now: () => number;
  producerUtcOffsetMinutes: number;
  /** For waits; default a real timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter of wait polls; default Math.random. */
  random?: () => number;
}

/** One lookup as a channel parsed it: `instance` is an instance ID, an alias, or absent for the default. */
export interface LookupInput {
  instance?: string | undefined;
  topic: string;
  msgId: string;
}

/** What an explain would cost, for a policy to weigh against the time left. */
export interface ExplainPlan {
  unconsumedGroups: number;
  /** The broker's worst-case estimate, from its limits and how long the lookup took. */
  estimateMs: number;
  remainingMs: number;
}

export type ExplainDecision = 'explain' | 'skip' | 'defer';

/** Whether to explain: always, never, or a channel's decision from the report and the plan. */
export type ExplainPolicy = boolean | ((report: TraceReport, plan: ExplainPlan) => ExplainDecision);

/** For channels that can finish a lookup later (chat's deferred reply): when to hand it off instead. */
export interface DeferralPolicy {
  /** After the scope check, before any upstream call: a reason to defer at once, or undefined. */
  beforeLookup?(): string | undefined;
  /** After a failed lookup: a reason to defer instead of answering with the error, or undefined. */
  onError?(error: AppError): string | undefined;
}

export interface LookupOptions {
  credentials: Credentials;
  /** Where the lookup's audit entry, upstream attempts and log fields go. */
  log: RequestLog;
  deadline: Deadline;
  /** Overrides the broker's per-call timeout; the deadline still caps it. */
  callTimeoutMs?: number;
  /** Poll until CONSUMED or this long has passed; the deadline must leave room for the last poll. */
  waitWindowMs?: number;
  /** Default false. */
  explain?: ExplainPolicy;
  deferral?: DeferralPolicy;
}

/** What a lookup came to. A hand-off writes no audit entry: the run that finishes it does. */
export type LookupOutcome =
  | { kind: 'answered'; target: MessageRef; report: TraceReport }
  | { kind: 'deferred'; target: MessageRef; because: string; report?: TraceReport; error?: AppError };

/**
 * The one lookup use case every channel calls: resolves the instance (alias or default), checks the
 * caller's scope before any upstream call, picks the broker for the instance, looks the message
 * up, waits and explains when asked, and records one audit entry. Channels only parse and render.
 */
export interface LookupService {
  /**
   * The message a lookup is about, with its instance resolved. Throws InvalidInputError when no
   * instance applies or the instance is neither an ID nor a known alias.
   */
  resolve(caller: Caller, input: LookupInput): MessageRef;
  /**
   * Runs one lookup. Rejects with ForbiddenError (audited as refused) when the caller may not look
   * it up, InvalidInputError when the input cannot be resolved, or the lookup's AppError (audited
   * as failed) when it fails and the deferral policy does not take it.
   */
  lookup(caller: Caller, input: LookupInput, options: LookupOptions): Promise<LookupOutcome>;
}

/** Creates the {@link LookupService}. */
export function createLookupService(deps: LookupServiceDeps): LookupService {
  const resolve = (caller: Caller, input: LookupInput): MessageRef => {
    const given = input.instance?.trim();
    const resolved = deps.access.resolveInstance(caller, given === '' ? undefined : given);
    if (resolved === undefined) {
      throw new InvalidInputError([{ path: 'instanceId', message: 'is required: no default instance is configured for this caller' }]);
    }
    if (deps.brokers.kindOf(resolved) === undefined) throw unknownInstance(resolved, deps.access.aliasesFor(caller));
    return { instanceId: resolved, topic: input.topic, msgId: input.msgId };
  };

  const report = (broker: Broker, target: MessageRef, answered: Awaited<ReturnType<Broker['consumption']>>, requestId: string): TraceReport => {
    const nowMs = deps.now();
    const { verdict, summary } = decideVerdict(answered.groups);
    return {
      requestId,
      checkedAt: new Date(nowMs).toISOString(),
      instanceId: target.instanceId,
      broker: broker.kind,
      topic: target.topic,
      msgId: target.msgId,
      verdict,
      summary,
      groups: answered.groups.map((g) => {
        // Field by field in the report's order, without a temporary object per optional field.
        const group = { consumerGroup: g.consumerGroup, trackType: g.trackType } as TraceReport['groups'][number];
        if (g.upstreamStatus !== undefined) group.upstreamStatus = g.upstreamStatus;
        group.meaning = g.meaning;
        group.advice = g.advice;
        if (g.exceptionDesc) group.exceptionDesc = g.exceptionDesc;
        return group;
      }),
      messageId: decodeMessageId(target.msgId, { nowMs, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes }) ?? null,
      caveats: describeCaveats(answered.caveats),
      upstreamRequestId: answered.requestId,
    };
  };

  return {
    resolve,
    async lookup(caller, input, options) {
      const target = resolve(caller, input);
      const audit: AuditEntry = { caller: { channel: caller.channel, id: caller.id }, ...target, outcome: 'refused', upstreamRequestIds: [] };
      // Before any upstream call, and the same refusal whether or not the message exists.
      if (!deps.access.permits(caller, target)) {
        options.log.audit({ ...audit, reason: 'out_of_scope' });
        throw new ForbiddenError();
      }
      const early = options.deferral?.beforeLookup?.();
      if (early !== undefined) return { kind: 'deferred', target, because: early };

      const trail: UpstreamAttempt[] = [];
      const ctx: CallContext = { deadline: options.deadline, trail, ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}) };
      const ids = (error?: AppError) => upstreamIdsOf(error?.upstream ? [...trail, error.upstream] : trail);
      try {
        const broker = await deps.brokers.forInstance(target.instanceId, options.credentials);
        // How long the last consumption call took: the latency the explain estimate is based on.
        let lookupMs = 0;
        const poll = async () => {
          const started = deps.now();
          const answered = await broker.consumption(target, ctx);
          lookupMs = deps.now() - started;
          return report(broker, target, answered, options.log.requestId);
        };
        let result: TraceReport;
        if (options.waitWindowMs !== undefined && options.waitWindowMs > 0) {
          const waited = await waitForConsumption(poll, {
            windowMs: options.waitWindowMs,
            now: deps.now,
            sleep: deps.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
            ...(deps.random ? { random: deps.random } : {}),
          });
          result = { ...waited.report, wait: waited.wait };
        } else {
          result = await poll();
        }

        const unconsumedGroups = result.groups.filter((g) => isUnconsumed(g.trackType)).length;
        const decision = decideExplain(options.explain ?? false, result, {
          unconsumedGroups,
          estimateMs: broker.budget.explainCostMs(unconsumedGroups, lookupMs),
          remainingMs: options.deadline.remainingMs(),
        });
        if (decision === 'defer') return { kind: 'deferred', target, because: 'EXPLAIN_BUDGET', report: result };
        if (decision === 'explain') {
          const diagnosis = await createExplainService({ diagnostics: broker, now: deps.now }).explain({ query: target, groups: result.groups }, ctx);
          result = { ...result, diagnosis };
          Object.assign(options.log.fields, {
            findings: diagnosis.findings.map((f) => f.code),
            skippedChecks: diagnosis.skippedChecks.map((c) => `${c.check}:${c.reason}`),
          });
        }
        options.log.audit({ ...audit, outcome: 'answered', verdict: result.verdict, upstreamRequestIds: ids() });
        return { kind: 'answered', target, report: result };
      } catch (thrown) {
        const error = toAppError(thrown);
        const because = options.deferral?.onError?.(error);
        if (because !== undefined) return { kind: 'deferred', target, because, error };
        options.log.audit({ ...audit, outcome: 'failed', errorCode: error.code, upstreamRequestIds: ids(error) });
        throw error;
      } finally {
        options.log.trail.push(...trail);
      }
    },
  };
}

/**
 * The report of a lookup made without a deferral policy, which is always answered (HTTP, timer).
 * Throws an INTERNAL AppError if it was handed off anyway: that would be a wiring bug.
 */
export function answeredReport(outcome: LookupOutcome): TraceReport {
  if (outcome.kind !== 'answered') throw new AppError(ErrorCode.INTERNAL, `a lookup without a deferral policy was deferred (${outcome.because})`);
  return outcome.report;
}

function decideExplain(policy: ExplainPolicy, report: TraceReport, plan: ExplainPlan): ExplainDecision {
  if (typeof policy === 'boolean') return policy ? 'explain' : 'skip';
  return policy(report, plan);
}

/** The one message for an instance that is neither an ID nor an alias, on every channel. */
function unknownInstance(given: string, aliases: string[]): InvalidInputError {
  const shown = given.length > 40 ? `${given.slice(0, 40)}…` : given;
  const known = aliases.length > 0 ? ` Known aliases: ${aliases.join(', ')}.` : ' No aliases are configured for this caller.';
  return new InvalidInputError([
    { path: 'instanceId', message: `"${shown}" is neither an instance ID (${describeInstanceIds('short')}) nor a configured alias.${known}` },
  ]);
}
