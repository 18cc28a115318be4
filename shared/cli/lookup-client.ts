import { createApiClient, createApiTransport } from '../api-client/api-client';
import { createFindJourneyClient, type FindQuery, type FindView, type JourneyView } from '../api-client/find-journey-client';
import type { TraceReport } from '../trace/report-schema';
import { CliError, CliErrorCode } from './cli-errors';

/** One message, with the instance as the user gave it (ID, alias, or absent for the default). */
export interface MessageInput {
  instance?: string;
  topic: string;
  msgId: string;
}

/**
 * What the commands ask, in either mode: remote (a deployed mqtrace over HTTP) or direct (the
 * lookup use case in this process). Both end in the same use case; this port only carries it.
 */
export interface LookupClient {
  readonly mode: 'remote' | 'direct';
  /** One lookup; with `waitSeconds` it is the use case's own wait, up to that long. */
  trace(input: MessageInput, options: { explain?: boolean; waitSeconds?: number }): Promise<TraceReport>;
  /** The longest window one `trace` may wait: the HTTP function caps it; in process, shorter windows just show progress more often. */
  readonly waitWindowSeconds: number;
  find(query: FindQuery): Promise<FindView>;
  journey(input: MessageInput): Promise<JourneyView>;
}

export interface RemoteClientOptions {
  url: string;
  token: string;
  fetch: typeof fetch;
  /** Per request, on top of the seconds a wait asks for. */
  requestTimeoutMs: number;
}

/** Below the HTTP function's default wait cap (21.5 s), so one request never runs into it. */
export const REMOTE_WAIT_WINDOW_SECONDS = 20;

/** The remote {@link LookupClient}: the same API client the web page uses, with the token from MQTRACE_TOKEN or a prompt. */
export function createRemoteClient(options: RemoteClientOptions): LookupClient {
  const transport = createApiTransport({ baseUrl: options.url, token: () => options.token, fetch: options.fetch });
  const api = createApiClient(transport);
  const findJourney = createFindJourneyClient(transport);
  // Each request gets its own timer; running out of it is "no answer", like a refused connection.
  const timed = async <T>(extraMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const limitMs = options.requestTimeoutMs + extraMs;
    const signal = AbortSignal.timeout(limitMs);
    try {
      return await call(signal);
    } catch (error) {
      if (signal.aborted) throw new CliError(CliErrorCode.NETWORK, `no answer from the server within ${Math.ceil(limitMs / 1000)} s`);
      throw error;
    }
  };
  return {
    mode: 'remote',
    waitWindowSeconds: REMOTE_WAIT_WINDOW_SECONDS,
    trace: (input, o) =>
      timed((o.waitSeconds ?? 0) * 1000, (signal) => api.trace(input, { ...(o.explain ? { explain: true } : {}), ...(o.waitSeconds ? { waitSeconds: o.waitSeconds } : {}), signal })),
    find: (query) => timed(0, (signal) => findJourney.find(query, signal)),
    journey: (input) => timed(0, (signal) => findJourney.journey(input, signal)),
  };
}
