import type { Caller } from '../access/access-control';
import { writeAudit } from '../access/audit';
import type { Credentials } from '../credentials';
import { createDeadline, type Deadline } from '../deadline';
import { toAppError } from '../errors';
import type { Logger } from '../log';
import type { RequestLog } from '../request-log';
import type { Broker, BrokerDirectory, UpstreamAttempt } from '../trace/broker-port';
import { MAX_EXAMPLES, type AlertContent, type AlertDestination, type DeliveryReport } from '../alerts/alert-content';
import { answeredReport, type LookupService } from '../trace/lookup-service';
import { VERDICTS } from '../trace/verdict';
import { nextState, planAlerts, type CheckStatus, type DestinationPlan } from './alert-policy';
import type { SpotCheck } from './check-schema';
import { describeReasons, judgeTracks } from './judge';
import { sampleCheck, stopFor, type SampleOutcome, type Stop, type StopReason } from './sampler';
import type { SpotCheckStatePort } from './state-port';

/** Verdict counts kept per check: the lookup verdicts, plus lookups that failed or never ran. */
export const COUNT_KEYS = [...VERDICTS, 'ERROR', 'NOT_CHECKED'] as const;
export type CountKey = (typeof COUNT_KEYS)[number];

export interface CheckResult {
  name: string;
  instanceId: string;
  topic: string;
  status: CheckStatus;
  /** Set when the check could not run (status ERROR): the error code. */
  error?: string;
  verdicts: Record<CountKey, number>;
  /** Every failing message, with why. */
  failing: Array<{ msgId: string; reasons: string }>;
  /** Lookups that failed, by error code. */
  errors: Record<string, number>;
  coverage: {
    sampled: number;
    listed: number;
    /** Messages the check meant to judge (sampled + listed, de-duplicated). */
    planned: number;
    judged: number;
    notChecked: number;
    /** True when every planned page was read and every planned message got an answer. */
    complete: boolean;
    stoppedBy?: StopReason;
  };
  sampling: {
    windowStart: string;
    windowEnd: string;
    pagesRead: number;
    pagesPlanned: number;
    maxPageCount: number;
    candidates: number;
    stop?: { reason: StopReason; code: string };
  };
}

/** The one JSON line each run logs (event `spot_check.run`), and what the function returns. */
export interface RunSummary {
  runId: string;
  triggerName?: string;
  triggerTime?: string;
  startedAt: string;
  durationMs: number;
  /** False when any check's coverage is partial. */
  complete: boolean;
  checks: CheckResult[];
  /** Upstream attempts per action, retries included. */
  apiCalls: Record<string, number>;
  /** Upstream throttling answers, and refusals of the client-side limiter (no slot before the deadline). */
  throttles: { upstream: number; local: number };
  alerts: DeliveryReport[];
  state: { kind: SpotCheckStatePort['kind']; loaded: boolean; saved: boolean; error?: string };
}

export interface SpotCheckRunnerDeps {
  /** The one lookup use case, sharing the instance's limiters with every other lookup. */
  lookups: LookupService;
  /** The brokers whose message lists the checks sample. */
  brokers: BrokerDirectory;
  /** The invocation's credentials. */
  credentials: Credentials;
  state: SpotCheckStatePort;
  destinations: readonly AlertDestination[];
  logger: Logger;
  now: () => number;
  quietPeriodMs: number;
  /** Page calls one run may plan per broker; default: the broker's own budget, so a run never waits for its limit to refill. */
  pageBudget?: number;
  maxPagesPerCheck?: number;
  /** Lookups in flight at once; the limiter spaces them. */
  lookupConcurrency?: number;
}

export interface SpotCheckRunInput {
  runId: string;
  triggerName?: string;
  triggerTime?: string;
  checks: readonly SpotCheck[];
  /** The whole run's deadline. */
  deadline: Deadline;
  /** Kept back from sampling and lookups for alerts, the state and the summary. */
  reserveMs: number;
}

export interface SpotCheckRunner {
  /** Runs the checks, alerts, saves the state, logs the summary line and returns it. Never rejects for a check's failure. */
  run(input: SpotCheckRunInput): Promise<RunSummary>;
}

// Below this, a lookup cannot finish; mark the rest as not checked instead of starting them.
const MIN_LOOKUP_MS = 200;
const DEFAULT_MAX_PAGES_PER_CHECK = 4;

