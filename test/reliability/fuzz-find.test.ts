import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../functions/http/handler';
import { parseChatCommand } from '../../shared/chat/parse-command';
import { createCredentialsProvider } from '../../shared/credentials';
import type { FcHttpResponse } from '../../shared/http/http-response';
import { createLogger } from '../../shared/log';
import { buildFcContext, buildFcHttpEventBuffer } from '../builders/build-fc-http-event';
import { EN_UTC, ZH_SHANGHAI } from '../builders/build-presenter';
import { buildScriptedLookups, consumedBy } from '../builders/build-scripted-broker';

// At least 10,000 generated cases per parser (issue: reliability suite).
const RUNS = 10_000;
const ALLOWED_STATUSES = new Set([200, 400, 403, 404]);
const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const MSG = '0A000C2435F118B4AAC2452C3D770103';

const anyText = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('', '..', 'key:', '__proto__', 'now', '-1h'));
const time = fc.oneof(
  fc.integer({ min: NOW - 3 * 86_400_000, max: NOW + 86_400_000 }).map((ms) => new Date(ms).toISOString()),
  fc.constantFrom('2026-12-01T09:00Z', '2026-02-30T00:00:00Z', 'yesterday', '2026-12-01 10:00'),
  anyText,
);
const query = fc.record(
  {
    instanceId: fc.oneof(fc.constant('MQ_INST_1234567890123456_BXdemo01'), fc.constant('rmq-cn-demo5x0001'), anyText),
    topic: fc.oneof(fc.constant('orders'), anyText),
    key: fc.oneof(fc.constant('order-20261201-0042'), fc.string({ maxLength: 200 }), anyText),
    from: time,
    to: time,
    tag: fc.oneof(fc.constant('order-paid'), anyText),
    limit: fc.oneof(fc.integer({ min: -5, max: 80 }).map(String), anyText),
    msgId: fc.oneof(fc.constant(MSG), fc.stringMatching(/^[0-9A-Fa-f]{30,58}$/), anyText),
  },
  { requiredKeys: [] },
);

describe('Fuzzing: find and journey never answer 500 or throw', () => {
  it('query strings of GET /v1/messages and GET /v1/journey', async () => {
    const built = buildScriptedLookups(
      {
        findByKey: { messages: [{ msgId: MSG, storeTimestamp: NOW - 1000 }], total: 1, capped: false },
        consumption: () => consumedBy('GID_a'),
        pageByTopic: (q) => ({ currentPage: q.currentPage, maxPageCount: 1, taskId: 'T', requestId: 'P', messages: [{ msgId: MSG, storeTimestamp: NOW - 1000 }] }),
        journey: () => ({ status: 'no_trace_data', groups: [], missingPermissions: [], skipped: [] }),
      },
      { now: () => NOW, kind: 'ons-4x' },
    );
    const handler = createHttpHandler({
      logger: createLogger({ write: () => undefined, now: () => NOW }),
      version: 'fuzz',
      now: () => NOW,
      access: built.access,
      lookups: built.lookups,
      credentials: createCredentialsProvider(undefined),
      lookupDeadlineMs: 8000,
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v1/messages', '/v1/journey'), query, async (path, q) => {
        const response = (await handler(buildFcHttpEventBuffer({ path, query: q as Record<string, string> }), buildFcContext())) as FcHttpResponse;
        expect(ALLOWED_STATUSES.has(response.statusCode)).toBe(true);
        expect(() => JSON.parse(response.body)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('chat find and journey commands', () => {
    const word = fc.oneof(anyText, fc.constantFrom('orders', 'key:order-1', '-1h..now', 'tag:paid', 'prod', MSG, '轨迹', 'journey', 'find', '--public'));
    fc.assert(
      fc.property(fc.constantFrom('find', 'journey', '轨迹'), fc.array(word, { maxLength: 6 }), (command, words) => {
        const parsed = parseChatCommand([command, ...words].join(' '));
        expect(['find', 'journey', 'help', 'invalid']).toContain(parsed.name);
        if (parsed.name === 'invalid') {
          expect(EN_UTC.loose(parsed.problem).length).toBeLessThan(600);
          expect(ZH_SHANGHAI.loose(parsed.problem).length).toBeLessThan(600);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
