import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../../../../shared/errors';
import { dingTalkSign, verifyDingTalkSignature } from '../../../../../shared/platforms/dingtalk/verify';
import { TEST_DINGTALK_SECRET } from '../../../../builders/build-chat-requests';
import { signDingTalkRequest } from '../../../../../local/fakes/chat-signing';

const NOW_MS = 1_761_364_800_000;
const HOUR = 3_600_000;

const verify = (headers: Record<string, string | undefined>, appSecret = TEST_DINGTALK_SECRET) => () =>
  verifyDingTalkSignature({ appSecret, headers, nowMs: NOW_MS });

describe('Function: verifyDingTalkSignature', () => {
  it('reproduces the vector computed in chat.md §1.1', () => {
    expect(dingTalkSign('this is secret', '1577262236757')).toBe('hmPWwU+7lVdm3ZZz0r9tSfx0L4Q26jWOZr9+Gs6EZQM=');
  });

  it.each([
    ['now', 0],
    ['59 minutes old', 59 * 60_000],
    ['an hour old', HOUR],
    ['an hour ahead', -HOUR],
  ])('accepts a sign whose timestamp is %s', (_name, age) => {
    expect(verify(signDingTalkRequest({ appSecret: TEST_DINGTALK_SECRET, timestampMs: NOW_MS - age }))).not.toThrow();
  });

  const good = signDingTalkRequest({ appSecret: TEST_DINGTALK_SECRET, timestampMs: NOW_MS });
  it.each([
    ['made with another secret', signDingTalkRequest({ appSecret: 'SECanother', timestampMs: NOW_MS }), 'mismatch'],
    ['more than an hour old (expired)', signDingTalkRequest({ appSecret: TEST_DINGTALK_SECRET, timestampMs: NOW_MS - HOUR - 1 }), 'more than 1 hour old'],
    ['more than an hour ahead (future)', signDingTalkRequest({ appSecret: TEST_DINGTALK_SECRET, timestampMs: NOW_MS + HOUR + 1 }), 'in the future'],
    ['replayed with another timestamp', { ...good, timestamp: String(NOW_MS - 1000) }, 'mismatch'],
    ['without a sign (missing)', { ...good, sign: undefined }, 'missing sign'],
    ['without a timestamp (missing)', { ...good, timestamp: undefined }, 'missing timestamp'],
    ['in seconds instead of ms', { ...good, timestamp: String(NOW_MS / 1000) }, 'more than 1 hour old'],
    ['of the wrong length', { ...good, sign: `${good.sign}AA` }, 'mismatch'],
    ['with a malformed timestamp', { ...good, timestamp: 'now' }, 'malformed timestamp'],
  ])('rejects a sign %s', (_name, headers, reason) => {
    const act = verify(headers as Record<string, string | undefined>);
    expect(act).toThrow(UnauthenticatedError);
    expect(act).toThrow(reason);
  });
});
