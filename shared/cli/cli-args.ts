import { parseArgs } from 'node:util';
import { z } from 'zod';
import { MessageKeySchema, TagSchema } from '../trace/find-schema';
import { MAX_FIND_LIMIT } from '../trace/find-query';
import { InstanceRefSchema, MessageIdSchema, TopicSchema, TraceRequestInputSchema } from '../trace/query-schema';
import { parseInput } from '../validation';
import { CliError, CliErrorCode } from './cli-errors';
import { COMMANDS, type CommandName } from './help';

/** Where a command looks: a deployed mqtrace, or the broker APIs with the user's own credentials. */
export type Connection = { mode: 'remote'; url: string } | { mode: 'direct'; profile?: string; region?: string; endpoint?: string };

interface Common {
  instance?: string;
  json: boolean;
  connection: Connection;
}

/** A command line, parsed and validated. */
export type ParsedCommand =
  | { kind: 'help'; command?: CommandName }
  | { kind: 'version' }
  | (Common & { kind: 'trace'; name: 'trace' | 'why' | 'wait'; topic: string; msgId: string; explain: boolean; waitSeconds?: number })
  | (Common & { kind: 'find'; topic: string; by: { key: string } | { from: string; to: string; tag?: string }; limit?: number })
  | (Common & { kind: 'journey'; topic: string; msgId: string });

