import { describe, expect, it } from 'vitest';
import { normaliseChatText, parseChatCommand, type ParsedCommand } from '../../../../shared/chat/parse-command';
import { EN_UTC, ZH_SHANGHAI } from '../../../builders/build-presenter';

/** The parse as the old flat shape, for readable expectations. */
const flat = (parsed: ParsedCommand) =>
  'args' in parsed ? { name: parsed.name, instance: undefined, ...parsed.args, why: parsed.switches.has('why'), flags: parsed.flags } : parsed.name === 'invalid' ? { ...parsed, problem: EN_UTC.loose(parsed.problem) } : parsed;

const MSG = '0A000C22303918B4AAC244F9ABC301A3';
const INST = 'MQ_INST_1234567890123456_BXdemo01';

describe('Function: parseChatCommand', () => {
  describe('Given a well-formed trace command', () => {
    it.each([
      ['plain', `trace orders ${MSG}`],
      ['with extra whitespace and tabs', `   trace\t\torders    ${MSG}   `],
      ["with DingTalk's leading space", ` trace orders ${MSG}`],
      ['with an upper-case command word', `TRACE orders ${MSG}`],
      ['with a lower-case message ID', `trace orders ${MSG.toLowerCase()}`],
      ['with a Slack user mention', `<@U024BE7LH> trace orders ${MSG}`],
      ['with a Slack mention carrying a name', `<@U024BE7LH|mqtrace> trace orders ${MSG}`],
      ['with a DingTalk @-mention', `@mqtrace trace orders ${MSG}`],
      ['with an @-mention of someone else in the middle', `trace @张三 orders ${MSG}`],
      ['with full-width spaces', `trace\u3000orders\u3000${MSG}`],
      ['with full-width letters', `ｔｒａｃｅ ｏｒｄｅｒｓ ${MSG}`],
      ['with smart quotes', `trace “orders” ‘${MSG}’`],
      ['with corner brackets', `trace 「orders」 ${MSG}`],
      ['with backticks around the ID', `trace orders \`${MSG}\``],
      ['with a zero-width space', `trace or\u200Bders ${MSG}`],
      ['with trailing punctuation', `trace orders ${MSG}.`],
      ['with a non-breaking space', `trace\u00A0orders ${MSG}`],
    ])('parses it %s', (_name, text) => {
      // Act
      const parsed = parseChatCommand(text);
      // Assert
      expect(flat(parsed)).toMatchObject({ name: 'trace', topic: 'orders', msgId: MSG });
      expect(parsed.name === 'trace' && parsed.args.instance).toBeUndefined();
    });

    it('keeps the instance argument as typed, for alias resolution later', () => {
      expect(flat(parseChatCommand(`trace orders ${MSG} prod`))).toMatchObject({ name: 'trace', instance: 'prod' });
      expect(flat(parseChatCommand(`trace orders ${MSG} ${INST}`))).toMatchObject({ name: 'trace', instance: INST });
    });

    it("undoes Slack's auto-linking of words that look like URLs or e-mail addresses", () => {
      expect(flat(parseChatCommand(`trace <http://orders|orders> ${MSG} <mailto:prod@x.io|prod@x.io>`))).toMatchObject({ topic: 'orders', instance: 'prod@x.io' });
      expect(flat(parseChatCommand(`trace orders ${MSG} <https://example.com>`))).toMatchObject({ instance: 'https://example.com' });
    });

    it.each([
      ['--public', '--public'],
      ['an em dash from smart punctuation', '\u2014public'],
      ['an en dash', '\u2013public'],
      ['upper case', '--PUBLIC'],
    ])('reads the public flag written as %s', (_name, flag) => {
      const parsed = parseChatCommand(`trace orders ${MSG} ${flag}`);
      expect(parsed.name).toBe('trace');
      expect(parsed.name === 'trace' && [...parsed.flags]).toEqual(['--public']);
    });
  });

  describe('Given --fresh', () => {
    it.each([
      ['--fresh', true],
      ['\u2014fresh (a phone’s em dash)', true],
      ['nothing', false],
    ])('reads %s as fresh: %s', (flag, fresh) => {
      const parsed = parseChatCommand(`trace orders ${MSG} ${flag === 'nothing' ? '' : flag.split(' ')[0]} why`);
      expect(flat(parsed)).toMatchObject({ name: 'trace', why: true });
      expect(parsed.name === 'trace' && parsed.flags.has('--fresh')).toBe(fresh);
    });
  });

  describe('Given a request for help', () => {
    it.each(['', '   ', 'help', 'HELP', '?', '--help', '-h', '帮助', '@mqtrace', '<@U024BE7LH>', `trace --help`])('answers %j with help', (text) => {
      expect(parseChatCommand(text)).toEqual({ name: 'help' });
    });
  });

  describe('Given a malformed command', () => {
    it.each([
      ['an unknown command', 'search orders x', 'Unknown command "search". Commands: trace, find, journey, help.'],
      ['no arguments', 'trace', 'Missing topic and msgId.'],
      ['no message ID', 'trace orders', 'Missing msgId.'],
      ['the topic left out', 'trace 0A000C22303918B4AAC244F9ABC301A3', 'Missing topic: "0A000C22303918B4AAC244F9ABC301A3" looks like the msgId; write trace <topic> <msgId>.'],
      ['too many words', `trace orders ${MSG} prod extra`, 'Too many words: "trace" takes at most 3 plus "why" (got 4).'],
      ['a bad message ID', 'trace orders 12345', 'msgId "12345" must be 32 or 56 hex characters'],
      ['a comma-separated list', `trace orders ${MSG},${MSG}`, 'holds a comma-separated list'],
      ['a bad topic', `trace ord$ers ${MSG}`, 'topic "ord$ers" may contain only letters'],
      ['an unknown option', `trace orders ${MSG} --loud`, 'Unknown option --loud.'],
    ])('explains %s', (_name, text, problem) => {
      // Act
      const parsed = parseChatCommand(text);
      // Assert
      expect(parsed.name).toBe('invalid');
      expect(parsed.name === 'invalid' && EN_UTC.loose(parsed.problem)).toContain(problem);
    });

    it('never throws and clips what it echoes, whatever the input', () => {
      for (const text of ['\u0000', '<<<>>>', '<@', 'trace <', `x${'y'.repeat(5000)}`, 'trace \uD800 orders', '&lt;script&gt;']) {
        const parsed = parseChatCommand(text);
        expect(['help', 'invalid', 'trace']).toContain(parsed.name);
        if (parsed.name === 'invalid') expect(EN_UTC.loose(parsed.problem).length).toBeLessThan(200);
      }
    });
  });
});

