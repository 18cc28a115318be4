/** How a reply POST went. Never carries the reply URL: it is a bearer credential for the conversation. */
export type ReplyOutcome =
  | { delivered: true; status: number }
  | { delivered: false; reason: string; retryable: boolean; status?: number; errcode?: number };

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; redirect: 'error'; signal: AbortSignal }) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

export type PostResult = { ok: true; status: number; text: string } | { ok: false; reason: 'timeout' | 'network' };

const MAX_RESPONSE_CHARS = 4096;

/**
 * POSTs JSON with a timeout and without following redirects, so an allowed host cannot bounce the
 * reply elsewhere.
 */
export async function postJson(fetchFn: FetchLike, url: string, body: unknown, timeoutMs: number): Promise<PostResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      redirect: 'error',
      signal,
    });
    const text = (await response.text()).slice(0, MAX_RESPONSE_CHARS);
    return { ok: true, status: response.status, text };
  } catch {
    return { ok: false, reason: signal.aborted ? 'timeout' : 'network' };
  }
}
