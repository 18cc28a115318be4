import fc from 'fast-check';
import { EN_UTC } from '../builders/build-presenter';
import { describe, expect, it } from 'vitest';
import { dingTalkSign, DINGTALK_MAX_SKEW_MS, verifyDingTalkSignature } from '../../shared/platforms/dingtalk/verify';
import { parseChatCommand } from '../../shared/chat/parse-command';
import { decryptFeishu, verifyFeishuSignature } from '../../shared/platforms/feishu/verify';
import { decryptWeCom, verifyWeComSignature } from '../../shared/platforms/wecom/verify';
import { readFlatXml } from '../../shared/platforms/wecom/xml';
import { slackSignatureDigest, SLACK_MAX_SKEW_SECONDS, verifySlackSignature } from '../../shared/platforms/slack/verify';
import { parseAppConfig } from '../../shared/config/app-config-schema';
import { ConfigError, InvalidInputError, UnauthenticatedError } from '../../shared/errors';
import { parsePayloadChecks } from '../../shared/spot-check/check-schema';

// At least 10,000 generated cases per parser (issue: reliability suite).
const RUNS = 10_000;
const NOW_MS = Date.parse('2026-11-25T06:00:00Z');
const SECRET = 'fuzz-signing-secret-0123456789';
const text = fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }));

/** Runs `fn`; anything thrown must be one of `allowed`. */
function throwsOnly(fn: () => unknown, ...allowed: Array<new (...args: never[]) => Error>): void {
  try {
    fn();
  } catch (error) {
    expect(allowed.some((type) => error instanceof type), String(error)).toBe(true);
  }
}

