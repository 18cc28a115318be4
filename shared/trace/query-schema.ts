import { z } from 'zod';
import { describeInstanceIds, INSTANCE_RULES } from '../brokers/instance-rules';
import { lazySchema, OMIT, REJECT, type FastField } from '../validation';
import { isWellFormedMessageId } from './message-id';

// Apache RocketMQ's TopicValidator: letters, digits, %, |, - and _, at most 127 characters.
const TOPIC = /^[%|a-zA-Z0-9_-]+$/;
const TOPIC_MAX = 127;
const INSTANCE_REF_MAX = 64;
const MESSAGE_ID_MAX = 200;
const WAIT_SECONDS_TEXT = /^\d{1,6}$/;

const isInstanceId = (value: string) => INSTANCE_RULES.some((rule) => rule.pattern.test(value));

/** zod's message for a missing or mistyped string field: "is required" when it is absent. */
const stringError = (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : 'must be a string');

/** An instance ID of any registered broker: 4.x `MQ_INST_…` or 5.x `rmq-…`. */
export const InstanceIdSchema = lazySchema(() =>
  z
    .string({ error: stringError })
    .trim()
    .min(1, 'is required')
    .max(64, 'is too long for an instance ID')
    .superRefine((value, ctx) => {
      if (isInstanceId(value)) return;
      ctx.addIssue({ code: 'custom', message: `must be ${describeInstanceIds()}` });
    }),
);

/** An instance ID or a configured alias, as callers give it; the lookup use case resolves and checks it. */
export const InstanceRefSchema = lazySchema(() =>
  z
    .string({ error: stringError })
    .trim()
    .min(1, 'is required')
    .max(INSTANCE_REF_MAX, 'is too long for an instance ID or alias')
    .meta({ description: `An instance ID (${INSTANCE_RULES.map((r) => `${r.label} ${r.example}`).join(', ')}) or a configured alias; default: the caller's default instance.` }),
);

export const TopicSchema = lazySchema(() =>
  z
    .string({ error: stringError })
    .trim()
    .min(1, 'is required')
    .max(TOPIC_MAX, `must be at most ${TOPIC_MAX} characters`)
    .regex(TOPIC, 'may contain only letters, digits, "-", "_", "%" and "|"'),
);

export const MessageIdSchema = lazySchema(() =>
  z
    .string({ error: stringError })
    .trim()
    .min(1, 'is required')
    .max(MESSAGE_ID_MAX, 'is too long for a message ID')
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
    .transform((value) => value.toUpperCase()),
);

/** One lookup as callers send it. `instanceId` may be left to the configured default. */
export const TraceQueryInputSchema = lazySchema(() =>
  z
    .object({
      instanceId: InstanceRefSchema.optional(),
      topic: TopicSchema,
      msgId: MessageIdSchema,
    })
    .meta({ id: 'TraceQuery' }),
);

export type TraceQueryInput = z.output<typeof TraceQueryInputSchema>;

export const MAX_WAIT_SECONDS = 900;

const WaitSecondsSchema = lazySchema(() =>
  z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1')
    .max(MAX_WAIT_SECONDS, `must be at most ${MAX_WAIT_SECONDS}`),
);

const EXPLAIN_DESCRIPTION = 'Also diagnose why groups have not consumed it (extra OpenAPI calls, each within its rate limit).';
const FRESH_DESCRIPTION = 'Ask the broker even when a cached CONSUMED answer is at hand (see report.cached).';
const WAIT_DESCRIPTION =
  'Poll until the verdict is CONSUMED or this many seconds pass, capped by the function timeout minus the lookup deadline.';

/** One lookup with its options, as a JSON body: `explain` is a boolean, `waitSeconds` a number. */
export const TraceRequestInputSchema = lazySchema(() =>
  TraceQueryInputSchema.extend({
    explain: z.boolean({ error: 'must be true or false' }).optional().meta({ description: EXPLAIN_DESCRIPTION }),
    waitSeconds: WaitSecondsSchema.optional().meta({ description: WAIT_DESCRIPTION }),
    fresh: z.boolean({ error: 'must be true or false' }).optional().meta({ description: FRESH_DESCRIPTION }),
  }).meta({ id: 'TraceRequest' }),
);

/** The same options as query-string parameters, where every value is a string (`explain=true`). */
export const TraceRequestQuerySchema = lazySchema(() =>
  TraceQueryInputSchema.extend({
    explain: z
      .enum(['true', 'false'], { error: 'must be "true" or "false"' })
      .transform((value) => value === 'true')
      .optional(),
    waitSeconds: z
      .string({ error: 'must be a string' })
      .regex(WAIT_SECONDS_TEXT, 'must be a whole number of seconds')
      .transform(Number)
      .pipe(WaitSecondsSchema)
      .optional(),
    fresh: z
      .enum(['true', 'false'], { error: 'must be "true" or "false"' })
      .transform((value) => value === 'true')
      .optional(),
  }),
);

