import type { z } from 'zod';
import type { MessageKey } from '../i18n/translator';
import type { TraceReport } from '../trace/report-schema';
import { MessageIdSchema, TopicSchema } from '../trace/query-schema';
import { PLATFORM_NAMES } from '../platforms/registry';
import type { ChatAction, ChatTarget } from './chat-answer';

export interface ChatArgSpec {
  name: string;
  optional?: boolean;
  /** How the usage line shows it when not `<name>` (find's `key:<key>|<from>..<to>`). */
  placeholder?: string;
  description: MessageKey;
  /** Validates the raw token; absent for arguments resolved later (instance aliases). */
  schema?: z.ZodType<string>;
  /** A switch, not a value: any of these words (case-insensitive) after the required arguments turns it on. */
  keywords?: readonly string[];
}

export interface ChatCommandSpec {
  name: string;
  /** Other words that run it; every command has a Chinese form. */
  aliases: readonly string[];
  summary: MessageKey;
  args: readonly ChatArgSpec[];
  /** Argument lists only; the invocation prefix is added per platform. */
  examples: readonly string[];
  /**
   * `positional` (the default): the arguments in order, switches by keyword. `prefixed`: after the
   * first argument, words are told apart by their shape (`key:…`, `<from>..<to>`, `tag:…`); the
   * parser has a binder per such command.
   */
  syntax?: 'positional' | 'prefixed';
}

export interface ChatOptionSpec {
  flag: string;
  summary: MessageKey;
  /** Platform names (the registry's) that honour it. */
  platforms: readonly string[];
}

const EXAMPLE_MSG_ID = '0A000C22303918B4AAC244F9ABC301A3';

/**
 * The one registry of chat commands. The parser takes names, Chinese forms, arity and validation
 * from it; the help text is generated from it; `command-handlers.ts` runs each entry. Adding a
 * command: an entry here, its handler there, and (if it answers with new data) its answer kind in
 * `chat-answer.ts` rendered by every platform.
 */
export const CHAT_COMMANDS = [
  {
    name: 'trace',
    aliases: ['查询', '追踪'],
    summary: 'cmd.trace',
    args: [
      { name: 'topic', description: 'arg.topic', schema: TopicSchema },
      { name: 'msgId', description: 'arg.msgId', schema: MessageIdSchema },
      { name: 'instance', optional: true, description: 'arg.instance' },
      { name: 'why', optional: true, keywords: ['why', '为什么', '原因'], description: 'arg.why' },
    ],
    examples: [`orders ${EXAMPLE_MSG_ID}`, `orders ${EXAMPLE_MSG_ID} why`],
  },
  {
    name: 'find',
    aliases: ['查找', '搜索'],
    summary: 'cmd.find',
    syntax: 'prefixed',
    args: [
      { name: 'topic', description: 'arg.findTopic', schema: TopicSchema },
      { name: 'query', placeholder: 'key:<key>|<from>..<to>', description: 'arg.findQuery' },
      { name: 'tag', optional: true, placeholder: 'tag:<tag>', description: 'arg.tag' },
      { name: 'instance', optional: true, description: 'arg.instance' },
    ],
    examples: ['orders key:order-20261201-0042', 'orders -1h..now', 'orders -1h..now tag:order-paid'],
  },
  {
    name: 'journey',
    aliases: ['轨迹'],
    summary: 'cmd.journey',
    args: [
      { name: 'topic', description: 'arg.topic', schema: TopicSchema },
      { name: 'msgId', description: 'arg.msgId', schema: MessageIdSchema },
      { name: 'instance', optional: true, description: 'arg.instance' },
    ],
    examples: [`orders ${EXAMPLE_MSG_ID}`],
  },
  { name: 'help', aliases: ['帮助'], summary: 'cmd.help', args: [], examples: [] },
] as const satisfies readonly ChatCommandSpec[];

export type ChatCommandName = (typeof CHAT_COMMANDS)[number]['name'];

export const CHAT_OPTIONS: readonly ChatOptionSpec[] = [
  { flag: '--public', summary: 'option.public', platforms: ['slack'] },
  { flag: '--private', summary: 'option.private', platforms: ['slack'] },
  // A lookup's answer may come from the verdict cache (CONSUMED answers only); every platform can ask past it.
  { flag: '--fresh', summary: 'option.fresh', platforms: PLATFORM_NAMES },
];

/** Words that also ask for help. */
export const HELP_WORDS: ReadonlySet<string> = new Set(['help', '?', '？', '-h', '--help', 'usage', '帮助']);

