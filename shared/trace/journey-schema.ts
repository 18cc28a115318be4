import { z } from 'zod';
import { BROKER_KINDS } from './broker-port';
import { REPORT_CAVEATS } from './caveats';
import { ATTEMPT_OUTCOMES, JOURNEY_PARTIAL_REASONS } from './journey';
import { InstanceRefSchema, MessageIdSchema, TopicSchema } from './query-schema';
import { FindingSchema } from './report-schema';
import { VERDICTS } from './verdict';

/**
 * `GET /v1/journey`: the edge schema and the shape of the answer. Times are ISO 8601 UTC;
 * `sinceSendMs` counts from the send (absent when the trace has no send). Loaded with the
 * journey route only.
 */
export const JourneyQuerySchema = z
  .strictObject({
    instanceId: InstanceRefSchema.optional(),
    topic: TopicSchema,
    msgId: MessageIdSchema,
  })
  .meta({ id: 'JourneyQuery' });

export type JourneyQuery = z.output<typeof JourneyQuerySchema>;

const sinceSend = z.number().int().optional().meta({ description: 'Milliseconds after the send; absent when the trace has no send.' });

export const JourneyAttemptSchema = z
  .object({
    clientHost: z.string().optional(),
    at: z.iso.datetime(),
    sinceSendMs: sinceSend,
    durationMs: z.number().int().optional(),
    status: z.string().meta({ description: "The broker's own status word, exactly as returned (4.x CONSUME_SUCCESS, CONSUME_FAILED, CONSUME_NOT_RETURN, …)." }),
    statusText: z.string(),
    outcome: z.enum(ATTEMPT_OUTCOMES),
    reconsumeTimes: z.number().int(),
  })
  .meta({ id: 'JourneyAttempt' });

export const JourneyGroupSchema = z
  .object({
    consumerGroup: z.string(),
    trackType: z.string().optional().meta({ description: "The verdict's track type of the group; absent for a group only the trace knows." }),
    attempts: z.array(JourneyAttemptSchema),
    deadLettered: z.object({ at: z.iso.datetime().optional(), sinceSendMs: sinceSend, topic: z.string().optional() }).optional(),
    firstDeliveryMs: z.number().int().optional().meta({ description: 'From the send to the first attempt.' }),
    consumedAfterMs: z.number().int().optional().meta({ description: 'From the send to the end of the first successful attempt.' }),
  })
  .meta({ id: 'JourneyGroup' });

export const JourneyReportSchema = z
  .object({
    requestId: z.string(),
    checkedAt: z.iso.datetime(),
    instanceId: z.string(),
    broker: z.enum(BROKER_KINDS),
    topic: z.string(),
    msgId: z.string(),
    status: z.enum(['complete', 'partial', 'no_trace_data']),
    partial: z.object({ reason: z.enum(JOURNEY_PARTIAL_REASONS), text: z.string() }).optional(),
    send: z
      .object({
        producerHost: z.string().optional(),
        producerGroup: z.string().optional(),
        at: z.iso.datetime(),
        sinceSendMs: z.literal(0),
        durationMs: z.number().int().optional(),
        status: z.string().meta({ description: '4.x SEND_SUCCESS, SEND_FAILED, SEND_ROLLBACK, SEND_UNKNOWN, SEND_DELAY; 5.x its produceStatus; unknown words pass through raw.' }),
        statusText: z.string(),
      })
      .optional(),
    store: z.object({ at: z.iso.datetime().optional(), sinceSendMs: sinceSend, broker: z.string().optional(), status: z.string().optional() }).optional(),
    groups: z.array(JourneyGroupSchema),
    verdict: z.enum(VERDICTS).meta({ description: "The lookup's verdict (the same as GET /v1/trace)." }),
    summary: z.string(),
    findings: z.array(FindingSchema).meta({ description: 'Where the trace and the verdict disagree.' }),
    caveats: z.array(z.object({ code: z.enum(REPORT_CAVEATS), text: z.string() })),
    missingPermissions: z.array(z.string()).optional().meta({ description: 'RAM actions without which parts are missing; the rest stands.' }),
    traceTask: z
      .object({ createdAt: z.iso.datetime(), reused: z.boolean() })
      .optional()
      .meta({ description: '4.x: the trace query task read; reused when an earlier look created it.' }),
    upstreamRequestIds: z.array(z.string()),
  })
  .meta({ id: 'JourneyReport' });

export type JourneyQueryInput = z.input<typeof JourneyQuerySchema>;
export type JourneyAttemptReport = z.infer<typeof JourneyAttemptSchema>;
export type JourneyGroupReport = z.infer<typeof JourneyGroupSchema>;
export type JourneyReport = z.infer<typeof JourneyReportSchema>;
