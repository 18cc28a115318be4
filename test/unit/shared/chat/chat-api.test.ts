import { describe, expect, it } from 'vitest';
import { NotFoundError, ThrottledError, UpstreamTimeoutError } from '../../../../shared/errors';
import { sealInternalEvent } from '../../../../shared/invoke/internal-event';
import type { MessageTraceResult } from '../../../../shared/ons/message-trace';
import {
  buildDingTalkCallbackEvent,
  buildSignedDingTalkCallback,
  buildSignedSlackCommand,
  buildSlackCommandEvent,
  TEST_DINGTALK_SECRET,
  TEST_INTERNAL_SECRET,
  TEST_RESPONSE_URL,
  TEST_SESSION_WEBHOOK,
  TEST_SLACK_SECRET,
} from '../../../builders/build-chat-requests';
import { buildChatHandler, CHAT_DEFAULT_INSTANCE, CHAT_PROD_INSTANCE, CHAT_TEST_ENV, type ChatHandlerHarness } from '../../../builders/build-chat-handler';
import { buildFcContext, buildFcHttpEventBuffer, CONTEXT_CREDENTIALS } from '../../../builders/build-fc-http-event';
import { HANDLER_NOW_MS } from '../../../builders/build-http-handler';

const MSG = '0A000C22303918B4AAC244F9D9B101A4';
const NOW_SEC = Math.floor(HANDLER_NOW_MS / 1000);
const PARTIAL: MessageTraceResult = {
  requestId: 'UP-PARTIAL-1',
  tracks: [
    { consumerGroup: 'GID_billing', trackType: 'CONSUMED' },
    { consumerGroup: 'GID_shipping', trackType: 'NOT_CONSUME_YET' },
  ],
};

/** Answers from a script: each entry is used once, in order; the last one repeats. */
function scripted(...answers: Array<MessageTraceResult | Error>) {
  let call = 0;
  return () => {
    const answer = answers[Math.min(call++, answers.length - 1)] as MessageTraceResult | Error;
    if (answer instanceof Error) throw answer;
    return answer;
  };
}

const slackEvent = (text: string, fields: Parameters<typeof buildSignedSlackCommand>[0] extends infer F ? Partial<F> : never = {}) =>
  buildSlackCommandEvent(buildSignedSlackCommand({ text, ...fields }, { timestampSec: NOW_SEC }));
const dingtalkEvent = (text: string, fields: Partial<Parameters<typeof buildSignedDingTalkCallback>[0]> = {}) =>
  buildDingTalkCallbackEvent(buildSignedDingTalkCallback({ text, nowMs: HANDLER_NOW_MS, ...fields }));
const accessLine = (harness: ChatHandlerHarness) => harness.logs().filter((l) => l.event !== 'audit.lookup').at(-1) as Record<string, unknown>;
const blocksText = (body: Record<string, any>) => JSON.stringify(body.blocks);

function expectNoSecrets(harness: ChatHandlerHarness, ...bodies: string[]) {
  const everything = [...harness.rawLogs, ...bodies, ...harness.posts.map((p) => JSON.stringify(p.body))].join('\n');
  for (const secret of [TEST_SLACK_SECRET, TEST_DINGTALK_SECRET, TEST_INTERNAL_SECRET, CONTEXT_CREDENTIALS.accessKeySecret, CONTEXT_CREDENTIALS.securityToken]) {
    expect(everything).not.toContain(secret);
  }
  expect(everything).not.toContain(TEST_RESPONSE_URL);
}

