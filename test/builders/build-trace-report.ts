import { createDeadline } from '../../shared/deadline';
import { buildAccessControl } from './build-access';
import { createRequestLog } from '../../shared/request-log';
import type { MessageTrack } from '../../shared/ons/message-trace';
import type { TraceReport } from '../../shared/trace/report-schema';
import { createLookupService } from '../../shared/trace/lookup-service';
import { buildFakeGateway } from './build-fake-gateway';

export const REPORT_NOW_MS = Date.parse('2025-10-25T04:00:00.000Z');

/** A real report from the real lookup use case over a 4.x broker that answers `tracks`. */
export async function buildTraceReport(
  tracks: readonly MessageTrack[],
  query: { instanceId?: string; topic?: string; msgId?: string } = {},
): Promise<TraceReport> {
  const fake = buildFakeGateway(() => ({ requestId: 'UP-REQ-0001', tracks: tracks.map((t) => ({ ...t })) }));
  const access = buildAccessControl({});
  const service = createLookupService({ brokers: fake.brokers, access, now: () => REPORT_NOW_MS, producerUtcOffsetMinutes: 480 });
  const caller = { channel: 'http' as const, id: 'test', scope: { instances: ['*'], topics: ['*'] }, defaultInstance: undefined };
  const outcome = await service.lookup(
    caller,
    {
      instance: query.instanceId ?? 'MQ_INST_1234567890123456_BXhFHryi',
      topic: query.topic ?? 'orders',
      msgId: query.msgId ?? '0A000C22303918B4AAC244F9ABC301A3',
    },
    { credentials: { accessKeyId: 'AK', accessKeySecret: 'SK' }, log: createRequestLog('REQ-0001'), deadline: createDeadline(1000, () => REPORT_NOW_MS) },
  );
  if (outcome.kind !== 'answered') throw new Error('buildTraceReport: the lookup was deferred');
  return outcome.report;
}

/** One track list per verdict. */
export const TRACKS_BY_VERDICT = {
  CONSUMED: [
    { consumerGroup: 'GID_billing', trackType: 'CONSUMED' },
    { consumerGroup: 'GID_shipping', trackType: 'CONSUMED' },
  ],
  PARTIALLY_CONSUMED: [
    { consumerGroup: 'GID_billing', trackType: 'CONSUMED' },
    { consumerGroup: 'GID_shipping', trackType: 'NOT_CONSUME_YET' },
    { consumerGroup: 'GID_analytics', trackType: 'NOT_ONLINE', exceptionDesc: 'CODE:206 DESC:the consumer group[GID_analytics] not online' },
  ],
  NOT_CONSUMED: [{ consumerGroup: 'GID_shipping', trackType: 'NOT_CONSUME_YET' }],
  NO_SUBSCRIBERS: [],
  UNKNOWN: [
    { consumerGroup: 'GID_pull', trackType: 'PULL' },
    { consumerGroup: 'GID_odd', trackType: 'UNKNOWN' },
  ],
} as const satisfies Record<string, readonly MessageTrack[]>;
