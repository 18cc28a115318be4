import { createDecipheriv, createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnauthenticatedError } from '../../../../../shared/errors';
import { decryptWeCom, sealWeCom, verifyWeComSignature } from '../../../../../shared/platforms/wecom/verify';
import { cdata, readFlatXml, writeFlatXml } from '../../../../../shared/platforms/wecom/xml';

// The sample of WeCom's own WXBizMsgCrypt documentation (URL verification).
const SAMPLE = {
  token: 'QDG6eK',
  encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corpId: 'wx5823bf96d3bd56c7',
  timestamp: '1409659589',
  nonce: '263014780',
  signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  plain: '1616140317555161061',
};
const AT_SAMPLE_MS = 1_409_659_600_000;

describe('Function: verifyWeComSignature', () => {
  it("accepts the documentation's sample URL verification", () => {
    expect(() =>
      verifyWeComSignature({ token: SAMPLE.token, query: { msg_signature: SAMPLE.signature, timestamp: SAMPLE.timestamp, nonce: SAMPLE.nonce }, encrypted: SAMPLE.echostr, nowMs: AT_SAMPLE_MS }),
    ).not.toThrow();
  });

  it('matches the documented formula, computed here: hex SHA-1 of the sorted, joined token, timestamp, nonce and ciphertext', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 32 }), fc.stringMatching(/^[A-Za-z0-9+/=]{8,64}$/), fc.integer({ min: 0, max: 1e9 }), (token, encrypted, nonce) => {
        const timestamp = '1409659589';
        const expected = createHash('sha1').update([token, timestamp, String(nonce), encrypted].sort().join('')).digest('hex');
        expect(() => verifyWeComSignature({ token, query: { msg_signature: expected, timestamp, nonce: String(nonce) }, encrypted, nowMs: AT_SAMPLE_MS })).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['a tampered ciphertext', { encrypted: `${SAMPLE.echostr.slice(0, -4)}AAA=` }, 'mismatch'],
    ['another token', { token: 'another' }, 'mismatch'],
    ['a stale timestamp', { nowMs: AT_SAMPLE_MS + 10 * 60_000 }, 'more than 5 minutes old'],
    ['no signature', { query: { timestamp: SAMPLE.timestamp, nonce: SAMPLE.nonce } }, 'missing msg_signature'],
    ['no nonce', { query: { msg_signature: SAMPLE.signature, timestamp: SAMPLE.timestamp } }, 'missing timestamp or nonce'],
  ])('refuses %s', (_name, change, reason) => {
    const input = { token: SAMPLE.token, query: { msg_signature: SAMPLE.signature, timestamp: SAMPLE.timestamp, nonce: SAMPLE.nonce }, encrypted: SAMPLE.echostr, nowMs: AT_SAMPLE_MS, ...change };
    expect(() => verifyWeComSignature(input)).toThrow(UnauthenticatedError);
    expect(() => verifyWeComSignature(input)).toThrow(reason);
  });
});

describe('Function: decryptWeCom', () => {
  it("decrypts the documentation's sample echostr for its CorpID", () => {
    expect(decryptWeCom(SAMPLE.encodingAesKey, SAMPLE.echostr, SAMPLE.corpId)).toBe(SAMPLE.plain);
  });

  it('reads the documented layout, decrypted here by hand: random(16) | length (UInt32BE) | message | receiveId', () => {
    const key = Buffer.from(`${SAMPLE.encodingAesKey}=`, 'base64');
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(SAMPLE.echostr, 'base64'), decipher.final()]);
    const length = plain.readUInt32BE(16);
    expect(plain.subarray(20, 20 + length).toString()).toBe(SAMPLE.plain);
    expect(plain.subarray(20 + length, plain.length - (plain.at(-1) ?? 0)).toString()).toBe(SAMPLE.corpId);
  });

  it('refuses a message meant for another corp', () => {
    expect(() => decryptWeCom(SAMPLE.encodingAesKey, SAMPLE.echostr, 'wwsomeoneelse')).toThrow('receiveId is not WECOM_CORP_ID');
  });

  it('refuses text that does not decrypt', () => {
    expect(() => decryptWeCom(SAMPLE.encodingAesKey, 'bm90IGEgY2lwaGVydGV4dA==', SAMPLE.corpId)).toThrow(UnauthenticatedError);
  });

  it('round-trips any message, Chinese and XML included, through seal and decrypt', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 1500 }), (message) => {
        const sealed = sealWeCom({ token: SAMPLE.token, encodingAesKey: SAMPLE.encodingAesKey, receiveId: SAMPLE.corpId, message, timestamp: SAMPLE.timestamp, nonce: SAMPLE.nonce });
        expect(decryptWeCom(SAMPLE.encodingAesKey, sealed.encrypted, SAMPLE.corpId)).toBe(message);
        expect(() => verifyWeComSignature({ token: SAMPLE.token, query: { msg_signature: sealed.signature, timestamp: SAMPLE.timestamp, nonce: SAMPLE.nonce }, encrypted: sealed.encrypted, nowMs: AT_SAMPLE_MS })).not.toThrow();
      }),
      { numRuns: 150 },
    );
  });
});

describe('The flat XML of callbacks', () => {
  it('reads an app callback, CDATA and plain values alike', () => {
    const xml = '<xml><ToUserName><![CDATA[ww1]]></ToUserName><CreateTime>1348831860</CreateTime><Content><![CDATA[trace <a> & b]]></Content><Name>a &amp; b</Name></xml>';
    expect({ ...readFlatXml(xml) }).toEqual({ ToUserName: 'ww1', CreateTime: '1348831860', Content: 'trace <a> & b', Name: 'a & b' });
  });

  it('round-trips any value, "]]>" included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (value) => {
        expect(readFlatXml(writeFlatXml([['Content', value]]))?.Content).toBe(value);
      }),
      { numRuns: 300 },
    );
    expect(cdata('a]]>b')).toBe('<![CDATA[a]]]]><![CDATA[>b]]>');
    expect(readFlatXml(writeFlatXml([['Content', 'x]]>y]]>']]))?.Content).toBe('x]]>y]]>');
  });

  it.each(['<xml><A><B>x</B></A></xml>', 'not xml', '<xml>text</xml>', '<xml><A>1</B></xml>'])('refuses %j rather than half-reading it', (xml) => {
    expect(readFlatXml(xml)).toBeUndefined();
  });
});
