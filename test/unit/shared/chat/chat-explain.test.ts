import { describe, expect, it } from 'vitest';
import { createChatExplainer, estimateExplainMs, type ExplainStepInput } from '../../../../shared/chat/chat-explain';
import { createDeadline } from '../../../../shared/deadline';
import type { OnsGateway } from '../../../../shared/ons/ons-gateway';
import { buildTraceReport, REPORT_NOW_MS, TRACKS_BY_VERDICT } from '../../../builders/build-trace-report';

/** A gateway whose raw caller counts calls and refuses them all, so every check is skipped. */
const countingGateway = () => {
  const calls: string[] = [];
  const gateway: OnsGateway = {
    forCredentials: () => ({ messageTrace: () => Promise.reject(new Error('not used')) }),
    callerFor: () => ({
      call: (action) => {
        calls.push(action);
        return Promise.reject(new Error('refused'));
      },
    }),
  };
  return { gateway, calls };
};

const input = async (overrides: Partial<ExplainStepInput> & { budgetMs: number; verdict: keyof typeof TRACKS_BY_VERDICT }): Promise<ExplainStepInput> => {
  const { budgetMs, verdict, ...rest } = overrides;
  return {
    report: await buildTraceReport(TRACKS_BY_VERDICT[verdict]),
    target: { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'orders', msgId: '0A000C22303918B4AAC244F9ABC301A3' },
    credentials: { accessKeyId: 'id', accessKeySecret: 'secret' },
    ctx: { deadline: createDeadline(budgetMs, () => REPORT_NOW_MS) },
    why: false,
    phase: 'inline',
    deferrable: true,
    lookupMs: 100,
    scope: { requestId: 'REQ-1', fields: {}, trail: [] } as unknown as ExplainStepInput['scope'],
    ...rest,
  };
};

describe('Function: estimateExplainMs', () => {
  it.each([
    [0, 100, 100],
    [1, 100, 200],
    [3, 100, 200 + 2 * 1250],
    [12, 50, 50 + 1000 + 50 + 11 * 1250],
  ])('for %i unconsumed group(s) after a %i ms lookup is %i ms', (groups, callMs, expected) => {
    expect(estimateExplainMs(groups, callMs)).toBe(expected);
  });
});

describe('Function: createChatExplainer', () => {
  it('does nothing for a consumed message nobody asked about', async () => {
    const { gateway, calls } = countingGateway();
    const outcome = await createChatExplainer({ gateway, now: () => REPORT_NOW_MS }).step(await input({ budgetMs: 10_000, verdict: 'CONSUMED' }));
    expect(outcome).toEqual({ kind: 'sections', sections: [] });
    expect(calls).toEqual([]);
  });

  it('explains a consumed message when asked', async () => {
    const { gateway, calls } = countingGateway();
    const outcome = await createChatExplainer({ gateway, now: () => REPORT_NOW_MS }).step(await input({ budgetMs: 10_000, verdict: 'CONSUMED', why: true }));
    expect(outcome.kind === 'sections' && outcome.sections.map((s) => s.title)).toEqual(['Why', 'Not checked (partial diagnosis)']);
    expect(calls).toContain('OnsMessageGetByMsgId');
  });

  describe('Given an unconsumed message and an inline budget too small for the explain', () => {
    it('defers when the user asked why', async () => {
      const { gateway, calls } = countingGateway();
      const outcome = await createChatExplainer({ gateway, now: () => REPORT_NOW_MS }).step(await input({ budgetMs: 150, verdict: 'NOT_CONSUMED', why: true }));
      expect(outcome).toEqual({ kind: 'defer' });
      expect(calls).toEqual([]);
    });

    it('answers without the explanation, with a hint, when nobody asked', async () => {
      const { gateway, calls } = countingGateway();
      const step = await input({ budgetMs: 150, verdict: 'NOT_CONSUMED' });
      const outcome = await createChatExplainer({ gateway, now: () => REPORT_NOW_MS }).step(step);
      expect(outcome).toEqual({ kind: 'sections', sections: [{ title: 'Why', lines: [expect.stringContaining('"trace orders 0A000C22303918B4AAC244F9ABC301A3 why"')] }] });
      expect(calls).toEqual([]);
      expect(step.scope.fields).toMatchObject({ explain: 'no_time' });
    });

    it('explains partially when asked but no deferred reply is possible', async () => {
      const { gateway, calls } = countingGateway();
      const outcome = await createChatExplainer({ gateway, now: () => REPORT_NOW_MS }).step(await input({ budgetMs: 150, verdict: 'NOT_CONSUMED', why: true, deferrable: false }));
      expect(outcome.kind).toBe('sections');
      expect(calls.length).toBeGreaterThan(0);
    });
  });

  it('always explains an unconsumed message in the deferred phase', async () => {
    const { gateway, calls } = countingGateway();
    const step = await input({ budgetMs: 150, verdict: 'NOT_CONSUMED', phase: 'deferred' });
    const outcome = await createChatExplainer({ gateway, now: () => REPORT_NOW_MS }).step(step);
    expect(outcome.kind === 'sections' && outcome.sections[0]?.title).toBe('Why');
    expect(calls.length).toBeGreaterThan(0);
    expect(step.scope.fields).toMatchObject({ explain: 'auto', findings: [] });
  });
});
