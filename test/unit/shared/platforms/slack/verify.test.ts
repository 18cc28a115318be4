import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../../../../shared/errors';
import { slackSignatureDigest, verifySlackSignature } from '../../../../../shared/platforms/slack/verify';
import { buildSignedSlackCommand, TEST_SLACK_SECRET } from '../../../../builders/build-chat-requests';

// Slack's documented example (chat.md §3.2).
const KAT = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const NOW_SEC = 1_761_364_800;

function verify(headers: Record<string, string | undefined>, body: string, nowSec = NOW_SEC, signingSecret = TEST_SLACK_SECRET) {
  return () => verifySlackSignature({ signingSecret, headers, rawBody: Buffer.from(body), nowMs: nowSec * 1000 });
}

describe('Function: verifySlackSignature', () => {
  describe("Given Slack's known-answer vector", () => {
    it('computes the documented signature', () => {
      expect(`v0=${slackSignatureDigest(KAT.secret, KAT.timestamp, KAT.body).toString('hex')}`).toBe(KAT.signature);
    });

    it('accepts the documented request at its own time', () => {
      const headers = { 'x-slack-request-timestamp': KAT.timestamp, 'x-slack-signature': KAT.signature };
      expect(verify(headers, KAT.body, Number(KAT.timestamp), KAT.secret)).not.toThrow();
    });

    it('rejects it once one byte of the body changes', () => {
      const headers = { 'x-slack-request-timestamp': KAT.timestamp, 'x-slack-signature': KAT.signature };
      expect(verify(headers, KAT.body.replace('text=', 'text=x'), Number(KAT.timestamp), KAT.secret)).toThrow('slack signature: mismatch');
    });
  });

  describe('Given a request signed by the builder', () => {
    it.each([
      ['now', 0],
      ['5 minutes old', 300],
      ['5 minutes ahead', -300],
    ])('accepts a timestamp %s', (_name, ageSec) => {
      const { body, headers } = buildSignedSlackCommand({ text: 'help' }, { timestampSec: NOW_SEC - ageSec });
      expect(verify(headers, body)).not.toThrow();
    });
  });

  describe('Given a bad signature', () => {
    const signed = buildSignedSlackCommand({ text: 'trace orders 0A000C22303918B4AAC244F9ABC301A3' }, { timestampSec: NOW_SEC });
    const stale = buildSignedSlackCommand({ text: 'help' }, { timestampSec: NOW_SEC - 301 });
    const future = buildSignedSlackCommand({ text: 'help' }, { timestampSec: NOW_SEC + 301 });
    const wrongSecret = buildSignedSlackCommand({ text: 'help' }, { timestampSec: NOW_SEC, signingSecret: 'another-signing-secret' });

    it.each([
      ['signed with another secret', wrongSecret.headers, wrongSecret.body, 'slack signature: mismatch'],
      ['over a different body', signed.headers, signed.body.replace('orders', 'refund'), 'slack signature: mismatch'],
      ['more than 5 minutes old (expired)', stale.headers, stale.body, 'more than 5 minutes old'],
      ['more than 5 minutes ahead (future)', future.headers, future.body, 'more than 5 minutes in the future'],
      ['with a signature header and no timestamp (missing)', { ...signed.headers, 'x-slack-request-timestamp': undefined }, signed.body, 'missing x-slack-request-timestamp'],
      ['with a timestamp and no signature (missing)', { ...signed.headers, 'x-slack-signature': undefined }, signed.body, 'missing x-slack-signature'],
      ['with a non-numeric timestamp', { ...signed.headers, 'x-slack-request-timestamp': '1e9' }, signed.body, 'malformed timestamp'],
      ['with a v1 signature', { ...signed.headers, 'x-slack-signature': signed.headers['x-slack-signature']?.replace('v0=', 'v1=') }, signed.body, 'malformed'],
      ['with a truncated signature', { ...signed.headers, 'x-slack-signature': signed.headers['x-slack-signature']?.slice(0, 40) }, signed.body, 'malformed'],
      ['with a re-signed timestamp (replayed with a new time)', { ...signed.headers, 'x-slack-request-timestamp': String(NOW_SEC - 1) }, signed.body, 'mismatch'],
    ])('rejects a request %s', (_name, headers, body, reason) => {
      // Act
      const act = verify(headers as Record<string, string | undefined>, body);
      // Assert
      expect(act).toThrow(UnauthenticatedError);
      expect(act).toThrow(reason);
    });
  });
});
