import { z } from 'zod';
import { InvalidInputError, type FieldIssue } from '../errors';
import { InstanceIdSchema, MessageIdSchema, TopicSchema } from '../trace/query-schema';

/** Defaults and bounds of a check (issue "Scheduled spot checks"). */
export const CHECK_DEFAULTS = { sample: 20, minAgeSeconds: 300, lookbackMinutes: 60 } as const;
export const CHECK_LIMITS = { maxSample: 50, maxMsgIds: 50, maxExpectGroups: 20, maxChecks: 50 } as const;

const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
// Group IDs share RocketMQ's topic character set (GID_… and legacy CID_…).
const GROUP_ID = /^[%|A-Za-z0-9_-]{1,255}$/;

const wholeNumber = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** One spot check: which topic to sample, how much, how old, and which groups must consume it. */
export const SpotCheckSchema = z
  .strictObject({
    name: z.string({ error: 'must be a string' }).regex(CHECK_NAME, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'),
    instanceId: InstanceIdSchema,
    topic: TopicSchema,
    expectGroups: z
      .array(z.string({ error: 'must be a string' }).regex(GROUP_ID, 'must be a consumer group ID like GID_billing'), { error: 'must be an array' })
      .min(1, 'must name at least one group; leave it out to judge every subscribing group')
      .max(CHECK_LIMITS.maxExpectGroups, `must name at most ${CHECK_LIMITS.maxExpectGroups} groups`)
      .optional(),
    sample: wholeNumber(0, CHECK_LIMITS.maxSample).default(CHECK_DEFAULTS.sample),
    minAgeSeconds: wholeNumber(0, 86_400).default(CHECK_DEFAULTS.minAgeSeconds),
    lookbackMinutes: wholeNumber(1, 7 * 24 * 60).default(CHECK_DEFAULTS.lookbackMinutes),
    msgIds: z
      .array(MessageIdSchema, { error: 'must be an array' })
      .max(CHECK_LIMITS.maxMsgIds, `must list at most ${CHECK_LIMITS.maxMsgIds} message IDs`)
      .optional(),
  })
  .superRefine((check, ctx) => {
    if (check.lookbackMinutes * 60 <= check.minAgeSeconds) {
      ctx.addIssue({ code: 'custom', path: ['lookbackMinutes'], message: 'must reach further back than minAgeSeconds, or the window is empty' });
    }
    if (check.sample === 0 && (check.msgIds ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['sample'], message: 'is 0 and no msgIds are listed, so the check would look at nothing' });
    }
  });

export type SpotCheck = z.output<typeof SpotCheckSchema>;

/** The timer payload: a JSON object whose `checks` add to (or replace, when none are configured) the configured ones. */
export const SpotCheckPayloadSchema = z.strictObject({
  checks: z.array(z.unknown(), { error: 'must be an array' }).max(CHECK_LIMITS.maxChecks, `must hold at most ${CHECK_LIMITS.maxChecks} checks`),
});

/** The FC timer event (fc.md §1.6). `payload` is the trigger's configured string. */
export const TimerEventSchema = z.object({
  triggerTime: z.string({ error: 'must be a string' }),
  triggerName: z.string({ error: 'must be a string' }),
  payload: z.string({ error: 'must be a string (the trigger payload is JSON text)' }).optional(),
});

export type TimerEvent = z.output<typeof TimerEventSchema>;

/** Where a list of checks came from; it prefixes every error path. */
export type CheckSource = 'payload' | 'config';

/**
 * Validates raw checks. Each error names the source, the check (by name when it has a usable one,
 * otherwise by position) and the field, e.g. `payload.checks[orders-canary].sample: must be at most 50`.
 * @throws InvalidInputError listing every failing field of every check.
 */
export function parseChecks(raw: readonly unknown[], source: CheckSource): SpotCheck[] {
  const issues: FieldIssue[] = [];
  const checks: SpotCheck[] = [];
  raw.forEach((item, index) => {
    const result = SpotCheckSchema.safeParse(item);
    if (result.success) {
      checks.push(result.data);
      return;
    }
    const label = checkLabel(item, index);
    for (const issue of result.error.issues) {
      const field = issue.path.map(String).join('.');
      issues.push({ path: `${source}.checks[${label}]${field ? `.${field}` : ''}`, message: issue.message });
    }
  });
  if (issues.length > 0) throw new InvalidInputError(issues);
  return checks;
}

/**
 * Parses the timer payload text. Empty text means "no checks from the payload".
 * @throws InvalidInputError naming `payload` or the failing check and field.
 */
export function parsePayloadChecks(payload: string | undefined): SpotCheck[] {
  if (payload === undefined || payload.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    throw new InvalidInputError([{ path: 'payload', message: 'is not valid JSON; expected {"checks": [...]}' }]);
  }
  const result = SpotCheckPayloadSchema.safeParse(json);
  if (!result.success) {
    throw new InvalidInputError(
      result.error.issues.map((i) => ({ path: ['payload', ...i.path.map(String)].join('.'), message: i.message })),
    );
  }
  return parseChecks(result.data.checks, 'payload');
}

/**
 * The checks of one run: the configured ones plus the payload's. A name used twice is an error,
 * because state, alerts and the summary are keyed by name.
 * @throws InvalidInputError for a duplicate name or when there is nothing to check.
 */
export function mergeChecks(configured: readonly SpotCheck[], fromPayload: readonly SpotCheck[]): SpotCheck[] {
  const issues: FieldIssue[] = [];
  const seen = new Map<string, CheckSource>();
  const all = [...configured.map((c) => ['config', c] as const), ...fromPayload.map((c) => ['payload', c] as const)];
  for (const [source, check] of all) {
    const first = seen.get(check.name);
    if (first) {
      issues.push({ path: `${source}.checks[${check.name}].name`, message: `is already used by a check from ${first}; names must be unique` });
    }
    seen.set(check.name, source);
  }
  if (all.length === 0) issues.push({ path: 'checks', message: 'none configured (MQTRACE_SPOT_CHECKS) and none in the payload' });
  if (all.length > CHECK_LIMITS.maxChecks) issues.push({ path: 'checks', message: `at most ${CHECK_LIMITS.maxChecks} checks per run` });
  if (issues.length > 0) throw new InvalidInputError(issues);
  return all.map(([, check]) => check);
}

function checkLabel(item: unknown, index: number): string {
  const name = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
  return typeof name === 'string' && CHECK_NAME.test(name) ? name : String(index);
}
