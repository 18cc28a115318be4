/** What an FC HTTP-trigger handler returns (fc.md §1.5). */
export interface FcHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  isBase64Encoded: boolean;
  body: string;
}

const BASE_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** A JSON response. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): FcHttpResponse {
  return { statusCode, headers: { ...BASE_HEADERS, ...headers }, isBase64Encoded: false, body: JSON.stringify(body) };
}

/** A response with no body, e.g. a 401 to a request whose signature failed. */
export function emptyResponse(statusCode: number, headers: Record<string, string> = {}): FcHttpResponse {
  return { statusCode, headers: { 'cache-control': 'no-store', ...headers }, isBase64Encoded: false, body: '' };
}
