/**
 * The one outbound HTTP helper of chat replies, platform APIs and alert webhooks: a timeout on
 * every call, no redirects (an allowed host must not bounce a reply, a token or a secret elsewhere),
 * and answers capped (they are short codes or small JSON).
 */

/** What an endpoint answered. */
export interface HttpAnswer {
  status: number;
  /** The `Retry-After` header, if any. */
  retryAfter: string | null;
  text: string;
}

/** A call that never got an answer. */
export class HttpPostError extends Error {
  readonly kind: 'TIMEOUT' | 'NETWORK';

  constructor(kind: 'TIMEOUT' | 'NETWORK', options?: ErrorOptions) {
    super(kind === 'TIMEOUT' ? 'the endpoint did not answer in time' : 'the endpoint could not be reached', options);
    this.name = 'HttpPostError';
    this.kind = kind;
  }
}

export interface HttpCallOptions {
  timeoutMs: number;
  headers?: Readonly<Record<string, string>>;
}

/** POSTs one body; rejects only with {@link HttpPostError}. */
export type HttpPost = (url: string, body: string, options: HttpCallOptions & { contentType: string }) => Promise<HttpAnswer>;

/** GETs one URL; rejects only with {@link HttpPostError}. */
export type HttpGet = (url: string, options: HttpCallOptions) => Promise<HttpAnswer>;

/** The port adapters are written against; composition roots build it over `fetch`. */
export interface HttpClient {
  post: HttpPost;
  get: HttpGet;
}

/** The part of `fetch` the client uses, so tests can record calls without a server. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; redirect: 'error'; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string>; headers?: { get(name: string): string | null } }>;

const MAX_BODY_CHARS = 4096;

/** The real {@link HttpClient} over `fetch` (or a recording stand-in). */
export function createHttpClient(fetchImpl: FetchLike = (url, init) => fetch(url, init)): HttpClient {
  const call = async (url: string, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<HttpAnswer> => {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await fetchImpl(url, { method, headers, ...(body === undefined ? {} : { body }), redirect: 'error', signal });
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      throw new HttpPostError(signal.aborted || name === 'TimeoutError' || name === 'AbortError' ? 'TIMEOUT' : 'NETWORK', { cause: error });
    }
    let text: string;
    try {
      text = (await response.text()).slice(0, MAX_BODY_CHARS);
    } catch (error) {
      throw new HttpPostError('TIMEOUT', { cause: error });
    }
    return { status: response.status, retryAfter: response.headers?.get('retry-after') ?? null, text };
  };
  return {
    post: (url, body, options) => call(url, 'POST', { ...options.headers, 'content-type': options.contentType }, body, options.timeoutMs),
    get: (url, options) => call(url, 'GET', { ...options.headers }, undefined, options.timeoutMs),
  };
}

/** The real {@link HttpPost}, for senders that only post (the alert webhooks). */
export function createFetchPost(fetchImpl?: FetchLike): HttpPost {
  return createHttpClient(fetchImpl).post;
}

/** Reads a JSON answer's body; undefined when it is not a JSON object. */
export function readJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
