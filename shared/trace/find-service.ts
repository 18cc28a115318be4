import type { Caller } from '../access/access-control';
import type { Credentials } from '../credentials';
import type { Deadline } from '../deadline';
import { ErrorCode, InvalidInputError, ThrottledError, toAppError, type AppError } from '../errors';
import type { RequestLog } from '../request-log';
import { sampleWindow } from '../spot-check/sampler';
import type { FoundMessage } from './broker-port';
import { describeReportCaveat, type ReportCaveat } from './caveats';
import { DEFAULT_FIND_LIMIT, windowProblems } from './find-query';
import type { FindReport, FoundMessageReport } from './find-schema';
import type { LookupService, LookupSession } from './lookup-service';
import type { TraceReport } from './report-schema';
import { VERDICTS, type Verdict } from './verdict';

export interface FindServiceDeps {
  /** The lookup use case: resolve, scope check, broker and audit come from its session; each message's verdict is a lookup's. */
  lookups: Pick<LookupService, 'session'>;
  now: () => number;
}

/** Find by key, as a channel parsed it. */
export interface FindByKeyInput {
  instance?: string | undefined;
  topic: string;
  key: string;
  /** How many to examine; default {@link DEFAULT_FIND_LIMIT}. */
  limit?: number;
}

/** Find by time window, epoch ms. */
export interface FindByWindowInput {
  instance?: string | undefined;
  topic: string;
  fromMs: number;
  toMs: number;
  tag?: string | undefined;
  /** How many to sample and examine; default {@link DEFAULT_FIND_LIMIT}. */
  limit?: number;
}

export interface FindOptions {
  credentials: Credentials;
  log: RequestLog;
  deadline: Deadline;
  callTimeoutMs?: number;
}

/**
 * Finds messages without their ID, each with its verdict, within the caller's scope, the
 * account's rate budget and the request's deadline: a cut-short list says so (`more`, `truncated`).
 */
export interface FindService {
  /** The messages with a key, newest first, up to the limit. */
  byKey(caller: Caller, input: FindByKeyInput, options: FindOptions): Promise<FindReport>;
  /**
   * A sample of the window's messages: counts per verdict, then those not CONSUMED. Throws
   * InvalidInputError for a reversed, too wide or future window, before any upstream call.
   */
  byWindow(caller: Caller, input: FindByWindowInput, options: FindOptions): Promise<FindReport>;
}

/** Pages a window find reads at most, of the broker's page budget (4.x: 10 page queries per minute). */
export const WINDOW_PAGE_ALLOWANCE = 3;

// Below this, a lookup cannot finish; the rest count as not examined.
const MIN_LOOKUP_MS = 150;

interface Examined {
  message: FoundMessage;
  report?: TraceReport;
  error?: AppError;
}

type Stop = 'DEADLINE' | 'RATE_BUDGET';

