import type { FindQuery } from '../api-client/find-journey-client';
import { waitInWindows } from '../trace/wait-in-windows';
import type { TraceReport } from '../trace/report-schema';
import { parseCommandLine, type Connection, type ParsedCommand } from './cli-args';
import { CliError, CliErrorCode, describeFailure, type CliFailure } from './cli-errors';
import { EXIT, exitCodeForFind, exitCodeForVerdict, type ExitCode } from './exit-codes';
import { commandHelp, MAIN_HELP } from './help';
import type { LookupClient, MessageInput } from './lookup-client';
import { renderFindText, renderJourneyText, renderReportText, verdictLine } from './render-text';
import { colourEnabled, createProgress, createStyle, type OutStream, type Progress } from './terminal';

export interface CliDeps {
  /** The arguments after `mqtrace`. */
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: OutStream;
  stderr: OutStream;
  version: string;
  now: () => number;
  timers: { setInterval: typeof setInterval; clearInterval: typeof clearInterval };
  /** Asks for a secret on the terminal without echoing it; absent when there is no terminal. */
  promptSecret?: (question: string) => Promise<string>;
  createRemote(options: { url: string; token: string }): LookupClient;
  createDirect(connection: Extract<Connection, { mode: 'direct' }>): LookupClient | Promise<LookupClient>;
}

type Run = Exclude<ParsedCommand, { kind: 'help' } | { kind: 'version' }>;

/**
 * The terminal command: parses, picks the mode, runs the lookup through the {@link LookupClient}
 * and prints the answer (text or `--json`). Resolves to the exit code; never throws, and never
 * prints a stack: every failure goes through the CLI's one error table.
 */
export async function runCli(deps: CliDeps): Promise<ExitCode> {
  const wantsJson = deps.argv.includes('--json');
  let command: ParsedCommand;
  try {
    command = parseCommandLine(deps.argv, deps.env);
  } catch (error) {
    return fail(deps, describeFailure(error), wantsJson);
  }
  if (command.kind === 'help') {
    deps.stdout.write(`${command.command ? commandHelp(command.command) : MAIN_HELP}\n`);
    return EXIT.CONSUMED;
  }
  if (command.kind === 'version') {
    deps.stdout.write(`mqtrace ${deps.version}\n`);
    return EXIT.CONSUMED;
  }
  const progress = createProgress(deps.stderr, deps.timers);
  try {
    const client = await clientFor(deps, command.connection);
    return await execute(deps, command, client, progress);
  } catch (error) {
    progress.stop();
    return fail(deps, describeFailure(error), command.json);
  }
}

async function clientFor(deps: CliDeps, connection: Connection): Promise<LookupClient> {
  if (connection.mode === 'direct') return deps.createDirect(connection);
  let token = deps.env.MQTRACE_TOKEN?.trim();
  if (!token && deps.promptSecret) token = (await deps.promptSecret(`mqtrace token for ${connection.url}: `)).trim();
  if (!token) {
    throw new CliError(CliErrorCode.TOKEN_MISSING, 'no token: set MQTRACE_TOKEN, or run mqtrace in a terminal to be asked for it (it is never taken from a flag)');
  }
  return deps.createRemote({ url: connection.url, token });
}

async function execute(deps: CliDeps, command: Run, client: LookupClient, progress: Progress): Promise<ExitCode> {
  const style = createStyle(colourEnabled(deps.stdout, deps.env));
  const input: MessageInput | undefined = command.kind === 'find' ? undefined : { ...(command.instance ? { instance: command.instance } : {}), topic: command.topic, msgId: command.msgId };
  const print = (json: unknown, text: () => string) => deps.stdout.write(command.json ? `${JSON.stringify(json, null, 2)}\n` : `${text()}\n`);

  if (command.kind === 'find') {
    const query: FindQuery = { ...(command.instance ? { instance: command.instance } : {}), topic: command.topic, ...command.by, ...(command.limit ? { limit: command.limit } : {}) };
    progress.start('finding messages…');
    const view = await client.find(query);
    progress.stop();
    print(view.raw, () => renderFindText(view, style));
    return exitCodeForFind(view, 'key' in command.by);
  }
  if (command.kind === 'journey' && input) {
    progress.start('loading the journey…');
    const view = await client.journey(input);
    progress.stop();
    print(view.raw, () => renderJourneyText(view, style));
    return exitCodeForVerdict(view.verdict);
  }
  if (command.kind !== 'trace' || !input) return EXIT.ERROR;

  let report: TraceReport;
  if (command.waitSeconds === undefined) {
    progress.start(command.explain ? 'looking up and diagnosing…' : 'looking up…');
    report = await client.trace(input, { explain: command.explain });
  } else {
    report = await waitWithProgress(deps, client, input, command.waitSeconds, progress);
    if (command.explain) {
      progress.start('diagnosing the final state…');
      report = await client.trace(input, { explain: true });
    }
  }
  progress.stop();
  print(report, () => renderReportText(report, style));
  return exitCodeForVerdict(report.verdict);
}

