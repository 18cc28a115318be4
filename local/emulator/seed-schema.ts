import { z } from 'zod';
import { FAULT_ERROR_CODES } from './api-errors';
import { DOCUMENTED_ACTIONS } from './actions';
import { GROUP_ID_PATTERN, INSTANCE_ID_PATTERN, MSG_ID_PATTERN, TOPIC_PATTERN } from './ons-patterns';
import { DEFAULT_TRACE_RESULT_DELAY_MS } from './ons-trace-tasks';
import { ROCKETMQ5_ACTION_NAMES } from './rocketmq5/action-names';
import { RocketMq5SeedSchema, checkRocketMq5Seed } from './rocketmq5/seed-schema';

const actionNames = [...DOCUMENTED_ACTIONS.map((action) => action.name), ...ROCKETMQ5_ACTION_NAMES];

/** Names of the actions the emulator implements (ONS 4.x and RocketMQ 5.x); keys of `limits` and `faults`. */
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
  afterMs: z.number().int().min(0).describe('Milliseconds after emulator start (or, with timelineRelativeTo "firstLookup", after the first OnsMessageTrace of the message) from which this state applies.'),
  trackType: trackTypeSchema,
  exceptionDesc: z.string().max(1024).optional(),
});

const TrackSchema = z.strictObject({
  consumerGroup: z.string().regex(GROUP_ID_PATTERN),
  trackType: trackTypeSchema.describe('State at emulator start.'),
  exceptionDesc: z.string().max(1024).optional(),
  timeline: z.array(TimelineEntrySchema).optional().describe('Later states, in ascending afterMs.'),
});

const traceStatusSchema = z.string().regex(/^[A-Z][A-Z_]{0,63}$/);

const TraceAttemptSchema = z.strictObject({
  status: traceStatusSchema.describe(
    'SubClientInfoDo.Status. Documented: CONSUME_SUCCESS, CONSUME_FAILED, CONSUME_NOT_RETURN, SEND_UNKNOWN, SEND_DELAY. Other upper-case values are emitted as-is.',
  ),
  clientHost: z.string().max(64).optional().describe("Consumer IP; default the IP of the group's first seeded client, else 10.0.3.10."),
  afterMs: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400_000)
    .optional()
    .describe(
      "Delivered this long after the message was born. Default: 100 for the first attempt; each later one follows the previous attempt's end by the 4.x retry delay of its ReconsumeTimes (10 s, 30 s, 1 min, 2 min, ..., 2 h).",
    ),
  costMs: z.number().int().min(0).max(86_400_000).optional().describe('SubClientInfoDo.CostTime, ms; default 20.'),
  reconsumeTimes: z.number().int().min(0).max(10_000).optional().describe("SubClientInfoDo.ReconsumeTimes; default the attempt's index in its group."),
});

const TraceConsumerSchema = z.strictObject({
  consumerGroup: z.string().regex(GROUP_ID_PATTERN),
  attempts: z.array(TraceAttemptSchema).min(1).max(64).describe('Delivery attempts in order; one SubClientInfoDo each, shown once its delivery time has passed.'),
});

const MessageTraceSchema = z.strictObject({
  recorded: z
    .boolean()
    .optional()
    .describe('false: the producer did not enable message trace, so trace tasks find nothing (empty TraceList) and TRACE_ON is "false"; default true.'),
  producerGroup: z.string().regex(GROUP_ID_PATTERN).optional().describe('TraceMapDo.PubGroupName; default "GID_producer".'),
  sendCostMs: z.number().int().min(0).max(60_000).optional().describe('TraceMapDo.CostTime (send round trip), ms; default 6.'),
  sendStatus: traceStatusSchema
    .optional()
    .describe('TraceMapDo.Status. Documented: SEND_SUCCESS (default), SEND_FAILED, SEND_ROLLBACK, SEND_UNKNOWN, SEND_DELAY.'),
  consumers: z
    .array(TraceConsumerSchema)
    .optional()
    .describe(
      "SubList.SubMapDo, one per group. Default: derived from the tracks and the groups' dlq entries: a group with a dlq entry failed ReconsumeTimes 0..N (N = the entry's reconsumeTimes), a CONSUMED track consumed once, any other track has no entry.",
    ),
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
  timelineRelativeTo: z
    .enum(['start', 'firstLookup'])
    .optional()
    .describe('What the tracks\' timeline afterMs counts from: "start" (default, the emulator start) or "firstLookup" (the first OnsMessageTrace of this message, so a printed wait example shows a real wait).'),
  alsoKnownAs: z
    .array(z.string().regex(MSG_ID_PATTERN))
    .max(4)
    .optional()
    .describe('Other IDs this message answers to. alignClientIds sets it to the seed\'s own ID, so commands written down with that ID keep working.'),
  bornRelativeTo: z
    .enum(['start', 'request'])
    .optional()
    .describe(
      'What bornAgoMs counts back from in OnsMessageGetByMsgId, OnsMessageGetByKey, OnsDLQMessageGetById and trace tasks: "start" (default, the emulator start) or "request" (each request, so the message always looks just sent).',
    ),
  trace: MessageTraceSchema.optional().describe('What OnsTraceGetResult shows of this message (its TraceMapDo); default derived from the tracks.'),
});

