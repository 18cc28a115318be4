import { createAccountScope, type AccountScope } from '../account-scope';
import type { AccessControl, Caller } from '../access/access-control';
import { upstreamIdsOf, type AuditEntry } from '../access/audit';
import { describeInstanceIds } from '../brokers/instance-rules';
import type { Credentials } from '../credentials';
import type { Deadline } from '../deadline';
import { AppError, ErrorCode, ForbiddenError, InvalidInputError, toAppError, UpstreamTimeoutError } from '../errors';
import type { RequestLog } from '../request-log';
import type { Broker, BrokerDirectory, CallContext, ConsumptionAnswer, MessageRef, UpstreamAttempt } from './broker-port';
import { describeCaveats } from './caveats';
import { createExplainService } from './explain-service';
import { isUnconsumed } from './findings';
import { decodeMessageId } from './message-id';
import type { TraceReport } from './report-schema';
import { decideVerdict } from './verdict';
import type { VerdictCache, VerdictCacheKey } from './verdict-cache';
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
  /** Where CONSUMED answers are kept for {@link LookupServiceDeps.verdictCacheTtlMs}; default none. */
  verdictCache?: VerdictCache;
  /** How long a cached CONSUMED answer is used; 0 turns the cache off. */
  verdictCacheTtlMs?: number;
  /** Names the account of a lookup's keys, for the cache and the in-flight lookups; default a hash of the AccessKey ID. */
  accountScope?: AccountScope;
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
  /** Ask the broker even when a cached answer is at hand (HTTP `fresh=true`, chat `--fresh`). */
  fresh?: boolean;
}

/** The commands that run in a {@link LookupSession}, as their audit entries name them. */
export type SessionCommand = 'find' | 'journey';

/** How a session runs: like a lookup, without wait, explain or deferral. */
export interface SessionOptions {
  credentials: Credentials;
  log: RequestLog;
  deadline: Deadline;
  callTimeoutMs?: number;
  command: SessionCommand;
}

/** What a session is about: an instance (ID, alias or default) and a topic; `msgId` when it is about one message. */
export interface SessionInput {
  instance?: string | undefined;
  topic: string;
  msgId?: string;
}

/**
 * One checked session with the broker of an instance: find and journey run their calls in it. The
 * target is resolved and the caller's scope checked before it starts; every upstream attempt goes
 * into the request's trail and the session's one audit entry.
 */
export interface LookupSession {
  readonly broker: Broker;
  readonly target: { instanceId: string; topic: string };
  readonly ctx: CallContext;
  /** One message's report exactly as a lookup gives it (without wait or explain). */
  verdict(msgId: string): Promise<TraceReport>;
}

/** What a session's work came to, and what its audit entry records. */
export interface SessionResult<T> {
  result: T;
  audit: { msgId?: string; verdict?: string };
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
  /**
   * Runs `work` in a {@link LookupSession}: the same resolve, scope check (before any upstream
   * call, audited as refused), broker choice and single audit entry as a lookup. Rejects like
   * `lookup` does, or with what `work` throws (audited as failed).
   */
  session<T>(caller: Caller, input: SessionInput, options: SessionOptions, work: (session: LookupSession) => Promise<SessionResult<T>>): Promise<T>;
}

