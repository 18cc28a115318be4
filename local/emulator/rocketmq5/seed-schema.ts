import { z } from 'zod';
import { GROUP_ID_PATTERN, INSTANCE_ID_PATTERN, MSG_ID_PATTERN, TOPIC_PATTERN } from '../ons-patterns';

/**
 * The `rocketmq5` part of an emulator seed: ApsaraMQ for RocketMQ 5.x instances with topics,
 * messages (and their trace), consumer groups (subscriptions, lag, clients). All times are
 * relative to emulator start so the demo is always fresh.
 */

const MAX_AGO_MS = 30 * 86_400_000;
const agoMs = z.number().int().min(0).max(MAX_AGO_MS);
const upperWord = z.string().regex(/^[A-Z][A-Z_]{0,63}$/);

/** The DLQ topic prefix of 5.x (`%DLQ%` + group); such topics are generated, never seeded. */
export const DLQ_TOPIC_PREFIX = '%DLQ%';

const MessageIdPartsSchema = z.strictObject({
  producerMac: z.string().regex(/^[0-9A-F]{2}(?::[0-9A-F]{2}){5}$/).describe('Producer MAC, upper-case "AA:BB:CC:DD:EE:FF".'),
  producerPid: z.number().int().min(0).max(0xffff),
  sequence: z.number().int().min(0).max(0xffff_ffff),
});

const RecordSchema = z.strictObject({
  clientHost: z.string().max(64).optional().describe("Consumer client IP; default the group's first client's egressIp, else 10.0.0.1."),
  consumeStatus: upperWord.describe('Status of this delivery attempt: SUCCESS or FAILED (the real enum is UNVERIFIED).'),
  deliveredAfterMs: z.number().int().min(0).max(MAX_AGO_MS).optional().describe('Delivery, this long after the message was stored; default 100.'),
  consumeDurationMs: z.number().int().min(0).max(86_400_000).optional().describe('Time until the ACK (SUCCESS) or the retry decision (FAILED); default 20.'),
  invisibleTimeMs: z.number().int().min(0).max(43_200_000).optional().describe('Invisible time of the delivery, ms; default 60000.'),
  userName: z.string().max(128).optional(),
  popCk: z.string().max(256).optional(),
});

const ConsumerSchema = z.strictObject({
  consumerGroupId: z.string().regex(GROUP_ID_PATTERN).describe('A consumer group seeded on the same instance.'),
  consumeStatus: upperWord.optional().describe("The group's overall status once all records show; default the last shown record's status, omitted while none shows."),
  records: z
    .array(RecordSchema)
    .max(64)
    .optional()
    .describe('Delivery attempts in order; [] (default) is a group with no trace record yet. A record shows once its delivery time has passed.'),
  deadLetter: z
    .strictObject({
      toDlqAfterMs: z.number().int().min(0).max(MAX_AGO_MS).optional().describe("Dead-lettered this long after the last attempt's end; default 1000."),
    })
    .optional()
    .describe('The message went to the group\'s DLQ topic "%DLQ%<group>" (same message id); deadMessage becomes true.'),
});

const MessageSchema = z
  .strictObject({
    messageId: z.string().regex(MSG_ID_PATTERN).optional().describe('A fixed id (5.x "01"+32 hex, or a 4.x-style id); its embedded time is not checked.'),
    generatedId: MessageIdPartsSchema.optional().describe("Build the 5.x id at start from these parts and the born time, so the id's embedded time matches bornTime."),
    note: z.string().max(500).optional().describe('What this message demonstrates.'),
    tag: z.string().min(1).max(128).optional(),
    keys: z.array(z.string().min(1).max(128)).max(32).optional(),
    bornAgoMs: agoMs.optional().describe('Sent this long before emulator start; default 600000.'),
    storeDelayMs: z.number().int().min(0).max(60_000).optional().describe('Stored this long after it was sent; default 3.'),
    bornHost: z.string().max(64).optional().describe('Producer "ip:port"; default "10.0.9.11:52001".'),
    storeHost: z.string().max(64).optional().describe('Broker "ip:port"; default "10.0.8.21:8080".'),
    body: z.string().max(65_536).optional().describe('Message body text; default a small JSON document.'),
    messageGroup: z.string().min(1).max(128).optional().describe('FIFO message group.'),
    userProperties: z.record(z.string().min(1).max(64), z.string().max(1024)).optional(),
    producer: z
      .strictObject({
        userName: z.string().max(128).optional(),
        messageSource: upperWord.optional().describe('Default "SDK" (values UNVERIFIED; the SDK example is "CONSOLE").'),
        produceStatus: upperWord.optional().describe('Default "SUCCESS".'),
      })
      .optional(),
    consumers: z.array(ConsumerSchema).describe("GetTrace consumerInfos, one per group; a subscribed group that is not listed has no trace entry at all."),
  })
  .refine((message) => (message.messageId === undefined) !== (message.generatedId === undefined), {
    message: 'A message needs exactly one of messageId and generatedId.',
  });

