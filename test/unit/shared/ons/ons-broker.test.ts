import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../../shared/credentials';
import { createDeadline } from '../../../../shared/deadline';
import { PermissionDeniedError } from '../../../../shared/errors';
import { ONS_ACTIONS } from '../../../../shared/ons/actions';
import { PAGE_QUERY_LIMITS } from '../../../../shared/ons/message-page-query';
import { createOnsBrokers, estimateOnsExplainMs } from '../../../../shared/ons/ons-broker';
import type { OnsGateway } from '../../../../shared/ons/ons-gateway';
import type { CallContext, UpstreamAttempt } from '../../../../shared/trace/broker-port';
import { guideFor } from '../../../../shared/trace/track-types';
import { buildFakeOnsCaller, type ScriptedAnswer } from '../../../builders/build-fake-ons-caller';

const CREDENTIALS: Credentials = { accessKeyId: 'STS.broker-test', accessKeySecret: 'broker-secret', securityToken: 'broker-token' };
const MESSAGE = { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'orders', msgId: '0A000C22303918B4AAC244F9ABC301A3' };

/** The real 4.x broker over a gateway whose caller answers from `script` and records the credentials it was built for. */
function setup(script: Parameters<typeof buildFakeOnsCaller>[0]) {
  const fake = buildFakeOnsCaller(script);
  const credentialsSeen: Credentials[] = [];
  const gateway: OnsGateway = {
    callerFor: (credentials) => {
      credentialsSeen.push(credentials);
      return fake.caller;
    },
  };
  const trail: UpstreamAttempt[] = [];
  const ctx: CallContext = { deadline: createDeadline(5000, () => 0), trail };
  return { broker: createOnsBrokers(gateway)(CREDENTIALS), calls: fake.calls, credentialsSeen, trail, ctx };
}

const traceBody = (tracks: Array<Record<string, string>>, requestId = 'UP-TRACE'): ScriptedAnswer => ({ RequestId: requestId, Data: { MessageTrack: tracks } });

