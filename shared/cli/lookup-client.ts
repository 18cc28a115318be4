import { createApiClient, createApiTransport } from '../api-client/api-client';
import { createFindJourneyClient, type FindQuery, type FindView, type JourneyView } from '../api-client/find-journey-client';
import type { TraceReport } from '../trace/report-schema';

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
  const signal = (extraMs = 0) => AbortSignal.timeout(options.requestTimeoutMs + extraMs);
  return {
    mode: 'remote',
    waitWindowSeconds: REMOTE_WAIT_WINDOW_SECONDS,
    trace: (input, o) =>
      api.trace(input, { ...(o.explain ? { explain: true } : {}), ...(o.waitSeconds ? { waitSeconds: o.waitSeconds } : {}), signal: signal((o.waitSeconds ?? 0) * 1000) }),
    find: (query) => findJourney.find(query, signal()),
    journey: (input) => findJourney.journey(input, signal()),
  };
}
