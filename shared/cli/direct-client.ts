import { randomUUID } from 'node:crypto';
import type { AccessControl, Caller } from '../access/access-control';
import type { Credentials } from '../credentials';
import { createDeadline } from '../deadline';
import { createRequestLog } from '../request-log';
import { toFindView, toJourneyView } from '../api-client/find-journey-client';
import type { FindService } from '../trace/find-service';
import type { JourneyService } from '../trace/journey-service';
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

/** The find and journey use cases, over the same lookup use case. */
export interface ExploreServices {
  finder: FindService;
  journeys: JourneyService;
}

export interface DirectClientDeps {
  /** The lookup use case, over a broker directory built as the HTTP function builds it. */
  lookups: LookupService;
  /**
   * Builds the find and journey use cases; called on the first find or journey only, so that a
   * trace never loads their modules (as the HTTP handler loads its find routes).
   */
  explore: () => Promise<ExploreServices>;
  /** The user's credentials, resolved on first use (env, else the aliyun CLI profile). */
  credentials: () => Promise<Credentials>;
  lookupDeadlineMs: number;
  now: () => number;
  /** Who is asking, for the audit entry the use case records: the OS user. */
  user: string;
}

const DIRECT_WAIT_WINDOW_SECONDS = 10;

/** The direct {@link LookupClient}: the lookup, find and journey use cases in this process, signed with the user's own credentials. */
export function createDirectClient(deps: DirectClientDeps): LookupClient {
  const caller: Caller = { channel: 'cli', id: `cli:${deps.user}`, scope: { instances: ['*'], topics: ['*'] }, defaultInstance: undefined };
  let credentials: Promise<Credentials> | undefined;
  let explore: Promise<ExploreServices> | undefined;
  const credentialsOnce = () =>
    (credentials ??= deps.credentials().catch((error: unknown) => {
      credentials = undefined;
      throw error;
    }));
  const exploreOnce = () =>
    (explore ??= deps.explore().catch((error: unknown) => {
      explore = undefined;
      throw error;
    }));
  // Without an access document there is no default instance to fall back on.
  const instanceOf = (given: string | undefined): string => {
    if (!given) throw new CliError(CliErrorCode.USAGE, 'direct mode needs the instance: add --instance <instance ID> (or set MQTRACE_INSTANCE)');
    return given;
  };
  const options = async (extraMs = 0) => ({
    credentials: await credentialsOnce(),
    log: createRequestLog(`cli-${randomUUID()}`),
    deadline: createDeadline(deps.lookupDeadlineMs + extraMs, deps.now),
  });
  return {
    mode: 'direct',
    waitWindowSeconds: DIRECT_WAIT_WINDOW_SECONDS,
    async trace(input, o) {
      const instance = instanceOf(input.instance);
      const waitMs = (o.waitSeconds ?? 0) * 1000;
      const outcome = await deps.lookups.lookup(
        caller,
        { instance, topic: input.topic, msgId: input.msgId },
        {
          // As on HTTP: the wait's seconds on top of the deadline, which stays for the last poll and the explain.
          ...(await options(waitMs)),
          ...(waitMs > 0 ? { waitWindowMs: waitMs } : {}),
          explain: o.explain ?? false,
        },
      );
      return answeredReport(outcome);
    },
    async find(query) {
      const instance = instanceOf(query.instance);
      const { finder } = await exploreOnce();
      const limit = query.limit !== undefined ? { limit: query.limit } : {};
      const report =
        'key' in query
          ? await finder.byKey(caller, { instance, topic: query.topic, key: query.key, ...limit }, await options())
          : await finder.byWindow(caller, { instance, topic: query.topic, fromMs: Date.parse(query.from), toMs: Date.parse(query.to), tag: query.tag, ...limit }, await options());
      return toFindView(report);
    },
    async journey(input) {
      const instance = instanceOf(input.instance);
      const { journeys } = await exploreOnce();
      return toJourneyView(await journeys.journey(caller, { instance, topic: input.topic, msgId: input.msgId }, await options()));
    },
  };
}