const OPTIONS = {
  instance: { type: 'string', short: 'i' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  url: { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  explain: { type: 'boolean' },
  wait: { type: 'string' },
  timeout: { type: 'string' },
  key: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  tag: { type: 'string' },
  limit: { type: 'string' },
  // Parsed only to refuse it with a reason: a token on the command line ends up in shell history.
  token: { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;
const COMMON_OPTIONS: readonly OptionName[] = ['instance', 'json', 'help', 'url', 'profile', 'region', 'endpoint'];
const COMMAND_OPTIONS: Record<CommandName, readonly OptionName[]> = {
  trace: ['explain', 'wait'],
  why: ['wait'],
  wait: ['timeout', 'explain'],
  find: ['key', 'from', 'to', 'tag', 'limit'],
  journey: [],
};

const DEFAULT_WAIT_SECONDS = 60;

const SecondsSchema = z
  .string()
  .regex(/^\d{1,6}$/, 'must be a whole number of seconds')
  .transform(Number)
  .pipe(TraceRequestInputSchema.shape.waitSeconds.unwrap());

const LimitSchema = z
  .string()
  .regex(/^\d{1,3}$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(MAX_FIND_LIMIT, `must be at most ${MAX_FIND_LIMIT}`));

const TimeSchema = z
  .string()
  .trim()
  .refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time like 2025-11-14T10:00:00+08:00')
  .transform((v) => new Date(v).toISOString());

const UrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL like https://mqtrace.example.com' });

/**
 * Parses argv (without `node` and the script). Throws CliError (USAGE) for an unknown command or
 * option and InvalidInputError naming each bad value; neither carries a stack to the user.
 */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const about = rest[0];
    if (first === 'help' && about !== undefined) return { kind: 'help', command: commandName(about) };
    return { kind: 'help' };
  }
  if (first === '--version' || first === '-v') return { kind: 'version' };
  const name = commandName(first);
  const values = parseOptions(name, rest);
  if (values.help) return { kind: 'help', command: name };
  const positionals = values.positionals;
  const allowed = new Set<OptionName>([...COMMON_OPTIONS, ...COMMAND_OPTIONS[name]]);
  for (const option of Object.keys(values.options) as OptionName[]) {
    if (option === 'token') {
      throw new CliError(CliErrorCode.USAGE, '--token is not accepted: a token on the command line stays in your shell history. Set MQTRACE_TOKEN, or let mqtrace ask for it', name);
    }
    if (!allowed.has(option)) throw new CliError(CliErrorCode.USAGE, `"${name}" takes no --${option}`, name);
  }
  const o = values.options;
  const expected = name === 'find' ? ['topic'] : ['topic', 'msgId'];
  if (positionals.length !== expected.length) {
    throw new CliError(CliErrorCode.USAGE, `"${name}" needs ${expected.map((p) => `<${p}>`).join(' ')}, got ${positionals.length} argument(s)`, name);
  }
  const topic = parseInput(TopicSchema, positionals[0], 'topic');
  const instanceGiven = o.instance ?? env.MQTRACE_INSTANCE;
  const common: Common = {
    ...(instanceGiven ? { instance: parseInput(InstanceRefSchema, instanceGiven, 'instance') } : {}),
    json: o.json === true,
    connection: connectionOf(o, env, name),
  };
  if (name === 'find') {
    const limit = o.limit === undefined ? undefined : parseInput(LimitSchema, o.limit, 'limit');
    const base = { kind: 'find' as const, ...common, topic, ...(limit !== undefined ? { limit } : {}) };
    if (o.key !== undefined) {
      if (o.from !== undefined || o.to !== undefined || o.tag !== undefined) throw new CliError(CliErrorCode.USAGE, 'give either --key or a window (--from, --to, --tag), not both', name);
      // The API's own rules, so that remote and direct mode refuse the same keys with the same words.
      const key = parseInput(MessageKeySchema, o.key, 'key');
      return { ...base, by: { key } };
    }
    if (o.from === undefined || o.to === undefined) throw new CliError(CliErrorCode.USAGE, 'give --key <key>, or a window with both --from and --to', name);
    const from = parseInput(TimeSchema, o.from, 'from');
    const to = parseInput(TimeSchema, o.to, 'to');
    const tag = o.tag === undefined ? undefined : parseInput(TagSchema, o.tag, 'tag');
    return { ...base, by: { from, to, ...(tag ? { tag } : {}) } };
  }
  const msgId = parseInput(MessageIdSchema, positionals[1], 'msgId');
  if (name === 'journey') return { kind: 'journey', ...common, topic, msgId };
  const waitText = name === 'wait' ? (o.timeout ?? String(DEFAULT_WAIT_SECONDS)) : o.wait;
  const waitSeconds = waitText === undefined ? undefined : parseInput(SecondsSchema, waitText, name === 'wait' ? 'timeout' : 'wait');
  return { kind: 'trace', name, ...common, topic, msgId, explain: name === 'why' || o.explain === true, ...(waitSeconds !== undefined ? { waitSeconds } : {}) };
}

function commandName(given: string): CommandName {
  const found = COMMANDS.find((c) => c === given);
  if (found) return found;
  const shown = given.length > 30 ? `${given.slice(0, 30)}…` : given;
  throw new CliError(CliErrorCode.USAGE, `unknown command "${shown}"; the commands are ${COMMANDS.join(', ')}`);
}

type ParsedOptions = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function parseOptions(name: CommandName, args: string[]): { options: ParsedOptions; positionals: string[]; help: boolean } {
  try {
    const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
    const options = values as ParsedOptions;
    return { options, positionals, help: options.help === true };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const option = /'(-{1,2}[^' ]+)/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new CliError(CliErrorCode.USAGE, `unknown option ${option ?? ''}`.trim(), name);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new CliError(CliErrorCode.USAGE, `option ${option ?? ''} needs a value`.replace('  ', ' '), name);
    throw new CliError(CliErrorCode.USAGE, 'the options cannot be read', name);
  }
}

function connectionOf(o: ParsedOptions, env: Readonly<Record<string, string | undefined>>, name: CommandName): Connection {
  const url = o.url ?? (env.MQTRACE_URL || undefined);
  if (url !== undefined) {
    const direct = (['profile', 'region', 'endpoint'] as const).filter((k) => o[k] !== undefined);
    if (direct.length > 0) throw new CliError(CliErrorCode.USAGE, `--${direct[0]} is for direct mode; with --url (or MQTRACE_URL) the server's own credentials are used`, name);
    return { mode: 'remote', url: parseInput(UrlSchema, url, o.url !== undefined ? 'url' : 'MQTRACE_URL') };
  }
  const region = o.region === undefined ? undefined : parseInput(z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a region ID like cn-hangzhou'), o.region, 'region');
  const endpoint = o.endpoint === undefined ? undefined : parseInput(UrlSchema, o.endpoint, 'endpoint');
  return { mode: 'direct', ...(o.profile ? { profile: o.profile } : {}), ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) };
}