describe('Fuzzing: chat commands, signatures, the config document and timer payloads', () => {
  it('chat commands: any text parses to trace, help or invalid, never throws', () => {
    const words = fc.array(fc.oneof(text, fc.constantFrom('trace', 'help', 'why', '为什么', '--public', '<@U123>', '<mailto:a@b.c|a@b.c>', '\u3000', '“orders”')), { maxLength: 8 });
    fc.assert(
      fc.property(fc.oneof(text, words.map((w) => w.join(' '))), (input) => {
        const parsed = parseChatCommand(input);
        expect(['trace', 'help', 'invalid']).toContain(parsed.name);
        if (parsed.name === 'invalid') expect(EN_UTC.loose(parsed.problem).length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('Slack signatures: random headers and bodies are refused with UnauthenticatedError only', () => {
    const headers = fc.record(
      { 'x-slack-request-timestamp': fc.oneof(text, fc.integer().map(String)), 'x-slack-signature': fc.oneof(text, fc.stringMatching(/^[0-9a-f]{0,64}$/).map((h) => `v0=${h}`)) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(headers, text, (h, body) => {
        expect(() => verifySlackSignature({ signingSecret: SECRET, headers: h, rawBody: Buffer.from(body), nowMs: NOW_MS })).toThrow(UnauthenticatedError);
      }),
      { numRuns: RUNS },
    );
  });

  it('Slack timestamps: a correct signature passes exactly within ±5 minutes', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: -2 * SLACK_MAX_SKEW_SECONDS, max: 2 * SLACK_MAX_SKEW_SECONDS }), (body, skew) => {
        const timestamp = String(Math.floor(NOW_MS / 1000) + skew);
        const signature = `v0=${slackSignatureDigest(SECRET, timestamp, body).toString('hex')}`;
        const verify = () =>
          verifySlackSignature({ signingSecret: SECRET, headers: { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature }, rawBody: Buffer.from(body), nowMs: NOW_MS });
        if (Math.abs(skew) <= SLACK_MAX_SKEW_SECONDS - 1) expect(verify).not.toThrow();
        if (Math.abs(skew) > SLACK_MAX_SKEW_SECONDS + 1) expect(verify).toThrow(UnauthenticatedError);
      }),
      { numRuns: RUNS },
    );
  });

  it('Feishu and WeCom: random headers, queries and ciphertexts are refused with UnauthenticatedError only', () => {
    const headers = fc.record(
      { 'x-lark-request-timestamp': fc.oneof(text, fc.integer().map(String)), 'x-lark-request-nonce': text, 'x-lark-signature': fc.oneof(text, fc.stringMatching(/^[0-9a-f]{64}$/)) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(headers, text, fc.base64String(), (h, body, blob) => {
        expect(() => verifyFeishuSignature({ encryptKey: SECRET, headers: h, rawBody: Buffer.from(body), nowMs: NOW_MS })).toThrow(UnauthenticatedError);
        // A random blob may, very rarely, decrypt to valid UTF-8; what matters is that nothing else is thrown.
        try {
          expect(typeof decryptFeishu(SECRET, blob)).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(UnauthenticatedError);
        }
        const query = { msg_signature: h['x-lark-signature'], timestamp: String(Math.floor(NOW_MS / 1000)), nonce: body };
        expect(() => verifyWeComSignature({ token: SECRET, query, encrypted: blob, nowMs: NOW_MS })).toThrow(UnauthenticatedError);
        expect(() => decryptWeCom('testEncodingAesKey0123456789abcdefghijklmno', blob, 'wwcorp')).toThrow(UnauthenticatedError);
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('WeCom callback XML: any text reads as a flat document or as nothing, never throws', () => {
    const xmlish = fc.array(fc.oneof(text, fc.constantFrom('<xml>', '</xml>', '<A>', '</A>', '<![CDATA[', ']]>', '&amp;', '<B/>')), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(text, xmlish), (input) => {
        const read = readFlatXml(input);
        expect(read === undefined || typeof read === 'object').toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('DingTalk signatures and timestamps: only a correct sign within an hour passes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2 * DINGTALK_MAX_SKEW_MS, max: 2 * DINGTALK_MAX_SKEW_MS }),
        fc.option(text, { nil: undefined }),
        fc.boolean(),
        (skew, junkSign, signCorrectly) => {
          const timestamp = String(NOW_MS + skew);
          const sign = signCorrectly ? dingTalkSign(SECRET, timestamp) : junkSign;
          const verify = () => verifyDingTalkSignature({ appSecret: SECRET, headers: { timestamp, sign }, nowMs: NOW_MS });
          if (signCorrectly && Math.abs(skew) < DINGTALK_MAX_SKEW_MS - 1000) expect(verify).not.toThrow();
          else if (!signCorrectly || Math.abs(skew) > DINGTALK_MAX_SKEW_MS + 1000) expect(verify).toThrow(UnauthenticatedError);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the config document: a ConfigError that never repeats a value, or a config', () => {
    const marker = 'VAL§';
    const leaf = fc.oneof(fc.string({ maxLength: 20 }).map((s) => `${marker}${s}`), fc.integer(), fc.boolean(), fc.constant(null));
    const doc = fc.oneof(
      fc.anything(),
      fc.dictionary(
        fc.constantFrom('aliases', 'defaultInstance', 'scopes', 'http', 'slack', 'dingtalk', 'extra'),
        fc.oneof(leaf, fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(leaf, fc.array(leaf, { maxLength: 3 })), { maxKeys: 3 }), fc.array(fc.dictionary(fc.string({ maxLength: 8 }), leaf, { maxKeys: 4 }), { maxLength: 3 })),
        { maxKeys: 5 },
      ),
    );
    fc.assert(
      fc.property(doc, (document) => {
        try {
          parseAppConfig(document);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as Error).message).not.toContain(marker);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('timer payloads: checks or an InvalidInputError, never anything else', () => {
    const check = fc.record(
      {
        name: fc.oneof(text, fc.constant('orders')),
        instanceId: fc.oneof(text, fc.constant('MQ_INST_1234567890123456_BXdemo01')),
        topic: fc.oneof(text, fc.constant('orders')),
        expectGroups: fc.array(text, { maxLength: 3 }),
        sample: fc.oneof(fc.integer({ min: -5, max: 80 }), text),
        minAgeSeconds: fc.oneof(fc.integer(), fc.double()),
        lookbackMinutes: fc.integer(),
        msgIds: fc.array(fc.oneof(text, fc.stringMatching(/^[0-9A-F]{32}$/)), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    const payload = fc.oneof(text, fc.json(), fc.array(check, { maxLength: 4 }).map((checks) => JSON.stringify({ checks })), fc.anything().map((a) => JSON.stringify({ checks: a }) ?? ''));
    fc.assert(
      fc.property(payload, (p) => {
        throwsOnly(() => parsePayloadChecks(p), InvalidInputError);
      }),
      { numRuns: RUNS },
    );
  });
});