describe('Function: normaliseChatText', () => {
  it('unescapes the HTML entities Slack sends and drops channel and broadcast mentions', () => {
    expect(normaliseChatText('a &lt;b&gt; &amp; <#C123|general> <!here> c')).toBe('a <b> & c');
  });
});

describe('Function: parseChatCommand (why)', () => {
  it.each([
    ['lower case', `trace orders ${MSG} why`, undefined],
    ['upper case with a question mark', `trace orders ${MSG} WHY?`, undefined],
    ['in Chinese, with a full-width question mark', `trace orders ${MSG} 为什么？`, undefined],
    ['after the instance', `trace orders ${MSG} ${INST} Why`, INST],
    ['before the instance', `trace orders ${MSG} why ${INST}`, INST],
  ])('asks for the explanation when written %s', (_name, text, instance) => {
    expect(flat(parseChatCommand(text))).toMatchObject({ name: 'trace', topic: 'orders', msgId: MSG, instance, why: true });
  });

  it('does not ask for it without the word', () => {
    expect(flat(parseChatCommand(`trace orders ${MSG} ${INST}`))).toMatchObject({ name: 'trace', instance: INST, why: false });
  });

  it('reads "why" in the topic position as the topic, not as the switch', () => {
    expect(flat(parseChatCommand(`trace why ${MSG}`))).toMatchObject({ name: 'trace', topic: 'why', msgId: MSG, why: false });
  });

  it('refuses a second "why" as an extra word', () => {
    expect(flat(parseChatCommand(`trace orders ${MSG} ${INST} why why extra`))).toMatchObject({ name: 'invalid', problem: expect.stringContaining('Too many words') });
  });
});

