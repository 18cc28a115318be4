import type { Caller } from '../access/access-control';
import type { CredentialsProvider } from '../credentials';
import { createDeadline } from '../deadline';
import { ForbiddenError, InvalidInputError, toAppError, type AppError } from '../errors';
import type { FcContext } from '../fc-context';
import type { LooseMessage } from '../i18n/translator';
import type { RequestLog } from '../request-log';
import { parseChatTime } from '../trace/find-query';
import { createFindService } from '../trace/find-service';
import { createJourneyService } from '../trace/journey-service';
import type { LookupService } from '../trace/lookup-service';
import { deniedAnswer } from './chat-access';
import type { ChatAnswer, ChatTarget } from './chat-answer';
import { chatFailure } from './chat-error-table';
import { journeyActions } from './explore-view';

export interface ChatExploreDeps {
  /** The one lookup use case: find and journey run in its sessions. */
  lookups: LookupService;
  credentials: CredentialsProvider;
  now: () => number;
  /** The producers' time zone, for the journey's trace window. */
  producerUtcOffsetMinutes: number;
}

export interface ChatExploreOptions {
  context: FcContext;
  log: RequestLog;
  budgetMs: number;
  /** A journey whose trace task is still working may be finished by a deferred run. */
  deferrable: boolean;
  callTimeoutMs?: number;
}

/** A find as chat parsed it: a key, or a window whose ends are still text (`-1h`, `now`, ISO 8601). */
export interface ChatFindInput {
  instance: string | undefined;
  topic: string;
  query: { kind: 'key'; key: string } | { kind: 'window'; from: string; to: string; tag: string | undefined };
}

export interface ChatJourneyInput {
  instance: string | undefined;
  topic: string;
  msgId: string;
}

/** What a find or journey came to in chat; `fields` go on the request's log line. */
export type ExploreOutcome =
  | { kind: 'usage'; problem: LooseMessage }
  | { kind: 'answer'; answer: ChatAnswer; target?: Partial<ChatTarget>; error?: AppError }
  /** The 4.x trace task was still working: a deferred run polls the same task with the full budget. */
  | { kind: 'defer'; because: 'TRACE_TASK'; fallback: ChatAnswer; target: ChatTarget };

/** Chat's adapter over the find and journey use cases: {@link ChatAnswer}s out, failures mapped once. */
export interface ChatExplore {
  find(caller: Caller, input: ChatFindInput, options: ChatExploreOptions): Promise<Exclude<ExploreOutcome, { kind: 'defer' }>>;
  journey(caller: Caller, input: ChatJourneyInput, options: ChatExploreOptions): Promise<ExploreOutcome>;
}

/** Creates the {@link ChatExplore}. */
export function createChatExplore(deps: ChatExploreDeps): ChatExplore {
  const finder = createFindService({ lookups: deps.lookups, now: deps.now });
  const journeys = createJourneyService({ lookups: deps.lookups, now: deps.now, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes });
  const services = (options: ChatExploreOptions) => ({
    credentials: deps.credentials(options.context),
    log: options.log,
    deadline: createDeadline(options.budgetMs, deps.now),
    ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}),
  });
  // Refusals are audited by the use case; the reply names nothing internal.
  const failed = (thrown: unknown, options: ChatExploreOptions, target: Partial<ChatTarget>): Exclude<ExploreOutcome, { kind: 'defer' }> => {
    if (thrown instanceof InvalidInputError) return { kind: 'usage', problem: exploreProblem(thrown) };
    if (thrown instanceof ForbiddenError) return { kind: 'answer', answer: deniedAnswer(options.log, 'out_of_scope'), target };
    const error = toAppError(thrown);
    return { kind: 'answer', answer: chatFailure(error, options.log.requestId), error, target };
  };
  return {
    async find(caller, input, options) {
      const common = { instance: input.instance, topic: input.topic };
      try {
        let report;
        if (input.query.kind === 'key') {
          report = await finder.byKey(caller, { ...common, key: input.query.key }, services(options));
        } else {
          const nowMs = deps.now();
          // The parser checked the syntax; the clock reads relative times now.
          const fromMs = parseChatTime(input.query.from, nowMs) as number;
          const toMs = parseChatTime(input.query.to, nowMs) as number;
          report = await finder.byWindow(caller, { ...common, fromMs, toMs, tag: input.query.tag }, services(options));
        }
        return { kind: 'answer', answer: { kind: 'find', report }, target: { instanceId: report.instanceId, topic: report.topic } };
      } catch (thrown) {
        return failed(thrown, options, { topic: input.topic });
      }
    },
    async journey(caller, input, options) {
      try {
        const report = await journeys.journey(caller, input, services(options));
        const target = { instanceId: report.instanceId, topic: report.topic, msgId: report.msgId };
        options.log.fields.verdict = report.verdict;
        const answer: ChatAnswer = { kind: 'journey', report, actions: journeyActions(report) };
        if (options.deferrable && report.status === 'partial' && report.partial?.reason === 'TASK_WORKING_AT_DEADLINE') {
          return { kind: 'defer', because: 'TRACE_TASK', fallback: answer, target };
        }
        return { kind: 'answer', answer, target };
      } catch (thrown) {
        return failed(thrown, options, { topic: input.topic, msgId: input.msgId });
      }
    },
  };
}

/** The use case's first input problem, as a catalogue message: the window's ends are named as such. */
export function exploreProblem(error: InvalidInputError): LooseMessage {
  const issue = error.issues[0];
  if (!issue || (issue.path === 'instanceId' && issue.message.startsWith('is required'))) return { key: 'problem.noDefaultInstanceEnd' };
  if (issue.path === 'from' || issue.path === 'to') return { key: 'problem.window', params: { end: issue.path, detail: { domain: issue.message } } };
  return { key: 'problem.input', params: { detail: { domain: `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}` } } };
}
