import { describe, expect, it } from 'vitest';
import { UpstreamTimeoutError } from '../../../../../shared/errors';
import type { MessageTraceResult } from '../../../../../shared/ons/message-trace';
import { buildSignedSlackCommand, buildSlackButtonEvent, buildSlackCommandEvent, TEST_RESPONSE_URL, TEST_TEAM_ID } from '../../../../builders/build-chat-requests';
import { buildChatHandler, CHAT_DEFAULT_INSTANCE, type ChatHandlerHarness } from '../../../../builders/build-chat-handler';
import { buildFcContext } from '../../../../builders/build-fc-http-event';
import { HANDLER_NOW_MS } from '../../../../builders/build-http-handler';

const MSG = '0A000C22303918B4AAC244F9D9B101A4';
const NOW_SEC = Math.floor(HANDLER_NOW_MS / 1000);
const CONSUMED: MessageTraceResult = { requestId: 'UP-1', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] };
const accessLine = (harness: ChatHandlerHarness) => harness.logs().filter((l) => l.event !== 'audit.lookup').at(-1) as Record<string, unknown>;
const COMMAND = `trace orders ${MSG} ${CHAT_DEFAULT_INSTANCE}`;

describe('Slack buttons', () => {
  it('puts "Re-check", "Why?" and "Journey" buttons on a report, each carrying its command', async () => {
    const harness = buildChatHandler({ respond: () => CONSUMED });
    const response = await harness.invoke(buildSlackCommandEvent(buildSignedSlackCommand({ text: `trace orders ${MSG}` }, { timestampSec: NOW_SEC })), buildFcContext());
    const actions = (JSON.parse(response.body).blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string; text: { text: string } }> }>).find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => [e.text.text, e.action_id, e.value])).toEqual([
      ['Re-check', 'mqtrace.recheck', COMMAND],
      ['Why?', 'mqtrace.why', `${COMMAND} why`],
      ['Journey', 'mqtrace.journey', `journey orders ${MSG} ${CHAT_DEFAULT_INSTANCE}`],
    ]);
  });

  describe('Given a signed press of a button', () => {
    it('acknowledges with an empty 200 and posts the answer to its response_url beside the original message', async () => {
      // Arrange
      const harness = buildChatHandler({ respond: () => CONSUMED });
      // Act
      const response = await harness.invoke(buildSlackButtonEvent({ command: `${COMMAND} why`, actionId: 'mqtrace.why' }, { timestampSec: NOW_SEC }), buildFcContext());
      // Assert
      expect(response).toMatchObject({ statusCode: 200, body: '' });
      expect(harness.posts.map((p) => p.url)).toEqual([TEST_RESPONSE_URL]);
      expect(harness.posts[0]?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(JSON.stringify(harness.posts[0]?.body.blocks)).toContain('*Why*');
      expect(harness.fake.queries).toHaveLength(1);
      expect(accessLine(harness)).toMatchObject({ route: 'chat.slack', via: 'button', actionId: 'mqtrace.why', command: 'trace', replyDelivered: true, teamId: TEST_TEAM_ID });
      expect(harness.logs().filter((l) => l.event === 'audit.lookup')).toEqual([expect.objectContaining({ outcome: 'answered', caller: { channel: 'slack', id: `${TEST_TEAM_ID}/C0DEMO0001` } })]);
    });

    it('checks the scope of the command it carries, exactly as of a typed one', async () => {
      const harness = buildChatHandler({ config: { slack: { channels: [{ teamId: TEST_TEAM_ID, channelId: '*', scope: { instances: ['*'], topics: ['payments'] } }] } } });
      await harness.invoke(buildSlackButtonEvent({ command: COMMAND }, { timestampSec: NOW_SEC }), buildFcContext());
      expect(harness.fake.queries).toHaveLength(0);
      expect(JSON.stringify(harness.posts[0]?.body)).toContain('Sorry, mqtrace cannot answer this request here.');
      expect(harness.logs().filter((l) => l.event === 'audit.lookup')).toEqual([expect.objectContaining({ outcome: 'refused', reason: 'out_of_scope' })]);
    });

    it.each([
      ['signed with another secret', { signingSecret: 'not-the-secret', timestampSec: NOW_SEC }, {}],
      ['stale', { timestampSec: NOW_SEC - 301 }, {}],
      ['unsigned', { timestampSec: NOW_SEC }, { 'x-slack-signature': undefined }],
    ])('refuses one %s with 401 and changes nothing', async (_name, signing, headers) => {
      const harness = buildChatHandler({ respond: () => CONSUMED });
      const response = await harness.invoke(buildSlackButtonEvent({ command: COMMAND }, signing, headers), buildFcContext());
      expect(response).toMatchObject({ statusCode: 401, body: '' });
      expect(harness.posts).toHaveLength(0);
      expect(harness.fake.queries).toHaveLength(0);
    });

    it('defers a slow lookup: a "Looking up…" post, then the answer from the async invocation, both beside the original', async () => {
      let slow = true;
      const harness = buildChatHandler({
        respond: () => {
          if (slow) throw new UpstreamTimeoutError('slow');
          return CONSUMED;
        },
      });
      const response = await harness.invoke(buildSlackButtonEvent({ command: COMMAND }, { timestampSec: NOW_SEC }), buildFcContext());
      slow = false;
      await harness.invoke(harness.invocations[0], buildFcContext());
      expect(response.statusCode).toBe(200);
      expect(harness.posts.map((p) => [p.body.text, p.body.replace_original])).toEqual([
        [`Looking up ${MSG} in orders…`, false],
        ['Consumed: All 1 subscribing group(s) consumed the message.', false],
      ]);
    });
  });
});
