import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createDeadline } from '../../../../shared/deadline';
import { NotFoundError, PermissionDeniedError, UpstreamError } from '../../../../shared/errors';
import { ONS_ACTIONS, UNVERIFIED_CONSUMER_STATUS_LIMIT, type OnsAction } from '../../../../shared/ons/actions';
import { CONSUMER_OFFLINE_CODES, createOnsDiagnosticsPort, NOT_IN_DLQ_CODES } from '../../../../shared/ons/diagnostics';
import type { OnsCaller } from '../../../../shared/ons/ons-gateway';

const GROUP = { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', groupId: 'GID_billing', topic: 'orders' };
const MSG_ID = '0A000C22303918B4AAC244F9ABC301A3';
const ctx = { deadline: createDeadline(1000) };

/** A caller that validates `bodies[action]` with the port's own schema, as the gateway does. */
function buildCaller(bodies: Partial<Record<OnsAction, unknown | Error>>) {
  const calls: Array<{ action: OnsAction; params: Record<string, string | undefined> }> = [];
  const caller: OnsCaller = {
    async call<S extends z.ZodType>(action: OnsAction, params: Record<string, string | undefined>, schema: S): Promise<z.output<S>> {
      calls.push({ action, params });
      const body = bodies[action];
      if (body instanceof Error) throw body;
      return schema.parse(body);
    },
  };
  return { port: createOnsDiagnosticsPort(caller), calls };
}

const MESSAGE_DATA = {
  Topic: 'orders',
  MsgId: MSG_ID,
  InstanceId: GROUP.instanceId,
  BornTimestamp: 1761364800000,
  BornHost: '10.0.12.34:50001',
  StoreTimestamp: 1761364800003,
  StoreHost: '10.0.8.15:10911',
  StoreSize: 436,
  BodyCRC: 12345,
  ReconsumeTimes: 2,
  PropertyList: {
    MessageProperty: [
      { Name: 'TRACE_ON', Value: 'true' },
      { Name: 'KEYS', Value: 'order-1 refund-9' },
      { Name: 'TAGS', Value: 'order-paid' },
    ],
  },
};

describe('Function: createOnsDiagnosticsPort', () => {
  describe('Given OnsMessageGetByMsgId answers with the documented Data', () => {
    it('reads tag and keys from PropertyList.MessageProperty and the times as epoch ms', async () => {
      // Arrange
      const { port, calls } = buildCaller({ OnsMessageGetByMsgId: { RequestId: 'R', Data: MESSAGE_DATA } });

      // Act
      const message = await port.messageDetail({ instanceId: GROUP.instanceId, topic: 'orders', msgId: MSG_ID }, ctx);

      // Assert
      expect(calls).toEqual([{ action: 'OnsMessageGetByMsgId', params: { InstanceId: GROUP.instanceId, Topic: 'orders', MsgId: MSG_ID } }]);
      expect(message).toEqual({
        msgId: MSG_ID,
        topic: 'orders',
        tag: 'order-paid',
        keys: ['order-1', 'refund-9'],
        bornAt: 1761364800000,
        bornHost: '10.0.12.34:50001',
        storedAt: 1761364800003,
        storeHost: '10.0.8.15:10911',
        reconsumeTimes: 2,
      });
    });

    it('tolerates a missing PropertyList and string numbers', async () => {
      const data = { MsgId: MSG_ID, BornTimestamp: '1761364800000', ReconsumeTimes: '0' };
      const { port } = buildCaller({ OnsMessageGetByMsgId: { RequestId: 'R', Data: data } });
      const message = await port.messageDetail({ instanceId: GROUP.instanceId, topic: 'orders', msgId: MSG_ID }, ctx);
      expect(message).toMatchObject({ tag: undefined, keys: [], bornAt: 1761364800000, reconsumeTimes: 0, storedAt: undefined });
    });

    it('rejects a body without Data, as the gateway then answers UPSTREAM_FAILED', async () => {
      const { port } = buildCaller({ OnsMessageGetByMsgId: { RequestId: 'R' } });
      await expect(port.messageDetail({ instanceId: GROUP.instanceId, topic: 'orders', msgId: MSG_ID }, ctx)).rejects.toThrow();
    });
  });

  describe('Given OnsConsumerAccumulate', () => {
    it('asks with Detail=true and maps DetailInTopicList.DetailInTopicDo[]; LastTimestamp 0 means never', async () => {
      // Arrange
      const { port, calls } = buildCaller({
        OnsConsumerAccumulate: {
          RequestId: 'R',
          Data: {
            Online: true,
            TotalDiff: 1840,
            ConsumeTps: 3.2,
            LastTimestamp: 1761364000000,
            DelayTime: 2520000,
            DetailInTopicList: { DetailInTopicDo: [{ Topic: 'orders', TotalDiff: 1840, LastTimestamp: 0, DelayTime: 2520000 }] },
          },
        },
      });

      // Act
      const accumulate = await port.consumerAccumulate(GROUP, ctx);

      // Assert
      expect(calls[0]?.params).toEqual({ InstanceId: GROUP.instanceId, GroupId: 'GID_billing', Detail: 'true' });
      expect(accumulate).toEqual({
        online: true,
        totalDiff: 1840,
        consumeTps: 3.2,
        lastConsumedBornAt: 1761364000000,
        delayMs: 2520000,
        topics: [{ topic: 'orders', totalDiff: 1840, lastConsumedBornAt: undefined, delayMs: 2520000 }],
      });
    });

    it('accepts "true"/"false" strings for Online', async () => {
      const { port } = buildCaller({ OnsConsumerAccumulate: { RequestId: 'R', Data: { Online: 'false' } } });
      expect(await port.consumerAccumulate(GROUP, ctx)).toMatchObject({ online: false, totalDiff: 0, topics: [] });
    });
  });

  describe('Given OnsConsumerGetConnection', () => {
    it('maps ConnectionList.ConnectionDo[]', async () => {
      const { port } = buildCaller({
        OnsConsumerGetConnection: {
          RequestId: 'R',
          Data: { ConnectionList: { ConnectionDo: [{ ClientId: 'c1', ClientAddr: '10.0.3.21:50000', Language: 'JAVA', Version: 'V4_9_7' }] } },
        },
      });
      expect(await port.consumerConnections(GROUP, ctx)).toEqual({
        clients: [{ clientId: 'c1', clientAddr: '10.0.3.21:50000', language: 'JAVA', version: 'V4_9_7' }],
      });
    });

    it.each([...CONSUMER_OFFLINE_CODES])('reads %s as "no client connected"', async (code) => {
      const { port } = buildCaller({ OnsConsumerGetConnection: new UpstreamError('failed', { upstream: { code } }) });
      expect(await port.consumerConnections(GROUP, ctx)).toEqual({ clients: [] });
    });

    it('passes other failures on', async () => {
      const denied = new PermissionDeniedError('no', { upstream: { code: 'Forbidden.RAM' } });
      const { port } = buildCaller({ OnsConsumerGetConnection: denied });
      await expect(port.consumerConnections(GROUP, ctx)).rejects.toBe(denied);
    });
  });

  describe('Given OnsConsumerStatus', () => {
    it('maps ConsumerConnectionInfoList with SubscriptionSet.SubscriptionData[] and TagsSet.Tag[]', async () => {
      // Arrange
      const { port, calls } = buildCaller({
        OnsConsumerStatus: {
          RequestId: 'R',
          Data: {
            Online: true,
            TotalDiff: 0,
            ConsumeModel: 'CLUSTERING',
            SubscriptionSame: false,
            RebalanceOK: true,
            ConnectionSet: { ConnectionDo: [{ ClientId: 'c1' }] },
            ConsumerConnectionInfoList: {
              ConsumerConnectionInfoDo: [
                {
                  ClientId: 'c1',
                  ConsumeType: 'PUSH',
                  SubscriptionSet: { SubscriptionData: [{ Topic: 'orders', SubString: 'a || b', SubVersion: 1, TagsSet: { Tag: ['a', 'b'] } }] },
                },
                { ClientId: 'c2', SubscriptionSet: { SubscriptionData: [{ Topic: 'orders', SubString: '*', TagsSet: {} }] } },
              ],
            },
          },
        },
      });

      // Act
      const status = await port.consumerStatus(GROUP, ctx);

      // Assert
      expect(calls[0]?.params).toEqual({ InstanceId: GROUP.instanceId, GroupId: 'GID_billing', Detail: 'true' });
      expect(status).toEqual({
        online: true,
        totalDiff: 0,
        consumeModel: 'CLUSTERING',
        subscriptionSame: false,
        rebalanceOk: true,
        clients: [
          { clientId: 'c1', consumeType: 'PUSH', subscriptions: [{ topic: 'orders', subString: 'a || b', tags: ['a', 'b'] }] },
          { clientId: 'c2', consumeType: undefined, subscriptions: [{ topic: 'orders', subString: '*', tags: [] }] },
        ],
      });
    });
  });

  describe('Given OnsDLQMessageGetById', () => {
    it('returns the dead-lettered copy', async () => {
      const { port, calls } = buildCaller({ OnsDLQMessageGetById: { RequestId: 'R', Data: { ...MESSAGE_DATA, ReconsumeTimes: 16 } } });
      expect(await port.dlqMessage({ ...GROUP, msgId: MSG_ID }, ctx)).toMatchObject({ msgId: MSG_ID, reconsumeTimes: 16 });
      expect(calls[0]?.params).toEqual({ InstanceId: GROUP.instanceId, GroupId: 'GID_billing', MsgId: MSG_ID });
    });

    it.each([...NOT_IN_DLQ_CODES])('reads %s as "not in the DLQ"', async (code) => {
      const { port } = buildCaller({ OnsDLQMessageGetById: new NotFoundError('ONS has no such message in this topic', { upstream: { code } }) });
      expect(await port.dlqMessage({ ...GROUP, msgId: MSG_ID }, ctx)).toBeUndefined();
    });

    it('reads a body without Data as "not in the DLQ"', async () => {
      const { port } = buildCaller({ OnsDLQMessageGetById: { RequestId: 'R' } });
      expect(await port.dlqMessage({ ...GROUP, msgId: MSG_ID }, ctx)).toBeUndefined();
    });

    it('passes a missing group on', async () => {
      const missing = new NotFoundError('the consumer group does not exist on this instance', { upstream: { code: 'BIZ_SUBSCRIPTION_NOT_FOUND' } });
      const { port } = buildCaller({ OnsDLQMessageGetById: missing });
      await expect(port.dlqMessage({ ...GROUP, msgId: MSG_ID }, ctx)).rejects.toBe(missing);
    });
  });
});

describe('Registry: the explain actions in ONS_ACTIONS', () => {
  it.each([
    ['OnsMessageGetByMsgId', 'mq:QueryMessage', { count: 10, windowMs: 1000 }],
    ['OnsConsumerAccumulate', 'mq:QueryConsumerAccumulate', { count: 10, windowMs: 1000 }],
    ['OnsConsumerGetConnection', 'mq:QueryConsumerConnection', { count: 10, windowMs: 1000 }],
    ['OnsDLQMessageGetById', 'mq:QueryDLQMessage', { count: 10, windowMs: 1000 }],
    ['OnsConsumerStatus', 'mq:QueryConsumerStatus', UNVERIFIED_CONSUMER_STATUS_LIMIT],
  ] as const)('lists %s with RAM action %s and its limit', (action, ramAction, rateLimit) => {
    expect(ONS_ACTIONS[action]).toEqual({ ramAction, usedBy: ['http'], rateLimit });
  });

  it('keeps the unverified OnsConsumerStatus limit at most one call per second', () => {
    expect(UNVERIFIED_CONSUMER_STATUS_LIMIT.count / UNVERIFIED_CONSUMER_STATUS_LIMIT.windowMs).toBeLessThanOrEqual(1 / 1000);
  });
});
