import { z } from 'zod';
import { describeInstanceIds, INSTANCE_RULES } from '../brokers/instance-rules';
import { isWellFormedMessageId } from './message-id';

// Apache RocketMQ's TopicValidator: letters, digits, %, |, - and _, at most 127 characters.
const TOPIC = /^[%|a-zA-Z0-9_-]+$/;
const TOPIC_MAX = 127;

/** zod's message for a missing or mistyped string field: "is required" when it is absent. */
const stringError = (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : 'must be a string');

/** An instance ID of any registered broker: 4.x `MQ_INST_…` or 5.x `rmq-…`. */
export const InstanceIdSchema = z
  .string({ error: stringError })
  .trim()
  .min(1, 'is required')
  .max(64, 'is too long for an instance ID')
  .superRefine((value, ctx) => {
    if (INSTANCE_RULES.some((rule) => rule.pattern.test(value))) return;
    ctx.addIssue({ code: 'custom', message: `must be ${describeInstanceIds()}` });
  });

/** An instance ID or a configured alias, as callers give it; the lookup use case resolves and checks it. */
export const InstanceRefSchema = z
  .string({ error: stringError })
  .trim()
  .min(1, 'is required')
  .max(64, 'is too long for an instance ID or alias')
  .meta({ description: `An instance ID (${INSTANCE_RULES.map((r) => `${r.label} ${r.example}`).join(', ')}) or a configured alias; default: the caller's default instance.` });

export const TopicSchema = z
  .string({ error: stringError })
  .trim()
  .min(1, 'is required')
  .max(TOPIC_MAX, `must be at most ${TOPIC_MAX} characters`)
  .regex(TOPIC, 'may contain only letters, digits, "-", "_", "%" and "|"');

export const MessageIdSchema = z
  .string({ error: stringError })
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
    instanceId: InstanceRefSchema.optional(),
    topic: TopicSchema,
    msgId: MessageIdSchema,
  })
  .meta({ id: 'TraceQuery' });

export type TraceQueryInput = z.output<typeof TraceQueryInputSchema>;

export const MAX_WAIT_SECONDS = 900;

const WaitSecondsSchema = z
  .number({ error: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(1, 'must be at least 1')
  .max(MAX_WAIT_SECONDS, `must be at most ${MAX_WAIT_SECONDS}`);

const EXPLAIN_DESCRIPTION = 'Also diagnose why groups have not consumed it (extra OpenAPI calls, each within its rate limit).';
const FRESH_DESCRIPTION = 'Ask the broker even when a cached CONSUMED answer is at hand (see report.cached).';
const WAIT_DESCRIPTION =
  'Poll until the verdict is CONSUMED or this many seconds pass, capped by the function timeout minus the lookup deadline.';

/** One lookup with its options, as a JSON body: `explain` is a boolean, `waitSeconds` a number. */
export const TraceRequestInputSchema = TraceQueryInputSchema.extend({
  explain: z.boolean({ error: 'must be true or false' }).optional().meta({ description: EXPLAIN_DESCRIPTION }),
  waitSeconds: WaitSecondsSchema.optional().meta({ description: WAIT_DESCRIPTION }),
  fresh: z.boolean({ error: 'must be true or false' }).optional().meta({ description: FRESH_DESCRIPTION }),
}).meta({ id: 'TraceRequest' });

/** The same options as query-string parameters, where every value is a string (`explain=true`). */
export const TraceRequestQuerySchema = TraceQueryInputSchema.extend({
  explain: z
    .enum(['true', 'false'], { error: 'must be "true" or "false"' })
    .transform((value) => value === 'true')
    .optional(),
  waitSeconds: z
    .string({ error: 'must be a string' })
    .regex(/^\d{1,6}$/, 'must be a whole number of seconds')
    .transform(Number)
    .pipe(WaitSecondsSchema)
    .optional(),
  fresh: z
    .enum(['true', 'false'], { error: 'must be "true" or "false"' })
    .transform((value) => value === 'true')
    .optional(),
});

export type TraceRequestInput = z.output<typeof TraceRequestInputSchema>;

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
