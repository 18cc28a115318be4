import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSpotCheckHandler } from '../../../../functions/spot-check/handler';
import { CredentialsError, InvalidInputError } from '../../../../shared/errors';
import { createLogger } from '../../../../shared/log';
import { createCredentialsProvider, type Credentials } from '../../../../shared/credentials';
import { createFileStatePort } from '../../../../shared/spot-check/state-file';
import {
  buildFakeOnsBackend,
  buildFoundMessages,
  buildRecordingDestination,
  buildSpotCheck,
  buildSpotCheckLookups,
  CHECK_INSTANCE,
} from '../../../builders/build-spot-check';
import { buildFakeClock } from '../../../builders/fake-clock';

const CREDENTIALS: Credentials = { accessKeyId: 'STS.ctx-key', accessKeySecret: 'ctx-secret-value', securityToken: 'ctx-token-value' };

function setup(options: { configured?: ReturnType<typeof buildSpotCheck>[]; envCredentials?: Credentials } = {}) {
  const clock = buildFakeClock();
  const lines: Array<Record<string, any>> = [];
  // A fake ONS behind the real 4.x adapter; it records the credentials each caller signs with.
  const trace = buildFakeOnsBackend();
  const destination = buildRecordingDestination('slack');
  const statePath = join(mkdtempSync(join(tmpdir(), 'mqtrace-handler-')), 'state.json');
  const handler = createSpotCheckHandler({
    logger: createLogger({ write: (l) => lines.push(JSON.parse(l)), now: clock.now }),
    now: clock.now,
    lookups: buildSpotCheckLookups(trace.brokers, clock.now),
    brokers: trace.brokers,
    credentials: createCredentialsProvider(options.envCredentials),
    configuredChecks: options.configured ?? [],
    runDeadlineMs: 60_000,
    reserveMs: 5000,
    quietPeriodMs: 3600_000,
    destinations: [destination],
    stateFor: () => createFileStatePort({ path: statePath, now: clock.now }),
  });
  return { clock, lines, trace, destination, statePath, handler, credentialsSeen: trace.credentialsSeen };
}

const timerEvent = (payload: unknown) =>
  Buffer.from(JSON.stringify({ triggerTime: '2025-10-25T04:00:00Z', triggerName: 'spot-check', payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }));
const context = { requestId: 'req-1', credentials: CREDENTIALS, function: { timeout: 120 } };

describe('Function: createSpotCheckHandler', () => {
  it('runs the payload checks with the invocation credentials and returns the summary', async () => {
    // Arrange
    const { handler, credentialsSeen, lines, statePath } = setup();

    // Act
    const summary = await handler(timerEvent({ checks: [{ name: 'orders', instanceId: CHECK_INSTANCE, topic: 'orders', sample: 0, msgIds: ['0A000C22303918B4AAC244F9ABC301A3'] }] }), context);

    // Assert
    // Every upstream caller of the run (sampling's and the lookup's) signs with the context's STS set.
    expect(credentialsSeen.length).toBeGreaterThan(0);
    for (const seen of credentialsSeen) expect(seen).toEqual(CREDENTIALS);
    expect(summary).toMatchObject({ runId: 'req-1', triggerName: 'spot-check', triggerTime: '2025-10-25T04:00:00Z', complete: true });
    expect(summary.checks.map((c) => [c.name, c.status])).toEqual([['orders', 'OK']]);
    expect(lines.map((l) => l.event)).toEqual(['audit.lookup', 'spot_check.run']);
    expect(lines[0]).toMatchObject({
      requestId: 'req-1',
      caller: { channel: 'timer', id: 'timer:spot-check' },
      instanceId: CHECK_INSTANCE,
      topic: 'orders',
      msgId: '0A000C22303918B4AAC244F9ABC301A3',
      outcome: 'answered',
      verdict: 'CONSUMED',
    });
    expect(JSON.parse(readFileSync(statePath, 'utf8')).checks.orders.status).toBe('OK');
  });

  it('adds the payload checks to the configured ones', async () => {
    const { handler } = setup({ configured: [buildSpotCheck({ name: 'configured', sample: 0, msgIds: ['0A000C22303918B4AAC244F9ABC301A3'] })] });

    const summary = await handler(timerEvent({ checks: [{ name: 'extra', instanceId: CHECK_INSTANCE, topic: 'orders', sample: 0, msgIds: ['0A000C22303918B4AAC244F9D9B101A4'] }] }), context);

    expect(summary.checks.map((c) => c.name)).toEqual(['configured', 'extra']);
  });

  it.each([
    ['a payload that is not JSON', timerEvent('{not json'), 'payload: is not valid JSON; expected {"checks": [...]}'],
    [
      'a check with a bad field',
      timerEvent({ checks: [{ name: 'orders-canary', instanceId: CHECK_INSTANCE, topic: 'orders', sample: 500 }] }),
      'payload.checks[orders-canary].sample: must be at most 50',
    ],
    ['an event that is not a timer event', Buffer.from('hello'), 'event: is not a JSON timer event {triggerTime, triggerName, payload}'],
    ['a timer event whose payload is not a string', Buffer.from(JSON.stringify({ triggerTime: 't', triggerName: 'n', payload: { checks: [] } })), 'event.payload: must be a string'],
    ['no checks at all', timerEvent(''), 'checks: none configured (MQTRACE_SPOT_CHECKS) and none in the payload'],
  ])('rejects %s with a clear error, logged once', async (_label, event, message) => {
    // Arrange
    const { handler, lines, trace } = setup();

    // Act
    const error = await handler(event, context).catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain(message);
    expect(lines).toEqual([expect.objectContaining({ event: 'spot_check.rejected', level: 'error', errorCode: 'INVALID_INPUT' })]);
    expect(trace.lookedUp).toEqual([]);
  });

  it('rejects a run without credentials', async () => {
    const { handler } = setup();

    const error = await handler(timerEvent({ checks: [{ name: 'a', instanceId: CHECK_INSTANCE, topic: 'orders' }] }), { requestId: 'r' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CredentialsError);
  });

  it("signs with the environment's AccessKey when the context carries no credentials (local runs)", async () => {
    const env: Credentials = { accessKeyId: 'ENV_AK', accessKeySecret: 'env-secret-value' };
    const { handler, credentialsSeen } = setup({ envCredentials: env });

    const summary = await handler(timerEvent({ checks: [{ name: 'a', instanceId: CHECK_INSTANCE, topic: 'orders', sample: 0, msgIds: ['0A000C22303918B4AAC244F9ABC301A3'] }] }), { requestId: 'r' });

    expect(summary.checks[0]?.coverage.judged).toBe(1);
    expect(credentialsSeen.length).toBeGreaterThan(0);
    for (const seen of credentialsSeen) expect(seen).toEqual(env);
  });

  it('keeps a third of a short budget for alerts and state, whatever the configured reserve', async () => {
    // Arrange: a 3 s function timeout leaves 2.5 s; the 5 s reserve is capped to 833 ms.
    const { handler, clock, trace } = setup();
    const messages = buildFoundMessages(1, clock.now());

    // Act
    const summary = await handler(timerEvent({ checks: [{ name: 'a', instanceId: CHECK_INSTANCE, topic: 'orders', sample: 0, msgIds: [messages[0]!.msgId] }] }), {
      ...context,
      function: { timeout: 3 },
    });

    // Assert
    expect(summary.checks[0]?.coverage.judged).toBe(1);
    expect(trace.lookedUp).toEqual([messages[0]!.msgId]);
  });
});
