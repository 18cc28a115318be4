import type { LooseMessage } from '../i18n/translator';
import { keyProblem, parseChatTime, tagProblem } from '../trace/find-query';
import { TopicSchema } from '../trace/query-schema';
import { CHAT_COMMANDS, CHAT_OPTIONS, HELP_WORDS, findCommand, type ChatCommandName, type ChatCommandSpec } from './command-registry';

/** A command as typed in chat, after tolerant parsing, bound against its registry entry. */
export type ParsedCommand =
  | {
      name: Exclude<ChatCommandName, 'help'>;
      /**
       * Arguments by their registry name; optional ones absent when not given. `find` gives
       * `topic`, then `key` or the window's `from` and `to` (still text: the clock reads them
       * when the command runs), `tag` and `instance`.
       */
      args: Readonly<Record<string, string | undefined>>;
      /** Keyword switches that were given, by their registry name (e.g. `why`). */
      switches: ReadonlySet<string>;
      /** Options such as `--public`, lower-cased. */
      flags: ReadonlySet<string>;
    }
  | { name: 'help' }
  | { name: 'invalid'; problem: LooseMessage; command: string | undefined };

const SMART_QUOTES = /[\u201C\u201D\u201E\u201F\u2033\u2036\u00AB\u00BB\u300C\u300D\u300E\u300F\u2018\u2019\u201A\u201B\u2032\u2035\u2039\u203A`]/g;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
// Dashes that phones and macOS substitute for "--" (and a lone "-") as you type.
const DASH_FLAG = /^(?:[\u2012-\u2015\u2212]|--|\u2014-|-\u2014)(?=[a-z])/i;
const SLACK_LINK = /<([^<>|]*)(?:\|([^<>]*))?>/g;
// Feishu's at-tags in rich text, e.g. <at user_id="ou_…">mqtrace</at>: a mention, not a word.
const AT_TAG = /<at\b[^>]*>[^<]*<\/at>/gi;
const QUOTE_TOKEN = /^["']+|["']+$/g;
const TRAILING_PUNCTUATION = /[.;:!?。；：！？]+$/;

/**
 * Undoes what chat clients do to typed text: full-width characters (NFKC), smart quotes,
 * zero-width characters, Slack's `<…|…>` auto-formatting and HTML escapes, and @-mentions.
 */
export function normaliseChatText(text: string): string {
  let out = text.normalize('NFKC').replace(ZERO_WIDTH, '').replace(SMART_QUOTES, '"').replace(AT_TAG, ' ');
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
 * `invalid` with a problem (a catalogue message) the usage text can show.
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

  const spec = findCommand(first);
  if (!spec) {
    const commands = CHAT_COMMANDS.map((c) => c.name).join(', ');
    return { name: 'invalid', problem: { key: 'problem.unknownCommand', params: { word: clip(first), commands } }, command: undefined };
  }
  if (spec.name === 'help') return { name: 'help' };

  const unknownFlag = [...flags].find((f) => !CHAT_OPTIONS.some((o) => o.flag === f));
  if (unknownFlag) return { name: 'invalid', problem: { key: 'problem.unknownOption', params: { flag: clip(unknownFlag) } }, command: spec.name };

  const bound = spec.syntax === 'prefixed' ? bindFind(args) : bindArgs(spec, args);
  if (!bound.ok) return { name: 'invalid', problem: bound.problem, command: spec.name };
  return { name: spec.name as Exclude<ChatCommandName, 'help'>, args: bound.values, switches: bound.switches, flags };
}

type Bound = { ok: true; values: Record<string, string | undefined>; switches: Set<string> } | { ok: false; problem: LooseMessage };

function bindArgs(spec: ChatCommandSpec, allArgs: string[]): Bound {
  const required = spec.args.filter((a) => !a.optional).length;
  const values: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
  const switches = new Set<string>();
  // Keywords count only after the required arguments, so a topic that happens to be named "why" still works.
  let args = allArgs;
  for (const arg of spec.args.filter((a) => a.keywords)) {
    const words = new Set(arg.keywords?.map((w) => w.toLowerCase()));
    const at = args.findIndex((a, index) => index >= required && words.has(a.toLowerCase()));
    if (at === -1) continue;
    switches.add(arg.name);
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
      return { ok: false, problem: { key: 'problem.missingLooksLike', params: { missing: { and: missing }, given: clip(given), last: last.name, command: spec.name, order } } };
    }
    const missing = positional.slice(args.length, required).map((a) => a.name);
    return { ok: false, problem: { key: 'problem.missing', params: { missing: { and: missing } } } };
  }
  if (args.length > positional.length) {
    const words = spec.args.filter((a) => a.keywords).map((a) => a.keywords?.[0] ?? a.name);
    return { ok: false, problem: { key: 'problem.tooMany', params: { command: spec.name, max: positional.length, switches: { switches: words }, got: allArgs.length } } };
  }
  for (const [index, arg] of positional.entries()) {
    const raw = args[index];
    if (raw === undefined) continue;
    if (!arg.schema) {
      values[arg.name] = raw;
      continue;
    }
    const result = arg.schema.safeParse(raw);
    if (!result.success) return invalidArg(arg.name, raw, result.error.issues[0]?.message);
    values[arg.name] = result.data;
  }
  return { ok: true, values, switches };
}

/** find's words: the topic, then `key:…` or a window `<from>..<to>`, `tag:…` and an instance in any order. */
function bindFind(args: string[]): Bound {
  const problem = (key: LooseMessage['key'], params?: LooseMessage['params']): Bound => ({ ok: false, problem: { key, ...(params ? { params } : {}) } });
  const values: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
  const [topicWord, ...rest] = args;
  if (topicWord === undefined) return problem('problem.findMissingTopic');
  const topic = TopicSchema.safeParse(topicWord);
  if (!topic.success) return invalidArg('topic', topicWord, topic.error.issues[0]?.message);
  values.topic = topic.data;
  let query: 'key' | 'window' | undefined;
  const others: string[] = [];
  for (const word of rest) {
    const lower = word.toLowerCase();
    if (lower.startsWith('key:')) {
      if (query) return problem('problem.findKeyAndWindow');
      const key = word.slice(4);
      const bad = keyProblem(key);
      if (bad) return invalidArg('key', key, bad);
      query = 'key';
      values.key = key;
    } else if (lower.startsWith('tag:')) {
      const tag = word.slice(4);
      const bad = tagProblem(tag);
      if (bad) return invalidArg('tag', tag, bad);
      values.tag = tag;
    } else if (word.includes('..')) {
      if (query) return problem('problem.findKeyAndWindow');
      const at = word.indexOf('..');
      const ends = { from: word.slice(0, at), to: word.slice(at + 2) };
      for (const [end, text] of Object.entries(ends)) {
        // The syntax only: the clock reads relative times when the command runs.
        if (parseChatTime(text, 0) === undefined) return problem('problem.findBadTime', { end, value: clip(text) });
      }
      query = 'window';
      Object.assign(values, ends);
    } else {
      others.push(word);
    }
  }
  if (!query) return others[0] === undefined ? problem('problem.findMissingQuery') : problem('problem.findMissingQueryHint', { word: clip(others[0]) });
  if (values.tag !== undefined && query === 'key') return problem('problem.findTagWithKey');
  if (others.length > 1) return problem('problem.findTooMany', { words: others.map((o) => `"${clip(o)}"`).join(', ') });
  values.instance = others[0];
  return { ok: true, values, switches: new Set() };
}

function invalidArg(arg: string, value: string, detail: string | undefined): Bound {
  return { ok: false, problem: { key: 'problem.invalidArg', params: { arg, value: clip(value), detail: { domain: detail ?? 'is not valid' } } } };
}

// Echoed input is clipped so a pasted essay does not come back as the error.
function clip(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
