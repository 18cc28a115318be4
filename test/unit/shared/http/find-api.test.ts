import { describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../../../functions/http/handler';
import { createCredentialsProvider } from '../../../../shared/credentials';
import { NotFoundError, PermissionDeniedError } from '../../../../shared/errors';
import type { FcHttpResponse } from '../../../../shared/http/http-response';
import { createLogger } from '../../../../shared/log';
import { FindReportSchema } from '../../../../shared/trace/find-schema';
import { JourneyReportSchema } from '../../../../shared/trace/journey-schema';
import { buildFcContext, buildFcHttpEventBuffer } from '../../../builders/build-fc-http-event';
import { buildScriptedLookups, consumedBy, type BrokerScript } from '../../../builders/build-scripted-broker';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
const MSG = '0A000C2435F118B4AAC2452C3D770103';

const SCRIPT: BrokerScript = {
  findByKey: { messages: [{ msgId: MSG, storeTimestamp: NOW - 60_000 }], total: 1, capped: false },
  consumption: () => consumedBy('GID_billing'),
  pageByTopic: (q) => ({ currentPage: q.currentPage, maxPageCount: 1, taskId: 'T', requestId: 'P', messages: [{ msgId: MSG, storeTimestamp: NOW - 60_000 }] }),
  journey: () => ({ status: 'no_trace_data', groups: [], missingPermissions: [], skipped: [] }),
};

function harness(script: BrokerScript = SCRIPT) {
  const lines: string[] = [];
  const built = buildScriptedLookups(script, { now: () => NOW });
  const handler = createHttpHandler({
    logger: createLogger({ write: (line) => lines.push(line), now: () => NOW }),
    version: 'test',
    now: () => NOW,
    access: built.access,
    lookups: built.lookups,
    credentials: createCredentialsProvider(undefined),
    lookupDeadlineMs: 8000,
  });
  const get = async (path: string, query: Record<string, string>) => {
    const response = (await handler(buildFcHttpEventBuffer({ path, query }), buildFcContext())) as FcHttpResponse;
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, any>, headers: response.headers };
  };
  return { get, lines, calls: built.calls };
}

describe('Routes: GET /v1/messages and GET /v1/journey', () => {
  describe('Given a find by key', () => {
    it('answers 200 with a find report', async () => {
      const { status, body } = await harness().get('/v1/messages', { instanceId: INSTANCE, topic: 'orders', key: 'order-20261201-0042' });
      expect(status).toBe(200);
      expect(FindReportSchema.parse(body)).toMatchObject({ query: { kind: 'key', key: 'order-20261201-0042' }, summary: { found: 1, byVerdict: { CONSUMED: 1 } } });
    });
  });

  describe('Given a find by window', () => {
    it('answers 200 with the window it searched', async () => {
      const { status, body } = await harness().get('/v1/messages', { instanceId: INSTANCE, topic: 'orders', from: '2026-12-01T09:00:00Z', to: '2026-12-01T10:00:00Z', limit: '5' });
      expect(status).toBe(200);
      expect(body.query).toEqual({ kind: 'window', from: '2026-12-01T09:00:00.000Z', to: '2026-12-01T10:00:00.000Z' });
    });
  });

  describe('Given bad input', () => {
    it.each([
      ['a key over the length limit', { key: 'k'.repeat(129) }, 'key', /at most 128/],
      ['a key with a space', { key: 'two keys' }, 'key', /space/],
      ['neither a key nor a window', {}, 'key', /is required unless from and to/],
      ['a key and a window', { key: 'k', from: '2026-12-01T09:00:00Z', to: '2026-12-01T10:00:00Z' }, 'key', /cannot be combined/],
      ['from without to', { from: '2026-12-01T09:00:00Z' }, 'to', /is required with from/],
      ['a time that is not ISO 8601', { from: 'yesterday', to: '2026-12-01T10:00:00Z' }, 'from', /ISO 8601/],
      ['a reversed window', { from: '2026-12-01T10:00:00Z', to: '2026-12-01T09:00:00Z' }, 'to', /reversed/],
      ['a window too wide', { from: '2026-11-29T10:00:00Z', to: '2026-12-01T10:00:00Z' }, 'from', /at most 24 h/],
      ['a window in the future', { from: '2026-12-02T09:00:00Z', to: '2026-12-02T10:00:00Z' }, 'from', /in the future/],
      ['a tag without a window', { key: 'k', tag: 'paid' }, 'tag', /filters a time window only/],
      ['a limit over the cap', { key: 'k', limit: '51' }, 'limit', /at most 50/],
      ['an unknown parameter', { key: 'k', msgId: MSG }, '', /Unrecognized key/],
    ])('answers 400 for %s, naming the field and what to change, before any upstream call', async (_name, extra, path, message) => {
      const h = harness();
      const { status, body } = await h.get('/v1/messages', { instanceId: INSTANCE, topic: 'orders', ...extra });
      expect(status).toBe(400);
      expect(body.error.code).toBe('INVALID_INPUT');
      const issue = (body.error.issues as Array<{ path: string; message: string }>).find((i) => i.path === path);
      expect(issue?.message).toMatch(message);
      expect(h.calls).toEqual([]);
    });

    it('answers 404 for an unknown topic, never a 500', async () => {
      const h = harness({ ...SCRIPT, findByKey: new NotFoundError('the topic does not exist on this instance', { upstream: { code: 'BIZ_TOPIC_NOT_FOUND' } }) });
      const { status, body } = await h.get('/v1/messages', { instanceId: INSTANCE, topic: 'nope', key: 'k' });
      expect(status).toBe(404);
      expect(body.error).toMatchObject({ code: 'NOT_FOUND', message: 'the topic does not exist on this instance' });
    });
  });

  describe('Given a journey', () => {
    it('answers 200 with the journey report', async () => {
      const { status, body } = await harness().get('/v1/journey', { instanceId: INSTANCE, topic: 'orders', msgId: MSG.toLowerCase() });
      expect(status).toBe(200);
      expect(JourneyReportSchema.parse(body)).toMatchObject({ msgId: MSG, status: 'no_trace_data', verdict: 'CONSUMED' });
    });

    it('answers 400 for a malformed message ID and 404 for an unknown message', async () => {
      expect((await harness().get('/v1/journey', { instanceId: INSTANCE, topic: 'orders', msgId: 'nope' })).status).toBe(400);
      const missing = harness({ ...SCRIPT, consumption: () => new NotFoundError('ONS has no such message in this topic') });
      expect((await missing.get('/v1/journey', { instanceId: INSTANCE, topic: 'orders', msgId: MSG })).status).toBe(404);
    });

    it('answers 200 with missingPermissions when the trace query is refused', async () => {
      const h = harness({ ...SCRIPT, journey: () => new PermissionDeniedError('no', { upstream: { code: 'Forbidden.RAM', ramAction: 'mq:QueryTrace' } }) });
      const { status, body } = await h.get('/v1/journey', { instanceId: INSTANCE, topic: 'orders', msgId: MSG });
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'partial', missingPermissions: ['mq:QueryTrace'], verdict: 'CONSUMED' });
    });
  });

  it('writes one access line per request with the route, and one audit line with its command', async () => {
    const h = harness();
    await h.get('/v1/journey', { instanceId: INSTANCE, topic: 'orders', msgId: MSG });
    const lines = h.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.event === 'http.request').map((l) => [l.route, l.status])).toEqual([['journey.get', 200]]);
    expect(lines.filter((l) => l.event === 'audit.lookup').map((l) => [l.command, l.outcome])).toEqual([['journey', 'answered']]);
  });
});
