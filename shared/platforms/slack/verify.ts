import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../../errors';

/** Slack's replay window: requests more than five minutes off, either way, are refused. */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v0=([0-9a-f]{64})$/;

export interface SlackVerifyInput {
  signingSecret: string;
  /** Lower-cased request headers. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The exact bytes Slack sent, before any form decoding. */
  rawBody: Buffer;
  nowMs: number;
}

/**
 * Verifies a Slack request signature (chat.md §3.2): `v0=` + hex HMAC-SHA256 of
 * `v0:{timestamp}:{raw body}` keyed by the signing secret, within {@link SLACK_MAX_SKEW_SECONDS}.
 * Throws {@link UnauthenticatedError} whose message is the reason, for the log only.
 *
 * @example
 * verifySlackSignature({ signingSecret, headers: request.headers, rawBody: request.rawBody, nowMs: Date.now() });
 */
export function verifySlackSignature(input: SlackVerifyInput): void {
  const timestamp = input.headers['x-slack-request-timestamp'];
  const signature = input.headers['x-slack-signature'];
  if (timestamp === undefined) throw new UnauthenticatedError('slack signature: missing x-slack-request-timestamp');
  if (signature === undefined) throw new UnauthenticatedError('slack signature: missing x-slack-signature');
  if (!TIMESTAMP.test(timestamp)) throw new UnauthenticatedError('slack signature: malformed timestamp');
  const skew = Math.floor(input.nowMs / 1000) - Number(timestamp);
  if (skew > SLACK_MAX_SKEW_SECONDS) throw new UnauthenticatedError('slack signature: timestamp is more than 5 minutes old');
  if (skew < -SLACK_MAX_SKEW_SECONDS) throw new UnauthenticatedError('slack signature: timestamp is more than 5 minutes in the future');
  const given = SIGNATURE.exec(signature.trim())?.[1];
  if (!given) throw new UnauthenticatedError('slack signature: malformed x-slack-signature');
  const expected = slackSignatureDigest(input.signingSecret, timestamp, input.rawBody);
  if (!timingSafeEqual(Buffer.from(given, 'hex'), expected)) throw new UnauthenticatedError('slack signature: mismatch');
}

/** The raw HMAC digest Slack signs with; `v0=` + its hex is the header value. */
export function slackSignatureDigest(signingSecret: string, timestamp: string, rawBody: Buffer | string): Buffer {
  return createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest();
}
