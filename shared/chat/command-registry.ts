import type { z } from 'zod';
import { MessageIdSchema, TopicSchema } from '../trace/query-schema';

/** The chat platforms mqtrace answers on. */
export type ChatPlatform = 'slack' | 'dingtalk';

export interface ChatArgSpec {
  name: string;
  optional?: boolean;
  description: string;
  /** Validates the raw token; absent for arguments resolved later (instance aliases). */
  schema?: z.ZodType<string>;
  /** A switch, not a value: any of these words (case-insensitive) after the required arguments turns it on. */
  keywords?: readonly string[];
}

export interface ChatCommandSpec {
  name: string;
  /** Other words that run it, e.g. 轨迹 for journey. */
  aliases?: readonly string[];
  summary: string;
  args: readonly ChatArgSpec[];
  /** Argument lists only; the invocation prefix is added per platform. */
  examples: readonly string[];
}

export interface ChatOptionSpec {
  flag: string;
  summary: string;
  platforms: readonly ChatPlatform[];
}

const EXAMPLE_MSG_ID = '0A000C22303918B4AAC244F9ABC301A3';

/**
 * The one registry of chat commands. The parser takes arity and validation from it, and the help
 * text is generated from it, so the two cannot drift.
 */
export const CHAT_COMMANDS = [
  {
    name: 'trace',
    summary: 'Was this message consumed, and if not, why?',
    args: [
      { name: 'topic', description: 'the topic the message was sent to', schema: TopicSchema },
      { name: 'msgId', description: 'the message ID the producer got back', schema: MessageIdSchema },
      { name: 'instance', optional: true, description: 'an instance ID (4.x MQ_INST_…, 5.x rmq-…) or a configured alias; default: the configured instance' },
      {
        name: 'why',
        optional: true,
        keywords: ['why', '为什么'],
        description: 'add "why" (or 为什么) to explain the verdict: backlog, offline clients, subscriptions, dead letters (an unconsumed message is explained anyway when time allows)',
      },
    ],
    examples: [`orders ${EXAMPLE_MSG_ID}`, `orders ${EXAMPLE_MSG_ID} why`],
  },
  {
    name: 'find',
    summary: 'Find messages without their ID: by key (each with its verdict), or a time window (counts per verdict, then the ones not consumed).',
    args: [
      { name: 'topic', description: 'the topic to search', schema: TopicSchema },
      {
        name: 'key:<key>|<from>..<to>',
        description:
          'key:<key> for the messages with that key; or a window <from>..<to> of ISO 8601 times (UTC unless a zone is given), now, or -30m, -2h, -1d (at most a day wide)',
      },
      { name: 'tag:<tag>', optional: true, description: 'a window only: keep the messages with this tag' },
      { name: 'instance', optional: true, description: 'an instance ID or alias' },
    ],
    examples: ['orders key:order-20261201-0042', 'orders -1h..now', 'orders -1h..now tag:order-paid'],
  },
  {
    name: 'journey',
    aliases: ['轨迹'],
    summary: "A message's whole journey: the send, the store, every delivery attempt per group, the dead-lettering.",
    args: [
      { name: 'topic', description: 'the topic the message was sent to', schema: TopicSchema },
      { name: 'msgId', description: 'the message ID', schema: MessageIdSchema },
      { name: 'instance', optional: true, description: 'an instance ID or alias' },
    ],
    examples: [`orders ${EXAMPLE_MSG_ID}`],
  },
  { name: 'help', summary: 'Show this help.', args: [], examples: [] },
] as const satisfies readonly ChatCommandSpec[];

export type ChatCommandName = (typeof CHAT_COMMANDS)[number]['name'];

export const CHAT_OPTIONS: readonly ChatOptionSpec[] = [
  { flag: '--public', summary: 'post the answer to the channel, not only to you', platforms: ['slack'] },
  { flag: '--private', summary: 'show the answer only to you', platforms: ['slack'] },
  { flag: '--fresh', summary: 'ask the broker again instead of using a cached answer', platforms: ['slack', 'dingtalk'] },
];

/** Words that also ask for help. */
export const HELP_WORDS: ReadonlySet<string> = new Set(['help', '?', '-h', '--help', 'usage', '帮助']);

export function findCommand(name: string): ChatCommandSpec | undefined {
  return CHAT_COMMANDS.find((c) => c.name === name || ('aliases' in c && (c.aliases as readonly string[]).includes(name)));
}

/** How a user invokes the bot on a platform, e.g. `/mqtrace` or `@mqtrace`. */
export interface HelpContext {
  invocation: string;
  platform: ChatPlatform;
  aliases: readonly string[];
  defaultInstanceId: string | undefined;
}

export interface HelpDoc {
  commands: Array<{ usage: string; summary: string; examples: string[] }>;
  options: Array<{ flag: string; summary: string }>;
  notes: string[];
}

/** `trace <topic> <msgId> [instance]`, prefixed with the invocation. */
export function usageOf(command: ChatCommandSpec, invocation: string): string {
  // A name that spells its own placeholders (`key:<key>|<from>..<to>`) is shown as it is.
  const args = command.args.map((a) => (a.optional ? `[${a.name}]` : a.name.includes('<') ? a.name : `<${a.name}>`));
  return [invocation, command.name, ...args].filter(Boolean).join(' ');
}

/** The help text as structured data; each platform renders it natively. */
export function buildHelp(context: HelpContext): HelpDoc {
  const commands = CHAT_COMMANDS.map((c) => ({
    usage: usageOf(c, context.invocation),
    summary: 'aliases' in c ? `${c.summary} (also: ${(c.aliases as readonly string[]).join(', ')})` : c.summary,
    examples: c.examples.map((e) => `${context.invocation} ${c.name} ${e}`.trim()),
  }));
  const options = CHAT_OPTIONS.filter((o) => o.platforms.includes(context.platform)).map((o) => ({ flag: o.flag, summary: o.summary }));
  const notes: string[] = [];
  const trace = CHAT_COMMANDS[0];
  notes.push(...trace.args.map((a) => `${a.name}: ${a.description}`));
  const find = CHAT_COMMANDS.find((c) => c.name === 'find');
  if (find) notes.push(`find: ${find.args[1]?.description ?? ''}`);
  notes.push(context.defaultInstanceId ? `Default instance: ${context.defaultInstanceId}` : 'No default instance is configured: name one in every command.');
  if (context.aliases.length > 0) notes.push(`Instance aliases: ${context.aliases.join(', ')}`);
  return { commands, options, notes };
}
