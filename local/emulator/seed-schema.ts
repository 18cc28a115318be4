import { z } from 'zod';
import { FAULT_ERROR_CODES } from './api-errors';
import { DOCUMENTED_ACTIONS } from './actions';
import { GROUP_ID_PATTERN, INSTANCE_ID_PATTERN, MSG_ID_PATTERN, TOPIC_PATTERN } from './ons-patterns';

const actionNames = DOCUMENTED_ACTIONS.map((action) => action.name);

/** Names of the actions the emulator implements; keys of `limits` and `faults`. */
export const ActionNameSchema = z.enum(actionNames as [string, ...string[]]);

/** A rate limit: at most `count` calls per `windowMs`, per account and action. */
export const RateLimitSchema = z.strictObject({
  count: z.number().int().min(1).max(1_000_000),
  windowMs: z.number().int().min(1).max(86_400_000),
});

/** A rate limit, see {@link RateLimitSchema}. */
export type RateLimit = z.infer<typeof RateLimitSchema>;

const rateSchema = z.number().min(0).max(1);

/**
 * A fault injected into one action, applied after authentication, RAM and rate limiting.
 * `errorCode` without `errorRate` means `errorRate: 1`; `errorRate` without `errorCode` injects `InternalError`.
 */
export const FaultSchema = z
  .strictObject({
    latencyMs: z.number().int().min(0).max(120_000).optional().describe('Delay before responding.'),
    errorRate: rateSchema.optional().describe('Probability (0..1) of answering with errorCode.'),
    errorCode: z.enum(FAULT_ERROR_CODES).optional().describe('Error returned with its documented status.'),
    html502Rate: rateSchema.optional().describe('Probability of a 502 text/html body, as a broken proxy sends.'),
    dropRate: rateSchema.optional().describe('Probability of destroying the socket without any response.'),
    times: z.number().int().min(1).optional().describe('Apply to the next N requests of the action only, then clear.'),
  })
  .refine(
    (fault) =>
      fault.latencyMs !== undefined ||
      fault.errorRate !== undefined ||
      fault.errorCode !== undefined ||
      fault.html502Rate !== undefined ||
      fault.dropRate !== undefined,
    { message: 'A fault needs at least one of latencyMs, errorRate, errorCode, html502Rate, dropRate.' },
  );

/** A fault, see {@link FaultSchema}. */
export type Fault = z.infer<typeof FaultSchema>;

const trackTypeSchema = z
  .string()
  .regex(/^[A-Z][A-Z_]{0,63}$/)
  .describe(
    'Documented: CONSUMED, CONSUMED_BUT_FILTERED, NOT_CONSUME_YET, NOT_ONLINE, UNKNOWN. Open-source only: PULL, CONSUME_BROADCASTING. Other upper-case values are emitted as-is.',
  );

const TimelineEntrySchema = z.strictObject({
  afterMs: z.number().int().min(0).describe('Milliseconds after emulator start from which this state applies.'),
  trackType: trackTypeSchema,
  exceptionDesc: z.string().max(1024).optional(),
});

const TrackSchema = z.strictObject({
  consumerGroup: z.string().regex(GROUP_ID_PATTERN),
  trackType: trackTypeSchema.describe('State at emulator start.'),
  exceptionDesc: z.string().max(1024).optional(),
  timeline: z.array(TimelineEntrySchema).optional().describe('Later states, in ascending afterMs.'),
});

const MessageSchema = z.strictObject({
  msgId: z.string().regex(MSG_ID_PATTERN).describe('4.x UNIQ_KEY or offset id (32/56 hex), or 5.x id (01 + 32 hex).'),
  note: z.string().max(500).optional().describe('What this message demonstrates.'),
  tracks: z.array(TrackSchema).describe('One entry per subscribing consumer group; empty means no subscriber.'),
  tag: z.string().min(1).max(128).optional().describe('The message tag (TAGS property).'),
  keys: z.array(z.string().min(1).max(128)).max(32).optional().describe('The message keys (KEYS property).'),
  bornAgoMs: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400_000)
    .optional()
    .describe('How long before emulator start the producer sent it; default 600000 (10 minutes). Keeps demo data recent.'),
  bornHost: z.string().max(64).optional().describe('Producer "ip:port"; default derived from a 4.x client id.'),
  storeHost: z.string().max(64).optional().describe('Broker "ip:port"; default "10.0.8.15:10911".'),
  reconsumeTimes: z.number().int().min(0).max(10_000).optional().describe('How often it was redelivered; default 0.'),
  bodySize: z.number().int().min(0).max(4 * 1024 * 1024).optional().describe('Body size in bytes; default 256.'),
});

const TopicSchema = z.strictObject({
  topic: z.string().regex(TOPIC_PATTERN),
  note: z.string().max(500).optional(),
  messages: z.array(MessageSchema),
});

const InstanceSchema = z.strictObject({
  instanceId: z.string().regex(INSTANCE_ID_PATTERN),
  accountId: z.string().describe('Owner account; must be one of accounts[].accountId.'),
  note: z.string().max(500).optional(),
  topics: z.array(TopicSchema),
});

const CredentialSchema = z.strictObject({
  accessKeyId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{4,128}$/)
    .refine((id) => !/^LTAI/i.test(id), { message: 'Must not look like a real Alibaba Cloud AccessKey id (LTAI...).' }),
  accessKeySecret: z.string().min(8).max(256),
  securityToken: z.string().min(1).max(8192).optional().describe('Makes this an STS credential; accessKeyId must start with "STS.".'),
  expiresAt: z.iso.datetime().optional().describe('STS expiry (UTC, e.g. 2099-01-01T00:00:00Z).'),
  allowedActions: z
    .array(z.string().regex(/^(?:\*|[a-z0-9-]+:[A-Za-z0-9*]+)$/))
    .describe('RAM actions this credential may call, e.g. ["mq:QueryMessageTrace"]; "*" and "mq:*" wildcards work.'),
  displayName: z.string().min(1).max(128).optional().describe('RAM principal name shown in AccessDeniedDetail.'),
});

