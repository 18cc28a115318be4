/**
 * Errors shaped exactly as `@alicloud/pop-core@1.8.0` rejects (ons-api.md §4). Every one embeds
 * the signed URL, so tests can assert that none of it survives classification.
 */
export const SIGNED_URL = 'http://x/?AccessKeyId=SECRETKEY&Signature=SIGXYZ&SecurityToken=TOKEN123';
export const POP_MESSAGE_MARKER = 'PopCoreMessageMarker';

/** Substrings that must never reach an AppError's message or its JSON form. */
export const LEAK_MARKERS = [
  'SECRETKEY',
  'SIGXYZ',
  'TOKEN123',
  'AccessKeyId=',
  'Signature=',
  'SecurityToken=',
  'URL:',
  'http://x/',
  POP_MESSAGE_MARKER,
] as const;

export interface PopCoreApiError extends Error {
  code: string;
  data: Record<string, unknown>;
  url: string;
  entry: { url: string; request: { headers: Record<string, string> }; response: { statusCode: number; headers: Record<string, string> } };
}

/** An API error: `name = Code + 'Error'`, `.code`, `.data` (the parsed body), `.url`, `.entry`. */
export function buildPopCoreApiError(overrides: {
  code: string;
  requestId?: string;
  statusCode?: number;
  data?: Record<string, unknown>;
}): PopCoreApiError {
  const error = new Error(`${POP_MESSAGE_MARKER} for ${overrides.code}, URL: ${SIGNED_URL}`) as PopCoreApiError;
  error.name = `${overrides.code}Error`;
  error.code = overrides.code;
  error.data = overrides.data ?? {
    RequestId: overrides.requestId ?? 'B2C3D4E5-0000-4A1B-9C8D-112233445566',
    HostId: 'ons.cn-hangzhou.aliyuncs.com',
    Code: overrides.code,
    Message: `${POP_MESSAGE_MARKER}: the upstream said no. ${SIGNED_URL}`,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${overrides.code}&AccessKeyId=SECRETKEY`,
  };
  error.url = SIGNED_URL;
  error.entry = {
    url: SIGNED_URL,
    request: { headers: { 'x-acs-action': 'OnsMessageTrace' } },
    response: { statusCode: overrides.statusCode ?? 400, headers: {} },
  };
  return error;
}

/** json-bigint's rejection for a non-JSON body: a plain object, not an Error. */
export function buildPopCoreNonJsonFailure(): { name: string; message: string; at: number; text: string } {
  return { name: 'SyntaxError', message: "Unexpected '<'", at: 1, text: `<html>502 Bad Gateway ${SIGNED_URL}</html>` };
}

/** httpx's read timeout. */
export function buildPopCoreTimeoutError(): Error {
  const error = new Error(`ReadTimeout(2500). POST ${SIGNED_URL} failed.`);
  error.name = 'RequestTimeoutError';
  return error;
}

/** A native network error such as `ECONNRESET` or `ECONNREFUSED`. */
export function buildNetworkError(code: string): Error & { code: string } {
  const error = new Error(`connect ${code} 127.0.0.1:1POST ${SIGNED_URL} failed.`) as Error & { code: string };
  error.code = code;
  return error;
}
