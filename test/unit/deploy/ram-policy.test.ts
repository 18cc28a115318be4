import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ONS_ACTIONS } from '../../../shared/ons/actions';
import { ROCKETMQ5_ACTIONS, UNVERIFIED_RESOURCE_FORMS } from '../../../shared/rocketmq5/actions';
import { API_CALLS, buildRolePolicy, fillPolicy, UNCALLED_BROKER_METHODS, type ApiCall } from '../../../shared/ram/api-calls';
import { DEPLOYED_FUNCTIONS, generatedRamFiles, placeholderValues, RAM_DIR } from '../../../scripts/deploy/ram-policy';
import { brokerMethodsIn, brokerMethodsReachableFrom, callsIn, callsInDir, callsReachableFrom } from '../../builders/scan-api-calls';

const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The broker adapters: they implement the Broker methods, so their own files say nothing about who calls them. */
const ADAPTER_DIRS = { ons: join(ROOT, 'shared', 'ons'), rocketmq5: join(ROOT, 'shared', 'rocketmq5') };
const committedPolicy = (fn: string) => JSON.parse(readFileSync(join(RAM_DIR, `mqtrace-${fn}-policy.json`), 'utf8')) as ReturnType<typeof buildRolePolicy>;
const actionsOf = (policy: ReturnType<typeof buildRolePolicy>) => [...new Set(policy.Statement.flatMap((s) => s.Action))].sort();
const registryCalls = (fn: string) => API_CALLS.filter((c) => c.usedBy.includes(fn as never)).map((c) => c.call).sort();
const brokerCalls = new Set(API_CALLS.filter((c) => c.via !== undefined).map((c) => c.call));

/**
 * The calls a function needs: the direct ones its reachable code makes (fc2, OSS), and every
 * broker call made by a Broker method its code calls (all broker families: the directory picks
 * one per instance at run time), less the methods it is known never to call.
 */
function neededCalls(fn: (typeof DEPLOYED_FUNCTIONS)[number]): { calls: string[]; reached: string[] } {
  const entry = join(ROOT, 'functions', fn, 'index.ts');
  const reached = callsReachableFrom(entry);
  const uncalled: readonly string[] = UNCALLED_BROKER_METHODS[fn];
  const methods = brokerMethodsReachableFrom(entry, Object.values(ADAPTER_DIRS)).filter((m) => !uncalled.includes(m));
  const viaMethods = API_CALLS.filter((c) => c.via?.some((m) => methods.includes(m))).map((c) => c.call);
  return { calls: [...new Set([...reached.filter((c) => !brokerCalls.has(c)), ...viaMethods])].sort(), reached };
}