/** Creates the {@link FindService}. */
export function createFindService(deps: FindServiceDeps): FindService {
  /** Each message's verdict, in order; stops at the first one the deadline or the rate budget cuts. */
  const examine = async (session: LookupSession, messages: readonly FoundMessage[]): Promise<{ examined: Examined[]; stop?: Stop }> => {
    // Started together: the limiter hands out slots in call order, and refuses at once a slot after the deadline.
    const settled = await Promise.all(
      messages.map(async (message): Promise<Examined | Stop> => {
        if (session.ctx.deadline.remainingMs() < MIN_LOOKUP_MS) return 'DEADLINE';
        try {
          return { message, report: await session.verdict(message.msgId) };
        } catch (thrown) {
          const error = toAppError(thrown);
          const stop = stopOf(error, session.ctx.deadline);
          return stop ?? { message, error };
        }
      }),
    );
    const cut = settled.findIndex((s) => typeof s === 'string');
    if (cut === -1) return { examined: settled as Examined[] };
    return { examined: settled.slice(0, cut) as Examined[], stop: settled[cut] as Stop };
  };

  return {
    async byKey(caller, input, options) {
      const limit = input.limit ?? DEFAULT_FIND_LIMIT;
      return deps.lookups.session(caller, { instance: input.instance, topic: input.topic }, { ...options, command: 'find' }, async (session) => {
        const matches = await session.broker.findByKey({ ...session.target, key: input.key, limit }, session.ctx);
        const sorted = newestFirst(matches.messages);
        const { examined, stop } = await examine(session, sorted.slice(0, limit));
        const found = Math.max(matches.total, sorted.length);
        const caveats = collectCaveats(examined);
        if (matches.capped) caveats.unshift(describeReportCaveat('KEY_LIST_MAY_BE_CAPPED'));
        const report = buildReport({
          session,
          requestId: options.log.requestId,
          nowMs: deps.now(),
          query: { kind: 'key', key: input.key },
          found,
          examined,
          listed: examined,
          stop,
          limit,
          hint: `Search a time window instead (from/to, e.g. the hour it was sent), or raise limit (at most 50).`,
          caveats,
        });
        log(options.log, report);
        return { result: report, audit: { verdict: summaryVerdict(report) } };
      });
    },

    async byWindow(caller, input, options) {
      const nowMs = deps.now();
      const problems = windowProblems(input.fromMs, input.toMs, nowMs);
      if (problems.length > 0) throw new InvalidInputError(problems);
      const limit = input.limit ?? DEFAULT_FIND_LIMIT;
      // A window ending a little ahead of the clock (within FUTURE_SKEW_MS) ends now.
      const window = { beginMs: input.fromMs, endMs: Math.max(input.fromMs, Math.min(input.toMs, nowMs)) };
      return deps.lookups.session(caller, { instance: input.instance, topic: input.topic }, { ...options, command: 'find' }, async (session) => {
        const sample = await sampleWindow(
          { instanceId: session.target.instanceId, topic: session.target.topic, window, sample: limit, ...(input.tag ? { tag: input.tag } : {}) },
          { pages: session.broker, limits: session.broker.budget.pageLimits },
          { pageAllowance: Math.max(1, Math.min(WINDOW_PAGE_ALLOWANCE, session.broker.budget.pageCallsPerRun)), ctx: session.ctx },
        );
        // Nothing read at all: the answer is the failure (an unknown topic is a 404, a refusal a 403).
        if (sample.pagesRead === 0 && sample.failure && sample.stop?.reason === 'ERROR') throw sample.failure;
        const sampled = newestFirst(sample.messages);
        const { examined, stop: lookupStop } = await examine(session, sampled);
        const pageStop: Stop | undefined = sample.stop?.reason === 'DEADLINE' ? 'DEADLINE' : sample.stop?.reason === 'RATE_LIMITED' ? 'RATE_BUDGET' : undefined;
        const caveats = collectCaveats(examined);
        const partOfWindow = sample.maxPageCount > sample.pagesRead || sample.candidates > sampled.length;
        if (partOfWindow) {
          caveats.unshift(
            describeReportCaveat(
              'WINDOW_SAMPLED',
              `${examined.length} of the ${sample.candidates} message(s) seen were judged, from ${sample.pagesRead} of ${sample.maxPageCount} page(s).`,
            ),
          );
        }
        const report = buildReport({
          session,
          requestId: options.log.requestId,
          nowMs: deps.now(),
          query: { kind: 'window', from: iso(input.fromMs), to: iso(input.toMs), ...(input.tag ? { tag: input.tag } : {}) },
          found: sample.candidates,
          examined,
          listed: examined.filter((e) => e.report?.verdict !== 'CONSUMED'),
          stop: lookupStop ?? pageStop,
          limit,
          hint: 'Narrow the window (from/to), filter by tag, or raise limit (at most 50).',
          caveats,
          sampling: { pagesRead: sample.pagesRead, pagesPlanned: sample.pagesPlanned, maxPageCount: sample.maxPageCount },
        });
        log(options.log, report);
        return { result: report, audit: { verdict: summaryVerdict(report) } };
      });
    },
  };
}

/** A stop of the whole list: the deadline, or the rate budget (throttled after retries, or no slot in time). */
function stopOf(error: AppError, deadline: Deadline): Stop | undefined {
  if (error instanceof ThrottledError) return error.upstream === undefined ? 'DEADLINE' : 'RATE_BUDGET';
  if (error.code === ErrorCode.UPSTREAM_TIMEOUT && deadline.remainingMs() < MIN_LOOKUP_MS) return 'DEADLINE';
  return undefined;
}

