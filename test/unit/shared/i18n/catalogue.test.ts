import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageIdLines, summaryOf } from '../../../../shared/chat/present';
import { ZH_DOMAIN_TEXTS, ZH_FINDINGS, zhDomainText } from '../../../../shared/i18n/domain-zh';
import { EN, type MessageKey } from '../../../../shared/i18n/messages-en';
import { ZH_CN } from '../../../../shared/i18n/messages-zh-cn';
import { templateNames } from '../../../../shared/i18n/template';
import { CONSUME_STATUS_TABLE, DERIVED_GUIDES } from '../../../../shared/rocketmq5/status-table';
import { SEND_STATUS_TABLE } from '../../../../shared/ons/trace-status-table';
import { PRODUCE_STATUS_TABLE } from '../../../../shared/rocketmq5/status-table';
import { ANSWER_CAVEATS } from '../../../../shared/trace/broker-port';
import { describeCaveats, describeReportCaveat, EXPLORE_CAVEATS } from '../../../../shared/trace/caveats';
import { keyProblem, tagProblem, windowProblems } from '../../../../shared/trace/find-query';
import { FINDING_CODES } from '../../../../shared/trace/findings';
import { decodeMessageId } from '../../../../shared/trace/message-id';
import { guideFor } from '../../../../shared/trace/track-types';
import { decideVerdict } from '../../../../shared/trace/verdict';
import { EN_UTC, ZH_SHANGHAI } from '../../../builders/build-presenter';

const KEYS = Object.keys(EN) as MessageKey[];

describe('The message catalogues', () => {
  it.each(KEYS)('has %s in both languages, with the same parameters', (key) => {
    // zh-CN is typed as a record over every English key; this proves it at run time too.
    expect(Object.hasOwn(ZH_CN, key)).toBe(true);
    expect(ZH_CN[key].trim().length).toBeGreaterThan(0);
    expect(templateNames(ZH_CN[key], { valuesOnly: true })).toEqual(templateNames(EN[key], { valuesOnly: true }));
    // A selector may be dropped (Chinese has no plural), never invented.
    for (const name of templateNames(ZH_CN[key])) expect(templateNames(EN[key])).toContain(name);
  });

  it('has no key in Chinese that English lacks', () => {
    expect(Object.keys(ZH_CN).filter((k) => !Object.hasOwn(EN, k))).toEqual([]);
  });

  it('translates every text that is not a name or a code', () => {
    const untranslatable = new Set(['report.topic', 'help.heading', 'problem.input', 'duration.ms']);
    const same = KEYS.filter((k) => !untranslatable.has(k) && EN[k] === ZH_CN[k]);
    expect(same).toEqual([]);
  });

  it.each(ANSWER_CAVEATS)('words the caveat %s in English exactly as the JSON report does', (code) => {
    expect(EN[`caveat.${code}`]).toBe(describeCaveats([code])[0]?.text);
  });

  it.each(EXPLORE_CAVEATS)('words the find and journey caveat %s in English exactly as the JSON report does', (code) => {
    expect(EN[`caveat.${code}`]).toBe(describeReportCaveat(code).text);
  });
});

