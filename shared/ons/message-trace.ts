import { z } from 'zod';
import type { CallContext, MessageRef } from '../trace/broker-port';
import type { OnsCaller } from './ons-gateway';
import { fastArray, fastObject, fastOptional, fastString, isObjectRecord, lazySchema, REJECT, type FastField } from '../validation';

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
const buildMessageTraceResponseSchema = () => z.object({
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

type MessageTraceResponse = z.output<ReturnType<typeof buildMessageTraceResponseSchema>>;
type Track = NonNullable<NonNullable<MessageTraceResponse['Data']>['MessageTrack']>[number];

export const MessageTraceResponseSchema = lazySchema(buildMessageTraceResponseSchema, (body) => fastMessageTraceResponse(body));

const track = (value: unknown): FastField<Track> =>
  isObjectRecord(value)
    ? (fastObject<Track>({
        ConsumerGroup: fastString(value.ConsumerGroup),
        TrackType: fastString(value.TrackType),
        InstanceId: fastOptional(value, 'InstanceId', fastString),
        ExceptionDesc: fastOptional(value, 'ExceptionDesc', fastString),
      })?.value ?? REJECT)
    : REJECT;

/** The fast path ({@link FastPath}) of {@link MessageTraceResponseSchema}: the same checks, the same output. */
export function fastMessageTraceResponse(body: unknown): { value: MessageTraceResponse } | undefined {
  if (!isObjectRecord(body)) return undefined;
  return fastObject<MessageTraceResponse>({
    RequestId: fastString(body.RequestId),
    Data: fastOptional(body, 'Data', (data) =>
      isObjectRecord(data) ? (fastObject<NonNullable<MessageTraceResponse['Data']>>({ MessageTrack: fastOptional(data, 'MessageTrack', (list) => fastArray(list, track)) })?.value ?? REJECT) : REJECT,
    ),
  });
}

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
