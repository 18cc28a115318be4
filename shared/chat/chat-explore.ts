import type { Caller } from '../access/access-control';
import type { CredentialsProvider } from '../credentials';
import { createDeadline } from '../deadline';
import { ForbiddenError, InvalidInputError, toAppError, type AppError } from '../errors';
import type { FcContext } from '../fc-context';
import type { RequestLog } from '../request-log';
import { parseChatTime } from '../trace/find-query';
import { createFindService } from '../trace/find-service';
import { createJourneyService } from '../trace/journey-service';
import type { LookupService } from '../trace/lookup-service';
import { deniedAnswer } from './chat-access';
import type { ChatAnswer, ChatTarget } from './chat-answer';
import { chatFailure } from './chat-error-table';
import { findView, journeyView } from './explore-view';
import type { FindCommand, JourneyCommand } from './parse-command';

export interface ChatExploreDeps {
  /** The one lookup use case: find and journey run in its sessions. */
  lookups: LookupService;
  credentials: CredentialsProvider;
  now: () => number;
  producerUtcOffsetMinutes: number;
}

export interface ChatExploreOptions {
  context: FcContext;
  log: RequestLog;
  budgetMs: number;
  /** `/mqtrace` or `@mqtrace`: how the answer writes the commands that look closer. */
  invocation: string;
  /** A journey whose trace task is still working may be finished by a deferred run. */
  deferrable: boolean;
  callTimeoutMs?: number;
}

/** What a find or journey came to in chat. */
export type ExploreOutcome =
  | { kind: 'usage'; problem: string }
  | { kind: 'answer'; answer: ChatAnswer; error?: AppError }
  /** The 4.x trace task was still working: a deferred run polls the same task with the full budget. */
  | { kind: 'defer'; because: 'TRACE_TASK'; fallback: ChatAnswer; target: ChatTarget };

/** Chat's adapter over the find and journey use cases. */
export interface ChatExplore {
  run(caller: Caller, command: FindCommand | JourneyCommand, options: ChatExploreOptions): Promise<ExploreOutcome>;
}

/** Creates the {@link ChatExplore}. */
export function createChatExplore(deps: ChatExploreDeps): ChatExplore {
  const finder = createFindService({ lookups: deps.lookups, now: deps.now });
  const journeys = createJourneyService({ lookups: deps.lookups, now: deps.now, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes });
  return {
    async run(caller, command, options) {
      const fields = options.log.fields;
      try {
        const services = {
          credentials: deps.credentials(options.context),
          log: options.log,
          deadline: createDeadline(options.budgetMs, deps.now),
          ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}),
        };
        if (command.name === 'journey') {
          const report = await journeys.journey(caller, { instance: command.instance, topic: command.topic, msgId: command.msgId }, services);
          Object.assign(fields, { verdict: report.verdict, journeyStatus: report.status });
          const answer: ChatAnswer = { kind: 'explore', view: journeyView(report, { invocation: options.invocation }) };
          if (options.deferrable && report.status === 'partial' && report.partial?.reason === 'TASK_WORKING_AT_DEADLINE') {
            return { kind: 'defer', because: 'TRACE_TASK', fallback: answer, target: { instanceId: report.instanceId, topic: report.topic, msgId: report.msgId } };
          }
          return { kind: 'answer', answer };
        }
        const common = { instance: command.instance, topic: command.topic };
        let report;
        if (command.query.kind === 'key') {
          report = await finder.byKey(caller, { ...common, key: command.query.key }, services);
        } else {
          const nowMs = deps.now();
          // The parser checked the syntax; the clock reads relative times now.
          const fromMs = parseChatTime(command.query.from, nowMs) as number;
          const toMs = parseChatTime(command.query.to, nowMs) as number;
          report = await finder.byWindow(caller, { ...common, fromMs, toMs, tag: command.tag }, services);
        }
        return { kind: 'answer', answer: { kind: 'explore', view: findView(report, { invocation: options.invocation }) } };
      } catch (thrown) {
        if (thrown instanceof InvalidInputError) return { kind: 'usage', problem: usageProblem(thrown) };
        // Refusals are audited by the use case; the reply names nothing internal.
        if (thrown instanceof ForbiddenError) return { kind: 'answer', answer: deniedAnswer(options.log, 'out_of_scope') };
        const error = toAppError(thrown);
        fields.lookupError = error.code;
        return { kind: 'answer', answer: chatFailure(error, options.log.requestId), error };
      }
    },
  };
}

function usageProblem(error: InvalidInputError): string {
  return error.issues
    .map((issue) => {
      const text = `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}`;
      if (issue.path === 'instanceId' && issue.message.startsWith('is required')) return 'No default instance is configured: add an instance ID or alias at the end.';
      return issue.path === 'from' || issue.path === 'to' ? `The window's ${issue.path} ${issue.message}.` : text;
    })
    .join(' ');
}
