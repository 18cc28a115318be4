import { describe, expect, it } from 'vitest';
import { createHttpHandler } from '../../../../functions/http/handler';
import { createCredentialsProvider } from '../../../../shared/credentials';
import { buildOpenApiDocument } from '../../../../shared/http/openapi';
import type { FcHttpResponse } from '../../../../shared/http/http-response';
import { createLogger } from '../../../../shared/log';
import { createLookupService } from '../../../../shared/trace/lookup-service';
import { createMemoryVerdictCache } from '../../../../shared/trace/verdict-cache';
import { buildAccessControl } from '../../../builders/build-access';
import { buildFakeGateway } from '../../../builders/build-fake-gateway';
import { buildFcContext, buildFcHttpEventBuffer } from '../../../builders/build-fc-http-event';
import { buildFakeClock } from '../../../builders/fake-clock';

const QUERY = { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'orders', msgId: '0A000C22303918B4AAC244F9ABC301A3' };

/** The HTTP handler over a 4.x gateway whose message is CONSUMED, with a 60 s memory verdict cache. */
function buildHarness() {
  const clock = buildFakeClock();
  let calls = 0;
  const fake = buildFakeGateway(() => ({ requestId: `UP-${++calls}`, tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] }));
  const access = buildAccessControl();
  const lines: string[] = [];
  const handler = createHttpHandler({
    logger: createLogger({ write: (line) => lines.push(line), now: clock.now }),
    version: 'test',
    now: clock.now,
    access,
    lookups: createLookupService({
      brokers: fake.brokers,
      access,
      now: clock.now,
      producerUtcOffsetMinutes: 480,
      verdictCache: createMemoryVerdictCache({ maxEntries: 10, now: clock.now }),
      verdictCacheTtlMs: 60_000,
    }),
    credentials: createCredentialsProvider(undefined),
    lookupDeadlineMs: 8000,
  });
  const invoke = async (event: Buffer) => {
    const response = (await handler(event, buildFcContext())) as FcHttpResponse;
    return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, any> };
  };
  return { invoke, clock, calls: () => calls, log: () => lines.map((l) => JSON.parse(l) as Record<string, any>) };
}

const get = (query: Record<string, string>) => buildFcHttpEventBuffer({ query });
const post = (body: unknown) => buildFcHttpEventBuffer({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('Function: createHttpHandler (the verdict cache and fresh)', () => {
  it('answers a repeated CONSUMED lookup from the cache, saying so in the report and on the log line', async () => {
    // Arrange
    const h = buildHarness();
    await h.invoke(get(QUERY));
    h.clock.advance(2500);

    // Act
    const second = await h.invoke(get(QUERY));

    // Assert
    expect(h.calls()).toBe(1);
    expect(second).toMatchObject({ status: 200, json: { verdict: 'CONSUMED', upstreamRequestId: 'UP-1', cached: { ageMs: 2500 } } });
    expect(h.log().filter((l) => l.event === 'http.request').at(-1)).toMatchObject({ cache: 'hit', cachedAgeMs: 2500 });
  });

  it.each([
    ['GET with fresh=true', get({ ...QUERY, fresh: 'true' })],
    ['POST with "fresh": true', post({ ...QUERY, fresh: true })],
  ])('asks the broker again for %s', async (_label, event) => {
    // Arrange
    const h = buildHarness();
    await h.invoke(get(QUERY));

    // Act
    const fresh = await h.invoke(event);

    // Assert
    expect(h.calls()).toBe(2);
    expect(fresh.status).toBe(200);
    expect(fresh.json).not.toHaveProperty('cached');
    expect(fresh.json.upstreamRequestId).toBe('UP-2');
  });

  it.each([
    ['GET with fresh=yes', get({ ...QUERY, fresh: 'yes' }), 'fresh'],
    ['POST with "fresh": "true"', post({ ...QUERY, fresh: 'true' }), 'fresh'],
    ['a batch item with fresh', post({ lookups: [{ ...QUERY, fresh: true }] }), undefined],
  ])('refuses %s, saying what to change', async (_label, event, path) => {
    // Arrange
    const h = buildHarness();

    // Act
    const answer = await h.invoke(event);

    // Assert
    if (path) {
      expect(answer.status).toBe(400);
      expect(answer.json.error.issues).toEqual([{ path, message: expect.stringMatching(/true.*false/) }]);
    } else {
      expect(answer.status).toBe(200);
      expect(answer.json.results[0].error.issues).toEqual([{ path: 'lookups.0.fresh', message: 'batch items take no options; send explain, waitSeconds or fresh with a single lookup' }]);
    }
    expect(h.calls()).toBe(0);
  });

  it('documents fresh and report.cached in the OpenAPI document', () => {
    // Act
    const doc = buildOpenApiDocument('1.2.3') as { paths: Record<string, any>; components: { schemas: Record<string, any> } };

    // Assert
    const parameters = doc.paths['/v1/trace'].get.parameters as Array<{ name: string; required: boolean; schema: unknown }>;
    expect(parameters.find((p) => p.name === 'fresh')).toMatchObject({ required: false, schema: { type: 'string', enum: ['true', 'false'] } });
    expect(doc.components.schemas.TraceRequest.properties.fresh).toMatchObject({ type: 'boolean' });
    expect(doc.components.schemas.TraceReport.properties.cached).toMatchObject({ $ref: '#/components/schemas/Cached' });
    expect(Object.keys(doc.components.schemas.Cached.properties).sort()).toEqual(['ageMs', 'at']);
  });
});
