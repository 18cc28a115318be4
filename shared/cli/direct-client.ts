import { randomUUID } from 'node:crypto';
import type { AccessControl, Caller } from '../access/access-control';
import type { Credentials } from '../credentials';
import { createDeadline } from '../deadline';
import { createRequestLog } from '../request-log';
import { answeredReport, type LookupService } from '../trace/lookup-service';
import { CliError, CliErrorCode } from './cli-errors';
import type { LookupClient } from './lookup-client';

/**
 * Direct mode has no access document: the user's own credentials decide, through RAM, what they
 * may read. An instance is an ID (there are no aliases), else `--instance`/MQTRACE_INSTANCE.
 */
export function createDirectAccess(): Pick<AccessControl, 'resolveInstance' | 'permits' | 'aliasesFor'> {
  return {
    resolveInstance: (caller, given) => (given === undefined || given === '' ? caller.defaultInstance : given),
    permits: () => true,
    aliasesFor: () => [],
  };
}

export interface DirectClientDeps {
  /** The lookup use case, over a broker directory built as the HTTP function builds it. */
  lookups: LookupService;
  /** The user's credentials, resolved on first use (env, else the aliyun CLI profile). */
  credentials: () => Promise<Credentials>;
  lookupDeadlineMs: number;
  now: () => number;
  /** Who is asking, for the audit entry the use case records: the OS user. */
  user: string;
}

const DIRECT_WAIT_WINDOW_SECONDS = 10;

/** The direct {@link LookupClient}: the lookup use case in this process, signed with the user's own credentials. */
export function createDirectClient(deps: DirectClientDeps): LookupClient {
  const caller: Caller = { channel: 'cli', id: `cli:${deps.user}`, scope: { instances: ['*'], topics: ['*'] }, defaultInstance: undefined };
  let credentials: Promise<Credentials> | undefined;
  const notYet = (what: string) =>
    new CliError(CliErrorCode.NOT_AVAILABLE, `${what} runs against a deployed mqtrace only for now: add --url (or set MQTRACE_URL). Direct mode does trace, why and wait.`);
  return {
    mode: 'direct',
    waitWindowSeconds: DIRECT_WAIT_WINDOW_SECONDS,
    async trace(input, options) {
      // Without an access document there is no default instance to fall back on.
      if (!input.instance) throw new CliError(CliErrorCode.USAGE, 'direct mode needs the instance: add --instance <instance ID> (or set MQTRACE_INSTANCE)');
      credentials ??= deps.credentials().catch((error: unknown) => {
        credentials = undefined;
        throw error;
      });
      const waitMs = (options.waitSeconds ?? 0) * 1000;
      const outcome = await deps.lookups.lookup(
        caller,
        { instance: input.instance, topic: input.topic, msgId: input.msgId },
        {
          credentials: await credentials,
          log: createRequestLog(`cli-${randomUUID()}`),
          // As on HTTP: the wait's seconds on top of the deadline, which stays for the last poll and the explain.
          deadline: createDeadline(deps.lookupDeadlineMs + waitMs, deps.now),
          ...(waitMs > 0 ? { waitWindowMs: waitMs } : {}),
          explain: options.explain ?? false,
        },
      );
      return answeredReport(outcome);
    },
    find: async () => {
      throw notYet('find');
    },
    journey: async () => {
      throw notYet('journey');
    },
  };
}
