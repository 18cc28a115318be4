import { describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../../../functions/http/handler';
import { PermissionDeniedError } from '../../../../shared/errors';
import type { FcContext } from '../../../../shared/fc-context';
import type { FcHttpResponse } from '../../../../shared/http/http-response';
import { createLogger } from '../../../../shared/log';
import { createCredentialsProvider } from '../../../../shared/credentials';
import { createLookupService } from '../../../../shared/trace/lookup-service';
import type { MessageTraceResult } from '../../../../shared/ons/message-trace';
import { TraceReportSchema } from '../../../../shared/trace/report-schema';
import { buildFakeGateway } from '../../../builders/build-fake-gateway';
import { buildFakeOnsCaller, type ScriptedAnswer } from '../../../builders/build-fake-ons-caller';
import { buildFcContext, buildFcHttpEventBuffer } from '../../../builders/build-fc-http-event';
import { buildFakeClock } from '../../../builders/fake-clock';
import { buildAccessControl } from '../../../builders/build-access';

const INSTANCE = 'MQ_INST_1234567890123456_BXhFHryi';
const MSG = '0A000C22303918B4AAC244F9ABC301A3';
const QUERY = { instanceId: INSTANCE, topic: 'orders', msgId: MSG };
const LOOKUP_DEADLINE_MS = 8000;

const message = (overrides: Record<string, unknown> = {}) => ({
  RequestId: 'R-MSG',
  Data: {
    MsgId: MSG,
    Topic: 'orders',
    BornTimestamp: Date.parse('2025-10-25T03:00:00.000Z'),
    ReconsumeTimes: 0,
    PropertyList: { MessageProperty: [{ Name: 'TAGS', Value: 'order-paid' }] },
    ...overrides,
  },
});

/** ONS answers for a group GID_b that is offline (accumulate Online=false, no connections, not dead-lettered). */
const OFFLINE_GROUP: Partial<Record<string, ScriptedAnswer>> = {
  OnsMessageGetByMsgId: message(),
  OnsConsumerAccumulate: { RequestId: 'R-ACC', Data: { Online: false, TotalDiff: 12, LastTimestamp: 0 } },
  OnsConsumerGetConnection: { RequestId: 'R-CON', Data: { ConnectionList: { ConnectionDo: [] } } },
  OnsDLQMessageGetById: { RequestId: 'R-DLQ' },
};

function buildHarness(options: {
  tracks?: (poll: number) => MessageTraceResult['tracks'];
  script?: Partial<Record<string, ScriptedAnswer>>;
  context?: FcContext;
}) {
  const clock = buildFakeClock();
  let polls = 0;
  const ons = buildFakeOnsCaller(options.script ?? OFFLINE_GROUP);
  const fake = buildFakeGateway(
    () => ({
      requestId: `UP-${polls}`,
      tracks: (options.tracks ?? (() => [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }, { consumerGroup: 'GID_b', trackType: 'NOT_ONLINE' }]))(polls++),
    }),
    { otherActions: ons.caller },
  );
  const access = buildAccessControl();
  const lines: string[] = [];
  const handler = createHttpHandler({
    logger: createLogger({ write: (line) => lines.push(line), now: clock.now }),
    version: 'test',
    now: clock.now,
    access,
    lookups: createLookupService({ brokers: fake.brokers, access, now: clock.now, sleep: clock.sleep, random: () => 0.5, producerUtcOffsetMinutes: 480 }),
    credentials: createCredentialsProvider(undefined),
    lookupDeadlineMs: LOOKUP_DEADLINE_MS,
  });
  const invoke = async (event: Buffer) => {
    const response = (await handler(event, options.context ?? buildFcContext())) as FcHttpResponse;
    return { response, json: JSON.parse(response.body) as Record<string, any> };
  };
  return { invoke, clock, fake, ons, log: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

const get = (query: Record<string, string>) => buildFcHttpEventBuffer({ query });
const post = (body: unknown) =>
  buildFcHttpEventBuffer({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('Function: createHttpHandler (explain and waitSeconds)', () => {
  describe('Given explain=true on GET, or "explain": true in a POST body', () => {
    it.each([
      ['GET', get({ ...QUERY, explain: 'true' })],
      ['POST', post({ ...QUERY, explain: true })],
    ])('%s answers the report with a diagnosis whose findings carry evidence', async (_method, event) => {
      // Arrange
      const harness = buildHarness({});

      // Act
      const { response, json } = await harness.invoke(event);

      // Assert
      expect(response.statusCode).toBe(200);
      const report = TraceReportSchema.parse(json);
      expect(report.diagnosis?.message).toMatchObject({ tag: 'order-paid', reconsumeTimes: 0 });
      expect(report.diagnosis?.findings).toEqual([
        expect.objectContaining({ code: 'GROUP_OFFLINE', group: 'GID_b', evidence: expect.objectContaining({ online: false, connectedClients: 0 }) }),
      ]);
      expect(report.diagnosis?.skippedChecks).toEqual([]);
      expect(report).not.toHaveProperty('wait');
      expect(harness.ons.calls.map((c) => c.action).sort()).toEqual([
        'OnsConsumerAccumulate',
        'OnsConsumerGetConnection',
        'OnsDLQMessageGetById',
        'OnsMessageGetByMsgId',
      ]);
      const access = harness.log().find((l) => l.event === 'http.request');
      expect(access).toMatchObject({ findings: ['GROUP_OFFLINE'], skippedChecks: [], upstreamAttempts: 5 });
    });

    it('answers without a diagnosis, and makes no extra call, without explain or with explain=false', async () => {
      const harness = buildHarness({});
      const { json } = await harness.invoke(get({ ...QUERY, explain: 'false' }));
      expect(json).not.toHaveProperty('diagnosis');
      expect(harness.ons.calls).toEqual([]);
    });

    it('answers 200 with a partial diagnosis when the role may not call one action', async () => {
      // Arrange
      const denied = new PermissionDeniedError("mqtrace's role may not call OnsConsumerAccumulate on this resource: Forbidden.RAM", {
        upstream: { action: 'OnsConsumerAccumulate', code: 'Forbidden.RAM' },
      });
      const harness = buildHarness({ script: { ...OFFLINE_GROUP, OnsConsumerAccumulate: denied } });

      // Act
      const { response, json } = await harness.invoke(get({ ...QUERY, explain: 'true' }));

      // Assert
      expect(response.statusCode).toBe(200);
      expect(json.diagnosis.skippedChecks).toEqual([
        { check: 'CONSUMER_ACCUMULATE', group: 'GID_b', reason: 'PERMISSION_DENIED', upstreamCode: 'Forbidden.RAM', detail: denied.message },
      ]);
      expect(json.diagnosis.findings.map((f: { code: string }) => f.code)).toEqual(['GROUP_OFFLINE']);
    });
  });

  describe('Given waitSeconds', () => {
    it('polls until CONSUMED and reports how long it waited and how many polls it made', async () => {
      // Arrange
      const harness = buildHarness({
        tracks: (poll) => [{ consumerGroup: 'GID_a', trackType: poll >= 2 ? 'CONSUMED' : 'NOT_CONSUME_YET' }],
        context: buildFcContext({ function: { timeout: 60 } }),
      });

      // Act
      const { response, json } = await harness.invoke(get({ ...QUERY, waitSeconds: '20' }));

      // Assert
      expect(response.statusCode).toBe(200);
      expect(json.verdict).toBe('CONSUMED');
      expect(json.wait).toEqual({ outcome: 'CONSUMED', waitedMs: 1250, polls: 3, windowMs: 20_000 });
      expect(harness.fake.queries).toHaveLength(3);
      expect(harness.log().find((l) => l.event === 'http.request')).toMatchObject({ waitOutcome: 'CONSUMED', waitPolls: 3, verdict: 'CONSUMED' });
    });

    it('caps the window at the function timeout minus the response margin and the lookup deadline', async () => {
      // Arrange: timeout 10 s → budget 9.5 s, of which 8 s stay reserved for the last lookup.
      const harness = buildHarness({ tracks: () => [{ consumerGroup: 'GID_a', trackType: 'NOT_CONSUME_YET' }] });

      // Act
      const { json } = await harness.invoke(post({ ...QUERY, waitSeconds: 900 }));

      // Assert
      expect(json.wait).toMatchObject({ outcome: 'TIMED_OUT', windowMs: 1500, waitedMs: 1500, cappedFrom: 900 });
      expect(json.verdict).toBe('NOT_CONSUMED');
      expect(harness.log().find((l) => l.event === 'http.request')).toMatchObject({ waitCappedFrom: 900 });
    });

    it('explains the final report when explain is set too', async () => {
      const harness = buildHarness({ tracks: () => [{ consumerGroup: 'GID_b', trackType: 'NOT_ONLINE' }], context: buildFcContext({ function: { timeout: 30 } }) });
      const { json } = await harness.invoke(post({ ...QUERY, waitSeconds: 2, explain: true }));
      expect(json.wait).toMatchObject({ outcome: 'TIMED_OUT', windowMs: 2000 });
      expect(json.diagnosis.findings.map((f: { code: string }) => f.code)).toEqual(['GROUP_OFFLINE']);
    });
  });

  describe('Given malformed options', () => {
    it.each([
      ['explain=yes', get({ ...QUERY, explain: 'yes' }), 'explain'],
      ['explain=1', get({ ...QUERY, explain: '1' }), 'explain'],
      ['waitSeconds=abc', get({ ...QUERY, waitSeconds: 'abc' }), 'waitSeconds'],
      ['waitSeconds=0', get({ ...QUERY, waitSeconds: '0' }), 'waitSeconds'],
      ['waitSeconds=901', get({ ...QUERY, waitSeconds: '901' }), 'waitSeconds'],
      ['waitSeconds=-1', get({ ...QUERY, waitSeconds: '-1' }), 'waitSeconds'],
      ['"explain": "true" (a string in JSON)', post({ ...QUERY, explain: 'true' }), 'explain'],
      ['"waitSeconds": "5" (a string in JSON)', post({ ...QUERY, waitSeconds: '5' }), 'waitSeconds'],
      ['"waitSeconds": 2.5', post({ ...QUERY, waitSeconds: 2.5 }), 'waitSeconds'],
      ['explain inside a batch item', post({ lookups: [{ ...QUERY, explain: true }] }), 'lookups.0'],
    ])('answers 400 naming the field for %s, without calling ONS', async (_label, event, field) => {
      // Arrange
      const harness = buildHarness({});

      // Act
      const { response, json } = await harness.invoke(event);

      // Assert
      if (field.startsWith('lookups')) {
        expect(response.statusCode).toBe(200);
        expect(json.results[0]).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
        expect(JSON.stringify(json.results[0].error.issues)).toContain(field);
      } else {
        expect(response.statusCode).toBe(400);
        expect(json.error.issues.map((i: { path: string }) => i.path)).toEqual([field]);
      }
      expect(harness.fake.queries).toEqual([]);
    });
  });
});
