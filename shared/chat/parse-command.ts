import { keyProblem, parseChatTime, tagProblem } from '../trace/find-query';
import { TopicSchema } from '../trace/query-schema';
import { CHAT_COMMANDS, CHAT_OPTIONS, HELP_WORDS, findCommand, type ChatCommandSpec } from './command-registry';

/** What a find searches, as typed: a key, or a window whose ends are still text (they are read against the clock later). */
export type FindQueryText = { kind: 'key'; key: string } | { kind: 'window'; from: string; to: string };

/** `find <topic> key:<key>|<from>..<to> [tag:<tag>] [instance]`. */
export interface FindCommand {
  name: 'find';
  topic: string;
  query: FindQueryText;
  tag: string | undefined;
  instance: string | undefined;
  flags: ReadonlySet<string>;
}

/** `journey <topic> <msgId> [instance]` (also `轨迹`). */
export interface JourneyCommand {
  name: 'journey';
  topic: string;
  msgId: string;
  instance: string | undefined;
  flags: ReadonlySet<string>;
}

/** A command as typed in chat, after tolerant parsing. */
export type ParsedCommand =
  | { name: 'trace'; topic: string; msgId: string; instance: string | undefined; why: boolean; fresh: boolean; flags: ReadonlySet<string> }
  | FindCommand
  | JourneyCommand
  | { name: 'help' }
  | { name: 'invalid'; problem: string; command: string | undefined };