interface LookupItem {
  check: number;
  msgId: string;
}

interface Tally {
  verdicts: Record<CountKey, number>;
  failing: Array<{ msgId: string; reasons: string }>;
  errors: Record<string, number>;
  stoppedBy?: StopReason;
}

/** A check whose broker could not be had (say, an instance ID no broker serves) samples nothing and says why. */
function failedSample(check: SpotCheck, error: Error, nowMs: number): SampleOutcome {
  const appError = toAppError(error);
  return {
    messages: [],
    candidates: 0,
    pagesRead: 0,
    maxPageCount: 0,
    pagesPlanned: 0,
    window: { beginMs: nowMs - check.lookbackMinutes * 60_000, endMs: nowMs - check.minAgeSeconds * 1000 },
    ...(check.sample > 0 ? { stop: { reason: 'ERROR' as const, code: appError.upstream?.code ?? appError.code, local: true } } : {}),
  };
}

/** Creates the spot-check runner over its ports. */
export function createSpotCheckRunner(deps: SpotCheckRunnerDeps): SpotCheckRunner {
  const maxPagesPerCheck = deps.maxPagesPerCheck ?? DEFAULT_MAX_PAGES_PER_CHECK;
  const concurrency = Math.max(1, deps.lookupConcurrency ?? 10);

  return {
    async run(input) {
      const startedMs = deps.now();
      const trail: UpstreamAttempt[] = [];
      const work = createDeadline(Math.max(0, input.deadline.remainingMs() - input.reserveMs), deps.now);
      const ctx = { deadline: work, trail };
      let localThrottles = 0;
      const countStop = (stop: Stop | undefined) => {
        if (stop?.local && stop.code === 'THROTTLED') localThrottles++;
      };

      const stateLoad = deps.state.load(input.deadline).then(
        (state) => ({ ok: true as const, state }),
        (error: unknown) => ({ ok: false as const, code: toAppError(error).upstream?.code ?? toAppError(error).code }),
      );

      // 1. Sample: each check gets a share of its broker's page budget; the limiter orders the calls.
      const brokers = await Promise.all(
        input.checks.map((check) =>
          deps.brokers.forInstance(check.instanceId, deps.credentials).then(
            (broker) => broker,
            (error: unknown) => toAppError(error),
          ),
        ),
      );
      const sampling = (kind: Broker['kind']) =>
        input.checks.filter((c, i) => c.sample > 0 && !(brokers[i] instanceof Error) && (brokers[i] as Broker).kind === kind).length;
      const samples: SampleOutcome[] = await Promise.all(
        input.checks.map((check, i) => {
          const broker = brokers[i] as Broker | Error;
          if (broker instanceof Error) return failedSample(check, broker, deps.now());
          const budget = deps.pageBudget ?? broker.budget.pageCallsPerRun;
          const allowance = Math.max(1, Math.min(maxPagesPerCheck, Math.floor(budget / Math.max(1, sampling(broker.kind)))));
          return sampleCheck(check, { pages: broker, limits: broker.budget.pageLimits, now: deps.now }, { pageAllowance: allowance, ctx });
        }),
      );
      samples.forEach((s) => countStop(s.stop));

      // 2. Look up: listed msgIds first, then the sample, interleaved across checks so that a
      //    deadline cuts every check short a little rather than the last ones entirely.
      const perCheck = input.checks.map((check, i) => [...new Set([...(check.msgIds ?? []), ...(samples[i] as SampleOutcome).messages.map((m) => m.msgId)])]);
      const queue: LookupItem[] = [];
      for (let round = 0; perCheck.some((ids) => round < ids.length); round++) {
        perCheck.forEach((ids, check) => {
          const msgId = ids[round];
          if (msgId !== undefined) queue.push({ check, msgId });
        });
      }
      const tallies: Tally[] = input.checks.map(() => ({ verdicts: zeroCounts(), failing: [], errors: {} }));
      // The timer is the caller of every lookup of the run (one audit.lookup line each, as in the other
      // channels). Its checks come from the deployer's configuration, so its scope is everything.
      const timer: Caller = {
        channel: 'timer',
        id: `timer:${input.triggerName ?? 'manual'}`,
        scope: { instances: ['*'], topics: ['*'] },
        defaultInstance: undefined,
      };
      const log: RequestLog = {
        requestId: input.runId,
        fields: {},
        trail,
        audit: (entry) => writeAudit(deps.logger, input.runId, entry),
      };
      let next = 0;
      const worker = async () => {
        while (next < queue.length) {
          const item = queue[next++] as LookupItem;
          const check = input.checks[item.check] as SpotCheck;
          const tally = tallies[item.check] as Tally;
          if (work.remainingMs() < MIN_LOOKUP_MS) {
            tally.verdicts.NOT_CHECKED++;
            tally.stoppedBy ??= 'DEADLINE';
            continue;
          }
          try {
            const outcome = await deps.lookups.lookup(
              timer,
              { instance: check.instanceId, topic: check.topic, msgId: item.msgId },
              { credentials: deps.credentials, log, deadline: work },
            );
            const report = answeredReport(outcome);
            tally.verdicts[report.verdict]++;
            const reasons = judgeTracks(report.groups, check.expectGroups);
            if (reasons.length > 0) tally.failing.push({ msgId: report.msgId, reasons: describeReasons(reasons) });
          } catch (error) {
            const stop = stopFor(error, ctx);
            countStop(stop);
            if (stop.reason === 'ERROR') {
              tally.verdicts.ERROR++;
              tally.errors[stop.code] = (tally.errors[stop.code] ?? 0) + 1;
            } else {
              tally.verdicts.NOT_CHECKED++;
              tally.stoppedBy ??= stop.reason;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, queue.length)) }, worker));

      const results = input.checks.map((check, i) => toResult(check, samples[i] as SampleOutcome, tallies[i] as Tally, perCheck[i] as string[]));

      // 3. Alert and remember.
      const loaded = await stateLoad;
      const stateError = loaded.ok ? undefined : loaded.code;
      if (!loaded.ok) deps.logger.warn('spot_check.state_unavailable', { runId: input.runId, kind: deps.state.kind, errorCode: stateError });
      const previous = loaded.ok ? loaded.state : undefined;
      const judged = results.map((r) => ({ name: r.name, status: r.status, failed: r.failing.length }));
      const plans = planAlerts({
        checks: judged,
        previous,
        destinations: deps.destinations.map((d) => d.name),
        nowMs: deps.now(),
        quietPeriodMs: deps.quietPeriodMs,
      });
      const checkedAt = new Date(startedMs).toISOString();
      const alerts = await Promise.all(
        deps.destinations.map(async (destination) => {
          const content = composeAlert(plans[destination.name] as DestinationPlan, results, input.runId, checkedAt);
          if (!content) return undefined;
          // A sender bug must not cost the summary and the state: it counts as an undelivered alert.
          const report = await destination
            .deliver(content, { deadline: input.deadline })
            .catch((): DeliveryReport => ({ destination: destination.name, delivered: false, attempts: 1, outcome: 'INTERNAL' }));
          if (!report.delivered) {
            // Never silently dropped: an undelivered alert is an error line naming what it held.
            deps.logger.error('spot_check.alert_failed', {
              runId: input.runId,
              destination: report.destination,
              attempts: report.attempts,
              outcome: report.outcome,
              failingChecks: content.failing.map((c) => c.name),
              recoveredChecks: content.recovered.map((c) => c.name),
            });
          }
          return { report, alerted: content.failing.map((c) => c.name) };
        }),
      );
      const delivered: Record<string, string[]> = {};
      for (const a of alerts) if (a?.report.delivered) delivered[a.report.destination] = a.alerted;

      let saved = false;
      let saveError: string | undefined;
      if (previous) {
        try {
          await deps.state.save(nextState({ checks: judged, previous, delivered, nowMs: deps.now() }), input.deadline);
          saved = true;
        } catch (error) {
          const appError = toAppError(error);
          saveError = appError.upstream?.code ?? appError.code;
          deps.logger.error('spot_check.state_save_failed', { runId: input.runId, kind: deps.state.kind, errorCode: saveError });
        }
      }

      const apiCalls: Record<string, number> = {};
      for (const attempt of trail) apiCalls[attempt.action] = (apiCalls[attempt.action] ?? 0) + 1;
      const summary: RunSummary = {
        runId: input.runId,
        ...(input.triggerName !== undefined ? { triggerName: input.triggerName } : {}),
        ...(input.triggerTime !== undefined ? { triggerTime: input.triggerTime } : {}),
        startedAt: checkedAt,
        durationMs: deps.now() - startedMs,
        complete: results.every((r) => r.coverage.complete),
        checks: results,
        apiCalls,
        throttles: { upstream: trail.filter((a) => a.throttled === true).length, local: localThrottles },
        alerts: alerts.flatMap((a) => (a ? [a.report] : [])),
        state: {
          kind: deps.state.kind,
          loaded: previous !== undefined,
          saved,
          ...(stateError ?? saveError ? { error: (stateError ?? saveError) as string } : {}),
        },
      };
      deps.logger.info('spot_check.run', { ...summary });
      return summary;
    },
  };
}

