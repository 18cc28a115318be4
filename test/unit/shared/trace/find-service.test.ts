import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { ForbiddenError, InvalidInputError, NotFoundError, ThrottledError } from '../../../../shared/errors';
import { createRequestLog } from '../../../../shared/request-log';
import type { FoundMessage, MessagePageQuery } from '../../../../shared/trace/broker-port';
import { FindReportSchema } from '../../../../shared/trace/find-schema';
import { createFindService } from '../../../../shared/trace/find-service';
import { buildScriptedLookups, consumedBy, httpCaller, tracked, type BrokerScript } from '../../../builders/build-scripted-broker';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const INSTANCE = 'MQ_INST_1234567890123456_BXdemo01';
const HOUR = 3_600_000;
const id = (n: number) => `0A000C2435F118B4AAC2452C3D77${n.toString(16).toUpperCase().padStart(4, '0')}`;
const message = (n: number, agoMs: number, extra: Partial<FoundMessage> = {}): FoundMessage => ({ msgId: id(n), storeTimestamp: NOW - agoMs, bornTimestamp: NOW - agoMs - 3, ...extra });

function harness(script: BrokerScript, scope?: { instances: string[]; topics: string[] }) {
  const built = buildScriptedLookups(script, { now: () => NOW });
  const service = createFindService({ lookups: built.lookups, now: () => NOW });
  const log = createRequestLog('req-1');
  const options = { credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, log, deadline: createDeadline(8000, () => NOW) };
  return {
    ...built,
    log,
    byKey: (key: string, limit?: number) => service.byKey(httpCaller(scope), { instance: INSTANCE, topic: 'orders', key, ...(limit ? { limit } : {}) }, options),
    byWindow: (fromMs: number, toMs: number, extra: { tag?: string; limit?: number } = {}) =>
      service.byWindow(httpCaller(scope), { instance: INSTANCE, topic: 'orders', fromMs, toMs, ...extra }, options),
  };
}

