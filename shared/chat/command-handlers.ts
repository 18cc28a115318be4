import type { Caller } from '../access/access-control';
import type { AppError } from '../errors';
import type { LooseMessage } from '../i18n/translator';
import type { TraceReport } from '../trace/report-schema';
import type { ChatAnswer, ChatTarget } from './chat-answer';
import type { ChatExplore } from './chat-explore';
import type { ChatLookup, ChatRunOptions } from './chat-lookup';
import type { ChatCommandName } from './command-registry';
import type { ParsedCommand } from './parse-command';

/** A command as a deferred job carries it: its registry name, its (resolved) arguments, switches and options. */
export interface ResumeCommand {
  name: string;
  args: Record<string, string>;
  switches: string[];
  /** Options the deferred run must honour too, e.g. `--fresh`. */
  flags?: string[];
}

/**
 * What a command came to: the usage text, an answer (with what it was about, for the log line),
 * or a deferral that says how the deferred run resumes it.
 */
export type CommandOutcome =
  | { kind: 'usage'; problem: LooseMessage }
  | { kind: 'answer'; answer: ChatAnswer; target?: Partial<ChatTarget>; report?: TraceReport; error?: AppError }
  /** `because`: an error code, UPSTREAM_SLOW, EXPLAIN_BUDGET or TRACE_TASK; `fallback`: the reply to send if the hand-off fails. */
  | { kind: 'defer'; because: string; fallback: ChatAnswer; target: ChatTarget; resume: ResumeCommand };

/** What command handlers are built with: the use cases behind chat. */
export interface CommandServices {
  lookup: ChatLookup;
  /** find and journey. */
  explore: ChatExplore;
}

export type RunnableCommand = Extract<ParsedCommand, { args: unknown }>;

/** Runs one parsed command for a caller, inline or deferred. */
export type CommandHandler = (services: CommandServices, caller: Caller, command: RunnableCommand, options: ChatRunOptions) => Promise<CommandOutcome>;

/** Options that travel with a deferred command. */
const RESUMED_FLAGS: ReadonlySet<string> = new Set(['--fresh']);

/**
 * One handler per runnable command of the registry (`help` is answered by the route). A new
 * command adds its handler here; a record over the registry's names, so a missing one does not
 * compile.
 */
export const COMMAND_HANDLERS: Readonly<Record<Exclude<ChatCommandName, 'help'>, CommandHandler>> = {
  trace: async ({ lookup }, caller, command, options) => {
    const why = command.switches.has('why');
    const fresh = command.flags.has('--fresh');
    const outcome = await lookup.run(caller, { topic: command.args.topic ?? '', msgId: command.args.msgId ?? '', instance: command.args.instance }, { ...options, why, fresh });
    if (outcome.kind !== 'defer') return outcome;
    const { topic, msgId, instanceId } = outcome.target;
    const flags = [...command.flags].filter((f) => RESUMED_FLAGS.has(f));
    return { ...outcome, resume: { name: 'trace', args: { topic, msgId, instance: instanceId }, switches: why ? ['why'] : [], ...(flags.length > 0 ? { flags } : {}) } };
  },
  // find answers inline, cut to the budget (it says what it left out and how to narrow).
  find: async ({ explore }, caller, command, options) => {
    const { topic = '', key, from, to, tag, instance } = command.args;
    const query = key !== undefined ? { kind: 'key' as const, key } : { kind: 'window' as const, from: from ?? '', to: to ?? '', tag };
    return explore.find(caller, { instance, topic, query }, options);
  },
  // A journey whose 4.x trace task outlasts the inline budget is finished by a deferred run, which polls the same task.
  journey: async ({ explore }, caller, command, options) => {
    const outcome = await explore.journey(caller, { topic: command.args.topic ?? '', msgId: command.args.msgId ?? '', instance: command.args.instance }, options);
    if (outcome.kind !== 'defer') return outcome;
    const { topic, msgId, instanceId } = outcome.target;
    return { ...outcome, resume: { name: 'journey', args: { topic, msgId, instance: instanceId }, switches: [] } };
  },
};

/** The command a deferred job resumes, as the parser would have produced it. */
export function resumedCommand(resume: ResumeCommand): RunnableCommand | undefined {
  if (!Object.hasOwn(COMMAND_HANDLERS, resume.name)) return undefined;
  return { name: resume.name as RunnableCommand['name'], args: resume.args, switches: new Set(resume.switches), flags: new Set(resume.flags ?? []) };
}