describe('Function: parseChatCommand (Chinese)', () => {
  it.each([
    ['查询 for trace', `查询 orders ${MSG}`, false],
    ['追踪 for trace', `追踪 orders ${MSG} 为什么`, true],
    ['原因 for why', `trace orders ${MSG} 原因`, true],
  ])('reads %s', (_name, text, why) => {
    expect(flat(parseChatCommand(text))).toMatchObject({ name: 'trace', topic: 'orders', msgId: MSG, why });
  });

  it('reads 帮助 and a full-width question mark as help', () => {
    expect(parseChatCommand('帮助')).toEqual({ name: 'help' });
    expect(parseChatCommand('？')).toEqual({ name: 'help' });
  });

  it('words its problems in Chinese for a zh-CN reader', () => {
    const parsed = parseChatCommand('trace orders');
    expect(parsed.name === 'invalid' && ZH_SHANGHAI.loose(parsed.problem)).toBe('缺少 msgId。');
    const bad = parseChatCommand('trace orders 12345');
    expect(bad.name === 'invalid' && ZH_SHANGHAI.loose(bad.problem)).toContain('必须是 32 或 56 位十六进制字符');
  });
});

describe('Function: parseChatCommand (find and journey)', () => {
  const MSG_ID = '0A000C2435F118B4AAC2452C4E120104';

  it.each([
    ['a key', 'find orders key:order-20261201-0042', { topic: 'orders', key: 'order-20261201-0042', instance: undefined }],
    ['a key and an instance', 'find orders key:Order-42 prod', { key: 'Order-42', instance: 'prod' }],
    ['a relative window', 'find orders -1h..now', { from: '-1h', to: 'now' }],
    ['an ISO window, a tag and an instance', 'find orders 2026-12-01T09:00Z..2026-12-01T10:00Z tag:order-paid rmq-cn-demo5x0001', { from: '2026-12-01T09:00Z', to: '2026-12-01T10:00Z', tag: 'order-paid', instance: 'rmq-cn-demo5x0001' }],
    ['smart quotes and a full-width colon', '“find” orders key：order-1', { key: 'order-1' }],
    ['its Chinese form', '查找 orders key:order-1', { topic: 'orders', key: 'order-1' }],
  ])('reads %s', (_name, text, expected) => {
    const parsed = parseChatCommand(text);
    expect(flat(parsed)).toMatchObject({ name: 'find', ...expected });
    // A find takes a key or a window, never both.
    expect(parsed.name === 'find' && (parsed.args.key === undefined) !== (parsed.args.from === undefined)).toBe(true);
  });

  it.each([
    ['no query', 'find orders', 'Missing the key or the window'],
    ['a bare word where the key goes', 'find orders order-42', 'did you mean key:order-42?'],
    ['a key and a window', 'find orders key:k -1h..now', 'Give one key, or one window, not both.'],
    ['a key with the tag filter', 'find orders key:k tag:paid', 'filters a time window only'],
    ['a time that is not one', 'find orders yesterday..now', 'from "yesterday" is not a time'],
    ['a key over the limit', `find orders key:${'k'.repeat(129)}`, 'RocketMQ message keys are at most 128'],
    ['too many words', 'find orders -1h..now prod extra', 'Too many words'],
    ['a bad topic', 'find ord$ers key:k', 'topic "ord$ers" may contain only letters'],
  ])('explains %s', (_name, text, problem) => {
    const parsed = parseChatCommand(text);
    expect(parsed).toMatchObject({ name: 'invalid', command: 'find' });
    expect(parsed.name === 'invalid' && EN_UTC.loose(parsed.problem)).toContain(problem);
    // Every problem has its Chinese wording too.
    expect(parsed.name === 'invalid' && ZH_SHANGHAI.loose(parsed.problem)).toMatch(/[\u4e00-\u9fff]/);
  });

  it('reads journey and its alias 轨迹, with an optional instance', () => {
    expect(flat(parseChatCommand(`journey orders ${MSG_ID.toLowerCase()}`))).toMatchObject({ name: 'journey', topic: 'orders', msgId: MSG_ID, instance: undefined });
    expect(flat(parseChatCommand(`轨迹 orders ${MSG_ID} prod --public`))).toMatchObject({ name: 'journey', msgId: MSG_ID, instance: 'prod' });
    expect(parseChatCommand('journey orders nope')).toMatchObject({ name: 'invalid', command: 'journey' });
  });
});