describe('Function: createFindService', () => {
  describe('Given a key shared by three messages', () => {
    const script: BrokerScript = {
      findByKey: { messages: [message(1, 2 * HOUR, { keys: ['k', 'c-1'], tag: 'created' }), message(3, 3 * 60_000), message(2, 90 * 60_000)], total: 3, capped: false },
      consumption: (msgId) => (msgId === id(3) ? tracked({ GID_billing: 'CONSUMED', GID_shipping: 'NOT_CONSUME_YET' }) : consumedBy('GID_billing', 'GID_shipping')),
    };

    it('lists them newest first, each with its verdict, and counts per verdict', async () => {
      // Act
      const report = await harness(script).byKey('k');

      // Assert
      expect(FindReportSchema.parse(report)).toEqual(report);
      expect(report.messages.map((m) => [m.msgId, m.verdict])).toEqual([
        [id(3), 'PARTIALLY_CONSUMED'],
        [id(2), 'CONSUMED'],
        [id(1), 'CONSUMED'],
      ]);
      expect(report.messages[2]).toMatchObject({ keys: ['k', 'c-1'], tag: 'created', storedAt: new Date(NOW - 2 * HOUR).toISOString() });
      expect(report.summary).toEqual({ found: 3, examined: 3, failed: 0, byVerdict: { CONSUMED: 2, PARTIALLY_CONSUMED: 1, NOT_CONSUMED: 0, NO_SUBSCRIBERS: 0, UNKNOWN: 0 } });
      expect(report).toMatchObject({ query: { kind: 'key', key: 'k' }, more: 0, broker: 'ons-4x', instanceId: INSTANCE, topic: 'orders' });
      expect(report.truncated).toBeUndefined();
      expect(report.caveats.map((c) => c.code)).toEqual(['OFFSET_BASED', 'CONSUMED_IS_NOT_SUCCESS']);
    });

    it('audits the find once, with the upstream request ids of every call', async () => {
      const h = harness(script);
      await h.byKey('k');
      expect(h.log.audits).toHaveLength(1);
      expect(h.log.audits[0]).toMatchObject({ command: 'find', instanceId: INSTANCE, topic: 'orders', outcome: 'answered' });
      expect(h.log.audits[0]?.upstreamRequestIds).toHaveLength(4);
      expect(h.log.audits[0]?.msgId).toBeUndefined();
    });
  });

  describe('Given more messages than the cap', () => {
    it('examines the newest up to the limit and says how many more and how to narrow', async () => {
      const many = Array.from({ length: 30 }, (_, n) => message(n, n * 1000));
      const report = await harness({ findByKey: { messages: many, total: 34, capped: false }, consumption: () => consumedBy('GID_a') }).byKey('k', 20);
      expect(report.summary).toMatchObject({ found: 34, examined: 20 });
      expect(report.messages[0]?.msgId).toBe(id(0));
      expect(report.more).toBe(14);
      expect(report.truncated).toEqual({ reason: 'CAP', hint: expect.stringMatching(/^Stopped at 20 message\(s\)\. Search a time window instead/) });
    });

    it('says when the broker list itself may be capped', async () => {
      const report = await harness({ findByKey: { messages: [message(1, 1)], total: 1, capped: true }, consumption: () => consumedBy('GID_a') }).byKey('k');
      expect(report.caveats[0]?.code).toBe('KEY_LIST_MAY_BE_CAPPED');
    });
  });

  describe('Given lookups cut short', () => {
    const many = Array.from({ length: 8 }, (_, n) => message(n, n * 1000));
    it.each([
      ['the deadline (the limiter has no slot in time)', new ThrottledError('no slot', 1), 'DEADLINE'],
      ['the rate budget (throttled upstream after retries)', new ThrottledError('throttled', 1, { upstream: { code: 'Throttling.User' } }), 'RATE_BUDGET'],
    ])('stops at %s, keeps what was judged and says so', async (_name, error, reason) => {
      const report = await harness({ findByKey: { messages: many, total: 8, capped: false }, consumption: (msgId) => (msgId >= id(5) ? error : consumedBy('GID_a')) }).byKey('k');
      expect(report.summary.examined).toBe(5);
      expect(report.more).toBe(3);
      expect(report.truncated?.reason).toBe(reason);
    });

    it('lists a message whose lookup failed with the error, counted as failed, not as a verdict', async () => {
      const report = await harness({
        findByKey: { messages: [message(1, 1), message(2, 2)], total: 2, capped: false },
        consumption: (msgId) => (msgId === id(1) ? new NotFoundError('ONS has no such message in this topic') : consumedBy('GID_a')),
      }).byKey('k');
      expect(report.summary).toMatchObject({ examined: 2, failed: 1, byVerdict: { CONSUMED: 1, UNKNOWN: 0 } });
      expect(report.messages[0]).toMatchObject({ msgId: id(1), verdict: 'UNKNOWN', error: { code: 'NOT_FOUND', message: 'ONS has no such message in this topic' } });
      expect(report.more).toBe(0);
    });
  });

  describe('Given no message with the key', () => {
    it('answers an empty list, not an error', async () => {
      const h = harness({ findByKey: { messages: [], total: 0, capped: false } });
      const report = await h.byKey('nothing');
      expect(report).toMatchObject({ summary: { found: 0, examined: 0 }, messages: [], more: 0 });
      expect(h.methods()).toEqual(['findByKey']);
    });
  });

  describe('Given a time window', () => {
    const pages = (query: MessagePageQuery) => ({
      currentPage: query.currentPage,
      maxPageCount: 4,
      taskId: 'T1',
      requestId: `P${query.currentPage}`,
      messages: [
        message(10 + query.currentPage, query.currentPage * 60_000, { tag: 'paid' }),
        message(20 + query.currentPage, query.currentPage * 60_000 + 1, { tag: 'created' }),
      ],
    });
    // Pages 1, 4 and 3 are read (the first, the last, then between); 11 and 23 are not consumed.
    const verdicts = (msgId: string) => (msgId === id(11) || msgId === id(23) ? tracked({ GID_shipping: 'NOT_CONSUME_YET' }) : consumedBy('GID_shipping'));

    it('summarises the sample first, then lists only the messages that are not CONSUMED', async () => {
      // Act
      const report = await harness({ pageByTopic: pages, consumption: verdicts }).byWindow(NOW - HOUR, NOW);

      // Assert
      expect(FindReportSchema.parse(report)).toEqual(report);
      expect(report.query).toEqual({ kind: 'window', from: new Date(NOW - HOUR).toISOString(), to: new Date(NOW).toISOString() });
      expect(report.sampling).toEqual({ pagesRead: 3, pagesPlanned: 3, maxPageCount: 4 });
      expect(report.summary).toMatchObject({ found: 6, examined: 6, byVerdict: { CONSUMED: 4, NOT_CONSUMED: 2 } });
      expect(report.messages.map((m) => m.msgId)).toEqual([id(11), id(23)]);
      expect(report.caveats[0]).toMatchObject({ code: 'WINDOW_SAMPLED', text: expect.stringContaining('from 3 of 4 page(s)') });
    });

    it('filters by tag before it samples', async () => {
      const report = await harness({ pageByTopic: pages, consumption: verdicts }).byWindow(NOW - HOUR, NOW, { tag: 'paid' });
      expect(report.summary).toMatchObject({ found: 3, examined: 3 });
      expect(report.messages.map((m) => m.msgId)).toEqual([id(11)]);
      expect(report.query).toMatchObject({ tag: 'paid' });
    });

    it('samples at most the limit, spread over the window', async () => {
      const report = await harness({ pageByTopic: pages, consumption: verdicts }).byWindow(NOW - HOUR, NOW, { limit: 2 });
      expect(report.summary).toMatchObject({ found: 6, examined: 2 });
      expect(report.more).toBe(4);
      expect(report.truncated?.reason).toBe('CAP');
    });

    it.each([
      ['reversed', NOW, NOW - HOUR],
      ['too wide', NOW - 25 * HOUR, NOW],
      ['in the future', NOW + HOUR, NOW + 2 * HOUR],
    ])('refuses a window %s with a 400 before any upstream call', async (_name, from, to) => {
      const h = harness({ pageByTopic: pages, consumption: verdicts });
      await expect(h.byWindow(from, to)).rejects.toThrow(InvalidInputError);
      expect(h.calls).toEqual([]);
    });

    it('answers an unknown topic with its 404', async () => {
      const h = harness({ pageByTopic: () => new NotFoundError('the topic does not exist on this instance', { upstream: { code: 'BIZ_TOPIC_NOT_FOUND' } }) });
      await expect(h.byWindow(NOW - HOUR, NOW)).rejects.toThrow(NotFoundError);
      expect(h.log.audits[0]).toMatchObject({ command: 'find', outcome: 'failed', errorCode: 'NOT_FOUND' });
    });
  });

  describe('Given a caller out of scope', () => {
    it('refuses before any upstream call', async () => {
      const h = harness({ findByKey: { messages: [], total: 0, capped: false } }, { instances: ['*'], topics: ['payments'] });
      await expect(h.byKey('k')).rejects.toThrow(ForbiddenError);
      expect(h.calls).toEqual([]);
      expect(h.log.audits[0]).toMatchObject({ command: 'find', outcome: 'refused', reason: 'out_of_scope' });
    });
  });
});