describe('What the domain writes in English', () => {
  const guides = [
    ...['CONSUMED', 'CONSUMED_BUT_FILTERED', 'NOT_CONSUME_YET', 'NOT_ONLINE', 'UNKNOWN', 'PULL', 'CONSUME_BROADCASTING', 'SOMETHING_NEW'].map(guideFor),
    ...CONSUME_STATUS_TABLE.values(),
    ...Object.values(DERIVED_GUIDES),
  ];

  it.each(guides.flatMap((g) => [g.meaning, g.advice]))('has Chinese for "%s"', (text) => {
    expect(ZH_DOMAIN_TEXTS.get(text)).toMatch(/[\u4e00-\u9fff]/);
  });

  it('summarises a report in English exactly as the verdict rules do, for any mix of groups', () => {
    const track = fc.record({
      consumerGroup: fc.constantFrom('GID_a', 'GID_b', 'GID_c', 'GID_d'),
      trackType: fc.constantFrom('CONSUMED', 'CONSUMED_BUT_FILTERED', 'NOT_CONSUME_YET', 'NOT_ONLINE', 'UNKNOWN', 'PULL'),
    });
    fc.assert(
      fc.property(fc.array(track, { maxLength: 6 }), (tracks) => {
        const groups = tracks.map((t) => ({ ...t, meaning: '', advice: '' }));
        expect(summaryOf(EN_UTC, { groups })).toBe(decideVerdict(tracks).summary);
        expect(summaryOf(ZH_SHANGHAI, { groups })).toMatch(/[\u4e00-\u9fff]/);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['a 4.x client ID', '0A000C22303918B4AAC244F9ABC301A3'],
    ['a 4.x offset ID', '0A00010100002A9F0000000000000C6B'],
    ['a 5.x ID', '01B42E67F5B4B8B1D9063E4FB900000000'],
  ])('describes %s as the domain does, times in the zone', (_name, id) => {
    const facts = decodeMessageId(id, { producerUtcOffsetMinutes: 480, nowMs: Date.UTC(2025, 9, 25) });
    if (!facts) return;
    const [first] = messageIdLines(EN_UTC, facts);
    expect(first).toBe(`${facts.description}.`);
    const all = messageIdLines(EN_UTC, facts).join(' ');
    if ('approxSentAt' in facts) {
      expect(all).toContain(EN_UTC.time.format(facts.approxSentAt));
      expect(all).toContain(facts.assumption);
    }
    expect(messageIdLines(ZH_SHANGHAI, facts).join(' ')).toMatch(/[\u4e00-\u9fff]/);
  });

  it.each([
    ['"staging" is neither an instance ID (4.x like MQ_INST_1, 5.x like rmq-cn-1) nor a configured alias. Known aliases: prod.', '“staging”既不是实例 ID'],
    ['must be 32 or 56 hex characters (4.x) or "01" followed by 32 hex characters (5.x)', '必须是 32 或 56 位十六进制字符'],
    ['is required', '是必填项'],
  ])('translates the input problem "%s"', (english, chinese) => {
    expect(zhDomainText(english)).toContain(chinese);
  });

  it.each([...new Set([...SEND_STATUS_TABLE.values(), ...PRODUCE_STATUS_TABLE.values()].map((g) => g.text))])("has Chinese for the journey's send status \"%s\"", (text) => {
    expect(zhDomainText(text)).toMatch(/[\u4e00-\u9fff]/);
  });

  it('translates every verdict summary a find or a journey carries, for any mix of groups', () => {
    const track = fc.record({
      consumerGroup: fc.constantFrom('GID_a', 'GID_b', 'GID_c'),
      trackType: fc.constantFrom('CONSUMED', 'CONSUMED_BUT_FILTERED', 'NOT_CONSUME_YET', 'NOT_ONLINE', 'UNKNOWN'),
    });
    fc.assert(
      fc.property(fc.array(track, { maxLength: 5 }), (tracks) => {
        expect(zhDomainText(decideVerdict(tracks).summary)).toMatch(/[\u4e00-\u9fff]/);
      }),
      { numRuns: 300 },
    );
  });

  it("translates find's input problems, as the parser and the window check word them", () => {
    const now = Date.UTC(2026, 11, 1, 10);
    const problems = [
      keyProblem('k'.repeat(200)),
      keyProblem('two keys'),
      tagProblem('a|b'),
      ...windowProblems(now + 3_600_000, now + 7_200_000, now).map((i) => i.message),
      ...windowProblems(now, now - 1, now).map((i) => i.message),
      ...windowProblems(now - 3 * 86_400_000, now, now).map((i) => i.message),
    ];
    expect(problems.length).toBeGreaterThanOrEqual(6);
    for (const problem of problems) expect(zhDomainText(problem ?? '')).toMatch(/[\u4e00-\u9fff]/);
  });

  it.each([
    'The trace query task was still working when the time ran out (after 3 poll(s)); ask again in a few seconds: the same task is polled, no new one is created.',
    'The trace query was refused: OnsTraceQueryByMsgId is not permitted. The verdict above still stands.',
    'The trace query failed (UPSTREAM_TIMEOUT): the endpoint did not answer in time. The verdict above still stands.',
    'The time ran out after 4 message(s). Narrow the window (from/to), filter by tag, or raise limit (at most 50).',
    "The account's rate budget ran out after 2 message(s): ask again in a minute. Search a time window instead (from/to, e.g. the hour it was sent), or raise limit (at most 50).",
    'Stopped at 20 message(s). Search a time window instead (from/to, e.g. the hour it was sent), or raise limit (at most 50).',
    'Could not be checked: the endpoint did not answer in time.',
  ])('translates the journey or find sentence "%s"', (english) => {
    const chinese = zhDomainText(english);
    expect(chinese).toMatch(/[\u4e00-\u9fff]/);
    // The hint inside a cut-short find is translated too.
    expect(chinese).not.toMatch(/Narrow|Search|ran out|Stopped/);
  });

  it('leaves a sentence it has no Chinese for as it is, rather than inventing one', () => {
    expect(zhDomainText('A sentence nobody translated.')).toBe('A sentence nobody translated.');
  });

  it.each(FINDING_CODES)('writes the %s finding in Chinese', (code) => {
    const finding = { code, severity: 'INFO' as const, group: 'GID_x', title: 't', detail: 'd', evidence: { reconsumeTimes: 3, totalDiff: 10, delayMs: 1000, clients: 2, clientsExcluding: ['c1'], tag: 'a' } };
    const words = { duration: (ms: number) => `${ms} 毫秒`, count: String, time: (iso: string) => iso, list: (l: readonly string[]) => l.join('、') };
    const text = ZH_FINDINGS[code](finding, words);
    expect(`${text.title}${text.detail}`).toMatch(/[\u4e00-\u9fff]/);
  });
});
