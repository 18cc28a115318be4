import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSlashCommandBody, DEMO_CHAT, signSlackRequest } from '../../../local/fakes/chat-signing';
import { startLocalStack, type LocalStack } from '../../../local/runner/local-stack';
import { DUPLICATE_TASK_CODE } from '../../../local/runner/invoke-api';
import { asyncTaskIdFor } from '../../../shared/invoke/invoker-port';
import { readBuiltCode, requiresOf } from '../../builders/built-function';
import { buildSeedFile } from '../../builders/seed';

const PARTIAL_MSG = '0A000C22303918B4AAC244F9D9B101A4';

describe.each([
  ['the official FC 3.0 SDK (the default)', 'acs3', {}],
  ['fc2 (MQTRACE_INVOKER=fc2)', 'fc2', { MQTRACE_INVOKER: 'fc2' }],
] as const)('Deferred chat replies through the built bundle, %s and the local invoke API', (_name, scheme, invokerEnv) => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      env: { PATH: process.env.PATH },
      seedPath: buildSeedFile().path,
      // A deferred lookup must outlast the 5 s upstream latency below.
      functionEnv: { MQTRACE_CALL_TIMEOUT_MS: '8000', MQTRACE_LOOKUP_DEADLINE_MS: '12000', MQTRACE_CHAT_DEFERRED_CALL_TIMEOUT_MS: '8000', ...invokerEnv },
      // Two instances: two deliveries at once land on different ones, whose memories share nothing.
      maxInstances: 2,
    });
    stack.emulator?.handle.setFault('OnsMessageTrace', { latencyMs: 5000 });
  });

  afterAll(async () => {
    stack?.emulator?.handle.setFault('OnsMessageTrace', undefined);
    await stack?.close();
  });

  it('ships the FC 3.0 SDK as fc3.js beside the bundle, required on first use and not inside the function code', () => {
    const code = readBuiltCode(stack.spec.codeDir);
    expect(requiresOf(code, './fc3.js')).toEqual({ deferred: 1, eager: 0 });
    // A method only the SDK's client has: its code must not be inside the function's own files.
    expect([...code.values()].some((text) => text.includes('listAsyncTasksWithOptions'))).toBe(false);
    expect(readFileSync(join(stack.spec.codeDir, 'fc3.js'), 'utf8')).toContain('listAsyncTasksWithOptions');
    expect(existsSync(join(stack.spec.codeDir, 'fc2.js'))).toBe(true);
  });

  it('hands a Slack command delivered twice (same trigger_id) to exactly one async invocation, and both deliveries get the pending ack', async () => {
    // Arrange: one signed delivery, sent twice at once
    const triggerId = `${Date.now()}.738474920.8088930838d88f008e0`;
    const responseUrl = stack.chat.fakes.slack.mint({ teamId: DEMO_CHAT.slackTeamId });
    const body = buildSlashCommandBody({ text: `trace orders ${PARTIAL_MSG}`, responseUrl, triggerId });
    const headers = signSlackRequest(body);
    const acceptedBefore = stack.chat.invokeApi.invocations().length;
    const refusedBefore = stack.chat.invokeApi.refusals().length;
    const deliver = async () => {
      const response = await fetch(`${stack.url}/chat/slack`, { method: 'POST', headers, body });
      return { status: response.status, body: JSON.parse(await response.text()) as { text?: string } };
    };

    // Act
    const acks = await Promise.all([deliver(), deliver()]);

    // Assert: both instances deferred; FC's de-duplication let one hand-off through and refused the other with 409
    expect(acks.map((a) => a.status)).toEqual([200, 200]);
    expect(acks.map((a) => a.body.text)).toEqual([`Looking up ${PARTIAL_MSG} in orders…`, `Looking up ${PARTIAL_MSG} in orders…`]);
    const taskId = asyncTaskIdFor(`slack:${triggerId}`);
    const accepted = stack.chat.invokeApi.invocations().slice(acceptedBefore);
    expect(accepted.map((i) => ({ type: i.type, scheme: i.scheme, taskId: i.taskId }))).toEqual([{ type: 'Async', scheme, taskId }]);
    expect(stack.chat.invokeApi.refusals().slice(refusedBefore)).toEqual([expect.objectContaining({ status: 409, code: DUPLICATE_TASK_CODE, scheme, taskId })]);

    // Assert: the one async run posts the answer once
    const [answer] = await stack.chat.fakes.waitForPosts(responseUrl, 1, 25_000);
    expect((answer?.body as { text: string }).text).toMatch(/^Partially consumed/);
    await stack.chat.invokeApi.settled();
    expect(stack.chat.fakes.slack.posts(responseUrl).filter((p) => p.accepted)).toHaveLength(1);
    expect(stack.chat.invokeApi.invocations().slice(acceptedBefore)).toHaveLength(1);
  });
});
