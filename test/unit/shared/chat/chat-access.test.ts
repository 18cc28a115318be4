import { describe, expect, it } from 'vitest';
import { UpstreamTimeoutError } from '../../../../shared/errors';
import { sealInternalEvent } from '../../../../shared/invoke/internal-event';
import { CHAT_REFUSAL } from '../../../../shared/chat/chat-access';
import {
  buildDingTalkCallbackEvent,
  buildSignedDingTalkCallback,
  buildSignedSlackCommand,
  buildSlackCommandEvent,
  TEST_CORP_ID,
  TEST_INTERNAL_SECRET,
  TEST_RESPONSE_URL,
  TEST_TEAM_ID,
} from '../../../builders/build-chat-requests';
import { buildChatHandler, CHAT_PROD_INSTANCE } from '../../../builders/build-chat-handler';
import { buildFcContext } from '../../../builders/build-fc-http-event';
import { HANDLER_NOW_MS } from '../../../builders/build-http-handler';

const MSG = '0A000C22303918B4AAC244F9D9B101A4';
const NOW_SEC = Math.floor(HANDLER_NOW_MS / 1000);
const STAGING = 'MQ_INST_1234567890123456_BXstag01';
const REFUSAL = 'Sorry, mqtrace cannot answer this request here.';
// DingTalk's default language: its conversations get the same refusal in Chinese.
const REFUSAL_ZH = '抱歉，mqtrace 不能在这里回答这个请求。';
const CONVERSATION = 'cidDemoConversation0001==';

/** The orders channel may look up orders-* on prod (its default); no other channel of the team may ask. */
const NARROW = {
  aliases: { prod: CHAT_PROD_INSTANCE, staging: STAGING },
  defaultInstance: 'staging',
  slack: { channels: [{ teamId: TEST_TEAM_ID, channelId: 'C0ORDERS01', scope: { instances: ['prod'], topics: ['orders-*'] }, defaultInstance: 'prod' }] },
  dingtalk: { conversations: [{ corpId: TEST_CORP_ID, conversationId: CONVERSATION, scope: { instances: ['prod'], topics: ['orders-*'] }, defaultInstance: 'prod' }] },
};

const slack = (text: string, fields: { teamId?: string; channelId?: string } = {}) =>
  buildSlackCommandEvent(buildSignedSlackCommand({ text, channelId: 'C0ORDERS01', ...fields }, { timestampSec: NOW_SEC }));
const dingtalk = (text: string, fields: { senderCorpId?: string; conversationId?: string } = {}) => {
  const callback = buildSignedDingTalkCallback({ text, nowMs: HANDLER_NOW_MS, ...(fields.senderCorpId ? { senderCorpId: fields.senderCorpId } : {}) });
  if (fields.conversationId) callback.body.conversationId = fields.conversationId;
  return buildDingTalkCallbackEvent(callback);
};
const audits = (logs: Array<Record<string, unknown>>) => logs.filter((l) => l.event === 'audit.lookup');
const slackText = (body: string) => JSON.stringify(JSON.parse(body).blocks ?? JSON.parse(body).text);

