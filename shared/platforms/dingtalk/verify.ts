import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../../errors';

/** DingTalk's rule: a callback whose timestamp is more than an hour from now is refused. */
export const DINGTALK_MAX_SKEW_MS = 60 * 60 * 1000;

const TIMESTAMP = /^\d{1,15}$/;

export interface DingTalkVerifyInput {
  appSecret: string;
  /** Lower-cased request headers. */
  headers: Readonly<Record<string, string | undefined>>;
  nowMs: number;
}

/**
 * Verifies a DingTalk enterprise-robot callback (chat.md §1.1): header `sign` must equal
 * base64(HMAC-SHA256(key = appSecret, message = timestamp + "\n" + appSecret)) and header
 * `timestamp` (ms) must be within {@link DINGTALK_MAX_SKEW_MS}. The sign does not cover the body,
 * so callers de-duplicate on `msgId`. Throws {@link UnauthenticatedError} whose message is the reason.
 *
 * @example
 * verifyDingTalkSignature({ appSecret, headers: request.headers, nowMs: Date.now() });
 */
export function verifyDingTalkSignature(input: DingTalkVerifyInput): void {
  const timestamp = input.headers.timestamp;
  const sign = input.headers.sign;
  if (timestamp === undefined) throw new UnauthenticatedError('dingtalk signature: missing timestamp header');
  if (sign === undefined) throw new UnauthenticatedError('dingtalk signature: missing sign header');
  if (!TIMESTAMP.test(timestamp)) throw new UnauthenticatedError('dingtalk signature: malformed timestamp');
  const skew = input.nowMs - Number(timestamp);
  if (skew > DINGTALK_MAX_SKEW_MS) throw new UnauthenticatedError('dingtalk signature: timestamp is more than 1 hour old');
  if (skew < -DINGTALK_MAX_SKEW_MS) throw new UnauthenticatedError('dingtalk signature: timestamp is more than 1 hour in the future');
  const expected = Buffer.from(dingTalkSign(input.appSecret, timestamp), 'utf8');
  const given = Buffer.from(sign.trim(), 'utf8');
  // The length of a base64 HMAC-SHA256 is public (44), so checking it first leaks nothing.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthenticatedError('dingtalk signature: mismatch');
}

/** The `sign` DingTalk sends with `timestamp`. */
export function dingTalkSign(appSecret: string, timestamp: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`).digest('base64');
}
