import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildFcContext, buildFcHttpEventBuffer } from '../../../builders/build-fc-http-event';
import { buildFakeRpcClientFactory } from '../../../builders/build-fake-rpc-client-factory';
import { sha256Hex } from '../../../../shared/access/bearer';
import { TEST_API_TOKEN } from '../../../builders/build-access';

const INSTANCE = 'MQ_INST_1234567890123456_BXprod01';
const MSG = '0A000C22303918B4AAC244F9D9B101A4';
const TRACE_BODY = { RequestId: 'UP-1', Data: { MessageTrack: [{ ConsumerGroup: 'GID_billing', TrackType: 'CONSUMED', InstanceId: INSTANCE }] } };

/**
 * The HTTP function as functions/http/index.ts wires it for 4.x lookups, over a fake pop-core
 * client, in a fresh module graph: every lazy schema starts unbuilt.
 */
async function wireFreshHttpFunction(env: Record<string, string>) {
  vi.resetModules();
  const { builtLazySchemaCount } = await import('../../../../shared/validation');
  const { loadHttpConfig } = await import('../../../../shared/config/config-schema');
  const { loadAppConfig } = await import('../../../../shared/config/app-config-schema');
  const { loadRedisConfig } = await import('../../../../shared/config/redis-config-schema');
  const { createFleetState } = await import('../../../../shared/redis/fleet-state');
  const { createAccessControl } = await import('../../../../shared/access/access-control');
  const { createBrokerDirectory } = await import('../../../../shared/brokers/registry');
  const { createOnsBrokers } = await import('../../../../shared/ons/ons-broker');
  const { createOnsGateway } = await import('../../../../shared/ons/ons-gateway');
  const { createLookupService } = await import('../../../../shared/trace/lookup-service');
  const { createCredentialsProvider } = await import('../../../../shared/credentials');
  const { createLogger } = await import('../../../../shared/log');
  const { createHttpHandler } = await import('../../../../functions/http/handler');
  const config = loadHttpConfig(env);
  const redisConfig = loadRedisConfig(env);
  const access = createAccessControl(loadAppConfig(env, { codeDir: '/code' }));
  const logger = createLogger({ level: config.logLevel, write: () => undefined });
  // No MQTRACE_REDIS_URL: the instance's own limiters, verdict cache and trace tasks, as functions/http/index.ts builds them.
  const fleet = createFleetState(redisConfig, { logger, now: Date.now });
  const rpc = buildFakeRpcClientFactory([{ body: structuredClone(TRACE_BODY) }]);
  const brokers = createBrokerDirectory([
    {
      kind: 'ons-4x',
      load: () =>
        createOnsBrokers(createOnsGateway({ endpoint: 'http://127.0.0.1:9', clientFactory: rpc.factory, callTimeoutMs: config.callTimeoutMs, limiters: fleet.limiters }), {
          traceQueries: fleet.traceQueries,
        }),
    },
  ]);
  const handler = createHttpHandler({
    logger,
    version: 'test',
    now: Date.now,
    access,
    lookups: createLookupService({
      brokers,
      access,
      now: Date.now,
      producerUtcOffsetMinutes: config.producerUtcOffsetMinutes,
      verdictCache: fleet.verdictCache,
      verdictCacheTtlMs: fleet.verdictCacheTtlMs,
      accountScope: fleet.accountScope,
    }),
    credentials: createCredentialsProvider(config.envCredentials),
    lookupDeadlineMs: config.lookupDeadlineMs,
  });
  return { handler, builtLazySchemaCount };
}

const ENV = {
  MQTRACE_REGION: 'cn-hangzhou',
  MQTRACE_LOG_LEVEL: 'info',
  MQTRACE_CONFIG: JSON.stringify({ http: { tokens: [{ name: 'ops', sha256: sha256Hex(TEST_API_TOKEN), scope: { instances: ['*'], topics: ['*'] } }] } }),
};

describe('The 4.x lookup path of the HTTP function', () => {
  beforeEach(() => {
    vi.resetModules();
  });

  it('reads its configuration and answers a valid lookup without building a single zod schema', async () => {
    // Arrange
    const { handler, builtLazySchemaCount } = await wireFreshHttpFunction(ENV);

    // Act
    const response = (await handler(buildFcHttpEventBuffer({ query: { instanceId: INSTANCE, topic: 'orders', msgId: MSG } }), buildFcContext())) as { statusCode: number; body: string };

    // Assert
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ verdict: 'CONSUMED', msgId: MSG });
    expect(builtLazySchemaCount()).toBe(0);
  });

  it('builds the schemas it needs only to say what is wrong with a bad request', async () => {
    // Arrange
    const { handler, builtLazySchemaCount } = await wireFreshHttpFunction(ENV);

    // Act
    const response = (await handler(buildFcHttpEventBuffer({ query: { instanceId: INSTANCE, topic: 'orders', msgId: 'not-an-id' } }), buildFcContext())) as { statusCode: number; body: string };

    // Assert
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('msgId');
    expect(builtLazySchemaCount()).toBeGreaterThan(0);
  });
});
