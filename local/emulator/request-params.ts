import { EmulatorApiError } from './api-errors';

/** Most parameters one request may carry; POP requests carry about a dozen. */
export const MAX_PARAMS = 256;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalidEncoding(message: string): EmulatorApiError {
  return new EmulatorApiError('InvalidParameter', 400, message);
}

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw invalidEncoding('The request contains a malformed percent-encoded sequence or invalid UTF-8.');
  }
}

/**
 * Decodes raw request bytes as UTF-8, rejecting invalid sequences.
 *
 * @param bytes - The raw body.
 * @returns The text.
 * @throws EmulatorApiError `InvalidParameter` for invalid UTF-8.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw invalidEncoding('The request body is not valid UTF-8.');
  }
}

/**
 * Parses an `application/x-www-form-urlencoded` string (also used for query strings) with
 * URLSearchParams semantics (`+` is a space) but strictly: malformed `%` sequences, invalid UTF-8,
 * empty names, repeated names and too many parameters are rejected instead of being guessed at.
 *
 * @param text - The encoded string, without a leading `?`.
 * @param into - Parameters already collected (query parameters of a POST); mutated and returned.
 * @returns A null-prototype record of decoded parameters.
 * @throws EmulatorApiError `InvalidParameter` for any of the above.
 * @example
 * parseFormParams('Action=OnsMessageTrace&Topic=a%20b'); // { Action: 'OnsMessageTrace', Topic: 'a b' }
 */
export function parseFormParams(text: string, into: Record<string, string> = Object.create(null)): Record<string, string> {
  let count = Object.keys(into).length;
  for (const pair of text.split('&')) {
    if (pair === '') {
      continue;
    }
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = decodeComponent(eq === -1 ? '' : pair.slice(eq + 1));
    if (key === '') {
      throw invalidEncoding('The request contains a parameter without a name.');
    }
    if (Object.hasOwn(into, key)) {
      // Two values for one name make the signed string ambiguous.
      throw invalidEncoding(`The parameter "${key.slice(0, 64)}" is given more than once.`);
    }
    count += 1;
    if (count > MAX_PARAMS) {
      throw invalidEncoding(`The request has more than ${MAX_PARAMS} parameters.`);
    }
    into[key] = value;
  }
  return into;
}