describe('Registry: API_CALLS ↔ the code ↔ ram/*.json', () => {
  describe.each(DEPLOYED_FUNCTIONS)('Given the %s function', (fn) => {
    const { calls, reached } = neededCalls(fn);

    it('registers exactly the calls its code makes (no call missing, none unused)', () => {
      expect(registryCalls(fn)).toEqual(calls);
    });

    it('has a committed policy granting exactly the RAM actions of those calls', () => {
      const needed = [...new Set(calls.map((call) => API_CALLS.find((c) => c.call === call)?.ramAction ?? `unregistered:${call}`))].sort();
      expect(actionsOf(committedPolicy(fn))).toEqual(needed);
    });

    it('reaches no API call the registry lacks', () => {
      expect(reached.filter((call) => !API_CALLS.some((c) => c.call === call))).toEqual([]);
    });
  });

  it('has broker adapters that make exactly their registered calls, each through named Broker methods', () => {
    expect(callsInDir(ADAPTER_DIRS.ons)).toEqual(Object.keys(ONS_ACTIONS).sort());
    expect(callsInDir(ADAPTER_DIRS.rocketmq5)).toEqual(Object.keys(ROCKETMQ5_ACTIONS).sort());
    for (const call of brokerCalls) expect(API_CALLS.find((c) => c.call === call)?.via?.length, call).toBeGreaterThan(0);
  });

  it('has committed ram/ files identical to what npm run ram:policy generates', () => {
    for (const [name, text] of Object.entries(generatedRamFiles())) {
      expect(readFileSync(join(RAM_DIR, name), 'utf8'), name).toBe(text);
    }
  });

  it('grants the find and journey actions to the HTTP function only', () => {
    const http = actionsOf(committedPolicy('http'));
    const spot = actionsOf(committedPolicy('spot-check'));
    for (const action of ['mq:QueryTrace', 'mq:GetTraceResult']) {
      expect(http).toContain(action);
      expect(spot).not.toContain(action);
    }
    expect(API_CALLS.find((c) => c.call === 'OnsMessageGetByKey')).toMatchObject({ ramAction: 'mq:QueryMessage', usedBy: ['http'], via: ['findByKey'] });
    expect(API_CALLS.find((c) => c.call === 'OnsTraceQueryByMsgId')).toMatchObject({ ramAction: 'mq:QueryTrace', via: ['journey'] });
  });

  it('grants OnsMessageTrace as mq:QueryMessageTrace and lets only the HTTP function invoke itself', () => {
    expect(actionsOf(committedPolicy('http'))).toContain('mq:QueryMessageTrace');
    expect(actionsOf(committedPolicy('spot-check'))).not.toContain('fc:InvokeFunction');
    expect(actionsOf(committedPolicy('http'))).not.toContain('oss:PutObject');
  });

  it('grants the 5.x topic actions on the instances’ topics and the group actions on their groups', () => {
    // Arrange
    const statementOf = (action: string) => committedPolicy('http').Statement.find((s) => s.Action.includes(action));

    // Assert
    expect(statementOf('rocketmq:GetTrace')).toEqual({
      Effect: 'Allow',
      Action: ['rocketmq:GetMessageDetail', 'rocketmq:GetTrace', 'rocketmq:ListMessages', 'rocketmq:ListTopicSubscriptions'],
      Resource: ['acs:rocketmq:${REGION}:${ACCOUNT_ID}:instance/${ROCKETMQ5_INSTANCE_ID}/topic/*'],
    });
    expect(statementOf('rocketmq:GetConsumerGroupLag')).toEqual({
      Effect: 'Allow',
      Action: ['rocketmq:GetConsumerGroupLag', 'rocketmq:GetConsumerGroupSubscription', 'rocketmq:ListConsumerConnections'],
      Resource: ['acs:rocketmq:${REGION}:${ACCOUNT_ID}:instance/${ROCKETMQ5_INSTANCE_ID}/consumergroup/*'],
    });
    expect(actionsOf(committedPolicy('spot-check')).filter((a) => a.startsWith('rocketmq:'))).toEqual([
      'rocketmq:GetTrace',
      'rocketmq:ListMessages',
      'rocketmq:ListTopicSubscriptions',
    ]);
    expect([...UNVERIFIED_RESOURCE_FORMS].sort()).toEqual(['GetConsumerGroupSubscription', 'GetMessageDetail']);
  });
});

describe('Function: callsIn / brokerMethodsIn (the scanners the check relies on)', () => {
  it.each([
    ["await caller.call('OnsMessageTrace', {}, S, ctx)", ['OnsMessageTrace']],
    ["await caller.call(\n  'OnsTopicStatus',", ['OnsTopicStatus']],
    ["import { x } from './rocketmq5-gateway';\nawait caller.call('GetTrace', p, ctx)", ['GetTrace']],
    ["await caller.call('GetTrace', p, ctx) // no 5.x gateway here", []],
    ["import x from '@alicloud/fc2'; client.post(`/functions/${n}/invocations`, p)", ['InvokeFunction']],
    ["await import('ali-oss'); (await c()).get(name); (await c()).put(name, b)", ['GetObject', 'PutObject']],
    ['client.post(`/functions/${n}/invocations`) // no fc2 here', []],
  ])('finds the calls in %j', (source, expected) => {
    expect(callsIn(source).sort()).toEqual(expected);
  });

  it.each([
    ['await broker.consumption(target, ctx)', ['consumption']],
    ['deps.diagnostics.messageDetail(q, c); deps.diagnostics.dlqMessage(q, c)', ['messageDetail', 'dlqMessage']],
    ['await deps.pages.pageByTopic({ ...query }, ctx)', ['pageByTopic']],
    ['async consumption(message, ctx) { }', []],
  ])('finds the Broker methods called in %j', (source, expected) => {
    expect(brokerMethodsIn(source).sort()).toEqual([...expected].sort());
  });
});

