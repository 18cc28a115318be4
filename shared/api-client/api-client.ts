/**
 * A client of mqtrace's own HTTP API, shared by its two faces outside chat: the web page (bundled
 * for the browser) and the CLI's remote mode. Plain TypeScript over `fetch`: no Node module, no
 * zod, so that the page stays small.
 */
import type { ScopeView } from '../http/scope-schema';
import type { TraceReport } from '../trace/report-schema';

export type { ScopeView, TraceReport };

/** One problem with one input field, as the API names it (`msgId`, `waitSeconds`, …). */
export interface ApiIssue {
  path: string;
  message: string;
}

/**
 * A failed API call: the API's error code and message (mqtrace's own words, never an upstream's),
 * or `NETWORK` (no answer) / `BAD_RESPONSE` (an answer that is not mqtrace's JSON). Each face
 * decides what to show from `code` and `status`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
    readonly requestId?: string,
    readonly upstream?: { code?: string; requestId?: string },
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The part that talks HTTP: one GET with the bearer token, JSON back or an {@link ApiError}. */
export interface ApiTransport {
  get<T>(path: string, params: Record<string, string | undefined>, signal?: AbortSignal): Promise<T>;
}

/**
 * Creates the transport. The token goes in the Authorization header only, read from `token()` on
 * each call; it is never part of a URL and never logged.
 */
export function createApiTransport(options: { token: () => string | undefined; fetch: typeof fetch; baseUrl?: string }): ApiTransport {
  return {
    async get<T>(path: string, params: Record<string, string | undefined>, signal?: AbortSignal): Promise<T> {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(name, value);
      const url = `${(options.baseUrl ?? '').replace(/\/+$/, '')}${path}${query.toString() ? `?${query.toString()}` : ''}`;
      const token = options.token();
      let response: Response;
      try {
        response = await options.fetch(url, {
          headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        throw new ApiError(0, 'NETWORK', 'no answer from the server');
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new ApiError(response.status, 'BAD_RESPONSE', `HTTP ${response.status} without a JSON body`);
      }
      if (response.ok) return body as T;
      const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown; requestId?: unknown; upstream?: { code?: unknown; requestId?: unknown } } } | null)?.error;
      if (!error || typeof error.code !== 'string') throw new ApiError(response.status, 'BAD_RESPONSE', `HTTP ${response.status}`);
      throw new ApiError(
        response.status,
        error.code,
        typeof error.message === 'string' ? error.message : error.code,
        Array.isArray(error.issues) ? (error.issues as ApiIssue[]) : [],
        typeof error.requestId === 'string' ? error.requestId : undefined,
        error.upstream
          ? {
              ...(typeof error.upstream.code === 'string' ? { code: error.upstream.code } : {}),
              ...(typeof error.upstream.requestId === 'string' ? { requestId: error.upstream.requestId } : {}),
            }
          : undefined,
      );
    },
  };
}

/** `GET /v1/scope` and `GET /v1/trace`. */
export interface ApiClient {
  scope(): Promise<ScopeView>;
  trace(query: { instance?: string; topic: string; msgId: string }, options?: { explain?: boolean; waitSeconds?: number; signal?: AbortSignal }): Promise<TraceReport>;
}

export function createApiClient(transport: ApiTransport): ApiClient {
  return {
    scope: () => transport.get<ScopeView>('/v1/scope', {}),
    trace: (query, options = {}) =>
      transport.get<TraceReport>(
        '/v1/trace',
        {
          instanceId: query.instance,
          topic: query.topic,
          msgId: query.msgId,
          explain: options.explain ? 'true' : undefined,
          waitSeconds: options.waitSeconds ? String(options.waitSeconds) : undefined,
        },
        options.signal,
      ),
  };
}