const TopicSchema = z.strictObject({
  topicName: z
    .string()
    .regex(TOPIC_PATTERN)
    .refine((name) => !name.startsWith(DLQ_TOPIC_PREFIX), { message: 'Topics starting with %DLQ% are generated from dead letters.' }),
  messageType: z.enum(['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION']).optional().describe('Default "NORMAL".'),
  note: z.string().max(500).optional(),
  messages: z.array(MessageSchema),
});

const FilterSchema = {
  filterExpression: z.string().trim().min(1).max(1024).optional().describe('"*" (default) or tags joined by "||", e.g. "order-created || order-paid".'),
  filterExpressionType: z.enum(['TAG', 'SQL', 'UNSPECIFIED']).optional().describe('Default "TAG".'),
};

const SubscriptionSchema = z.strictObject({
  topicName: z.string().regex(TOPIC_PATTERN),
  ...FilterSchema,
  readyCount: z.number().int().min(0).max(1_000_000_000_000).optional().describe('Lag: messages ready to deliver; default 0.'),
  inflightCount: z.number().int().min(0).max(1_000_000_000).optional().describe('Lag: messages delivered but not acknowledged; default 0.'),
  deliveryDurationS: z.number().int().min(0).max(MAX_AGO_MS / 1000).optional().describe('Lag: delivery delay in seconds; default 0.'),
  lastConsumeAgoMs: agoMs.optional().describe('Lag lastConsumeTimestamp: this long before emulator start; default 1000.'),
  consumedUpToAgoMs: agoMs
    .optional()
    .describe(
      'GetConsumeTimespan consumeTimestamp: store time of the consume position, this long before start; default: caught up (the newest stored message).',
    ),
});

const ConnectionSchema = z.strictObject({
  clientId: z.string().min(1).max(255).describe('e.g. "10.0.3.21@12345#1766351112#1385711390#1234567890".'),
  egressIp: z.string().max(64).optional().describe('Default the part of clientId before "@".'),
  hostname: z.string().max(128).optional(),
  language: z.string().regex(/^[A-Za-z_+#]{1,16}$/).optional().describe('Default "java".'),
  version: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/).optional().describe('Client version; default "5.0.7".'),
  subscriptions: z
    .array(z.strictObject({ topicName: z.string().regex(TOPIC_PATTERN), ...FilterSchema }))
    .optional()
    .describe("Filters this client reports when they differ from the group's (an inconsistent subscription)."),
});

const ConsumerGroupSchema = z.strictObject({
  consumerGroupId: z.string().regex(GROUP_ID_PATTERN),
  note: z.string().max(500).optional(),
  messageModel: z.enum(['CLUSTERING', 'BROADCASTING']).optional().describe('Default "CLUSTERING".'),
  subscriptions: z.array(SubscriptionSchema).describe('Topics the group subscribes to, with lag and consume position.'),
  connections: z.array(ConnectionSchema).describe('Online clients; [] makes the group OFFLINE.'),
});

const InstanceSchema = z.strictObject({
  instanceId: z.string().regex(INSTANCE_ID_PATTERN).describe('e.g. "rmq-cn-demo5x0001".'),
  accountId: z.string().describe('Owner account; must be one of accounts[].accountId.'),
  regionId: z.string().regex(/^[a-z]{2}-[a-z0-9-]{1,32}$/).optional().describe('Default "cn-hangzhou".'),
  timeZoneOffsetMinutes: z
    .number()
    .int()
    .min(-720)
    .max(840)
    .optional()
    .describe('Zone of the "yyyy-MM-dd HH:mm:ss" times in requests and responses, and of generated message ids; default 480 (UTC+8).'),
  note: z.string().max(500).optional(),
  topics: z.array(TopicSchema),
  consumerGroups: z.array(ConsumerGroupSchema),
});

/** The `rocketmq5` section of a seed, before cross-reference checks. */
export const RocketMq5SeedSchema = z.strictObject({
  throttlingStatus: z
    .union([z.literal(400), z.literal(429)])
    .optional()
    .describe('HTTP status of Throttling.User on the 5.x API; default 400 (round2.md §2: 400 in product tables, 429 in newer SDK output).'),
  instances: z.array(InstanceSchema),
});

/** A validated `rocketmq5` section. */
export type RocketMq5Seed = z.infer<typeof RocketMq5SeedSchema>;
/** One seeded 5.x instance. */
export type RocketMq5SeedInstance = RocketMq5Seed['instances'][number];
/** One seeded 5.x message. */
export type RocketMq5SeedMessage = RocketMq5SeedInstance['topics'][number]['messages'][number];
/** One seeded 5.x consumer group. */
export type RocketMq5SeedGroup = RocketMq5SeedInstance['consumerGroups'][number];

type IssueSink = (message: string, path: (string | number)[]) => void;

function reportDuplicates(values: readonly string[], what: string, pathOf: (index: number) => (string | number)[], report: IssueSink): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) {
      report(`Duplicate ${what} "${value}".`, pathOf(index));
    }
    seen.add(value);
  });
}

