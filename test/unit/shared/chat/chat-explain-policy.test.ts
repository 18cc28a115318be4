import { describe, expect, it } from 'vitest';
import { reportSections } from '../../../../shared/chat/present';
import { EN_UTC } from '../../../builders/build-presenter';
import { chatExplainDecision, createChatLookup } from '../../../../shared/chat/chat-lookup';
import { createCredentialsProvider } from '../../../../shared/credentials';
import { createRequestLog } from '../../../../shared/request-log';
import { createLookupService } from '../../../../shared/trace/lookup-service';
import { buildAccessControl } from '../../../builders/build-access';
import { buildFakeGateway } from '../../../builders/build-fake-gateway';
import { buildTraceReport, REPORT_NOW_MS, TRACKS_BY_VERDICT } from '../../../builders/build-trace-report';

const plan = (estimateMs: number, remainingMs: number) => ({ unconsumedGroups: 1, estimateMs, remainingMs });

describe('Function: chatExplainDecision', () => {
  it('skips a consumed message nobody asked about', async () => {
    const report = await buildTraceReport(TRACKS_BY_VERDICT.CONSUMED);
    expect(chatExplainDecision(report, plan(100, 10_000), { why: false, phase: 'inline', deferrable: true })).toBe('skip');
  });

  it('explains a consumed message when asked', async () => {
    const report = await buildTraceReport(TRACKS_BY_VERDICT.CONSUMED);
    expect(chatExplainDecision(report, plan(100, 10_000), { why: true, phase: 'inline', deferrable: true })).toBe('explain');
  });

  describe('Given an unconsumed message and an inline budget too small for the explain', () => {
    it('defers when the user asked why', async () => {
      const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
      expect(chatExplainDecision(report, plan(500, 150), { why: true, phase: 'inline', deferrable: true })).toBe('defer');
    });

    it('leaves it for later, with a hint, when nobody asked', async () => {
      const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
      expect(chatExplainDecision(report, plan(500, 150), { why: false, phase: 'inline', deferrable: true })).toBe('later');
    });

    it('explains partially when asked but no deferred reply is possible', async () => {
      const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
      expect(chatExplainDecision(report, plan(500, 150), { why: true, phase: 'inline', deferrable: false })).toBe('explain');
    });
  });

  it('always explains an unconsumed message in the deferred phase', async () => {
    const report = await buildTraceReport(TRACKS_BY_VERDICT.NOT_CONSUMED);
    expect(chatExplainDecision(report, plan(500, 150), { why: false, phase: 'deferred', deferrable: false })).toBe('explain');
  });
});

describe('Function: createChatLookup (explain)', () => {
  const caller = { channel: 'slack' as const, id: 'T1/C1', scope: { instances: ['*'], topics: ['*'] }, defaultInstance: undefined };
  const context = { requestId: 'r', credentials: { accessKeyId: 'k', accessKeySecret: 's' } };
  const input = { instance: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'orders', msgId: '0A000C22303918B4AAC244F9ABC301A3' };
  const build = () => {
    // Each lookup takes 100 ms of the fake clock, so an explain is estimated at a few hundred ms.
    let nowMs = REPORT_NOW_MS;
    const now = () => nowMs;
    const fake = buildFakeGateway(() => {
      nowMs += 100;
      return { requestId: 'UP', tracks: [{ consumerGroup: 'GID_a', trackType: 'NOT_CONSUME_YET' }] };
    });
    const lookups = createLookupService({ brokers: fake.brokers, access: buildAccessControl(), now, producerUtcOffsetMinutes: 480 });
    return createChatLookup({ lookups, credentials: createCredentialsProvider(undefined), now });
  };

  it('answers an unconsumed message without the explanation, with a hint, when the inline budget is too small', async () => {
    const log = createRequestLog('r');
    const outcome = await build().run(caller, input, { context, log, budgetMs: 150, deferrable: true });
    expect(outcome).toMatchObject({ kind: 'answer', answer: { kind: 'report', explainLater: 'trace orders 0A000C22303918B4AAC244F9ABC301A3 why' } });
    if (outcome.kind !== 'answer' || outcome.answer.kind !== 'report') throw new Error('not a report');
    expect(reportSections(EN_UTC, outcome.answer)).toEqual([{ title: 'Why', lines: [expect.stringContaining('"trace orders 0A000C22303918B4AAC244F9ABC301A3 why"')] }]);
    expect(log.fields).toMatchObject({ explain: 'no_time' });
  });

  it('explains in the deferred phase, listing the checks the fake upstream refused as skipped', async () => {
    const log = createRequestLog('r');
    const outcome = await build().run(caller, input, { context, log, budgetMs: 5000, deferrable: false, phase: 'deferred' });
    expect(outcome.kind === 'answer' && outcome.answer.kind === 'report' && reportSections(EN_UTC, outcome.answer).map((s) => s.title)).toEqual(['Why', 'Not checked (partial diagnosis)']);
    expect(log.fields).toMatchObject({ explain: 'auto', findings: [] });
  });
});
