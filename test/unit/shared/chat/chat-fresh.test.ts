import { describe, expect, it } from 'vitest';
import { UpstreamTimeoutError } from '../../../../shared/errors';
import type { MessageTraceResult } from '../../../../shared/ons/message-trace';
import { buildDingTalkCallbackEvent, buildSignedDingTalkCallback, buildSignedSlackCommand, buildSlackCommandEvent } from '../../../builders/build-chat-requests';
import { buildChatHandler, type ChatHandlerHarness } from '../../../builders/build-chat-handler';
import { buildFcContext } from '../../../builders/build-fc-http-event';
import { HANDLER_NOW_MS } from '../../../builders/build-http-handler';

const MSG = '0A000C22303918B4AAC244F9D9B101A4';
const NOW_SEC = Math.floor(HANDLER_NOW_MS / 1000);
const CONSUMED: MessageTraceResult = { requestId: 'UP-CONSUMED-1', tracks: [{ consumerGroup: 'GID_billing', trackType: 'CONSUMED' }] };

/** Answers from a script: each entry is used once, in order; the last one repeats. */
function scripted(...answers: Array<MessageTraceResult | Error>) {
  let call = 0;
  return () => {
    const answer = answers[Math.min(call++, answers.length - 1)] as MessageTraceResult | Error;
    if (answer instanceof Error) throw answer;
    return answer;
  };
}

let delivery = 0;
const slackEvent = (text: string) => buildSlackCommandEvent(buildSignedSlackCommand({ text, triggerId: `trigger-${++delivery}` }, { timestampSec: NOW_SEC }));
const dingtalkEvent = (text: string) => buildDingTalkCallbackEvent(buildSignedDingTalkCallback({ text, nowMs: HANDLER_NOW_MS, msgId: `msg-fresh-${++delivery}` }));
const accessLines = (harness: ChatHandlerHarness) => harness.logs().filter((l) => l.event === 'http.request' || l.event === 'internal.event');

describe('Chat --fresh (through createHttpHandler, with the verdict cache on)', () => {
  it.each([
    ['Slack', slackEvent],
    ['DingTalk', dingtalkEvent],
  ])('answers a repeated trace on %s from the cache, and asks the broker again with --fresh', async (_platform, event) => {
    // Arrange
    const harness = buildChatHandler({ respond: () => CONSUMED, verdictCacheTtlMs: 60_000 });

    // Act
    await harness.invoke(event(`trace orders ${MSG}`), buildFcContext());
    await harness.invoke(event(`trace orders ${MSG}`), buildFcContext());
    await harness.invoke(event(`trace orders ${MSG} --fresh`), buildFcContext());

    // Assert
    expect(harness.fake.queries).toHaveLength(2);
    expect(accessLines(harness).map((l) => l.cache)).toEqual([undefined, 'hit', 'refreshed']);
  });

  it('carries --fresh into the deferred job, so the deferred run asks the broker too', async () => {
    // Arrange: a cached CONSUMED answer, then a --fresh lookup that times out inline.
    const harness = buildChatHandler({ respond: scripted(CONSUMED, new UpstreamTimeoutError('OnsMessageTrace: the endpoint did not answer in time'), CONSUMED), verdictCacheTtlMs: 60_000 });
    await harness.invoke(slackEvent(`trace orders ${MSG}`), buildFcContext());

    // Act
    const ack = await harness.invoke(slackEvent(`trace orders ${MSG} --fresh`), buildFcContext());
    const finished = await harness.invoke(harness.invocations[0], buildFcContext({ requestId: 'async-1' }));

    // Assert
    expect(JSON.parse(ack.body).text).toBe(`Looking up ${MSG} in orders…`);
    expect(JSON.parse(finished.body)).toEqual({ status: 'delivered' });
    expect(harness.fake.queries).toHaveLength(3);
    expect(accessLines(harness).at(-1)).toMatchObject({ event: 'internal.event', command: 'trace', fresh: true, cache: 'refreshed', replyDelivered: true });
  });
});