function checkInstance(instance: RocketMq5SeedInstance, base: (string | number)[], report: IssueSink): void {
  reportDuplicates(
    instance.topics.map((topic) => topic.topicName),
    'topicName',
    (t) => [...base, 'topics', t, 'topicName'],
    report,
  );
  reportDuplicates(
    instance.consumerGroups.map((group) => group.consumerGroupId),
    'consumerGroupId',
    (g) => [...base, 'consumerGroups', g, 'consumerGroupId'],
    report,
  );
  const topicNames = new Set(instance.topics.map((topic) => topic.topicName));
  const groupIds = new Set(instance.consumerGroups.map((group) => group.consumerGroupId));
  const literalIds: string[] = [];
  const literalPaths: (string | number)[][] = [];
  const generated: string[] = [];
  const generatedPaths: (string | number)[][] = [];
  instance.topics.forEach((topic, t) => {
    topic.messages.forEach((message, m) => {
      const path = [...base, 'topics', t, 'messages', m];
      if (message.messageId !== undefined) {
        literalIds.push(message.messageId.toUpperCase());
        literalPaths.push([...path, 'messageId']);
      }
      if (message.generatedId !== undefined) {
        const { producerMac, producerPid, sequence } = message.generatedId;
        generated.push(`${producerMac}/${producerPid}/${sequence}`);
        generatedPaths.push([...path, 'generatedId']);
      }
      reportDuplicates(
        message.consumers.map((consumer) => consumer.consumerGroupId),
        'consumerGroupId',
        (c) => [...path, 'consumers', c, 'consumerGroupId'],
        report,
      );
      message.consumers.forEach((consumer, c) => {
        if (!groupIds.has(consumer.consumerGroupId)) {
          report(`No consumer group "${consumer.consumerGroupId}" is seeded on instance ${instance.instanceId}.`, [...path, 'consumers', c, 'consumerGroupId']);
        }
        if (consumer.deadLetter !== undefined && (consumer.records ?? []).length === 0) {
          report('A dead-lettered group needs at least one delivery record.', [...path, 'consumers', c, 'deadLetter']);
        }
      });
    });
  });
  reportDuplicates(literalIds, 'messageId (case-insensitive)', (i) => literalPaths[i] ?? base, report);
  reportDuplicates(generated, 'generatedId (producerMac/producerPid/sequence)', (i) => generatedPaths[i] ?? base, report);
  instance.consumerGroups.forEach((group, g) => {
    const path = [...base, 'consumerGroups', g];
    reportDuplicates(
      group.subscriptions.map((subscription) => subscription.topicName),
      'topicName',
      (s) => [...path, 'subscriptions', s, 'topicName'],
      report,
    );
    const subscribed = new Set(group.subscriptions.map((subscription) => subscription.topicName));
    group.subscriptions.forEach((subscription, s) => {
      if (!topicNames.has(subscription.topicName)) {
        report(`No topic "${subscription.topicName}" is seeded on instance ${instance.instanceId}.`, [...path, 'subscriptions', s, 'topicName']);
      }
    });
    reportDuplicates(
      group.connections.map((connection) => connection.clientId),
      'clientId',
      (c) => [...path, 'connections', c, 'clientId'],
      report,
    );
    group.connections.forEach((connection, c) => {
      (connection.subscriptions ?? []).forEach((override, o) => {
        if (!subscribed.has(override.topicName)) {
          report(`The group does not subscribe to "${override.topicName}".`, [...path, 'connections', c, 'subscriptions', o, 'topicName']);
        }
      });
    });
  });
}

/**
 * Cross-reference checks of the `rocketmq5` section: owner accounts exist, ids are unique, trace
 * entries name seeded groups, subscriptions name seeded topics.
 *
 * @param section - The parsed section.
 * @param accountIds - The seed's account ids.
 * @param report - Receives each issue with its path below the seed root.
 */
export function checkRocketMq5Seed(section: RocketMq5Seed, accountIds: ReadonlySet<string>, report: IssueSink): void {
  reportDuplicates(
    section.instances.map((instance) => instance.instanceId),
    'instanceId',
    (i) => ['rocketmq5', 'instances', i, 'instanceId'],
    report,
  );
  section.instances.forEach((instance, i) => {
    const base = ['rocketmq5', 'instances', i];
    if (!accountIds.has(instance.accountId)) {
      report(`Unknown accountId "${instance.accountId}".`, [...base, 'accountId']);
    }
    checkInstance(instance, base, report);
  });
}
