import { describe, expect, it } from 'vitest';
import { diagnosisSections, keyEvidence } from '../../../../shared/chat/diagnosis-sections';
import { DINGTALK_MAX_BYTES, escapeDingTalk, renderDingTalkMessage } from '../../../../shared/platforms/dingtalk/render-chat';
import { SLACK_LIMITS, type SlackBlock } from '../../../../shared/platforms/slack/block-kit';
import { renderSlackMessage } from '../../../../shared/platforms/slack/render-chat';
import { buildRenderView, EN_UTC, ZH_SHANGHAI } from '../../../builders/build-presenter';
import type { Diagnosis, Finding, SkippedCheck } from '../../../../shared/trace/report-schema';
import { buildTraceReport, TRACKS_BY_VERDICT } from '../../../builders/build-trace-report';

const finding = (code: Finding['code'], severity: Finding['severity'], evidence: Finding['evidence'], group = 'GID_shipping'): Finding => ({
  code,
  severity,
  group,
  title: `${code} title for ${group}`,
  detail: `${code} detail: what it means and what to do about it.`,
  evidence,
});

/** One finding of each kind, with the evidence the rules in findings.ts attach, and the numbers each must show. */
const EACH_KIND: Array<[Finding, string[]]> = [
  [finding('BACKLOG', 'WARNING', { topic: 'orders', totalDiff: 1234, delayMs: 125_000, consumeTps: 12, lastConsumedBornAt: null, messageBornAt: null }), ['backlog 1,234 messages', 'delay 2 min 5 s', '12 msg/s']],
  [finding('IN_DLQ', 'CRITICAL', { trackType: 'NOT_CONSUME_YET', reconsumeTimes: 16, deadLetteredAt: '2025-10-25T03:00:00.000Z' }), ['retries 16', 'dead-lettered 2025-10-25 03:00:00 UTC']],
  [finding('GROUP_OFFLINE', 'CRITICAL', { trackType: 'NOT_ONLINE', online: false, connectedClients: 0, lastConsumedBornAt: '2025-10-24T22:00:00.000Z' }), ['connected clients 0', 'last consumed message born 2025-10-24 22:00:00 UTC']],
  [finding('TAG_NOT_SUBSCRIBED', 'CRITICAL', { topic: 'orders', tag: 'order-refunded', clients: 3, clientsExcluding: ['c1', 'c2'], expressions: ['order-created || order-paid'] }), ['tag "order-refunded"', 'expressions order-created || order-paid', '2 of 3 clients exclude it']],
  [finding('SUBSCRIPTIONS_INCONSISTENT', 'CRITICAL', { subscriptionSame: false, clients: 2, subscriptions: ['c1: orders=*', 'c2: orders=a'] }), ['clients 2', 'c1: orders=*; c2: orders=a']],
  [finding('REBALANCE_NOT_OK', 'WARNING', { rebalanceOk: false, clients: 4, consumeModel: 'CLUSTERING' }), ['clients 4', 'model CLUSTERING']],
  [finding('MESSAGE_TOO_RECENT', 'INFO', { bornAt: '2025-10-25T03:59:59.000Z', ageMs: 950, offsetCommitIntervalMs: 5000, waitingGroups: ['GID_a', 'GID_b'] }), ['age 950 ms', 'waiting GID_a, GID_b']],
  [finding('RECONSUMED', 'WARNING', { reconsumeTimes: 3, consumedBy: ['GID_billing'] }), ['retries 3', 'consumed by GID_billing']],
  [finding('NO_CAUSE_FOUND', 'INFO', { trackType: 'NOT_CONSUME_YET', online: true, connectedClients: 2, totalDiff: 0, inDlq: false, statusChecked: true }), ['connected clients 2', 'backlog 0 messages']],
];

const MARKERS = { CRITICAL: [':red_circle:', '🔴'], WARNING: [':large_orange_circle:', '🟠'], INFO: [':large_blue_circle:', '🔵'] } as const;

const diagnosisOf = (findings: Finding[], skippedChecks: SkippedCheck[] = []): Diagnosis => ({
  message: { tag: 'order-refunded', keys: ['order-42'], bornAt: '2025-10-25T03:58:00.000Z', bornHost: '10.0.12.35:51234', storedAt: null, storeHost: null, reconsumeTimes: 0 },
  findings,
  skippedChecks,
});

const VIEW = buildRenderView();

const slackText = (blocks: SlackBlock[]) => blocks.map((b) => (b.type === 'section' ? b.text.text : b.type === 'context' ? b.elements.map((e) => e.text).join('') : '')).join('\n');

describe('Function: keyEvidence', () => {
  it.each(EACH_KIND.map(([f, expected]) => [f.code, f, expected] as const))('picks the key numbers of %s', (_code, f, expected) => {
    expect(keyEvidence(EN_UTC, f)).toEqual(expected);
  });
});

