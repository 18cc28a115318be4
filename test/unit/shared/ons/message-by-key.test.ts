import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { NotFoundError } from '../../../../shared/errors';
import { findOnsMessagesByKey, UNVERIFIED_KEY_LIST_CAP } from '../../../../shared/ons/message-by-key';
import { buildFakeOnsCaller } from '../../../builders/build-fake-ons-caller';

const QUERY = { instanceId: 'MQ_INST_1234567890123456_BXdemo01', topic: 'orders', key: 'order-20261201-0042', limit: 20 };
const ctx = { deadline: createDeadline(5000) };
const rest = (msgId: string, keys: string, store: number) => ({
  MsgId: msgId,
  Topic: 'orders',
  StoreTimestamp: store,
  BornTimestamp: store - 3,
  ReconsumeTimes: 0,
  PropertyList: { MessageProperty: [{ Name: 'KEYS', Value: keys }, { Name: 'TAGS', Value: 'order-paid' }] },
});

describe('Function: findOnsMessagesByKey', () => {
  it('calls OnsMessageGetByKey once and maps each OnsRestMessageDo with its keys and tag', async () => {
    // Arrange
    const fake = buildFakeOnsCaller({
      OnsMessageGetByKey: { RequestId: 'R1', Data: { OnsRestMessageDo: [rest('0a000c2435f118b4aac2452c3d770103', 'order-20261201-0042 customer-1187', 2000), rest('0A000C2435F118B4AAC2452C3D770103', 'order-20261201-0042', 2000)] } },
    });

    // Act
    const matches = await findOnsMessagesByKey(fake.caller, QUERY, ctx);

    // Assert
    expect(fake.calls).toEqual([{ action: 'OnsMessageGetByKey', params: { InstanceId: QUERY.instanceId, Topic: 'orders', Key: QUERY.key } }]);
    expect(matches).toEqual({
      messages: [{ msgId: '0A000C2435F118B4AAC2452C3D770103', storeTimestamp: 2000, bornTimestamp: 1997, tag: 'order-paid', keys: ['order-20261201-0042', 'customer-1187'], reconsumeTimes: 0 }],
      total: 1,
      capped: false,
    });
  });

  it('reads BIZ_NO_MESSAGE as no match, and keeps an unknown topic a 404', async () => {
    const none = buildFakeOnsCaller({ OnsMessageGetByKey: new NotFoundError('none', { upstream: { code: 'BIZ_NO_MESSAGE' } }) });
    expect(await findOnsMessagesByKey(none.caller, QUERY, ctx)).toEqual({ messages: [], total: 0, capped: false });
    const topic = buildFakeOnsCaller({ OnsMessageGetByKey: new NotFoundError('the topic does not exist on this instance', { upstream: { code: 'BIZ_TOPIC_NOT_FOUND' } }) });
    await expect(findOnsMessagesByKey(topic.caller, QUERY, ctx)).rejects.toThrow('the topic does not exist');
  });

  it('calls a list as long as the assumed cap possibly capped', async () => {
    const list = Array.from({ length: UNVERIFIED_KEY_LIST_CAP }, (_, i) => rest(`0A000C2435F118B4AAC2452C3D77${i.toString(16).padStart(4, '0').toUpperCase()}`, QUERY.key, 1000 + i));
    const fake = buildFakeOnsCaller({ OnsMessageGetByKey: { RequestId: 'R', Data: { OnsRestMessageDo: list } } });
    expect((await findOnsMessagesByKey(fake.caller, QUERY, ctx)).capped).toBe(true);
  });
});
