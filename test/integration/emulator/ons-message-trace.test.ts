import { afterEach, describe, expect, it } from 'vitest';
import { loadSeedFile, DEMO_SEED_PATH } from '../../../local/emulator/load-seed';
import {
  INSTANCE_A,
  INSTANCE_B,
  MSG_CONSUMED,
  MSG_FLIP,
  MSG_NO_SUBSCRIBER,
  MSG_OF_B,
  MSG_PARTIAL,
  MSG_UNKNOWN,
  OTHER_ACCOUNT,
  STS,
  VALID_TRACE_PARAMS,
  buildManualClock,
  buildTestSeed,
  callAction,
  callFailing,
  closeAllEmulators,
  createClient,
  startEmulator,
} from './harness';

const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

afterEach(closeAllEmulators);

describe('Action: OnsMessageTrace over pop-core', () => {
  it.each([{ method: undefined }, { method: 'POST' as const }])('answers the documented success body (method $method)', async ({ method }) => {
    // Prepare
    const { url } = await startEmulator();
    const client = createClient(url);

    // Act
    const body = await callAction(client, VALID_TRACE_PARAMS, method === undefined ? {} : { method });

    // Assess
    expect(body).toStrictEqual({
      RequestId: expect.stringMatching(REQUEST_ID),
      Data: { MessageTrack: [{ ConsumerGroup: 'GID_billing', TrackType: 'CONSUMED', InstanceId: INSTANCE_A }] },
    });
    expect(body).not.toHaveProperty('Code');
  });

  it('returns one track per group with ExceptionDesc when seeded, matching MsgId case-insensitively', async () => {
    const { url } = await startEmulator();

    const body = await callAction(createClient(url, STS), { ...VALID_TRACE_PARAMS, MsgId: MSG_PARTIAL.toLowerCase() }, { method: 'POST' });

    expect(body.Data).toStrictEqual({
      MessageTrack: [
        { ConsumerGroup: 'GID_billing', TrackType: 'CONSUMED', InstanceId: INSTANCE_A },
        { ConsumerGroup: 'GID_analytics', TrackType: 'NOT_ONLINE', InstanceId: INSTANCE_A, ExceptionDesc: 'CODE:206 DESC:not online' },
      ],
    });
  });

  it('returns an empty MessageTrack list for a message without subscribers', async () => {
    const { url } = await startEmulator();

    const body = await callAction(createClient(url), { InstanceId: INSTANCE_A, Topic: 'audit-log', MsgId: MSG_NO_SUBSCRIBER });

    expect(body.Data).toStrictEqual({ MessageTrack: [] });
  });

  it('follows the track timeline on the emulator clock', async () => {
    const clock = buildManualClock();
    const { url } = await startEmulator({ now: clock.now });
    const client = createClient(url);
    const params = { ...VALID_TRACE_PARAMS, MsgId: MSG_FLIP };
    const trackOf = async (): Promise<unknown> => ((await callAction(client, params)).Data as { MessageTrack: unknown[] }).MessageTrack[0];

    const before = await trackOf();
    clock.advance(2999);
    const justBefore = await trackOf();
    clock.advance(1);
    const after = await trackOf();
    clock.advance(7000);
    const later = await trackOf();

    expect(before).toStrictEqual({ ConsumerGroup: 'GID_billing', TrackType: 'NOT_CONSUME_YET', InstanceId: INSTANCE_A });
    expect(justBefore).toStrictEqual(before);
    expect(after).toStrictEqual({ ConsumerGroup: 'GID_billing', TrackType: 'CONSUMED', InstanceId: INSTANCE_A });
    expect(later).toStrictEqual({ ConsumerGroup: 'GID_billing', TrackType: 'UNKNOWN', InstanceId: INSTANCE_A, ExceptionDesc: 'offset reset' });
  });

  it('counts a "firstLookup" timeline from the first OnsMessageTrace of the message, not from start', async () => {
    const clock = buildManualClock();
    const seed = buildTestSeed();
    const message = seed.instances.flatMap((i) => i.topics.flatMap((t) => t.messages)).find((m) => m.msgId === MSG_FLIP);
    if (!message) throw new Error('harness seed: no MSG_FLIP');
    message.timelineRelativeTo = 'firstLookup';
    const { url } = await startEmulator({ now: clock.now, seed });
    const client = createClient(url);
    const params = { ...VALID_TRACE_PARAMS, MsgId: MSG_FLIP };
    const trackTypeOf = async (): Promise<unknown> => (((await callAction(client, params)).Data as { MessageTrack: Array<{ TrackType: string }> }).MessageTrack[0])?.TrackType;

    clock.advance(60_000);
    const first = await trackTypeOf();
    clock.advance(2999);
    const justBefore = await trackTypeOf();
    clock.advance(1);
    const after = await trackTypeOf();

    expect([first, justBefore, after]).toEqual(['NOT_CONSUME_YET', 'NOT_CONSUME_YET', 'CONSUMED']);
  });

  it.each<{ name: string; params: Record<string, string>; code: string }>([
    { name: 'unknown instance', params: { ...VALID_TRACE_PARAMS, InstanceId: 'MQ_INST_1111222233334444_BXnope' }, code: 'INSTANCE_NOT_FOUND' },
    { name: "another account's instance", params: { InstanceId: INSTANCE_B, Topic: 'payments', MsgId: MSG_OF_B }, code: 'AUTH_RESOURCE_OWNER_ERROR' },
    { name: 'unknown topic', params: { ...VALID_TRACE_PARAMS, Topic: 'nope' }, code: 'BIZ_TOPIC_NOT_FOUND' },
    { name: 'unknown message', params: { ...VALID_TRACE_PARAMS, MsgId: MSG_UNKNOWN }, code: 'BIZ_NO_MESSAGE' },
    { name: 'missing InstanceId', params: { Topic: 'orders', MsgId: MSG_CONSUMED }, code: 'MissingInstanceId' },
    { name: 'missing Topic', params: { InstanceId: INSTANCE_A, MsgId: MSG_CONSUMED }, code: 'MissingTopic' },
    { name: 'empty MsgId', params: { InstanceId: INSTANCE_A, Topic: 'orders', MsgId: '' }, code: 'MissingMsgId' },
    { name: 'malformed MsgId', params: { ...VALID_TRACE_PARAMS, MsgId: 'not-a-message-id' }, code: 'InvalidParameter' },
    { name: 'unicode Topic', params: { ...VALID_TRACE_PARAMS, Topic: '订单-🚚' }, code: 'InvalidParameter' },
  ])('answers 400 $code for $name', async ({ params, code }) => {
    const { url } = await startEmulator();

    const failure = await callFailing(createClient(url), params, { method: 'POST' });

    expect(failure.code).toBe(code);
    expect(failure.status).toBe(400);
    expect(Object.keys(failure.data ?? {}).sort()).toStrictEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
    expect(failure.data?.Recommend).toBe(`https://api.aliyun.com/troubleshoot?q=${code}&product=Ons&requestId=${String(failure.data?.RequestId)}`);
    expect(failure.data?.HostId).toBe('ons.cn-hangzhou.aliyuncs.com');
  });

  it('lets the owning account read its own instance', async () => {
    const { url } = await startEmulator();

    const body = await callAction(createClient(url, OTHER_ACCOUNT), { InstanceId: INSTANCE_B, Topic: 'payments', MsgId: MSG_OF_B });

    expect(body.Data).toStrictEqual({ MessageTrack: [{ ConsumerGroup: 'GID_pay', TrackType: 'CONSUMED', InstanceId: INSTANCE_B }] });
  });

  it('answers an empty list for an unknown message when the seed says unknownMessage "empty"', async () => {
    const { url } = await startEmulator({ seed: buildTestSeed({ unknownMessage: 'empty' }) });

    const body = await callAction(createClient(url), { ...VALID_TRACE_PARAMS, MsgId: MSG_UNKNOWN });

    expect(body.Data).toStrictEqual({ MessageTrack: [] });
  });

  it('uses the configured HostId in error bodies', async () => {
    const { url } = await startEmulator({ hostId: 'ons.ap-southeast-1.aliyuncs.com' });

    const failure = await callFailing(createClient(url), { ...VALID_TRACE_PARAMS, Topic: 'nope' });

    expect(failure.data?.HostId).toBe('ons.ap-southeast-1.aliyuncs.com');
  });

  it('serves every demo-seed message to the demo STS credential', async () => {
    const seed = await loadSeedFile(DEMO_SEED_PATH);
    const [demoAccount] = seed.accounts;
    const sts = demoAccount?.credentials.find((credential) => credential.securityToken !== undefined);
    // The demo holds more messages than the 10/s bucket; this test is about content, not limits.
    const { url, emulator } = await startEmulator({ seed: { ...seed, limits: { ...seed.limits, OnsMessageTrace: { count: 100, windowMs: 1000 } } } });
    const client = createClient(url, {
      accessKeyId: sts?.accessKeyId ?? '',
      accessKeySecret: sts?.accessKeySecret ?? '',
      securityToken: sts?.securityToken ?? '',
    });
    // The seed as served: the demo aligns its 4.x client ids to the start (alignClientIds).
    const owned = emulator.seed.instances.filter((instance) => instance.accountId === demoAccount?.accountId);

    for (const instance of owned) {
      for (const topic of instance.topics) {
        for (const message of topic.messages) {
          const body = await callAction(client, { InstanceId: instance.instanceId, Topic: topic.topic, MsgId: message.msgId }, { method: 'POST' });
          const tracks = (body.Data as { MessageTrack: { ConsumerGroup: string }[] }).MessageTrack;
          expect(tracks.map((track) => track.ConsumerGroup)).toStrictEqual(message.tracks.map((track) => track.consumerGroup));
        }
      }
    }
  });
});