function zeroCounts(): Record<CountKey, number> {
  return Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as Record<CountKey, number>;
}

function toResult(check: SpotCheck, sample: SampleOutcome, tally: Tally, planned: string[]): CheckResult {
  const judgedCount = VERDICTS.reduce((n, v) => n + tally.verdicts[v], 0);
  const notChecked = tally.verdicts.NOT_CHECKED;
  const samplingFailed = sample.stop?.reason === 'ERROR' && sample.pagesRead === 0;
  const complete = sample.stop === undefined && notChecked === 0;
  const stoppedBy = sample.stop && sample.stop.reason !== 'ERROR' ? sample.stop.reason : tally.stoppedBy;
  let status: CheckStatus;
  let error: string | undefined;
  if (tally.failing.length > 0) status = 'FAILING';
  else if (samplingFailed) {
    status = 'ERROR';
    error = sample.stop?.code;
  } else if (judgedCount === 0 && tally.verdicts.ERROR > 0) {
    status = 'ERROR';
    error = Object.entries(tally.errors).sort((a, b) => b[1] - a[1])[0]?.[0];
  } else status = complete ? 'OK' : 'INCOMPLETE';
  return {
    name: check.name,
    instanceId: check.instanceId,
    topic: check.topic,
    status,
    ...(error ? { error } : {}),
    verdicts: tally.verdicts,
    failing: tally.failing,
    errors: tally.errors,
    coverage: {
      sampled: sample.messages.length,
      listed: check.msgIds?.length ?? 0,
      planned: planned.length,
      judged: judgedCount,
      notChecked,
      complete,
      ...(stoppedBy ? { stoppedBy } : {}),
    },
    sampling: {
      windowStart: new Date(sample.window.beginMs).toISOString(),
      windowEnd: new Date(sample.window.endMs).toISOString(),
      pagesRead: sample.pagesRead,
      pagesPlanned: sample.pagesPlanned,
      maxPageCount: sample.maxPageCount,
      candidates: sample.candidates,
      ...(sample.stop ? { stop: { reason: sample.stop.reason, code: sample.stop.code } } : {}),
    },
  };
}