const SubscriptionSchema = z.strictObject({
  topic: z.string().regex(TOPIC_PATTERN),
  subString: z.string().trim().min(1).max(1024).describe('The subscription expression: "*" or tags joined by "||", e.g. "TagA || TagB".'),
});

const ConnectionSchema = z.strictObject({
  clientId: z.string().min(1).max(255).describe('e.g. "10.0.3.21@12345#1766351112#1385711390"; the part before "@" is the client IP.'),
  clientAddr: z.string().max(64).optional().describe('"ip:port"; default the IP of clientId and a stable port.'),
  language: z.string().regex(/^[A-Z_]{1,16}$/).optional().describe('Default "JAVA".'),
  version: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/).optional().describe('Client version, e.g. "V4_9_7" (default).'),
  consumeType: z.enum(['PUSH', 'PULL']).optional().describe('Default "PUSH".'),
  subscriptions: z.array(SubscriptionSchema).min(1).describe("The client's subscriptions; OnsConsumerStatus derives SubscriptionSame and TagsSet from them."),
});

const GroupTopicSchema = z.strictObject({
  topic: z.string().regex(TOPIC_PATTERN),
  totalDiff: z.number().int().min(0).max(1_000_000_000_000).optional().describe('Backlog (messages not yet consumed) on this topic; default 0.'),
  delayMs: z.number().int().min(0).max(30 * 86_400_000).optional().describe('How far behind the group is on this topic; default 0.'),
  lastConsumedAgoMs: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400_000)
    .optional()
    .describe('Born time of the latest message the group consumed from this topic, this long before emulator start; default 1000.'),
});

const DlqEntrySchema = z.strictObject({
  msgId: z.string().regex(MSG_ID_PATTERN).describe('A message seeded on the same instance.'),
  reconsumeTimes: z.number().int().min(0).max(10_000).optional().describe('Failed deliveries before it was dead-lettered; default 16 (the clustering maximum).'),
  deadLetteredAgoMs: z.number().int().min(0).max(30 * 86_400_000).optional().describe('When it entered the DLQ, before emulator start; default 60000.'),
});

