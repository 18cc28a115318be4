import { createDeadline } from '../../shared/deadline';
import type { MessageTrack } from '../../shared/ons/ons-port';
import type { TraceReport } from '../../shared/trace/report-schema';
import { createTraceService } from '../../shared/trace/trace-service';

export const REPORT_NOW_MS = Date.parse('2025-10-25T04:00:00.000Z');

/** A real report from the real trace service over a port that answers `tracks`. */
export async function buildTraceReport(
  tracks: readonly MessageTrack[],
  query: { instanceId?: string; topic?: string; msgId?: string } = {},
): Promise<TraceReport> {
  const service = createTraceService({
    ons: { messageTrace: async () => ({ requestId: 'UP-REQ-0001', tracks: tracks.map((t) => ({ ...t })) }) },
    now: () => REPORT_NOW_MS,
    producerUtcOffsetMinutes: 480,
  });
  return service.lookup(
    {
      instanceId: query.instanceId ?? 'MQ_INST_1234567890123456_BXhFHryi',
      topic: query.topic ?? 'orders',
      msgId: query.msgId ?? '0A000C22303918B4AAC244F9ABC301A3',
    },
    { deadline: createDeadline(1000, () => REPORT_NOW_MS), requestId: 'REQ-0001' },
  );
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
