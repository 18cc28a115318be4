import { z } from 'zod';
import type { OnsCaller } from './ons-gateway';
import type { MessageTraceResult, OnsPort } from './ons-port';

/** The documented OnsMessageTrace body: `Data.MessageTrack[]`, one entry per consumer group. */
export const MessageTraceResponseSchema = z.object({
  RequestId: z.string(),
  Data: z
    .object({
      MessageTrack: z
        .array(
          z.object({
            ConsumerGroup: z.string(),
            TrackType: z.string(),
            InstanceId: z.string().optional(),
            ExceptionDesc: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** The {@link OnsPort} over a caller: OnsMessageTrace, mapped to camel-case tracks. */
export function createMessageTracePort(caller: OnsCaller): OnsPort {
  return {
    async messageTrace(query, ctx): Promise<MessageTraceResult> {
      const body = await caller.call(
        'OnsMessageTrace',
        { InstanceId: query.instanceId, Topic: query.topic, MsgId: query.msgId },
        MessageTraceResponseSchema,
        ctx,
      );
      return {
        requestId: body.RequestId,
        tracks: (body.Data?.MessageTrack ?? []).map((t) => ({
          consumerGroup: t.ConsumerGroup,
          trackType: t.TrackType,
          ...(t.InstanceId ? { instanceId: t.InstanceId } : {}),
          ...(t.ExceptionDesc ? { exceptionDesc: t.ExceptionDesc } : {}),
        })),
      };
    },
  };
}
