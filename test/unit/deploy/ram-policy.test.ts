import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_CALLS, buildRolePolicy, fillPolicy, type ApiCall } from '../../../shared/ram/api-calls';
import { DEPLOYED_FUNCTIONS, generatedRamFiles, placeholderValues, RAM_DIR } from '../../../scripts/deploy/ram-policy';
import { callsIn, callsReachableFrom } from '../../builders/scan-api-calls';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const committedPolicy = (fn: string) => JSON.parse(readFileSync(join(RAM_DIR, `mqtrace-${fn}-policy.json`), 'utf8')) as ReturnType<typeof buildRolePolicy>;
const actionsOf = (policy: ReturnType<typeof buildRolePolicy>) => [...new Set(policy.Statement.flatMap((s) => s.Action))].sort();
const registryCalls = (fn: string) => API_CALLS.filter((c) => c.usedBy.includes(fn as never)).map((c) => c.call).sort();

describe('Registry: API_CALLS ↔ the code ↔ ram/*.json', () => {
  describe.each(DEPLOYED_FUNCTIONS)('Given the %s function', (fn) => {
    const called = callsReachableFrom(join(ROOT, 'functions', fn, 'index.ts'));

    it('registers exactly the calls its code makes (no call missing, none unused)', () => {
      expect(registryCalls(fn)).toEqual(called);
    });

    it('has a committed policy granting exactly the RAM actions of those calls', () => {
      const needed = [...new Set(called.map((call) => API_CALLS.find((c) => c.call === call)?.ramAction ?? `unregistered:${call}`))].sort();
      expect(actionsOf(committedPolicy(fn))).toEqual(needed);
    });
  });

  it('has committed ram/ files identical to what npm run ram:policy generates', () => {
    for (const [name, text] of Object.entries(generatedRamFiles())) {
      expect(readFileSync(join(RAM_DIR, name), 'utf8'), name).toBe(text);
    }
  });

  it('grants OnsMessageTrace as mq:QueryMessageTrace and lets only the HTTP function invoke itself', () => {
    expect(actionsOf(committedPolicy('http'))).toContain('mq:QueryMessageTrace');
    expect(actionsOf(committedPolicy('spot-check'))).not.toContain('fc:InvokeFunction');
    expect(actionsOf(committedPolicy('http'))).not.toContain('oss:PutObject');
  });
});

describe('Function: callsIn (the scanner the check relies on)', () => {
  it.each([
    ["await caller.call('OnsMessageTrace', {}, S, ctx)", ['OnsMessageTrace']],
    ["await caller.call(\n  'OnsTopicStatus',", ['OnsTopicStatus']],
    ["import x from '@alicloud/fc2'; client.post(`/functions/${n}/invocations`, p)", ['InvokeFunction']],
    ["await import('ali-oss'); (await c()).get(name); (await c()).put(name, b)", ['GetObject', 'PutObject']],
    ['client.post(`/functions/${n}/invocations`) // no fc2 here', []],
  ])('finds the calls in %j', (source, expected) => {
    expect(callsIn(source).sort()).toEqual(expected);
  });
});

describe('Function: buildRolePolicy', () => {
  describe('Given a call the policy lacks, or a registered call no code makes', () => {
    it('differs from the committed policy, so the check above fails', () => {
      const extra: ApiCall = { call: 'OnsTopicStatus', ramAction: 'mq:QueryTopicStatus', resources: ['acs:mq:*:*:*'], usedBy: ['http'] };
      expect(buildRolePolicy('http', [...API_CALLS, extra])).not.toEqual(committedPolicy('http'));
      expect(buildRolePolicy('http', API_CALLS.filter((c) => c.call !== 'InvokeFunction'))).not.toEqual(committedPolicy('http'));
    });
  });
});

describe('Function: fillPolicy', () => {
  it('fills placeholders from the environment and repeats instance resources per instance', () => {
    // Act
    const filled = fillPolicy(
      buildRolePolicy('spot-check'),
      placeholderValues({ MQTRACE_ACCOUNT_ID: '1234567890123456', MQTRACE_RAM_INSTANCE_IDS: 'MQ_INST_1_AAAA, MQ_INST_2_BBBB', MQTRACE_STATE_OSS_BUCKET: 'ops' }),
    );

    // Assert
    expect(filled.Statement.flatMap((s) => s.Resource)).toEqual([
      'acs:mq:*:1234567890123456:MQ_INST_1_AAAA',
      'acs:mq:*:1234567890123456:MQ_INST_2_BBBB',
      'acs:mq:*:1234567890123456:MQ_INST_1_AAAA%*',
      'acs:mq:*:1234567890123456:MQ_INST_2_BBBB%*',
      'acs:oss:*:*:ops/mqtrace/spot-check-state.json',
    ]);
  });

  it('names the env var of a missing value', () => {
    expect(() => fillPolicy(buildRolePolicy('http'), placeholderValues({ MQTRACE_RAM_INSTANCE_IDS: 'MQ_INST_1_AAAA' }))).toThrow(/MQTRACE_ACCOUNT_ID is not set/);
  });
});