const AccountSchema = z.strictObject({
  accountId: z.string().regex(/^\d{16}$/).describe('Alibaba Cloud account (UID), 16 digits.'),
  note: z.string().max(500).optional(),
  credentials: z.array(CredentialSchema).min(1),
});

type SeedShape = z.infer<typeof SeedShapeSchema>;
type IssueContext = z.core.$RefinementCtx<SeedShape>;

const SeedShapeSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  accounts: z.array(AccountSchema).min(1),
  instances: z.array(InstanceSchema),
  limits: z.partialRecord(ActionNameSchema, RateLimitSchema).optional().describe('Overrides of the documented limits.'),
  faults: z.partialRecord(ActionNameSchema, FaultSchema).optional().describe('Faults active from start.'),
  unknownMessage: z
    .enum(['error', 'empty'])
    .optional()
    .describe('Unknown MsgId: "error" (default) answers BIZ_NO_MESSAGE, "empty" answers an empty MessageTrack list.'),
});

function reportDuplicate(ctx: IssueContext, seen: Set<string>, value: string, path: (string | number)[], what: string): void {
  if (seen.has(value)) {
    ctx.addIssue({ code: 'custom', message: `Duplicate ${what} "${value}".`, path });
  }
  seen.add(value);
}

function checkCredentials(seed: SeedShape, ctx: IssueContext): void {
  const keyIds = new Set<string>();
  const accountIds = new Set<string>();
  seed.accounts.forEach((account, a) => {
    reportDuplicate(ctx, accountIds, account.accountId, ['accounts', a, 'accountId'], 'accountId');
    account.credentials.forEach((credential, c) => {
      const path = ['accounts', a, 'credentials', c];
      reportDuplicate(ctx, keyIds, credential.accessKeyId, [...path, 'accessKeyId'], 'accessKeyId');
      const isSts = credential.securityToken !== undefined;
      if (isSts !== credential.accessKeyId.startsWith('STS.')) {
        ctx.addIssue({
          code: 'custom',
          message: 'An STS credential has both a securityToken and an accessKeyId starting with "STS.".',
          path: [...path, isSts ? 'accessKeyId' : 'securityToken'],
        });
      }
      if (!isSts && credential.expiresAt !== undefined) {
        ctx.addIssue({ code: 'custom', message: 'expiresAt needs a securityToken.', path: [...path, 'expiresAt'] });
      }
    });
  });
}

function checkTracks(tracks: SeedShape['instances'][number]['topics'][number]['messages'][number]['tracks'], path: (string | number)[], ctx: IssueContext): void {
  const groups = new Set<string>();
  tracks.forEach((track, t) => {
    reportDuplicate(ctx, groups, track.consumerGroup, [...path, t, 'consumerGroup'], 'consumerGroup');
    (track.timeline ?? []).forEach((entry, e, all) => {
      const previous = all[e - 1];
      if (previous !== undefined && entry.afterMs <= previous.afterMs) {
        ctx.addIssue({ code: 'custom', message: 'timeline afterMs must be strictly ascending.', path: [...path, t, 'timeline', e, 'afterMs'] });
      }
    });
  });
}

function checkInstances(seed: SeedShape, ctx: IssueContext): void {
  const accountIds = new Set(seed.accounts.map((account) => account.accountId));
  const instanceIds = new Set<string>();
  seed.instances.forEach((instance, i) => {
    reportDuplicate(ctx, instanceIds, instance.instanceId, ['instances', i, 'instanceId'], 'instanceId');
    if (!accountIds.has(instance.accountId)) {
      ctx.addIssue({ code: 'custom', message: `Unknown accountId "${instance.accountId}".`, path: ['instances', i, 'accountId'] });
    }
    const topics = new Set<string>();
    instance.topics.forEach((topic, t) => {
      reportDuplicate(ctx, topics, topic.topic, ['instances', i, 'topics', t, 'topic'], 'topic');
      const msgIds = new Set<string>();
      topic.messages.forEach((message, m) => {
        const path = ['instances', i, 'topics', t, 'messages', m];
        reportDuplicate(ctx, msgIds, message.msgId.toUpperCase(), [...path, 'msgId'], 'msgId (case-insensitive)');
        checkTracks(message.tracks, [...path, 'tracks'], ctx);
      });
    });
  });
}

/**
 * The emulator seed: accounts with their credentials, instances with topics, messages and
 * per-group tracks, optional limit overrides, start-up faults and the unknown-message policy.
 * Cross-references (owner accounts, unique ids) are checked too.
 */
export const SeedSchema = SeedShapeSchema.superRefine((seed, ctx) => {
  checkCredentials(seed, ctx);
  checkInstances(seed, ctx);
});

/** A validated seed, see {@link SeedSchema}. */
export type Seed = z.infer<typeof SeedSchema>;

/**
 * Returns the JSON Schema of the seed format, as committed in `local/emulator/seed.schema.json`.
 * Regenerate that file with `npm run --silent emulator -- --print-seed-schema > local/emulator/seed.schema.json`.
 *
 * @returns A draft 2020-12 JSON Schema object.
 */
export function seedJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SeedSchema) as Record<string, unknown>;
}