const SMART_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u2036\u00AB\u00BB\u300C\u300D\u300E\u300F\u2018\u2019\u201A\u201B\u2032\u2035\u2039\u203A`]/g;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
// Dashes that phones and macOS substitute for "--" (and a lone "-") as you type.
const DASH_FLAG = /^(?:[\u2012-\u2015\u2212]|--|\u2014-|-\u2014)(?=[a-z])/i;
const SLACK_LINK = /<([^<>|]*)(?:\|([^<>]*))?>/g;
const QUOTE_TOKEN = /^["']+|["']+$/g;
const TRAILING_PUNCTUATION = /[.;:!?]+$/;

/**
 * Undoes what chat clients do to typed text: full-width characters (NFKC), smart quotes,
 * zero-width characters, Slack's `<…|…>` auto-formatting and HTML escapes, and @-mentions.
 */
export function normaliseChatText(text: string): string {
  let out = text.normalize('NFKC').replace(ZERO_WIDTH, '').replace(SMART_QUOTES, '"');
  out = out.replace(SLACK_LINK, (_all, target: string, label: string | undefined) => {
    // <@U123>, <#C123|general>, <!here>: mentions, not words of the command.
    if (/^[@#!]/.test(target)) return ' ';
    if (label !== undefined && label !== '') return label;
    return target.replace(/^mailto:/i, '');
  });
  out = out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return out
    .split(/\s+/)
    .filter((token) => token !== '' && !token.startsWith('@'))
    .join(' ');
}

/**
 * Parses one chat command against the registry. Never throws: anything malformed comes back as
 * `invalid` with a problem the usage text can show.
 */
export function parseChatCommand(text: string): ParsedCommand {
  const tokens = normaliseChatText(text)
    .split(' ')
    .map((t) => t.replace(DASH_FLAG, '--'))
    .map((t) => (t.startsWith('--') ? t : t.replace(QUOTE_TOKEN, '').replace(TRAILING_PUNCTUATION, '')))
    .filter(Boolean);
  const flags = new Set(tokens.filter((t) => t.startsWith('--')).map((t) => t.toLowerCase()));
  const words = tokens.filter((t) => !t.startsWith('--'));
  const [first, ...args] = words;
  if (first === undefined || HELP_WORDS.has(first.toLowerCase()) || flags.has('--help')) return { name: 'help' };

  const name = first.toLowerCase();
  const spec = findCommand(name);
  if (!spec) {
    const known = CHAT_COMMANDS.map((c) => c.name).join(', ');
    return { name: 'invalid', problem: `Unknown command "${clip(first)}". Commands: ${known}.`, command: undefined };
  }
  if (spec.name === 'help') return { name: 'help' };

  const unknownFlag = [...flags].find((f) => !CHAT_OPTIONS.some((o) => o.flag === f));
  if (unknownFlag) return { name: 'invalid', problem: `Unknown option ${clip(unknownFlag)}.`, command: spec.name };

  if (spec.name === 'find') return bindFind(args, flags);
  const bound = bindArgs(spec, args);
  if (!bound.ok) return { name: 'invalid', problem: bound.problem, command: spec.name };
  const { values } = bound;
  if (spec.name === 'journey') return { name: 'journey', topic: values.topic as string, msgId: values.msgId as string, instance: values.instance, flags };
  return { name: 'trace', topic: values.topic as string, msgId: values.msgId as string, instance: values.instance, why: values.why !== undefined, fresh: flags.has('--fresh'), flags };
}

const FIND_FORMS = 'write find <topic> key:<key>, or find <topic> <from>..<to> (e.g. -1h..now)';

/** Binds find's words: the topic, then key:… or a window, tag:… and an instance in any order. */
function bindFind(args: string[], flags: ReadonlySet<string>): ParsedCommand {
  const invalid = (problem: string): ParsedCommand => ({ name: 'invalid', problem, command: 'find' });
  const [topicWord, ...rest] = args;
  if (topicWord === undefined) return invalid(`Missing topic: ${FIND_FORMS}.`);
  const topic = TopicSchema.safeParse(topicWord);
  if (!topic.success) return invalid(`topic "${clip(topicWord)}" ${topic.error.issues[0]?.message ?? 'is not valid'}.`);
  let query: FindQueryText | undefined;
  let tag: string | undefined;
  const others: string[] = [];
  for (const word of rest) {
    const lower = word.toLowerCase();
    if (lower.startsWith('key:')) {
      if (query) return invalid('Give one key, or one window, not both.');
      const key = word.slice(4);
      const problem = keyProblem(key);
      if (problem) return invalid(`key "${clip(key)}" ${problem}.`);
      query = { kind: 'key', key };
    } else if (lower.startsWith('tag:')) {
      const value = word.slice(4);
      const problem = tagProblem(value);
      if (problem) return invalid(`tag "${clip(value)}" ${problem}.`);
      tag = value;
    } else if (word.includes('..')) {
      if (query) return invalid('Give one key, or one window, not both.');
      const at = word.indexOf('..');
      const from = word.slice(0, at);
      const to = word.slice(at + 2);
      for (const [end, text] of [['from', from], ['to', to]] as const) {
        // The syntax only: the clock reads relative times when the command runs.
        if (parseChatTime(text, 0) === undefined) {
          return invalid(`${end} "${clip(text)}" is not a time: use ISO 8601 (2026-12-01T10:00Z; UTC unless a zone is given), now, or -30m, -2h, -1d.`);
        }
      }
      query = { kind: 'window', from, to };
    } else {
      others.push(word);
    }
  }
  if (!query) {
    const hint = others[0] !== undefined ? ` (did you mean key:${clip(others[0])}?)` : '';
    return invalid(`Missing the key or the window: ${FIND_FORMS}${hint}.`);
  }
  if (tag !== undefined && query.kind === 'key') return invalid('tag: filters a time window only; a key already names its messages.');
  if (others.length > 1) return invalid(`Too many words: after the ${query.kind === 'key' ? 'key' : 'window'} only tag:<tag> and an instance may follow (got ${others.map((o) => `"${clip(o)}"`).join(', ')}).`);
  return { name: 'find', topic: topic.data, query, tag, instance: others[0], flags };
}

type Bound = { ok: true; values: Record<string, string | undefined> } | { ok: false; problem: string };

function bindArgs(spec: ChatCommandSpec, allArgs: string[]): Bound {
  const required = spec.args.filter((a) => !a.optional).length;
  const values: Record<string, string | undefined> = {};
  // Keywords count only after the required arguments, so a topic that happens to be named "why" still works.
  let args = allArgs;
  for (const arg of spec.args.filter((a) => a.keywords)) {
    const words = new Set(arg.keywords?.map((w) => w.toLowerCase()));
    const at = args.findIndex((a, index) => index >= required && words.has(a.toLowerCase()));
    if (at === -1) continue;
    values[arg.name] = args[at];
    args = args.filter((_a, index) => index !== at);
  }
  const positional = spec.args.filter((a) => !a.keywords);
  if (args.length < required) {
    // "trace <msgId>": the last word given fits the last required argument, so an earlier one is missing.
    const last = positional[required - 1];
    const given = args[args.length - 1];
    if (last?.schema && given !== undefined && last.schema.safeParse(given).success) {
      const missing = positional.slice(args.length - 1, required - 1).map((a) => a.name);
      const order = positional.slice(0, required).map((a) => `<${a.name}>`).join(' ');
      return { ok: false, problem: `Missing ${missing.join(' and ')}: "${clip(given)}" looks like the ${last.name}; write ${spec.name} ${order}.` };
    }
    const missing = positional.slice(args.length, required).map((a) => a.name);
    return { ok: false, problem: `Missing ${missing.join(' and ')}.` };
  }
  if (args.length > positional.length) {
    const switches = spec.args.filter((a) => a.keywords).map((a) => ` plus "${a.keywords?.[0] ?? a.name}"`).join('');
    return { ok: false, problem: `Too many words: "${spec.name}" takes at most ${positional.length}${switches} (got ${allArgs.length}).` };
  }
  for (const [index, arg] of positional.entries()) {
    const raw = args[index];
    if (raw === undefined) continue;
    if (!arg.schema) {
      values[arg.name] = raw;
      continue;
    }
    const result = arg.schema.safeParse(raw);
    if (!result.success) return { ok: false, problem: `${arg.name} "${clip(raw)}" ${result.error.issues[0]?.message ?? 'is not valid'}.` };
    values[arg.name] = result.data;
  }
  return { ok: true, values };
}

// Echoed input is clipped so a pasted essay does not come back as the error.
function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