export type TraceRequestInput = z.output<typeof TraceRequestInputSchema>;

/** A lookup with every field resolved. */
export interface TraceQuery {
  instanceId: string;
  topic: string;
  msgId: string;
}

export const MAX_BATCH = 20;

export const BatchInputSchema = lazySchema(() =>
  z.object({
    lookups: z
      .array(z.unknown(), { error: 'must be an array' })
      .min(1, 'must hold at least one lookup')
      .max(MAX_BATCH, `must hold at most ${MAX_BATCH} lookups`),
  }),
);

/** Which options a lookup object may carry: none (a batch item), strings (a query string) or JSON types (a body). */
export type TraceOptionsForm = 'none' | 'query' | 'body';

const FIELDS = ['instanceId', 'topic', 'msgId'] as const;
const KEYS: Record<TraceOptionsForm, ReadonlySet<string>> = {
  none: new Set(FIELDS),
  query: new Set([...FIELDS, 'explain', 'waitSeconds', 'fresh']),
  body: new Set([...FIELDS, 'explain', 'waitSeconds', 'fresh']),
};

/**
 * The fast path ({@link FastPath}) of the strict lookup schemas: {@link TraceQueryInputSchema},
 * {@link TraceRequestQuerySchema} or {@link TraceRequestInputSchema} with `.strict()`, by `form`.
 * Same rules, same output (key order included); undefined wherever zod would report an issue.
 */
export function fastStrictTraceInput(input: unknown, form: TraceOptionsForm): { value: TraceRequestInput } | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const record = input as Record<string, unknown>;
  const allowed = KEYS[form];
  for (const key of Object.keys(record)) if (!allowed.has(key)) return undefined;
  const value: TraceRequestInput = {} as TraceRequestInput;
  if ('instanceId' in record) {
    const instanceId = record.instanceId === undefined ? undefined : trimmedWithin(record.instanceId, INSTANCE_REF_MAX);
    if (instanceId === undefined && record.instanceId !== undefined) return undefined;
    value.instanceId = instanceId;
  }
  const topic = trimmedWithin(record.topic, TOPIC_MAX);
  if (topic === undefined || !TOPIC.test(topic)) return undefined;
  value.topic = topic;
  const msgId = trimmedWithin(record.msgId, MESSAGE_ID_MAX)?.toUpperCase();
  if (msgId === undefined || msgId.includes(',') || !isWellFormedMessageId(msgId)) return undefined;
  value.msgId = msgId;
  if (form === 'none') return { value };
  const explain = fastFlag(record, 'explain', form);
  if (explain === REJECT) return undefined;
  if (explain !== OMIT) value.explain = explain;
  if ('waitSeconds' in record && record.waitSeconds !== undefined) {
    const given = record.waitSeconds;
    const seconds = form === 'query' ? (typeof given === 'string' && WAIT_SECONDS_TEXT.test(given) ? Number(given) : undefined) : given;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > MAX_WAIT_SECONDS) return undefined;
    value.waitSeconds = seconds;
  } else if ('waitSeconds' in record) value.waitSeconds = undefined;
  const fresh = fastFlag(record, 'fresh', form);
  if (fresh === REJECT) return undefined;
  if (fresh !== OMIT) value.fresh = fresh;
  return { value };
}

/** An optional boolean option: a JSON boolean in a body, `"true"`/`"false"` in a query string. */
function fastFlag(record: Record<string, unknown>, key: 'explain' | 'fresh', form: 'query' | 'body'): FastField<boolean | undefined> {
  if (!(key in record)) return OMIT;
  const given = record[key];
  if (given === undefined) return undefined;
  const flag = form === 'query' ? (given === 'true' ? true : given === 'false' ? false : undefined) : given;
  return typeof flag === 'boolean' ? flag : REJECT;
}

/** zod's `string().trim().min(1).max(max)`: the trimmed string, or undefined. */
function trimmedWithin(given: unknown, max: number): string | undefined {
  if (typeof given !== 'string') return undefined;
  const trimmed = given.trim();
  return trimmed.length >= 1 && trimmed.length <= max ? trimmed : undefined;
}

/** The fast path of {@link InstanceIdSchema}: the trimmed ID, or undefined. */
export function fastInstanceId(given: unknown): string | undefined {
  const trimmed = trimmedWithin(given, 64);
  return trimmed !== undefined && isInstanceId(trimmed) ? trimmed : undefined;
}