describe('Function: createChatApi (access control)', () => {
  it('has one refusal, as data that names nothing: every platform words it the same', () => {
    expect(CHAT_REFUSAL).toEqual({ kind: 'denied' });
  });

  describe('Given a Slack slash command', () => {
    it.each([
      ['a team that is not configured', `trace orders-eu ${MSG}`, { teamId: 'T0OTHER001' }, 'unknown_caller'],
      ['a channel that is not configured', `trace orders-eu ${MSG}`, { channelId: 'C0RANDOM01' }, 'unknown_caller'],
      ['help from a channel that is not configured', 'help', { channelId: 'C0RANDOM01' }, 'unknown_caller'],
      ['a topic outside the channel scope', `trace payments ${MSG}`, {}, 'out_of_scope'],
      ['an instance outside the channel scope, by alias', `trace orders-eu ${MSG} staging`, {}, 'out_of_scope'],
      ['an instance that does not exist', `trace orders-eu ${MSG} MQ_INST_9999999999999999_BXnope01`, {}, 'out_of_scope'],
    ])('refuses %s with the same polite text, without a lookup, and audits it', async (_, text, fields, reason) => {
      // Arrange
      const harness = buildChatHandler({ config: NARROW });

      // Act
      const response = await harness.invoke(slack(text, fields), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
      expect(slackText(response.body)).toContain(REFUSAL);
      expect(response.body).not.toMatch(/MQ_INST|staging|prod|orders|allow-list|MQTRACE_/);
      expect(harness.fake.queries).toEqual([]);
      expect(audits(harness.logs())).toEqual([expect.objectContaining({ outcome: 'refused', reason, caller: expect.objectContaining({ channel: 'slack' }) })]);
    });

    it("looks up an allowed message on the channel's default instance and audits the caller", async () => {
      // Arrange
      const harness = buildChatHandler({ config: NARROW, respond: () => ({ requestId: 'UP-S1', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] }) });

      // Act
      await harness.invoke(slack(`trace orders-eu ${MSG}`), buildFcContext());

      // Assert
      expect(harness.fake.queries).toEqual([{ instanceId: CHAT_PROD_INSTANCE, topic: 'orders-eu', msgId: MSG }]);
      expect(audits(harness.logs())).toEqual([
        expect.objectContaining({
          caller: { channel: 'slack', id: `${TEST_TEAM_ID}/C0ORDERS01` },
          instanceId: CHAT_PROD_INSTANCE,
          topic: 'orders-eu',
          msgId: MSG,
          outcome: 'answered',
          verdict: 'CONSUMED',
          upstreamRequestIds: ['UP-S1'],
        }),
      ]);
    });

    it('lists only the aliases inside the channel scope in its help', async () => {
      const harness = buildChatHandler({ config: NARROW });
      const response = await harness.invoke(slack('help'), buildFcContext());
      expect(response.body).toContain('prod');
      expect(response.body).not.toContain('staging');
    });

    it('carries the caller inside the sealed deferred event', async () => {
      // Arrange
      const harness = buildChatHandler({ config: NARROW, respond: () => { throw new UpstreamTimeoutError('slow'); } });

      // Act
      await harness.invoke(slack(`trace orders-eu ${MSG}`), buildFcContext());

      // Assert
      expect(harness.invocations).toHaveLength(1);
      const envelope = JSON.parse((harness.invocations[0] as Buffer).toString('utf8')) as { body: string };
      expect(JSON.parse(envelope.body).caller).toEqual({ channel: 'slack', id: `${TEST_TEAM_ID}/C0ORDERS01` });
      expect(audits(harness.logs())).toEqual([]);
    });
  });

  describe('Given a DingTalk callback', () => {
    it.each([
      ['a corp that is not configured', `trace orders-eu ${MSG}`, { senderCorpId: 'dingothercorp' }, 'unknown_caller'],
      ['a conversation that is not configured', `trace orders-eu ${MSG}`, { conversationId: 'cidOtherGroup==' }, 'unknown_caller'],
      ['a topic outside the conversation scope', `trace payments ${MSG}`, {}, 'out_of_scope'],
      ['an instance outside the conversation scope', `trace orders-eu ${MSG} ${STAGING}`, {}, 'out_of_scope'],
    ])('refuses %s on the sessionWebhook with the same polite text, and audits it', async (_, text, fields, reason) => {
      const harness = buildChatHandler({ config: NARROW });
      await harness.invoke(dingtalk(text, fields), buildFcContext());
      expect(harness.posts).toHaveLength(1);
      expect(JSON.stringify(harness.posts[0]?.body)).toContain(REFUSAL_ZH);
      expect(JSON.stringify(harness.posts[0]?.body)).not.toMatch(/MQ_INST|staging|allow-list|MQTRACE_/);
      expect(harness.fake.queries).toEqual([]);
      expect(audits(harness.logs())).toEqual([expect.objectContaining({ outcome: 'refused', reason, caller: expect.objectContaining({ channel: 'dingtalk' }) })]);
    });

    it('looks up an allowed message with the alias and audits the conversation as caller', async () => {
      const harness = buildChatHandler({ config: NARROW });
      await harness.invoke(dingtalk(`trace orders-eu ${MSG} PROD`), buildFcContext());
      expect(harness.fake.queries).toEqual([{ instanceId: CHAT_PROD_INSTANCE, topic: 'orders-eu', msgId: MSG }]);
      expect(audits(harness.logs())).toEqual([expect.objectContaining({ caller: { channel: 'dingtalk', id: `${TEST_CORP_ID}/${CONVERSATION}` }, outcome: 'answered' })]);
    });
  });

  describe('Given a deferred event', () => {
    const job = (caller: { channel: string; id: string }, topic: string) => ({
      type: 'chat.reply',
      platform: 'slack',
      issuedAt: HANDLER_NOW_MS,
      idempotencyKey: `slack:${caller.id}:${topic}`,
      originRequestId: 'r-front',
      target: { instanceId: CHAT_PROD_INSTANCE, topic, msgId: MSG },
      command: { name: 'trace', args: { topic, msgId: MSG, instance: CHAT_PROD_INSTANCE }, switches: [] },
      caller,
      locale: 'en',
      reply: { responseUrl: TEST_RESPONSE_URL, visibility: 'ephemeral', teamId: TEST_TEAM_ID, userId: 'U1', channelId: 'C0ORDERS01' },
    });

    it('runs a job whose caller is still allowed, and audits it in the deferred run', async () => {
      const harness = buildChatHandler({ config: NARROW });
      await harness.invoke(sealInternalEvent(job({ channel: 'slack', id: `${TEST_TEAM_ID}/C0ORDERS01` }, 'orders-eu'), TEST_INTERNAL_SECRET), buildFcContext());
      expect(harness.fake.queries).toHaveLength(1);
      expect(audits(harness.logs())).toEqual([expect.objectContaining({ outcome: 'answered', caller: { channel: 'slack', id: `${TEST_TEAM_ID}/C0ORDERS01` } })]);
    });

    it.each([
      ['whose caller is no longer configured', { channel: 'slack', id: `${TEST_TEAM_ID}/C0REMOVED1` }, 'orders-eu', 'unknown_caller'],
      ['whose target is (now) outside the scope', { channel: 'slack', id: `${TEST_TEAM_ID}/C0ORDERS01` }, 'payments', 'out_of_scope'],
    ])('re-checks a correctly sealed job %s: posts the refusal, looks nothing up', async (_, caller, topic, reason) => {
      const harness = buildChatHandler({ config: NARROW });
      await harness.invoke(sealInternalEvent(job(caller, topic), TEST_INTERNAL_SECRET), buildFcContext());
      expect(harness.fake.queries).toEqual([]);
      expect(harness.posts).toHaveLength(1);
      expect(JSON.stringify(harness.posts[0]?.body)).toContain(REFUSAL);
      expect(audits(harness.logs())).toEqual([expect.objectContaining({ outcome: 'refused', reason })]);
    });

    it('refuses a sealed job without a caller as malformed', async () => {
      const { caller: _, ...withoutCaller } = job({ channel: 'slack', id: 'x' }, 'orders-eu');
      const harness = buildChatHandler({ config: NARROW });
      const response = await harness.invoke(sealInternalEvent(withoutCaller, TEST_INTERNAL_SECRET), buildFcContext());
      expect(response.statusCode).toBe(400);
      expect(harness.fake.queries).toEqual([]);
    });
  });
});