describe('Function: createOnsBrokers', () => {
  it('builds a 4.x broker whose caller signs with the given credentials, once per broker', () => {
    // Act
    const { broker, credentialsSeen } = setup({});

    // Assert
    expect(broker.kind).toBe('ons-4x');
    expect(credentialsSeen).toEqual([CREDENTIALS]);
  });

  describe('consumption()', () => {
    it('asks OnsMessageTrace about the message and answers one group per track, in order, with its meaning and advice', async () => {
      // Arrange
      const { broker, calls, ctx, trail } = setup({
        OnsMessageTrace: traceBody([
          { ConsumerGroup: 'GID_billing', TrackType: 'CONSUMED', InstanceId: MESSAGE.instanceId },
          { ConsumerGroup: 'GID_shipping', TrackType: 'NOT_CONSUME_YET' },
          { ConsumerGroup: 'GID_filtered', TrackType: 'CONSUMED_BUT_FILTERED' },
          { ConsumerGroup: 'GID_analytics', TrackType: 'NOT_ONLINE', ExceptionDesc: 'no client online' },
          { ConsumerGroup: 'GID_unknown', TrackType: 'UNKNOWN', ExceptionDesc: '' },
        ]),
      });

      // Act
      const answer = await broker.consumption(MESSAGE, ctx);

      // Assert
      expect(calls).toEqual([{ action: 'OnsMessageTrace', params: { InstanceId: MESSAGE.instanceId, Topic: 'orders', MsgId: MESSAGE.msgId } }]);
      expect(trail.map((a) => a.action)).toEqual(['OnsMessageTrace']);
      expect(answer.requestId).toBe('UP-TRACE');
      expect(answer.groups).toEqual([
        { consumerGroup: 'GID_billing', trackType: 'CONSUMED', ...guideFor('CONSUMED') },
        { consumerGroup: 'GID_shipping', trackType: 'NOT_CONSUME_YET', ...guideFor('NOT_CONSUME_YET') },
        { consumerGroup: 'GID_filtered', trackType: 'CONSUMED_BUT_FILTERED', ...guideFor('CONSUMED_BUT_FILTERED') },
        { consumerGroup: 'GID_analytics', trackType: 'NOT_ONLINE', ...guideFor('NOT_ONLINE'), exceptionDesc: 'no client online' },
        { consumerGroup: 'GID_unknown', trackType: 'UNKNOWN', ...guideFor('UNKNOWN') },
      ]);
      // 4.x speaks TrackType natively: no separate upstream status; an empty ExceptionDesc is left out.
      for (const group of answer.groups) expect(group).not.toHaveProperty('upstreamStatus');
      expect(answer.groups[4]).not.toHaveProperty('exceptionDesc');
      expect(answer.groups[0]?.meaning).toBe("The group's committed offset has moved past this message.");
    });

    it('passes an undocumented track type through raw, with the generic guide and its caveat', async () => {
      // Arrange
      const { broker, ctx } = setup({ OnsMessageTrace: traceBody([{ ConsumerGroup: 'GID_pull', TrackType: 'SOMETHING_NEW' }]) });

      // Act
      const answer = await broker.consumption(MESSAGE, ctx);

      // Assert
      expect(answer.groups).toEqual([{ consumerGroup: 'GID_pull', trackType: 'SOMETHING_NEW', ...guideFor('SOMETHING_NEW') }]);
      expect(answer.groups[0]?.meaning).toContain('not documented');
      expect(answer.caveats).toEqual(['OFFSET_BASED', 'UNDOCUMENTED_TRACK_TYPE']);
    });

    it.each([
      ['no track at all', [], ['OFFSET_BASED', 'EMPTY_TRACK_LIST']],
      ['a CONSUMED group', ['CONSUMED'], ['OFFSET_BASED', 'CONSUMED_IS_NOT_SUCCESS']],
      ['a NOT_CONSUME_YET group', ['NOT_CONSUME_YET'], ['OFFSET_BASED', 'OFFSET_COMMIT_DELAY']],
      ['only NOT_ONLINE groups', ['NOT_ONLINE', 'NOT_ONLINE'], ['OFFSET_BASED']],
      [
        'every kind at once',
        ['CONSUMED', 'NOT_CONSUME_YET', 'PULL'],
        ['OFFSET_BASED', 'CONSUMED_IS_NOT_SUCCESS', 'OFFSET_COMMIT_DELAY', 'UNDOCUMENTED_TRACK_TYPE'],
      ],
    ])('for %s carries the caveats %j (4.x answers from offsets)', async (_label, trackTypes, caveats) => {
      // Arrange
      const { broker, ctx } = setup({
        OnsMessageTrace: traceBody(trackTypes.map((t, i) => ({ ConsumerGroup: `GID_${i}`, TrackType: t }))),
      });

      // Act
      const answer = await broker.consumption(MESSAGE, ctx);

      // Assert
      expect(answer.caveats).toEqual(caveats);
    });

    it('answers no groups when the body has no Data', async () => {
      const { broker, ctx } = setup({ OnsMessageTrace: { RequestId: 'UP-EMPTY' } });

      const answer = await broker.consumption(MESSAGE, ctx);

      expect(answer).toEqual({ requestId: 'UP-EMPTY', groups: [], caveats: ['OFFSET_BASED', 'EMPTY_TRACK_LIST'] });
    });

    it("rejects with the gateway's typed error as is", async () => {
      const denied = new PermissionDeniedError('OnsMessageTrace: permission denied', { upstream: { action: 'OnsMessageTrace', code: 'Forbidden.RAM' } });
      const { broker, ctx } = setup({ OnsMessageTrace: denied });

      await expect(broker.consumption(MESSAGE, ctx)).rejects.toBe(denied);
    });
  });

  describe('the diagnostics and page ports', () => {
    it('calls their actions through the same signed caller', async () => {
      // Arrange
      const { broker, calls, ctx, credentialsSeen } = setup({
        OnsMessagePageQueryByTopic: { RequestId: 'UP-PAGE', MsgFoundDo: { CurrentPage: 1, MaxPageCount: 0, TaskId: 'T1', MsgFoundList: {} } },
        OnsConsumerAccumulate: { RequestId: 'UP-ACC', Data: { Online: true, TotalDiff: 0, ConsumeTps: 0, LastTimestamp: 0, DelayTime: 0 } },
      });

      // Act
      const page = await broker.pageByTopic({ ...MESSAGE, beginTimeMs: 1000, endTimeMs: 2000, currentPage: 1, pageSize: 50 }, ctx);
      const backlog = await broker.consumerAccumulate({ instanceId: MESSAGE.instanceId, groupId: 'GID_billing', topic: MESSAGE.topic }, ctx);

      // Assert
      expect(page).toMatchObject({ currentPage: 1, maxPageCount: 0, taskId: 'T1', messages: [], requestId: 'UP-PAGE' });
      expect(backlog).toMatchObject({ online: true, totalDiff: 0, topics: [] });
      expect(calls.map((c) => c.action)).toEqual(['OnsMessagePageQueryByTopic', 'OnsConsumerAccumulate']);
      expect(credentialsSeen).toEqual([CREDENTIALS]);
      expect(typeof broker.messageDetail).toBe('function');
      expect(typeof broker.consumerConnections).toBe('function');
      expect(typeof broker.consumerStatus).toBe('function');
      expect(typeof broker.dlqMessage).toBe('function');
    });
  });

  describe('budget', () => {
    it('plans page calls and page sizes from the documented OnsMessagePageQueryByTopic limits', () => {
      const { broker } = setup({});

      // doc-detail/29608: 10 calls per minute per account; CurrentPage 1–50, PageSize 5–50.
      expect(broker.budget.pageCallsPerRun).toBe(10);
      expect(broker.budget.pageCallsPerRun).toBe(ONS_ACTIONS.OnsMessagePageQueryByTopic.rateLimit.count);
      expect(broker.budget.pageLimits).toEqual({ maxPage: 50, minPageSize: 5, maxPageSize: 50 });
      expect(broker.budget.pageLimits).toEqual(PAGE_QUERY_LIMITS);
    });

    it('costs an explain with estimateOnsExplainMs', () => {
      const { broker } = setup({});

      for (const [groups, callMs] of [
        [0, 100],
        [3, 100],
        [12, 50],
      ] as const) {
        expect(broker.budget.explainCostMs(groups, callMs)).toBe(estimateOnsExplainMs(groups, callMs));
      }
    });
  });
});

describe('Function: estimateOnsExplainMs', () => {
  it.each([
    [0, 100, 100],
    [1, 100, 200],
    [3, 100, 200 + 2 * 1250],
    [12, 50, 50 + 1000 + 50 + 11 * 1250],
  ])('for %i unconsumed group(s) after a %i ms lookup is %i ms', (groups, callMs, expected) => {
    expect(estimateOnsExplainMs(groups, callMs)).toBe(expected);
  });
});