function newestFirst(messages: readonly FoundMessage[]): FoundMessage[] {
  const time = (m: FoundMessage) => m.storeTimestamp ?? m.bornTimestamp ?? 0;
  return [...messages].sort((a, b) => time(b) - time(a) || a.msgId.localeCompare(b.msgId));
}

function collectCaveats(examined: readonly Examined[]): Array<{ code: ReportCaveat; text: string }> {
  const seen = new Map<string, { code: ReportCaveat; text: string }>();
  for (const e of examined) for (const c of e.report?.caveats ?? []) if (!seen.has(c.code)) seen.set(c.code, c);
  return [...seen.values()];
}

interface ReportParts {
  session: LookupSession;
  requestId: string;
  nowMs: number;
  query: FindReport['query'];
  found: number;
  examined: Examined[];
  /** The examined messages the answer lists. */
  listed: Examined[];
  stop: Stop | undefined;
  limit: number;
  hint: string;
  caveats: Array<{ code: ReportCaveat; text: string }>;
  sampling?: FindReport['sampling'];
}

function buildReport(parts: ReportParts): FindReport {
  const byVerdict = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  let failed = 0;
  for (const e of parts.examined) {
    if (e.report) byVerdict[e.report.verdict]++;
    else failed++;
  }
  const more = Math.max(0, parts.found - parts.examined.length);
  const truncated: FindReport['truncated'] =
    more === 0
      ? undefined
      : parts.stop === 'DEADLINE'
        ? { reason: 'DEADLINE', hint: `The time ran out after ${parts.examined.length} message(s). ${parts.hint}` }
        : parts.stop === 'RATE_BUDGET'
          ? { reason: 'RATE_BUDGET', hint: `The account's rate budget ran out after ${parts.examined.length} message(s): ask again in a minute. ${parts.hint}` }
          : { reason: 'CAP', hint: `Stopped at ${parts.limit} message(s). ${parts.hint}` };
  return {
    requestId: parts.requestId,
    checkedAt: iso(parts.nowMs),
    instanceId: parts.session.target.instanceId,
    broker: parts.session.broker.kind,
    topic: parts.session.target.topic,
    query: parts.query,
    summary: { found: parts.found, examined: parts.examined.length, failed, byVerdict },
    messages: parts.listed.map(toMessageReport),
    more,
    ...(truncated ? { truncated } : {}),
    ...(parts.sampling ? { sampling: parts.sampling } : {}),
    caveats: parts.caveats,
  };
}

function toMessageReport(e: Examined): FoundMessageReport {
  const m = e.message;
  const common = {
    msgId: m.msgId,
    ...(m.storeTimestamp !== undefined ? { storedAt: iso(m.storeTimestamp) } : {}),
    ...(m.bornTimestamp !== undefined ? { bornAt: iso(m.bornTimestamp) } : {}),
    ...(m.tag ? { tag: m.tag } : {}),
    ...(m.keys && m.keys.length > 0 ? { keys: m.keys } : {}),
  };
  if (e.report) return { ...common, verdict: e.report.verdict, summary: e.report.summary };
  const error = e.error as AppError;
  // AppError messages are mqtrace's own, never upstream text; an unexpected error's is not shown.
  const message = error.code === ErrorCode.INTERNAL ? 'internal error' : error.message;
  return { ...common, verdict: 'UNKNOWN', summary: `Could not be checked: ${message}.`, error: { code: error.code, message } };
}

/** The audit's verdict of a find: the one verdict all judged messages share, else none. */
function summaryVerdict(report: FindReport): string | undefined {
  const present = VERDICTS.filter((v) => report.summary.byVerdict[v] > 0);
  return present.length === 1 ? present[0] : undefined;
}

function log(requestLog: RequestLog, report: FindReport): void {
  Object.assign(requestLog.fields, {
    findKind: report.query.kind,
    found: report.summary.found,
    examined: report.summary.examined,
    more: report.more,
    ...(report.truncated ? { truncated: report.truncated.reason } : {}),
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
