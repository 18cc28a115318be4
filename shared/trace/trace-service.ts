import type { CallContext, OnsPort } from '../ons/ons-port';
import { caveatsFor } from './caveats';
import { decodeMessageId } from './message-id';
import type { TraceQuery } from './query-schema';
import { guideFor, isDocumentedTrackType } from './track-types';
import type { TraceReport } from './report-schema';
import { decideVerdict } from './verdict';

export interface TraceServiceDeps {
  ons: OnsPort;
  now: () => number;
  producerUtcOffsetMinutes: number;
}

export interface TraceService {
  /** Looks one message up and explains the answer. Rejects with an AppError. */
  lookup(query: TraceQuery, ctx: CallContext & { requestId: string }): Promise<TraceReport>;
}

/** Creates the trace service over an {@link OnsPort}. */
export function createTraceService(deps: TraceServiceDeps): TraceService {
  return {
    async lookup(query, ctx) {
      const { tracks, requestId: upstreamRequestId } = await deps.ons.messageTrace(query, ctx);
      const nowMs = deps.now();
      const { verdict, summary } = decideVerdict(tracks);
      return {
        requestId: ctx.requestId,
        checkedAt: new Date(nowMs).toISOString(),
        instanceId: query.instanceId,
        topic: query.topic,
        msgId: query.msgId,
        verdict,
        summary,
        groups: tracks.map((t) => ({
          consumerGroup: t.consumerGroup,
          trackType: t.trackType,
          ...guideFor(t.trackType),
          ...(t.exceptionDesc ? { exceptionDesc: t.exceptionDesc } : {}),
        })),
        messageId: decodeMessageId(query.msgId, { nowMs, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes }) ?? null,
        caveats: caveatsFor(
          tracks.map((t) => t.trackType),
          isDocumentedTrackType,
        ),
        upstreamRequestId,
      };
    },
  };
}