/** Creates the {@link LookupService}. */
export function createLookupService(deps: LookupServiceDeps): LookupService {
  const accountScope = deps.accountScope ?? createAccountScope(undefined);
  const cache = deps.verdictCache && (deps.verdictCacheTtlMs ?? 0) > 0 ? { store: deps.verdictCache, ttlMs: deps.verdictCacheTtlMs ?? 0 } : undefined;
  // Identical consumption calls in flight on this instance (a batch, concurrent chat deliveries) share one upstream call.
  const inFlight = new Map<string, Promise<ConsumptionAnswer>>();
  const consumption = (broker: Broker, target: MessageRef, ctx: CallContext, account: string): Promise<ConsumptionAnswer> => {
    const key = JSON.stringify([account, target.instanceId, target.topic, target.msgId]);
    const running = inFlight.get(key);
    if (running) return withinDeadline(running, ctx);
    const call = broker.consumption(target, ctx).finally(() => inFlight.delete(key));
    inFlight.set(key, call);
    return call;
  };

  const resolveInstance = (caller: Caller, instance: string | undefined): string => {
    const given = instance?.trim();
    const resolved = deps.access.resolveInstance(caller, given === '' ? undefined : given);
    if (resolved === undefined) {
      throw new InvalidInputError([{ path: 'instanceId', message: 'is required: no default instance is configured for this caller' }]);
    }
    if (deps.brokers.kindOf(resolved) === undefined) throw unknownInstance(resolved, deps.access.aliasesFor(caller));
    return resolved;
  };
  const resolve = (caller: Caller, input: LookupInput): MessageRef => ({ instanceId: resolveInstance(caller, input.instance), topic: input.topic, msgId: input.msgId });

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
    async session(caller, input, options, work) {
      const target = { instanceId: resolveInstance(caller, input.instance), topic: input.topic };
      const audit: AuditEntry = {
        caller: { channel: caller.channel, id: caller.id },
        command: options.command,
        ...target,
        ...(input.msgId !== undefined ? { msgId: input.msgId } : {}),
        outcome: 'refused',
        upstreamRequestIds: [],
      };
      if (!deps.access.permits(caller, target)) {
        options.log.audit({ ...audit, reason: 'out_of_scope' });
        throw new ForbiddenError();
      }
      const trail: UpstreamAttempt[] = [];
      const ctx: CallContext = { deadline: options.deadline, trail, ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}) };
      try {
        const broker = await deps.brokers.forInstance(target.instanceId, options.credentials);
        const account = accountScope(options.credentials);
        const session: LookupSession = {
          broker,
          target,
          ctx,
          async verdict(msgId) {
            const message: MessageRef = { ...target, msgId };
            return report(broker, message, await consumption(broker, message, ctx, account), options.log.requestId);
          },
        };
        const done = await work(session);
        options.log.audit({
          ...audit,
          ...(done.audit.msgId !== undefined ? { msgId: done.audit.msgId } : {}),
          outcome: 'answered',
          ...(done.audit.verdict !== undefined ? { verdict: done.audit.verdict } : {}),
          upstreamRequestIds: upstreamIdsOf(trail),
        });
        return done.result;
      } catch (thrown) {
        const error = toAppError(thrown);
        options.log.audit({ ...audit, outcome: 'failed', errorCode: error.code, upstreamRequestIds: upstreamIdsOf([...trail, ...(error.upstream ? [error.upstream] : [])]) });
        throw error;
      } finally {
        options.log.trail.push(...trail);
      }
    },
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
      const account = accountScope(options.credentials);
      const waits = options.waitWindowMs !== undefined && options.waitWindowMs > 0;
      const keyFor = (explained: boolean): VerdictCacheKey => ({ account, ...target, variant: `${explained ? 'explain' : 'plain'}/${waits ? 'wait' : 'now'}` });
      try {
        const broker = await deps.brokers.forInstance(target.instanceId, options.credentials);
        if (cache && !options.fresh) {
          const hit = await cachedAnswer(cache.store, options, keyFor, () => ({
            unconsumedGroups: 0,
            estimateMs: broker.budget.explainCostMs(0, 0),
            remainingMs: options.deadline.remainingMs(),
          }));
          if (hit) {
            const nowMs = deps.now();
            const report: TraceReport = {
              ...hit.report,
              requestId: options.log.requestId,
              cached: { at: new Date(hit.cachedAt).toISOString(), ageMs: Math.max(0, Math.round(nowMs - hit.cachedAt)) },
            };
            options.log.fields.cache = 'hit';
            options.log.audit({ ...audit, outcome: 'answered', verdict: report.verdict, cached: true, upstreamRequestIds: [] });
            return { kind: 'answered', target, report };
          }
        }
        // How long the last consumption call took: the latency the explain estimate is based on.
        let lookupMs = 0;
        const poll = async () => {
          const started = deps.now();
          const answered = await consumption(broker, target, ctx, account);
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
        if (cache && result.verdict === 'CONSUMED') {
          const cachedAt = deps.now();
          await cache.store.set(keyFor(result.diagnosis !== undefined), { report: result, cachedAt, expiresAt: cachedAt + cache.ttlMs });
          if (options.fresh) options.log.fields.cache = 'refreshed';
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

/**
 * A cached answer that serves this lookup, if any. A boolean explain names its variant; a channel's
 * policy is asked about the unexplained answer (as it would be after the broker's), and only what it
 * decides is looked up: the answer itself for 'skip', the explained one for 'explain', nothing for
 * 'defer' (the lookup then runs and decides again).
 */
async function cachedAnswer(
  cache: VerdictCache,
  options: LookupOptions,
  keyFor: (explained: boolean) => VerdictCacheKey,
  planFor: () => ExplainPlan,
) {
  const policy = options.explain ?? false;
  if (typeof policy === 'boolean') return cache.get(keyFor(policy));
  const plain = await cache.get(keyFor(false));
  if (!plain) return undefined;
  const decision = policy(plain.report, planFor());
  if (decision === 'skip') return plain;
  if (decision === 'explain') return cache.get(keyFor(true));
  return undefined;
}

/** An in-flight call another lookup started, as this lookup waits for it: within its own deadline. */
async function withinDeadline<T>(running: Promise<T>, ctx: CallContext): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new UpstreamTimeoutError('the lookup deadline passed while an identical lookup was in flight')),
      ctx.deadline.remainingMs(),
    );
  });
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
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