const ConsumerGroupSchema = z.strictObject({
  groupId: z.string().regex(GROUP_ID_PATTERN),
  note: z.string().max(500).optional().describe('What this group demonstrates.'),
  consumeModel: z.enum(['CLUSTERING', 'BROADCASTING']).optional().describe('Default "CLUSTERING".'),
  consumeTps: z.number().min(0).max(1_000_000).optional().describe('Messages consumed per second while online; default 0.'),
  rebalanceOk: z.boolean().optional().describe('OnsConsumerStatus RebalanceOK; default true.'),
  topics: z.array(GroupTopicSchema).optional().describe('Per-topic backlog (DetailInTopicList); group totals are summed from it.'),
  connections: z.array(ConnectionSchema).describe('Connected clients; an empty list makes the group offline.'),
  dlq: z.array(DlqEntrySchema).optional().describe("Messages in the group's dead-letter queue."),
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
  consumerGroups: z
    .array(ConsumerGroupSchema)
    .optional()
    .describe('State of consumer groups for OnsConsumerAccumulate, OnsConsumerGetConnection, OnsConsumerStatus and OnsDLQMessageGetById; other groups answer BIZ_SUBSCRIPTION_NOT_FOUND.'),
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

/**
 * Timing of the asynchronous trace query tasks (OnsTraceQueryByMsgId / OnsTraceQueryByMsgKey, read
 * by OnsTraceGetResult). A task is `working` for `resultDelayMs`, then `finish`, and `removed` from
 * `retentionMs` after its creation.
 */
export const TraceTasksSchema = z
  .strictObject({
    resultDelayMs: z
      .number()
      .int()
      .min(0)
      .max(600_000)
      .optional()
      .describe(`How long a new task stays "working"; default ${DEFAULT_TRACE_RESULT_DELAY_MS} (UNVERIFIED: the docs give no number).`),
    retentionMs: z
      .number()
      .int()
      .min(1)
      .max(7 * 86_400_000)
      .optional()
      .describe('When, after its creation, a task answers "removed"; default 600000 (UNVERIFIED: the docs only say old tasks are deleted).'),
    unknownQueryId: z
      .enum(['removed', 'error'])
      .optional()
      .describe('An unknown or another account\'s QueryId: "removed" (default, UNVERIFIED) answers TraceData with Status "removed", "error" answers InvalidParameter.'),
  })
  .refine((tasks) => tasks.retentionMs === undefined || tasks.retentionMs > (tasks.resultDelayMs ?? DEFAULT_TRACE_RESULT_DELAY_MS), {
    message: 'retentionMs must be longer than resultDelayMs, or no task ever finishes.',
    path: ['retentionMs'],
  });

/** Trace task timing, see {@link TraceTasksSchema}. */
export type TraceTasks = z.infer<typeof TraceTasksSchema>;

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
  alignClientIds: z
    .boolean()
    .optional()
    .describe(
      'Rewrite, at emulator start, the time bytes of every 4.x client id (messages and dlq entries; not offset or 5.x ids) to the message\'s born time in the producer\'s UTC+8 month, so a decoded id agrees with BornTimestamp. The ids then change with every start. Default false.',
    ),
  traceTasks: TraceTasksSchema.optional().describe('Timing of OnsTraceQueryByMsgId/OnsTraceQueryByMsgKey tasks; EmulatorOptions.traceTasks overrides it.'),
  rocketmq5: RocketMq5SeedSchema.optional().describe('ApsaraMQ for RocketMQ 5.x (rocketmq 2022-08-01) instances, served on the same port.'),
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
        const traceGroups = new Set<string>();
        (message.trace?.consumers ?? []).forEach((consumer, c) =>
          reportDuplicate(ctx, traceGroups, consumer.consumerGroup, [...path, 'trace', 'consumers', c, 'consumerGroup'], 'consumerGroup'),
        );
      });
    });
    checkConsumerGroups(instance, ['instances', i, 'consumerGroups'], ctx);
  });
}

function checkConsumerGroups(instance: SeedShape['instances'][number], path: (string | number)[], ctx: IssueContext): void {
  const msgIds = new Set(instance.topics.flatMap((topic) => topic.messages.map((message) => message.msgId.toUpperCase())));
  const groupIds = new Set<string>();
  (instance.consumerGroups ?? []).forEach((group, g) => {
    reportDuplicate(ctx, groupIds, group.groupId, [...path, g, 'groupId'], 'groupId');
    const clientIds = new Set<string>();
    group.connections.forEach((connection, c) => {
      reportDuplicate(ctx, clientIds, connection.clientId, [...path, g, 'connections', c, 'clientId'], 'clientId');
    });
    const topics = new Set<string>();
    (group.topics ?? []).forEach((topic, t) => reportDuplicate(ctx, topics, topic.topic, [...path, g, 'topics', t, 'topic'], 'topic'));
    const dead = new Set<string>();
    (group.dlq ?? []).forEach((entry, d) => {
      const at = [...path, g, 'dlq', d, 'msgId'];
      reportDuplicate(ctx, dead, entry.msgId.toUpperCase(), at, 'dlq msgId (case-insensitive)');
      if (!msgIds.has(entry.msgId.toUpperCase())) {
        ctx.addIssue({ code: 'custom', message: `No message "${entry.msgId}" is seeded on instance ${instance.instanceId}.`, path: at });
      }
    });
  });
}

/**
 * The emulator seed: accounts with their credentials, instances with topics, messages and
 * per-group tracks, optional limit overrides, start-up faults, the unknown-message policy and the
 * optional RocketMQ 5.x section (`rocketmq5`).
 * Cross-references (owner accounts, unique ids) are checked too.
 */
export const SeedSchema = SeedShapeSchema.superRefine((seed, ctx) => {
  checkCredentials(seed, ctx);
  checkInstances(seed, ctx);
  if (seed.rocketmq5 !== undefined) {
    const accountIds = new Set(seed.accounts.map((account) => account.accountId));
    checkRocketMq5Seed(seed.rocketmq5, accountIds, (message, path) => ctx.addIssue({ code: 'custom', message, path }));
  }
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
