import { createHttpHandler } from '../../functions/http/handler';
import type { FcContext } from '../../shared/fc-context';
import type { FcHttpResponse } from '../../shared/http/http-response';
import { createLogger } from '../../shared/log';
import type { AccessControl } from '../../shared/access/access-control';
import { buildAccessControl } from './build-access';
import { createCredentialsProvider, type Credentials } from '../../shared/credentials';
import type { MessageTraceResult } from '../../shared/ons/message-trace';
import type { WebAssetSource } from '../../shared/http/web-assets';
import { createLookupService } from '../../shared/trace/lookup-service';
import { buildFakeGateway, type FakeGateway, type TraceQueryArg } from './build-fake-gateway';

export const HANDLER_NOW_MS = Date.parse('2025-10-25T04:00:00.000Z');

export interface HttpHandlerHarness {
  invoke(event: unknown, context: FcContext): Promise<FcHttpResponse>;
  fake: FakeGateway;
  /** Every log line, parsed. */
  logs(): Array<Record<string, unknown>>;
  rawLogs: string[];
}

/**
 * The real HTTP handler over a fake gateway and a capturing logger, with a fixed clock.
 */
export function buildHttpHandler(
  options: {
    respond?: (query: TraceQueryArg) => MessageTraceResult | Promise<MessageTraceResult>;
    /** The global default instance of the test config. */
    defaultInstanceId?: string;
    envCredentials?: Credentials;
    /** Replaces the test config's access control (test token, everything allowed). */
    access?: AccessControl;
    /** The web page's files; absent: no page routes. */
    webAssets?: WebAssetSource;
  } = {},
): HttpHandlerHarness {
  const rawLogs: string[] = [];
  const fake = buildFakeGateway(
    options.respond ?? (() => ({ requestId: 'UP-DEFAULT', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] })),
  );
  const access = options.access ?? buildAccessControl({ defaultInstance: options.defaultInstanceId });
  const handler = createHttpHandler({
    logger: createLogger({ write: (line) => rawLogs.push(line), now: () => HANDLER_NOW_MS }),
    version: '9.9.9-test',
    now: () => HANDLER_NOW_MS,
    access,
    lookups: createLookupService({ brokers: fake.brokers, access, now: () => HANDLER_NOW_MS, producerUtcOffsetMinutes: 480 }),
    credentials: createCredentialsProvider(options.envCredentials),
    lookupDeadlineMs: 8000,
    ...(options.webAssets ? { webAssets: options.webAssets } : {}),
  });
  return {
    invoke: (event, context) => handler(event, context) as Promise<FcHttpResponse>,
    fake,
    logs: () => rawLogs.map((line) => JSON.parse(line) as Record<string, unknown>),
    rawLogs,
  };
}