async function waitWithProgress(deps: CliDeps, client: LookupClient, input: MessageInput, totalSeconds: number, progress: Progress): Promise<TraceReport> {
  const style = createStyle(colourEnabled(deps.stderr, deps.env));
  const started = deps.now();
  let polls = 0;
  let verdict = '…';
  const line = () => `waiting until consumed: ${Math.floor((deps.now() - started) / 1000)} s of ${totalSeconds} s · ${polls} poll(s) · last ${verdict}`;
  progress.start(line());
  // On a terminal the seconds tick; on a pipe one line per window is enough.
  const ticker = deps.stderr.isTTY ? deps.timers.setInterval(() => progress.note(line()), 1000) : undefined;
  (ticker as { unref?: () => void } | undefined)?.unref?.();
  try {
    const result = await waitInWindows({
      lookup: (waitSeconds) => client.trace(input, { waitSeconds }),
      totalSeconds,
      windowSeconds: client.waitWindowSeconds,
      now: deps.now,
      onReport: (p) => {
        polls = p.polls;
        if (p.report) verdict = verdictLine(p.report.verdict, style);
        progress.note(line());
      },
    });
    // The whole wait, over all its windows, in the report's own terms.
    return { ...result.report, wait: { outcome: result.outcome === 'CONSUMED' ? 'CONSUMED' : 'TIMED_OUT', waitedMs: result.waitedMs, polls: result.polls, windowMs: totalSeconds * 1000 } };
  } finally {
    if (ticker) deps.timers.clearInterval(ticker);
  }
}

const FLAG_OF: ReadonlyMap<string, string> = new Map([
  ['instanceId', '--instance'],
  ['instance', '--instance'],
  ['topic', '<topic>'],
  ['msgId', '<msgId>'],
  ['waitSeconds', '--wait'],
  ['wait', '--wait'],
  ['timeout', '--timeout'],
  ['key', '--key'],
  ['from', '--from'],
  ['to', '--to'],
  ['tag', '--tag'],
  ['limit', '--limit'],
  ['url', '--url'],
  ['region', '--region'],
  ['endpoint', '--endpoint'],
]);

function fail(deps: CliDeps, failure: CliFailure, json: boolean): ExitCode {
  const style = createStyle(colourEnabled(deps.stderr, deps.env));
  const lines = [`${style.red(style.bold('mqtrace:'))} ${failure.issues.length > 0 ? 'bad input' : failure.message}`];
  for (const issue of failure.issues) lines.push(`  ${FLAG_OF.get(issue.path) ?? issue.path} ${issue.message}`);
  if (failure.hint) lines.push(`  ${failure.hint}`);
  const refs = [
    failure.requestId ? `request ${failure.requestId}` : undefined,
    failure.upstream ? `upstream ${[failure.upstream.code, failure.upstream.requestId].filter(Boolean).join(' ')}` : undefined,
  ].filter(Boolean);
  if (refs.length > 0) lines.push(style.dim(`  ${refs.join(' · ')}`));
  if (failure.code === CliErrorCode.USAGE) lines.push(`  Run "mqtrace ${failure.command ?? ''}${failure.command ? ' ' : ''}--help" for usage.`);
  deps.stderr.write(`${lines.join('\n')}\n`);
  if (json) {
    const { command: _command, issues, ...body } = failure;
    deps.stdout.write(`${JSON.stringify({ error: { ...body, ...(issues.length > 0 ? { issues } : {}) } }, null, 2)}\n`);
  }
  return EXIT.ERROR;
}