describe('Function: buildRolePolicy', () => {
  describe('Given a call the policy lacks, or a registered call no code makes', () => {
    it('differs from the committed policy, so the check above fails', () => {
      const extra: ApiCall = { call: 'OnsTopicStatus', ramAction: 'mq:QueryTopicStatus', resources: ['acs:mq:*:*:*'], usedBy: ['http'] };
      expect(buildRolePolicy('http', [...API_CALLS, extra])).not.toEqual(committedPolicy('http'));
      expect(buildRolePolicy('http', API_CALLS.filter((c) => c.call !== 'InvokeFunction'))).not.toEqual(committedPolicy('http'));
      expect(buildRolePolicy('spot-check', API_CALLS.filter((c) => c.call !== 'ListMessages'))).not.toEqual(committedPolicy('spot-check'));
    });
  });
});

describe('Function: fillPolicy', () => {
  const ACCOUNT = '1234567890123456';

  it('fills placeholders from the environment and repeats instance resources per instance', () => {
    // Act
    const filled = fillPolicy(
      buildRolePolicy('spot-check'),
      placeholderValues({
        MQTRACE_ACCOUNT_ID: ACCOUNT,
        MQTRACE_RAM_INSTANCE_IDS: 'MQ_INST_1_AAAA, MQ_INST_2_BBBB',
        MQTRACE_RAM_ROCKETMQ5_INSTANCE_IDS: 'rmq-cn-aaaa11, rmq-cn-bbbb22',
        MQTRACE_STATE_OSS_BUCKET: 'ops',
      }),
    );

    // Assert
    expect(filled.Statement.flatMap((s) => s.Resource)).toEqual([
      `acs:mq:*:${ACCOUNT}:MQ_INST_1_AAAA`,
      `acs:mq:*:${ACCOUNT}:MQ_INST_2_BBBB`,
      `acs:mq:*:${ACCOUNT}:MQ_INST_1_AAAA%*`,
      `acs:mq:*:${ACCOUNT}:MQ_INST_2_BBBB%*`,
      'acs:oss:*:*:ops/mqtrace/spot-check-state.json',
      `acs:rocketmq:cn-hangzhou:${ACCOUNT}:instance/rmq-cn-aaaa11/topic/*`,
      `acs:rocketmq:cn-hangzhou:${ACCOUNT}:instance/rmq-cn-bbbb22/topic/*`,
    ]);
  });

  it('drops the statements of a broker family with no instances listed', () => {
    // Act
    const only5x = fillPolicy(buildRolePolicy('http'), placeholderValues({ MQTRACE_ACCOUNT_ID: ACCOUNT, MQTRACE_RAM_ROCKETMQ5_INSTANCE_IDS: 'rmq-cn-aaaa11', MQTRACE_DEPLOY_REGION: 'cn-beijing' }));
    const only4x = fillPolicy(buildRolePolicy('http'), placeholderValues({ MQTRACE_ACCOUNT_ID: ACCOUNT, MQTRACE_RAM_INSTANCE_IDS: 'MQ_INST_1_AAAA' }));

    // Assert
    expect(only5x.Statement.flatMap((s) => s.Action).filter((a) => a.startsWith('mq:'))).toEqual([]);
    expect(only5x.Statement.flatMap((s) => s.Resource)).toContain(`acs:rocketmq:cn-beijing:${ACCOUNT}:instance/rmq-cn-aaaa11/consumergroup/*`);
    expect(only4x.Statement.flatMap((s) => s.Action).filter((a) => a.startsWith('rocketmq:'))).toEqual([]);
  });

  it('names the env var of a missing value', () => {
    expect(() => fillPolicy(buildRolePolicy('http'), placeholderValues({ MQTRACE_RAM_INSTANCE_IDS: 'MQ_INST_1_AAAA' }))).toThrow(/MQTRACE_ACCOUNT_ID is not set/);
  });

  it('names both instance variables when neither lists an instance', () => {
    expect(() => fillPolicy(buildRolePolicy('http'), placeholderValues({ MQTRACE_ACCOUNT_ID: ACCOUNT }))).toThrow(
      /MQTRACE_RAM_INSTANCE_IDS or MQTRACE_RAM_ROCKETMQ5_INSTANCE_IDS is not set/,
    );
  });
});
