/** The commands, and each one's `--help`. */
export const COMMANDS = ['trace', 'why', 'wait', 'find', 'journey'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const EXIT_CODES_TEXT = 'Exit codes: 0 consumed, 1 not (yet) consumed, 2 cannot tell, 3 error (bad input included).';

const CONNECTION = `Where it looks (remote or direct):
      --url <url>          remote: a deployed mqtrace (default: MQTRACE_URL). The token comes from
                           MQTRACE_TOKEN, else a prompt; never from a flag.
      --profile <name>     direct: use this aliyun CLI profile (~/.aliyun/config.json)
      --region <id>        direct: region of the broker APIs (default: ALIBABA_CLOUD_REGION_ID,
                           the profile's region, else cn-hangzhou)
      --endpoint <url>     direct: one endpoint for both broker APIs, e.g. the local emulator
                           (ONS_ENDPOINT and ROCKETMQ_ENDPOINT set them one by one)
  Without --url it runs direct: your own Alibaba Cloud credentials (ALIBABA_CLOUD_ACCESS_KEY_ID,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN, else the aliyun CLI profile).`;

const COMMON = `  -i, --instance <id|alias>  the instance (default: the token's default, or MQTRACE_INSTANCE)
      --json               print JSON on stdout, for scripts (messages still go to stderr)
  -h, --help               show this help`;

export const MAIN_HELP = `mqtrace: was this ApsaraMQ for RocketMQ message consumed, and if not, why?

Usage: mqtrace <command> [arguments] [options]

Commands:
  trace <topic> <msgId>     look a message up: verdict, groups, message-ID facts, caveats
  why <topic> <msgId>       the same, with the diagnosis of groups that have not consumed it
  wait <topic> <msgId>      poll until it is consumed (--timeout, default 60 s), with progress
  find <topic> --key <key>  find messages by key, or by a time window (--from, --to)
  journey <topic> <msgId>   the message's journey: send, store, each delivery attempt per group

Run "mqtrace <command> --help" for a command's options.

${CONNECTION}

Output: colour when the terminal supports it (NO_COLOR turns it off, FORCE_COLOR on); progress
goes to stderr.
${EXIT_CODES_TEXT}
Docs: docs/cli.md`;

const SECTIONS: Record<CommandName, { usage: string; what: string; options: string }> = {
  trace: {
    usage: 'mqtrace trace <topic> <msgId> [options]',
    what: 'Was it consumed? One lookup: the verdict, each consumer group with what its state means and\nwhat to do, what the message ID tells, and the caveats.',
    options: `      --explain            also diagnose groups that have not consumed it (as "mqtrace why")
      --wait <seconds>     poll until consumed, at most this long, 1-900 (as "mqtrace wait")`,
  },
  why: {
    usage: 'mqtrace why <topic> <msgId> [options]',
    what: 'Why not? The lookup with its diagnosis: each finding with its evidence (backlog, offline\ngroup, dead-letter queue, tag filter, …) and the checks that could not run.',
    options: `      --wait <seconds>     first poll until consumed, at most this long (1-900)`,
  },
  wait: {
    usage: 'mqtrace wait <topic> <msgId> [options]',
    what: 'Waits until the message is consumed, showing progress on stderr, then prints the last report.',
    options: `      --timeout <seconds>  how long to wait at most, 1-900 (default 60)
      --explain            diagnose the final state too`,
  },
  find: {
    usage: 'mqtrace find <topic> (--key <key> | --from <time> --to <time> [--tag <tag>]) [options]',
    what: 'Finds messages by key (each one looked up), or the ones in a time window that were not\nconsumed. Times are ISO 8601, e.g. 2025-11-14T10:00:00+08:00.',
    options: `      --key <key>          the message key
      --from <time>        start of the window (with --to)
      --to <time>          end of the window
      --tag <tag>          only messages with this tag (windows only)
      --limit <n>          at most this many messages (1-50)`,
  },
  journey: {
    usage: 'mqtrace journey <topic> <msgId> [options]',
    what: "The message's journey: when it was sent and stored, each delivery attempt per group with\nits duration and status, the dead-lettering, and where the trace and the verdict disagree.\nThe exit code is the verdict's.",
    options: '',
  },
};

/** The `--help` text of one command. */
export function commandHelp(name: CommandName): string {
  const s = SECTIONS[name];
  return `Usage: ${s.usage}\n\n${s.what}\n\nOptions:\n${s.options ? `${s.options}\n` : ''}${COMMON}\n\n${CONNECTION}\n\n${EXIT_CODES_TEXT}`;
}