/** The alert one destination gets this run, or undefined when it has nothing to say. */
export function composeAlert(plan: DestinationPlan, results: readonly CheckResult[], runId: string, checkedAt: string): AlertContent | undefined {
  if (plan.alert.length === 0 && plan.recovered.length === 0) return undefined;
  const byName = new Map(results.map((r) => [r.name, r]));
  const failing = plan.alert.flatMap(({ name, repeat }) => {
    const r = byName.get(name);
    if (!r || (r.status !== 'FAILING' && r.status !== 'ERROR')) return [];
    return [
      {
        name: r.name,
        instanceId: r.instanceId,
        topic: r.topic,
        status: r.status,
        repeat,
        checked: r.coverage.judged,
        failed: r.failing.length,
        verdicts: Object.fromEntries(Object.entries(r.verdicts).filter(([, n]) => n > 0)),
        examples: r.failing.slice(0, MAX_EXAMPLES),
        ...(r.error ? { errorCode: r.error } : {}),
        partial: !r.coverage.complete,
      },
    ];
  });
  const recovered = plan.recovered.flatMap((name) => {
    const r = byName.get(name);
    return r ? [{ name: r.name, instanceId: r.instanceId, topic: r.topic, checked: r.coverage.judged }] : [];
  });
  return { runId, checkedAt, failing, recovered, quiet: plan.quiet };
}