/** The command a word names, by its name or one of its forms, case-insensitively. */
export function findCommand(word: string): ChatCommandSpec | undefined {
  const w = word.toLowerCase();
  return CHAT_COMMANDS.find((c) => c.name === w || (c.aliases as readonly string[]).includes(w));
}

/**
 * Follow-ups a report offers, in order: buttons on platforms that call back (Slack, Feishu), a
 * paste-ready command elsewhere. A new follow-up is one entry here and one label in the catalogue.
 * Alerts offer the same ones for each failing message.
 */
export interface ChatFollowUp {
  id: string;
  label: MessageKey;
  /** The command to run, or undefined when it does not apply to this report. */
  command(target: ChatTarget, report: TraceReport | undefined): string | undefined;
}

export const CHAT_FOLLOW_UPS: readonly ChatFollowUp[] = [
  { id: 'recheck', label: 'action.recheck', command: (t) => `trace ${t.topic} ${t.msgId} ${t.instanceId}` },
  { id: 'why', label: 'action.why', command: (t, report) => (report?.diagnosis ? undefined : `trace ${t.topic} ${t.msgId} ${t.instanceId} why`) },
  { id: 'journey', label: 'action.journey', command: (t) => journeyCommandText(t) },
];

/** `journey <topic> <msgId> <instance>`: the follow-up that shows a message's every attempt, wherever a reply suggests it. */
export function journeyCommandText(t: ChatTarget): string {
  return `journey ${t.topic} ${t.msgId} ${t.instanceId}`;
}

/** The Journey follow-up for one message (a find's entry, a partial journey's "ask again"). */
export function journeyFollowUp(t: ChatTarget): ChatAction {
  return { id: 'journey', label: 'action.journey', command: journeyCommandText(t) };
}

/** The follow-ups that apply to an answer about `target`. */
export function followUpsFor(target: ChatTarget, report: TraceReport | undefined): ChatAction[] {
  return CHAT_FOLLOW_UPS.flatMap((f) => {
    const command = f.command(target, report);
    return command === undefined ? [] : [{ id: f.id, label: f.label, command }];
  });
}

/** How a user invokes the bot on a platform, e.g. `/mqtrace` or `@mqtrace`. */
export interface HelpContext {
  invocation: string;
  platform: string;
  aliases: readonly string[];
  defaultInstanceId: string | undefined;
}

/** The help text as data; `present.ts` words it and each platform lays it out. */
export interface HelpDoc {
  commands: Array<{ usage: string; summary: MessageKey; examples: string[] }>;
  options: Array<{ flag: string; summary: MessageKey }>;
  args: Array<{ name: string; description: MessageKey }>;
  defaultInstance: string | undefined;
  aliases: string[];
  /** `查询 = trace` and the like. */
  chineseForms: string[];
}

/** `trace <topic> <msgId> [instance]`, prefixed with the invocation. */
export function usageOf(command: ChatCommandSpec, invocation: string): string {
  const args = command.args.map((a) => (a.optional ? `[${a.placeholder ?? a.name}]` : (a.placeholder ?? `<${a.name}>`)));
  return [invocation, command.name, ...args].filter(Boolean).join(' ');
}

/** The help text as structured data, generated from the registry. */
export function buildHelp(context: HelpContext): HelpDoc {
  const specs: readonly ChatCommandSpec[] = CHAT_COMMANDS;
  return {
    commands: specs.map((c) => ({
      usage: usageOf(c, context.invocation),
      summary: c.summary,
      examples: c.examples.map((e) => `${context.invocation} ${c.name} ${e}`.trim()),
    })),
    options: CHAT_OPTIONS.filter((o) => o.platforms.includes(context.platform)).map((o) => ({ flag: o.flag, summary: o.summary })),
    args: uniqueByName(specs.flatMap((c) => c.args)).map((a) => ({ name: a.name, description: a.description })),
    defaultInstance: context.defaultInstanceId,
    aliases: [...context.aliases],
    chineseForms: [
      ...specs.flatMap((c) => c.aliases.filter(isChinese).slice(0, 1).map((alias) => `${alias} = ${c.name}`)),
      ...specs.flatMap((c) => c.args.filter((a) => a.keywords).flatMap((a) => (a.keywords ?? []).filter(isChinese).slice(0, 1).map((k) => `${k} = ${a.name}`))),
    ],
  };
}

function uniqueByName<T extends { name: string }>(items: readonly T[]): T[] {
  return items.filter((item, index) => items.findIndex((other) => other.name === item.name) === index);
}

function isChinese(word: string): boolean {
  return /[\u4e00-\u9fff]/.test(word);
}
