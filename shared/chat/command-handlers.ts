import type { Caller } from '../access/access-control';
import type { ChatLookup, ChatRunOptions, LookupOutcome } from './chat-lookup';
import type { ChatCommandName } from './command-registry';
import type { ParsedCommand } from './parse-command';

/** A command as a deferred job carries it: its registry name, its (resolved) arguments and switches. */
export interface ResumeCommand {
  name: string;
  args: Record<string, string>;
  switches: string[];
}

/** What a command came to; a deferral says how the deferred run resumes it. */
export type CommandOutcome =
  | Exclude<LookupOutcome, { kind: 'defer' }>
  | (Extract<LookupOutcome, { kind: 'defer' }> & { resume: ResumeCommand });

/** What command handlers are built with: the use cases behind chat. */
export interface CommandServices {
  lookup: ChatLookup;
}

export type RunnableCommand = Extract<ParsedCommand, { args: unknown }>;

/** Runs one parsed command for a caller, inline or deferred. */
export type CommandHandler = (services: CommandServices, caller: Caller, command: RunnableCommand, options: ChatRunOptions) => Promise<CommandOutcome>;

/**
 * One handler per runnable command of the registry (`help` is answered by the route). A new
 * command adds its handler here; a record over the registry's names, so a missing one does not
 * compile.
 */
export const COMMAND_HANDLERS: Readonly<Record<Exclude<ChatCommandName, 'help'>, CommandHandler>> = {
  trace: async ({ lookup }, caller, command, options) => {
    const why = command.switches.has('why');
    const outcome = await lookup.run(caller, { topic: command.args.topic ?? '', msgId: command.args.msgId ?? '', instance: command.args.instance }, { ...options, why });
    if (outcome.kind !== 'defer') return outcome;
    const { topic, msgId, instanceId } = outcome.target;
    return { ...outcome, resume: { name: 'trace', args: { topic, msgId, instance: instanceId }, switches: why ? ['why'] : [] } };
  },
};

/** The command a deferred job resumes, as the parser would have produced it. */
export function resumedCommand(resume: ResumeCommand): RunnableCommand | undefined {
  if (!Object.hasOwn(COMMAND_HANDLERS, resume.name)) return undefined;
  return { name: resume.name as RunnableCommand['name'], args: resume.args, switches: new Set(resume.switches), flags: new Set() };
}
