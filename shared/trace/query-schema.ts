import { z } from 'zod';
import { isWellFormedMessageId } from './message-id';

/** Instance IDs of ApsaraMQ for RocketMQ 4.x, e.g. `MQ_INST_1234567890123456_BXhFHryi`. */
export const INSTANCE_ID_EXAMPLE = 'MQ_INST_1234567890123456_BXhFHryi';
const INSTANCE_ID = /^MQ_INST_[0-9]{6,24}_[A-Za-z0-9]{4,32}$/;
// Apache RocketMQ's TopicValidator: letters, digits, %, |, - and _, at most 127 characters.
const TOPIC = /^[%|a-zA-Z0-9_-]+$/;
const TOPIC_MAX = 127;

export const InstanceIdSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'is required')
  .max(64, 'is too long for an instance ID')
  .superRefine((value, ctx) => {
    if (INSTANCE_ID.test(value)) return;
    const hint = /^rmq-/i.test(value) ? ' 5.x instances (rmq-…) use a different API and are not supported yet.' : '';
    ctx.addIssue({ code: 'custom', message: `must be a 4.x instance ID like ${INSTANCE_ID_EXAMPLE}.${hint}` });
  });

export const TopicSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'is required')
  .max(TOPIC_MAX, `must be at most ${TOPIC_MAX} characters`)
  .regex(TOPIC, 'may contain only letters, digits, "-", "_", "%" and "|"');

export const MessageIdSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'is required')
  .max(200, 'is too long for a message ID')
  .superRefine((value, ctx) => {
    if (value.includes(',')) {
      ctx.addIssue({
        code: 'custom',
        message: 'holds a comma-separated list (a batch send returns one); look up one ID at a time, or use POST /v1/trace with "lookups"',
      });
      return;
    }
    if (!isWellFormedMessageId(value.toUpperCase())) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be 32 or 56 hex characters (4.x) or "01" followed by 32 hex characters (5.x)',
      });
    }
  })
  .transform((value) => value.toUpperCase());

/** One lookup as callers send it. `instanceId` may be left to the configured default. */
export const TraceQueryInputSchema = z
  .object({
    instanceId: InstanceIdSchema.optional(),
    topic: TopicSchema,
    msgId: MessageIdSchema,
  })
  .meta({ id: 'TraceQuery' });

export type TraceQueryInput = z.output<typeof TraceQueryInputSchema>;

/** A lookup with every field resolved. */
export interface TraceQuery {
  instanceId: string;
  topic: string;
  msgId: string;
}

export const MAX_BATCH = 20;

export const BatchInputSchema = z
  .object({
    lookups: z
      .array(z.unknown(), { error: 'must be an array' })
      .min(1, 'must hold at least one lookup')
      .max(MAX_BATCH, `must hold at most ${MAX_BATCH} lookups`),
  });
