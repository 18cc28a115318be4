import { z } from 'zod';
import type { CallContext, MessageRef } from '../trace/broker-port';
import type { OnsCaller } from './ons-gateway';
import { isObjectRecord, lazySchema } from '../validation';

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

/** `z.string().optional()` on `source[key]`, copied as zod's object copies it; false when zod would refuse it. */
function copyOptionalText(source: Record<string, unknown>, target: Record<string, unknown>, key: string): boolean {
  if (!(key in source)) return true;
  const value = source[key];
  if (value !== undefined && typeof value !== 'string') return false;
  target[key] = value;
  return true;
}

function track(value: unknown): Track | undefined {
  if (!isObjectRecord(value) || typeof value.ConsumerGroup !== 'string' || typeof value.TrackType !== 'string') return undefined;
  const out: Record<string, unknown> = { ConsumerGroup: value.ConsumerGroup, TrackType: value.TrackType };
  return copyOptionalText(value, out, 'InstanceId') && copyOptionalText(value, out, 'ExceptionDesc') ? (out as Track) : undefined;
}

/**
 * The fast path ({@link FastPath}) of {@link MessageTraceResponseSchema}: the same checks, the
 * same output, written out because it runs on every lookup.
 */
export function fastMessageTraceResponse(body: unknown): { value: MessageTraceResponse } | undefined {
  if (!isObjectRecord(body) || typeof body.RequestId !== 'string') return undefined;
  const value: MessageTraceResponse = { RequestId: body.RequestId };
  if (!('Data' in body)) return { value };
  const data = body.Data;
  if (data === undefined) return { value: { ...value, Data: undefined } };
  if (!isObjectRecord(data)) return undefined;
  const outData: NonNullable<MessageTraceResponse['Data']> = {};
  if ('MessageTrack' in data) {
    const list = data.MessageTrack;
    if (list !== undefined) {
      if (!Array.isArray(list)) return undefined;
      const tracks: Track[] = [];
      for (const item of list) {
        const checked = track(item);
        if (checked === undefined) return undefined;
        tracks.push(checked);
      }
      outData.MessageTrack = tracks;
    } else outData.MessageTrack = undefined;
  }
  value.Data = outData;
  return { value };
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
    tracks: (body.Data?.MessageTrack ?? []).map((t) => {
      const track: MessageTrack = { consumerGroup: t.ConsumerGroup, trackType: t.TrackType };
      if (t.InstanceId) track.instanceId = t.InstanceId;
      if (t.ExceptionDesc) track.exceptionDesc = t.ExceptionDesc;
      return track;
    }),
  };
}
