import { describe, expect, it } from 'vitest';
import { createChatRuntime, type ChatRuntimeParts } from '../../../../shared/chat/chat-runtime';
import type { DeferredChatJobInput } from '../../../../shared/chat/deferred-job';
import { loadChatConfig } from '../../../../shared/config/chat-config-schema';
import { PermissionDeniedError, UpstreamTimeoutError } from '../../../../shared/errors';
import { createMemoryIdempotencyStore } from '../../../../shared/idempotency';
import { asyncTaskIdFor, type InvokerPort, type InvokeTarget } from '../../../../shared/invoke/invoker-port';
import {
  buildDingTalkCallbackEvent,
  buildSignedDingTalkCallback,
  buildSignedSlackCommand,
  buildSlackCommandEvent,
  TEST_INTERNAL_SECRET,
  TEST_SLACK_SECRET,
} from '../../../builders/build-chat-requests';
import { buildChatHandler, type ChatHandlerHarness } from '../../../builders/build-chat-handler';
import { buildFcContext } from '../../../builders/build-fc-http-event';
import { HANDLER_NOW_MS } from '../../../builders/build-http-handler';

const MSG = '0A000C22303918B4AAC244F9D9B101A4';
const NOW_SEC = Math.floor(HANDLER_NOW_MS / 1000);
const SLOW = () => {
  throw new UpstreamTimeoutError('OnsMessageTrace: the endpoint did not answer in time');
};
// What fc2 throws for FC's 409 on a reused task ID: the status in the message, no usable ErrorCode.
const TASK_EXISTS = Object.assign(new Error('POST /functions/mqtrace-http/invocations failed with 409. requestid: 1-x, message: exists.'), { name: 'FCundefinedError' });
const accessLine = (harness: ChatHandlerHarness) => harness.logs().filter((l) => l.event !== 'audit.lookup').at(-1) as Record<string, unknown>;

describe('Function: ChatRuntime.handOff (through the chat routes)', () => {
  describe('Given a slash command whose delivery another instance already handed off (FC answers 409)', () => {
    it('answers the pending "Looking up…" ack, as if it had handed off itself, and records no failure', async () => {
      // Arrange
      const harness = buildChatHandler({ respond: SLOW, invokeFailure: TASK_EXISTS });
      // Act
      const ack = await harness.invoke(buildSlackCommandEvent(buildSignedSlackCommand({ text: `trace orders ${MSG}` }, { timestampSec: NOW_SEC })), buildFcContext());
      // Assert
      expect(ack.statusCode).toBe(200);
      expect(JSON.parse(ack.body)).toMatchObject({ response_type: 'ephemeral', text: `Looking up ${MSG} in orders…` });
      expect(accessLine(harness)).toMatchObject({ mode: 'deferred' });
      expect(accessLine(harness)).not.toHaveProperty('handOffFailed');
      expect(harness.posts).toHaveLength(0);
    });
  });

  describe('Given a DingTalk callback whose delivery was already handed off', () => {
    it('acknowledges with the empty message after the short "Looking up…" note, and posts no fallback answer', async () => {
      const harness = buildChatHandler({ respond: SLOW, invokeFailure: TASK_EXISTS });
      const ack = await harness.invoke(buildDingTalkCallbackEvent(buildSignedDingTalkCallback({ text: `trace orders ${MSG}`, nowMs: HANDLER_NOW_MS })), buildFcContext());
      expect(JSON.parse(ack.body)).toEqual({ msgtype: 'empty' });
      expect(accessLine(harness)).not.toHaveProperty('handOffFailed');
      expect(harness.posts.map((p) => p.body.markdown.text)).toEqual([expect.stringContaining(`🔎 Looking up **${MSG}** in **orders**`)]);
    });
  });

  describe('Given the runtime itself', () => {
    const job: DeferredChatJobInput = {
      platform: 'slack',
      idempotencyKey: 'slack:13345224609.738474920.8088930838d88f008e0',
      originRequestId: 'req-1',
      target: { instanceId: 'MQ_INST_1234567890123456_BXdefault', topic: 'orders', msgId: MSG },
      command: { name: 'trace', args: { topic: 'orders', msgId: MSG, instance: 'MQ_INST_1234567890123456_BXdefault' }, switches: [] },
      caller: { channel: 'slack', id: 'team/channel' },
      locale: 'en',
      reply: { responseUrl: 'https://hooks.slack.com/commands/T/1/x', visibility: 'ephemeral', teamId: 'T', userId: 'U', channelId: 'C' },
    };
    const runtimeWith = (invokeAsync: InvokerPort['invokeAsync']) =>
      createChatRuntime({
        config: loadChatConfig({ SLACK_SIGNING_SECRET: TEST_SLACK_SECRET, MQTRACE_INTERNAL_SECRET: TEST_INTERNAL_SECRET }),
        now: () => HANDLER_NOW_MS,
        invoker: { invokeAsync },
        credentials: () => ({ accessKeyId: 'STS.k', accessKeySecret: 's', securityToken: 't' }),
        lookupDeadlineMs: 8000,
        // handOff uses none of these.
        lookup: {} as ChatRuntimeParts['lookup'],
        http: {} as ChatRuntimeParts['http'],
        timeZone: { kind: 'offset', minutes: 0 },
        explore: {} as ChatRuntimeParts['explore'],
        idempotency: createMemoryIdempotencyStore({ maxEntries: 10, now: () => HANDLER_NOW_MS }),
        access: {} as ChatRuntimeParts['access'],
      });
    const context = buildFcContext();

    it.each(['accepted', 'duplicate'] as const)("passes the job's idempotency key to the invoker and treats %s as handed off", async (status) => {
      const calls: Array<{ key: string; target: InvokeTarget }> = [];
      const rt = runtimeWith(async (_payload, target, _credentials, { idempotencyKey }) => {
        calls.push({ key: idempotencyKey, target });
        return { status, requestId: undefined, taskId: asyncTaskIdFor(idempotencyKey) };
      });
      await expect(rt.handOff(job, context)).resolves.toBeUndefined();
      expect(calls.map((c) => c.key)).toEqual([job.idempotencyKey]);
    });

    it('resolves to the error of a failed hand-off', async () => {
      const rt = runtimeWith(async () => {
        throw new PermissionDeniedError("the function's role may not invoke itself: AccessDenied");
      });
      await expect(rt.handOff(job, context)).resolves.toBeInstanceOf(PermissionDeniedError);
    });
  });
});