describe('Function: diagnosisSections, rendered by both platforms', () => {
  describe.each(EACH_KIND.map(([f, expected]) => [f.code, f, expected] as const))('Given a %s finding', (_code, f, expected) => {
    it('renders the severity marker, title, detail and key evidence on Slack', async () => {
      // Arrange
      const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
      // Act
      const message = renderSlackMessage({ kind: 'report', report: { ...report, diagnosis: diagnosisOf([f]) } }, VIEW);
      // Assert
      const text = slackText(message.blocks);
      expect(text).toContain(`${MARKERS[f.severity][0]} *${f.title}*\n${f.detail}\n_${expected.join(' · ')}_`);
      expect(text).toContain('*Why*\nMessage: tag "order-refunded" · keys order-42 · born 2025-10-25 03:58:00 UTC on 10.0.12.35:51234');
    });

    it('renders the same on DingTalk as one list line', async () => {
      const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
      const { text } = renderDingTalkMessage({ kind: 'report', report: { ...report, diagnosis: diagnosisOf([f]) } }, VIEW, { staffId: undefined }).markdown;
      expect(text).toContain('#### Why');
      expect(text).toContain(`- ${MARKERS[f.severity][1]} **${f.title}** ${f.detail} *(${escapeDingTalk(expected.join(' · '))})*`);
    });
  });

  describe('Given a partial diagnosis', () => {
    const skipped: SkippedCheck[] = [
      { check: 'MESSAGE_DETAIL', reason: 'PERMISSION_DENIED', upstreamCode: 'Forbidden.RAM', detail: 'ONS refused the call (Forbidden.RAM)' },
      { check: 'CONSUMER_ACCUMULATE', group: 'GID_shipping', reason: 'THROTTLED', detail: 'local rate limit: no slot before the deadline' },
    ];
    const diagnosis: Diagnosis = { ...diagnosisOf([]), message: null, skippedChecks: skipped };

    it('lists each skipped check as "could not check X (reason)" on Slack', async () => {
      const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
      const text = slackText(renderSlackMessage({ kind: 'report', report: { ...report, diagnosis: diagnosis } }, VIEW).blocks);
      expect(text).toContain('*Why*\nNo finding from the checks that ran.');
      expect(text).toContain("*Not checked (partial diagnosis)*\n:white_circle: *could not check the message's stored details (PERMISSION_DENIED Forbidden.RAM)*");
      expect(text).toContain(":white_circle: *could not check GID_shipping's backlog (THROTTLED)*\nlocal rate limit: no slot before the deadline");
    });

    it('lists the same on DingTalk', async () => {
      const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
      const { text } = renderDingTalkMessage({ kind: 'report', report: { ...report, diagnosis: diagnosis } }, VIEW, { staffId: undefined }).markdown;
      expect(text).toContain('#### Not checked (partial diagnosis)');
      expect(text).toContain("- ⚪ **could not check the message's stored details (PERMISSION_DENIED Forbidden.RAM)** ONS refused the call (Forbidden.RAM)");
      expect(text).toContain("- ⚪ **could not check GID_shipping's backlog (THROTTLED)**");
    });
  });

  it('says there is nothing to explain when a complete diagnosis found nothing', () => {
    expect(diagnosisSections(EN_UTC, diagnosisOf([]))).toEqual([expect.objectContaining({ title: 'Why', lines: [expect.any(String), 'Nothing to explain: no check found a problem.'], items: [] })]);
  });

  describe('Given more findings than a message can hold', () => {
    const many = Array.from({ length: 120 }, (_v, i) => finding('BACKLOG', 'WARNING', { totalDiff: 1000 + i, delayMs: 60_000, consumeTps: 1 }, `GID_group_${i}`));

    it('cuts the Slack section to 3,000 characters, ending in "… and N more findings", within 50 blocks', async () => {
      const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
      const message = renderSlackMessage({ kind: 'report', report: { ...report, diagnosis: diagnosisOf(many) } }, VIEW);
      const why = message.blocks.find((b): b is Extract<SlackBlock, { type: 'section' }> => b.type === 'section' && b.text.text.startsWith('*Why*'));
      expect(why?.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      const shown = (why?.text.text.match(/:large_orange_circle:/g) ?? []).length;
      expect(shown).toBeGreaterThan(3);
      expect(why?.text.text.endsWith(`_… and ${many.length - shown} more findings_`)).toBe(true);
      expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    });

    it('cuts the DingTalk list within its byte budget, ending in "… and N more findings"', async () => {
      const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
      const { text } = renderDingTalkMessage({ kind: 'report', report: { ...report, diagnosis: diagnosisOf(many) } }, VIEW, { staffId: 'manager4220' }).markdown;
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(DINGTALK_MAX_BYTES);
      const shown = (text.match(/🟠/g) ?? []).length;
      expect(shown).toBeGreaterThan(3);
      expect(text).toContain(`- *… and ${many.length - shown} more findings*`);
      expect(text).toContain('#### Caveats');
    });
  });
});

describe('Function: diagnosisSections (Chinese)', () => {
  it.each(EACH_KIND.map(([f]) => [f.code, f] as const))('writes the %s finding in Chinese from its code and evidence, times in UTC+8', (_code, f) => {
    // Act
    const [why] = diagnosisSections(ZH_SHANGHAI, diagnosisOf([f]));
    // Assert
    const item = why?.items?.[0];
    expect(why?.title).toBe('原因');
    expect(item?.title).not.toBe(f.title);
    expect(item?.title).toMatch(/[\u4e00-\u9fff]/);
    expect(item?.detail).toMatch(/[\u4e00-\u9fff]/);
    expect(why?.lines[0]).toBe('消息：Tag "order-refunded" · Key order-42 · 产生于 2025-10-25 11:58:00 UTC+08:00，来自 10.0.12.35:51234');
  });

  it('names the group of a BACKLOG finding and its numbers', () => {
    const [f] = EACH_KIND[0] as [Finding, string[]];
    const item = diagnosisSections(ZH_SHANGHAI, diagnosisOf([f]))[0]?.items?.[0];
    expect(item?.title).toBe('在 GID_shipping 中排在 1,234 条消息之后');
    expect(item?.evidence).toEqual(['堆积 1,234 条', '延迟 2 分 5 秒', '12 条/秒']);
  });
});
