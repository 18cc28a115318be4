/** What a webhook answered. The body is capped: webhook answers are short codes or small JSON. */
export interface HttpPostResponse {
  status: number;
  /** The `Retry-After` header, if any. */
  retryAfter: string | null;
  text: string;
}

/** A failed POST that never got an answer. */
export class HttpPostError extends Error {
  readonly kind: 'TIMEOUT' | 'NETWORK';

  constructor(kind: 'TIMEOUT' | 'NETWORK', options?: ErrorOptions) {
    super(kind === 'TIMEOUT' ? 'the webhook did not answer in time' : 'the webhook could not be reached', options);
    this.name = 'HttpPostError';
    this.kind = kind;
  }
}

/** POSTs one body; rejects only with {@link HttpPostError}. The port senders are written against. */
export type HttpPost = (url: string, body: string, options: { timeoutMs: number; contentType: string }) => Promise<HttpPostResponse>;

const MAX_BODY_CHARS = 4096;

/** The real {@link HttpPost} over `fetch`. Redirects are refused: a webhook that redirects is misconfigured. */
export function createFetchPost(fetchImpl: typeof fetch = fetch): HttpPost {
  return async (url, body, options) => {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': options.contentType },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      throw new HttpPostError(name === 'TimeoutError' || name === 'AbortError' ? 'TIMEOUT' : 'NETWORK', { cause: error });
    }
    let text: string;
    try {
      text = (await response.text()).slice(0, MAX_BODY_CHARS);
    } catch (error) {
      throw new HttpPostError('TIMEOUT', { cause: error });
    }
    return { status: response.status, retryAfter: response.headers.get('retry-after'), text };
  };
}