describe('Function: createChatApi (through createHttpHandler)', () => {
  describe('Given a platform whose secret is not configured', () => {
    it.each([
      ['slack', () => slackEvent('help'), { SLACK_SIGNING_SECRET: '' }],
      ['dingtalk', () => dingtalkEvent('help'), { DINGTALK_APP_SECRET: '' }],
    ])('answers /chat/%s with 404 and does nothing', async (_platform, event, env) => {
      // Arrange
      const harness = buildChatHandler({ env });
      // Act
      const response = await harness.invoke(event(), buildFcContext());
      // Assert
      expect(response.statusCode).toBe(404);
      expect(JSON.parse(response.body).error.code).toBe('ROUTE_NOT_FOUND');
      expect(harness.fake.queries).toHaveLength(0);
      expect(harness.posts).toHaveLength(0);
    });
  });

  describe('Given a Slack slash command', () => {
    describe('When its signature does not verify', () => {
      it.each([
        ['signed with another secret', buildSignedSlackCommand({ text: `trace orders ${MSG}` }, { timestampSec: NOW_SEC, signingSecret: 'not-the-secret' }), {}, 'slack signature: mismatch'],
        ['expired', buildSignedSlackCommand({ text: `trace orders ${MSG}` }, { timestampSec: NOW_SEC - 301 }), {}, 'more than 5 minutes old'],
        ['from the future', buildSignedSlackCommand({ text: `trace orders ${MSG}` }, { timestampSec: NOW_SEC + 301 }), {}, 'more than 5 minutes in the future'],
        ['unsigned', buildSignedSlackCommand({ text: `trace orders ${MSG}` }, { timestampSec: NOW_SEC }), { 'x-slack-signature': undefined }, 'missing x-slack-signature'],
        ['without a timestamp', buildSignedSlackCommand({ text: `trace orders ${MSG}` }, { timestampSec: NOW_SEC }), { 'x-slack-request-timestamp': undefined }, 'missing x-slack-request-timestamp'],
      ])('answers a command %s with 401, an empty body and the reason in the log', async (_name, command, headerOverrides, reason) => {
        // Arrange
        const harness = buildChatHandler();
        // Act
        const response = await harness.invoke(buildSlackCommandEvent(command, headerOverrides), buildFcContext());
        // Assert
        expect(response.statusCode).toBe(401);
        expect(response.body).toBe('');
        expect(accessLine(harness)).toMatchObject({ event: 'http.request', route: 'chat.slack', status: 401, rejected: expect.stringContaining(reason) });
        expect(harness.fake.queries).toHaveLength(0);
        expect(harness.invocations).toHaveLength(0);
      });

      it('refuses a replay of a request it already acted on', async () => {
        const harness = buildChatHandler();
        const event = slackEvent(`trace orders ${MSG}`);
        expect((await harness.invoke(event, buildFcContext())).statusCode).toBe(200);
        const replay = await harness.invoke(event, buildFcContext());
        expect(replay.statusCode).toBe(401);
        expect(accessLine(harness)).toMatchObject({ rejected: 'slack: replayed request' });
        expect(harness.fake.queries).toHaveLength(1);
      });
    });

    it.each([
      ['POST', 'ssl_check=1&token=x', {}],
      ['GET', undefined, { ssl_check: '1' }],
    ])("answers Slack's %s certificate probe with an empty 200 and nothing else", async (method, body, query) => {
      const harness = buildChatHandler();
      const event = buildFcHttpEventBuffer({ method, path: '/chat/slack', query, ...(body ? { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}) });
      const response = await harness.invoke(event, buildFcContext());
      expect(response).toMatchObject({ statusCode: 200, body: '' });
      expect(harness.fake.queries).toHaveLength(0);
    });

    describe('When the lookup fits the inline budget', () => {
      it('answers in the HTTP response with an ephemeral Block Kit report and never loads fc2', async () => {
        // Arrange
        const harness = buildChatHandler({ respond: () => PARTIAL });
        // Act
        const response = await harness.invoke(slackEvent(`trace orders ${MSG}`), buildFcContext());
        // Assert
        expect(response.statusCode).toBe(200);
        const body = JSON.parse(response.body);
        expect(body.response_type).toBe('ephemeral');
        expect(body.text).toBe('Partially consumed: 1 of 2 group(s) consumed it; not yet: GID_shipping.');
        expect(blocksText(body)).toContain('*GID_shipping* · `NOT_CONSUME_YET`');
        expect(blocksText(body)).toContain('upstream request UP-PARTIAL-1');
        expect(harness.fake.queries).toEqual([{ instanceId: CHAT_DEFAULT_INSTANCE, topic: 'orders', msgId: MSG }]);
        expect(harness.fc2Loads()).toBe(0);
        expect(harness.invocations).toHaveLength(0);
        expect(harness.posts).toHaveLength(0);
        expect(accessLine(harness)).toMatchObject({
          route: 'chat.slack',
          status: 200,
          platform: 'slack',
          teamId: 'T0TEST0001',
          userId: 'U0DEMO0001',
          channelId: 'C0DEMO0001',
          command: 'trace',
          mode: 'inline',
          verdict: 'PARTIALLY_CONSUMED',
          instanceId: CHAT_DEFAULT_INSTANCE,
          upstreamRequestIds: ['UP-PARTIAL-1'],
        });
        expectNoSecrets(harness, response.body);
      });

      it.each([
        ['--public', undefined, 'in_channel'],
        ['', 'in_channel', 'in_channel'],
        ['--private', 'in_channel', 'ephemeral'],
      ])('honours "%s" with the channel visibility %s as %s', async (flag, channelVisibility, visibility) => {
        const channel = { teamId: 'T0TEST0001', channelId: '*', scope: { instances: ['*'], topics: ['*'] }, ...(channelVisibility ? { visibility: channelVisibility } : {}) };
        const harness = buildChatHandler({ config: { slack: { channels: [channel] } } });
        const response = await harness.invoke(slackEvent(`trace orders ${MSG} ${flag}`), buildFcContext());
        expect(JSON.parse(response.body).response_type).toBe(visibility);
      });

      it('resolves an instance alias, case-insensitively', async () => {
        const harness = buildChatHandler();
        await harness.invoke(slackEvent(`trace orders ${MSG} PROD`), buildFcContext());
        expect(harness.fake.queries[0]?.instanceId).toBe(CHAT_PROD_INSTANCE);
      });

      it('answers an unknown message inline with the chat text for NOT_FOUND, not a deferral', async () => {
        const harness = buildChatHandler({ respond: scripted(new NotFoundError('ONS has no such message in this topic', { upstream: { code: 'BIZ_NO_MESSAGE', requestId: 'UP-NF' } })) });
        const response = await harness.invoke(slackEvent(`trace orders ${MSG}`), buildFcContext());
        const body = JSON.parse(response.body);
        expect(body.response_type).toBe('ephemeral');
        expect(blocksText(body)).toContain(':warning: *Not found*\\nONS has no such message in this topic. Check the topic');
        expect(blocksText(body)).toContain('upstream code BIZ_NO_MESSAGE · upstream request UP-NF');
        expect(harness.invocations).toHaveLength(0);
        expect(accessLine(harness)).toMatchObject({ mode: 'inline', lookupError: 'NOT_FOUND' });
      });
    });

    describe('When the command is not a lookup', () => {
      it.each([
        ['help', 'help', '/mqtrace trace &lt;topic&gt; &lt;msgId&gt; [instance] [why]'],
        ['an empty command', '', '/mqtrace trace &lt;topic&gt;'],
        ['a malformed command', 'trace orders', ':warning: Missing msgId.'],
        ['an unknown alias', `trace orders ${MSG} staging`, '\\"staging\\" is neither an instance ID (4.x like MQ_INST_1234567890123456_BXhFHryi, 5.x like rmq-cn-7mz2ahxse0a) nor a configured alias. Known aliases: prod.'],
      ])('answers %s with the usage text and looks nothing up', async (_name, text, expected) => {
        const harness = buildChatHandler();
        const response = await harness.invoke(slackEvent(text), buildFcContext());
        expect(response.statusCode).toBe(200);
        expect(JSON.parse(response.body).response_type).toBe('ephemeral');
        expect(blocksText(JSON.parse(response.body))).toContain(expected);
        expect(harness.fake.queries).toHaveLength(0);
      });

      it('tells a workspace that is not on the allow-list so, and looks nothing up', async () => {
        const harness = buildChatHandler();
        const response = await harness.invoke(slackEvent(`trace orders ${MSG}`, { teamId: 'T0OTHER001' }), buildFcContext());
        expect(blocksText(JSON.parse(response.body))).toContain('Sorry, mqtrace cannot answer this request here.');
        expect(harness.fake.queries).toHaveLength(0);
        expect(accessLine(harness)).toMatchObject({ outcome: 'denied', teamId: 'T0OTHER001' });
      });
    });

    describe('When the upstream is too slow for the inline budget', () => {
      it('acknowledges at once, hands the lookup to an async invocation, which posts the answer to response_url exactly once', async () => {
        // Arrange
        const harness = buildChatHandler({ respond: scripted(new UpstreamTimeoutError('OnsMessageTrace: the endpoint did not answer in time'), PARTIAL) });
        // Act: the slash command
        const ack = await harness.invoke(slackEvent(`trace orders ${MSG} --public`), buildFcContext());
        // Assert: an ephemeral "Looking up" and one sealed async invocation
        expect(ack.statusCode).toBe(200);
        const ackBody = JSON.parse(ack.body);
        expect(ackBody.response_type).toBe('ephemeral');
        expect(ackBody.text).toBe(`Looking up ${MSG} in orders…`);
        expect(harness.fc2Loads()).toBe(1);
        expect(harness.invocations).toHaveLength(1);
        expect(harness.posts).toHaveLength(0);
        expect(accessLine(harness)).toMatchObject({ mode: 'deferred', deferredBecause: 'UPSTREAM_TIMEOUT' });

        // Act: FC delivers the async event, twice (at least once)
        const first = await harness.invoke(harness.invocations[0], buildFcContext({ requestId: 'async-1' }));
        const duplicate = await harness.invoke(harness.invocations[0], buildFcContext({ requestId: 'async-2' }));

        // Assert
        expect(JSON.parse(first.body)).toEqual({ status: 'delivered' });
        expect(JSON.parse(duplicate.body)).toEqual({ status: 'duplicate' });
        expect(harness.posts).toHaveLength(1);
        expect(harness.posts[0]?.url).toBe(TEST_RESPONSE_URL);
        expect(harness.posts[0]?.body.response_type).toBe('in_channel');
        expect(blocksText(harness.posts[0]?.body ?? {})).toContain(':large_yellow_circle: *Partially consumed*');
        expect(harness.fake.queries).toHaveLength(2);
        const lines = harness.logs().filter((l) => l.event === 'internal.event');
        expect(lines[0]).toMatchObject({ route: 'chat.deferred', platform: 'slack', mode: 'deferred', replyDelivered: true, verdict: 'PARTIALLY_CONSUMED' });
        expect(lines[1]).toMatchObject({ outcome: 'duplicate' });
        expectNoSecrets(harness, ack.body, first.body);
      });

      it('also defers when ONS throttles past the inline budget', async () => {
        const harness = buildChatHandler({ respond: scripted(new ThrottledError('OnsMessageTrace was throttled', 1), PARTIAL) });
        await harness.invoke(slackEvent(`trace orders ${MSG}`), buildFcContext());
        expect(harness.invocations).toHaveLength(1);
        expect(accessLine(harness)).toMatchObject({ deferredBecause: 'THROTTLED' });
      });

      it('answers with the lookup failure when the hand-off fails', async () => {
        const harness = buildChatHandler({
          respond: scripted(new UpstreamTimeoutError('slow')),
          invokeFailure: Object.assign(new Error('POST failed with 403'), { code: 'AccessDenied' }),
        });
        const response = await harness.invoke(slackEvent(`trace orders ${MSG}`), buildFcContext());
        expect(blocksText(JSON.parse(response.body))).toContain(':warning: *ONS did not answer in time*');
        expect(accessLine(harness)).toMatchObject({ mode: 'deferred', handOffFailed: 'PERMISSION_DENIED' });
      });

      it('never hands off a response_url outside the allow-list: it answers inline instead', async () => {
        const harness = buildChatHandler({ respond: scripted(new UpstreamTimeoutError('slow')) });
        const response = await harness.invoke(slackEvent(`trace orders ${MSG}`, { responseUrl: 'https://evil.example/commands/x' }), buildFcContext());
        expect(blocksText(JSON.parse(response.body))).toContain('ONS did not answer in time');
        expect(harness.invocations).toHaveLength(0);
        expect(accessLine(harness)).toMatchObject({ replyUrlRejected: true, mode: 'inline' });
      });

      it('lets a redelivery post when the first post failed on the way, not when Slack refused it', async () => {
        let slackStatus = 503;
        const harness = buildChatHandler({ respond: scripted(new UpstreamTimeoutError('slow'), PARTIAL), replyAnswer: () => ({ status: slackStatus, text: '' }) });
        await harness.invoke(slackEvent(`trace orders ${MSG}`), buildFcContext());
        const event = harness.invocations[0];
        expect(JSON.parse((await harness.invoke(event, buildFcContext())).body)).toEqual({ status: 'not_delivered' });
        slackStatus = 404;
        expect(JSON.parse((await harness.invoke(event, buildFcContext())).body)).toEqual({ status: 'not_delivered' });
        expect(JSON.parse((await harness.invoke(event, buildFcContext())).body)).toEqual({ status: 'duplicate' });
        expect(harness.posts).toHaveLength(2);
      });
    });
  });

  describe('Given a DingTalk callback', () => {
    it.each([
      ['signed with another secret', { appSecret: 'SECnot-the-secret' }, {}, 'dingtalk signature: mismatch'],
      ['expired', { timestampMs: HANDLER_NOW_MS - 3_600_001 }, {}, 'more than 1 hour old'],
      ['from the future', { timestampMs: HANDLER_NOW_MS + 3_600_001 }, {}, 'in the future'],
      ['unsigned', {}, { sign: undefined }, 'missing sign'],
    ])('answers a callback %s with 401 and an empty body', async (_name, signing, headerOverrides, reason) => {
      const harness = buildChatHandler();
      const callback = buildSignedDingTalkCallback({ text: `trace orders ${MSG}`, nowMs: HANDLER_NOW_MS }, signing);
      const response = await harness.invoke(buildDingTalkCallbackEvent(callback, headerOverrides), buildFcContext());
      expect(response).toMatchObject({ statusCode: 401, body: '' });
      expect(accessLine(harness)).toMatchObject({ route: 'chat.dingtalk', rejected: expect.stringContaining(reason) });
      expect(harness.posts).toHaveLength(0);
    });

    it('posts a markdown answer that @-mentions the sender to the sessionWebhook, and acknowledges with a small 200', async () => {
      // Arrange
      const harness = buildChatHandler({ respond: () => PARTIAL });
      // Act
      const response = await harness.invoke(dingtalkEvent(`@mqtrace trace orders ${MSG}`), buildFcContext());
      // Assert
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ msgtype: 'empty' });
      expect(harness.posts).toHaveLength(1);
      const post = harness.posts[0];
      expect(post?.url).toBe(TEST_SESSION_WEBHOOK);
      expect(post?.body.msgtype).toBe('markdown');
      expect(post?.body.markdown.text).toContain('### 🟡 Partially consumed');
      expect(post?.body.markdown.text).toContain('- **GID_shipping** · NOT_CONSUME_YET');
      expect(post?.body.at).toEqual({ atUserIds: ['demo-staff-0001'], isAtAll: false });
      expect(accessLine(harness)).toMatchObject({ platform: 'dingtalk', mode: 'inline', verdict: 'PARTIALLY_CONSUMED', replyDelivered: true, corpId: 'dingtestcorp0001' });
      expect(harness.fc2Loads()).toBe(0);
    });

    it('acts once on a msgId, however often it is delivered or re-signed', async () => {
      const harness = buildChatHandler({ respond: () => PARTIAL });
      const callback = buildSignedDingTalkCallback({ text: `trace orders ${MSG}`, nowMs: HANDLER_NOW_MS });
      const resigned = buildSignedDingTalkCallback({ text: `trace orders ${MSG}`, nowMs: HANDLER_NOW_MS }, { timestampMs: HANDLER_NOW_MS - 1000 });
      for (const event of [buildDingTalkCallbackEvent(callback), buildDingTalkCallbackEvent(callback), buildDingTalkCallbackEvent(resigned)]) {
        expect(JSON.parse((await harness.invoke(event, buildFcContext())).body)).toEqual({ msgtype: 'empty' });
      }
      expect(harness.posts).toHaveLength(1);
      expect(harness.fake.queries).toHaveLength(1);
      expect(accessLine(harness)).toMatchObject({ outcome: 'duplicate' });
    });

    it.each([
      // An unknown conversation has no locale of its own: DingTalk's default, Chinese.
      ['a corp not on the allow-list', `trace orders ${MSG}`, { senderCorpId: 'dingothercorp' }, '抱歉，mqtrace 不能在这里回答这个请求。'],
      ['help', 'help', {}, '**@mqtrace trace ＜topic＞ ＜msgId＞ \\\\[instance\\\\] \\\\[why\\\\]**'],
      ['a malformed command', 'trace orders', {}, '⚠️ Missing msgId.'],
    ])('answers %s on the sessionWebhook without a lookup', async (_name, text, fields, expected) => {
      const harness = buildChatHandler();
      await harness.invoke(dingtalkEvent(text, fields), buildFcContext());
      expect(harness.posts).toHaveLength(1);
      expect(JSON.stringify(harness.posts[0]?.body.markdown.text)).toContain(expected);
      expect(harness.fake.queries).toHaveLength(0);
    });

    it('does not post to a session that has already expired', async () => {
      const harness = buildChatHandler({ respond: () => PARTIAL });
      const response = await harness.invoke(dingtalkEvent(`trace orders ${MSG}`, { sessionWebhookExpiredTime: HANDLER_NOW_MS - 1 }), buildFcContext());
      expect(response.statusCode).toBe(200);
      expect(harness.posts).toHaveLength(0);
      expect(accessLine(harness)).toMatchObject({ replyDelivered: false, replyFailure: 'session_expired' });
    });

    it('logs the errcode when DingTalk refuses the reply with HTTP 200', async () => {
      const harness = buildChatHandler({ respond: () => PARTIAL, replyAnswer: () => ({ status: 200, text: '{"errcode":300001,"errmsg":"session 不存在"}' }) });
      await harness.invoke(dingtalkEvent(`trace orders ${MSG}`), buildFcContext());
      expect(accessLine(harness)).toMatchObject({ replyDelivered: false, replyFailure: 'session_not_found', replyErrcode: 300001 });
    });

    it('defers a slow lookup and posts its answer once, unless the session expired meanwhile', async () => {
      // Arrange
      let slow = true;
      const harness = buildChatHandler({
        respond: () => {
          if (slow) throw new UpstreamTimeoutError('slow');
          return PARTIAL;
        },
      });
      await harness.invoke(dingtalkEvent(`trace orders ${MSG}`, { msgId: 'msgA' }), buildFcContext());
      await harness.invoke(dingtalkEvent(`trace orders ${MSG}`, { msgId: 'msgB', sessionWebhookExpiredTime: HANDLER_NOW_MS + 60_000 }), buildFcContext());
      // Each deferral first posts the short "Looking up…" note.
      expect(harness.posts.map((p) => p.body.markdown.text)).toEqual([expect.stringContaining('🔎 Looking up'), expect.stringContaining('🔎 Looking up')]);
      expect(harness.invocations).toHaveLength(2);
      harness.posts.length = 0;
      // Act
      harness.clock.advance(60_000);
      slow = false;
      for (const event of [...harness.invocations, ...harness.invocations]) await harness.invoke(event, buildFcContext());
      // Assert
      expect(harness.posts).toHaveLength(1);
      expect(harness.posts[0]?.body.markdown.text).toContain('### 🟡 Partially consumed');
      const outcomes = harness.logs().filter((l) => l.event === 'internal.event').map((l) => l.outcome ?? (l.replyDelivered ? 'delivered' : 'not delivered'));
      expect(outcomes).toEqual(['delivered', 'session_expired', 'duplicate', 'duplicate']);
    });
  });

  describe('Given an internal event', () => {
    const job = {
      type: 'chat.reply',
      platform: 'slack',
      issuedAt: HANDLER_NOW_MS,
      idempotencyKey: 'slack:forged',
      originRequestId: 'r',
      target: { instanceId: CHAT_DEFAULT_INSTANCE, topic: 'orders', msgId: MSG },
      command: { name: 'trace', args: { topic: 'orders', msgId: MSG, instance: CHAT_DEFAULT_INSTANCE }, switches: [] },
      caller: { channel: 'slack', id: 'T0TEST0001/C1' },
      locale: 'en',
      reply: { responseUrl: TEST_RESPONSE_URL, visibility: 'in_channel', teamId: 'T0TEST0001', userId: 'U1', channelId: 'C1' },
    };

    it.each([
      ['signed with another secret', () => sealInternalEvent(job, 'someone-elses-secret-0123456789abcdef'), 0, 'internal event: signature mismatch'],
      ['older than 30 minutes', () => sealInternalEvent(job, TEST_INTERNAL_SECRET), 30 * 60_000 + 1, 'internal event: too old'],
    ])('refuses one %s, looks nothing up and posts nothing', async (_name, build, age, reason) => {
      const harness = buildChatHandler();
      const event = build();
      harness.clock.advance(age);
      const response = await harness.invoke(event, buildFcContext());
      expect(response.statusCode).toBe(401);
      expect(accessLine(harness)).toMatchObject({ event: 'internal.event', rejected: reason });
      expect(harness.fake.queries).toHaveLength(0);
      expect(harness.posts).toHaveLength(0);
    });

    it('posts what a correctly sealed job asks for', async () => {
      const harness = buildChatHandler({ respond: () => PARTIAL });
      await harness.invoke(sealInternalEvent(job, TEST_INTERNAL_SECRET), buildFcContext());
      expect(harness.posts.map((p) => p.url)).toEqual([TEST_RESPONSE_URL]);
    });

    it('refuses every internal event while the internal secret is unset', async () => {
      // Every platform off: the internal secret is then optional, and unset.
      const off = Object.fromEntries(Object.keys(CHAT_TEST_ENV).map((key) => [key, '']));
      const harness = buildChatHandler({ env: off });
      const response = await harness.invoke(sealInternalEvent(job, TEST_INTERNAL_SECRET), buildFcContext());
      expect(response.statusCode).toBe(401);
      expect(harness.posts).toHaveLength(0);
    });
  });
});
