import { z } from 'zod';
import type { CallContext, MessageRef } from '../trace/broker-port';
import type { OnsCaller } from './ons-gateway';

/** One consumer group's status for a message, as OnsMessageTrace returns it. */
export interface MessageTrack {
  consumerGroup: string;
  /** Raw value, unknown values included. */
  trackType: string;
  instanceId?: string;
  exceptionDesc?: string;
}

export interface MessageTraceResult {
  tracks: MessageTrack[];
  requestId: string;
}

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

/** `OnsMessageTrace`: per-group consumption status of one message, camel-cased. */
export async function fetchMessageTrace(caller: OnsCaller, message: MessageRef, ctx: CallContext): Promise<MessageTraceResult> {
  const body = await caller.call(
    'OnsMessageTrace',
    { InstanceId: message.instanceId, Topic: message.topic, MsgId: message.msgId },
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
}
