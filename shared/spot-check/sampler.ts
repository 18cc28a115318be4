import { ThrottledError, toAppError, type AppError } from '../errors';
import type { BrokerBudget, CallContext, FoundMessage, MessagePagePort } from '../trace/broker-port';
import type { SpotCheck } from './check-schema';

/** Why a step stopped before it was done. */
export type StopReason = 'DEADLINE' | 'RATE_LIMITED' | 'ERROR';

export interface Stop {
  reason: StopReason;
  /** The error code (an AppError code, or the upstream code when there is one). */
  code: string;
  /** True when nothing was asked upstream: the deadline was near, or the client-side limiter had no slot before it. */
  local: boolean;
}

export interface SampleOutcome {
  /** The chosen messages, spread over the window by store time. */
  messages: FoundMessage[];
  /** Candidates seen on the pages read. */
  candidates: number;
  pagesRead: number;
  /** Pages the window fills upstream; 0 for an empty window or when page 1 failed. */
  maxPageCount: number;
  /** Pages the sampler meant to read (its share of the run's page budget, capped by `maxPageCount`). */
  pagesPlanned: number;
  window: { beginMs: number; endMs: number };
  /** Set when sampling stopped early; on page 1 with reason ERROR, the check could not run. */
  stop?: Stop;
  /** The error behind `stop`, when one stopped it (find by window answers a failed page 1 with it). */
  failure?: AppError;
}

// Below this, a page call cannot finish; stop instead of starting it.
const MIN_STEP_MS = 200;

/** Classifies an error that stopped a sampling or lookup step. */
export function stopFor(error: unknown, ctx: CallContext): Stop {
  const appError = toAppError(error);
  const code = appError.upstream?.code ?? appError.code;
  if (appError instanceof ThrottledError) {
    // The client-side limiter refuses only when its next slot comes after the deadline.
    return appError.upstream === undefined ? { reason: 'DEADLINE', code, local: true } : { reason: 'RATE_LIMITED', code, local: false };
  }
  // A failure that leaves no time for another step is the deadline's doing, whatever its code.
  if (ctx.deadline.remainingMs() < MIN_STEP_MS) return { reason: 'DEADLINE', code, local: false };
  return { reason: 'ERROR', code, local: false };
}

/**
 * Which pages to read when only `allowance` of `maxPageCount` fit: evenly spaced, first and last
 * first, so that an early stop still covers both ends of the window.
 */
export function planPages(maxPageCount: number, allowance: number, maxPage: number): number[] {
  const total = Math.min(maxPageCount, maxPage);
  const count = Math.max(1, Math.min(total, allowance));
  if (total <= 0) return [];
  const even = count === 1 ? [1] : Array.from({ length: count }, (_, i) => 1 + Math.round((i * (total - 1)) / (count - 1)));
  const unique = [...new Set(even)];
  const first = unique[0] as number;
  const last = unique[unique.length - 1] as number;
  return [...new Set([first, last, ...unique.slice(1, -1)])];
}

/** Picks `count` messages spread evenly over store time; all of them when there are fewer. */
export function spreadSample(pool: readonly FoundMessage[], count: number): FoundMessage[] {
  const sorted = [...pool].sort((a, b) => (a.storeTimestamp ?? Number.MAX_SAFE_INTEGER) - (b.storeTimestamp ?? Number.MAX_SAFE_INTEGER));
  if (sorted.length <= count) return sorted;
  if (count <= 0) return [];
  if (count === 1) return [sorted[sorted.length - 1] as FoundMessage];
  const picked = new Set<number>();
  for (let i = 0; i < count; i++) picked.add(Math.round((i * (sorted.length - 1)) / (count - 1)));
  return [...picked].map((i) => sorted[i] as FoundMessage);
}

/**
 * Samples recent messages of one check with OnsMessagePageQueryByTopic: the window ends
 * `minAgeSeconds` ago and starts `lookbackMinutes` ago; page 1 creates the query task and later pages
 * name it by TaskId. Reads at most `pageAllowance` pages (this check's share of the 10-per-minute
 * budget), then picks `check.sample` messages spread over the window.
 */
export async function sampleCheck(
  check: SpotCheck,
  deps: { pages: MessagePagePort; limits: BrokerBudget['pageLimits']; now: () => number },
  options: { pageAllowance: number; ctx: CallContext },
): Promise<SampleOutcome> {
  const nowMs = deps.now();
  const window = { beginMs: nowMs - check.lookbackMinutes * 60_000, endMs: nowMs - check.minAgeSeconds * 1000 };
  return sampleWindow({ instanceId: check.instanceId, topic: check.topic, window, sample: check.sample }, deps, options);
}

/** What to sample: a topic's messages stored in a window (epoch ms), optionally only one tag. */
export interface WindowSample {
  instanceId: string;
  topic: string;
  window: { beginMs: number; endMs: number };
  /** How many messages to pick. */
  sample: number;
  /** Only messages with this tag count as candidates (the page query cannot filter by tag). */
  tag?: string;
}

/**
 * Samples a window's messages with the page query: page 1 names the task (4.x TaskId, 5.x
 * scrollId) that later pages reuse; at most `pageAllowance` pages, evenly spaced over the window,
 * then `sample` messages spread over it by store time. Spot checks and find by time window use it.
 */
export async function sampleWindow(
  target: WindowSample,
  deps: { pages: MessagePagePort; limits: BrokerBudget['pageLimits'] },
  options: { pageAllowance: number; ctx: CallContext },
): Promise<SampleOutcome> {
  const { window } = target;
  const outcome: SampleOutcome = { messages: [], candidates: 0, pagesRead: 0, maxPageCount: 0, pagesPlanned: 0, window };
  if (target.sample === 0) return outcome;

  const pool = new Map<string, FoundMessage>();
  const query = { instanceId: target.instanceId, topic: target.topic, beginTimeMs: window.beginMs, endTimeMs: window.endMs, pageSize: deps.limits.maxPageSize };
  let taskId: string | undefined;
  let plan = [1];
  outcome.pagesPlanned = 1;
  for (let step = 0; step < plan.length; step++) {
    if (options.ctx.deadline.remainingMs() < MIN_STEP_MS) {
      outcome.stop = { reason: 'DEADLINE', code: 'DEADLINE', local: true };
      break;
    }
    try {
      const page = await deps.pages.pageByTopic({ ...query, currentPage: plan[step] as number, ...(taskId ? { taskId } : {}) }, options.ctx);
      outcome.pagesRead++;
      taskId ??= page.taskId;
      for (const message of page.messages) {
        // The window is the API's to apply; a younger message would still be in its grace period.
        if (target.tag !== undefined && message.tag !== target.tag) continue;
        if (message.storeTimestamp === undefined || message.storeTimestamp <= window.endMs) pool.set(message.msgId, message);
      }
      if (step === 0) {
        outcome.maxPageCount = page.maxPageCount;
        plan = planPages(page.maxPageCount, options.pageAllowance, deps.limits.maxPage);
        if (plan.length === 0) plan = [1];
        outcome.pagesPlanned = plan.length;
        if (page.maxPageCount > 1 && !taskId) {
          // Without a task id later pages cannot be asked for; keep what page 1 gave.
          outcome.stop = { reason: 'ERROR', code: 'NO_TASK_ID', local: false };
          break;
        }
      }
    } catch (error) {
      outcome.stop = stopFor(error, options.ctx);
      outcome.failure = toAppError(error);
      break;
    }
  }
  outcome.candidates = pool.size;
  outcome.messages = spreadSample([...pool.values()], target.sample);
  return outcome;
}
