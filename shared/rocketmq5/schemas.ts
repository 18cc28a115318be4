import { z } from 'zod';

/**
 * The documented response bodies (`@alicloud/rocketmq20220801@5.0.7` `models/*ResponseBody.ts`,
 * round2.md §4.2), for the fields mqtrace reads. Every body shares the envelope `{requestId,
 * success, code, message, httpStatusCode, dynamicCode, dynamicMessage, data}`. Built on first
 * use, not at module load: zod schema construction costs cold-start time.
 */
function buildSchemas() {
  // The SDK casts numeric strings to numbers and numbers to strings for its typed fields; accept both.
  const num = z.union([z.number(), z.string().regex(/^-?\d+(?:\.\d+)?$/).transform(Number)]);
  const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
  const str = z.union([z.string(), z.number().transform(String)]);
  const envelope = <T extends z.ZodType>(data: T) => z.object({ requestId: z.string(), success: bool.optional(), code: z.string().optional(), data });

  const messageInfo = z.object({
    messageId: z.string().optional(),
    topicName: z.string().optional(),
    messageTag: z.string().optional(),
    messageKeys: z.array(z.string()).optional(),
    bornTime: str.optional(),
    bornHost: z.string().optional(),
    storeTime: str.optional(),
    storeHost: z.string().optional(),
  });

  const traceRecord = z.object({
    clientHost: z.string().optional(),
    consumeStatus: z.string().optional(),
    operations: z
      .array(z.object({ operateTime: str.optional(), operateType: z.string().optional(), invisibleTime: num.optional(), deadMessage: bool.optional() }))
      .optional(),
  });

  const producerRecord = z.object({
    produceTime: str.optional(),
    arriveTime: str.optional(),
    produceDuration: num.optional(),
    produceStatus: z.string().optional(),
    clientHost: z.string().optional(),
    messageSource: z.string().optional(),
    dlqOriginTopic: z.string().optional(),
    dlqOriginMessageId: z.string().optional(),
  });

  const brokerInfo = z.object({
    presetDelayTime: str.optional(),
    delayStatus: z.string().optional(),
    recallResult: z.string().optional(),
    operations: z.array(z.object({ operateTime: str.optional(), operateType: z.string().optional() })).optional(),
  });

  const consumerInfo = z.object({
    consumerGroupId: z.string(),
    consumeStatus: z.string().optional(),
    deadMessage: bool.optional(),
    deadLetterInfo: z.object({ topicName: z.string().optional(), messageId: z.string().optional(), toDlqTime: str.optional() }).optional(),
    records: z.array(traceRecord).optional(),
  });

  const lag = z.object({
    readyCount: num.optional(),
    inflightCount: num.optional(),
    deliveryDuration: num.optional(),
    lastConsumeTimestamp: num.optional(),
  });

  const subscription = z.object({
    consumerGroupId: z.string().optional(),
    topicName: z.string().optional(),
    filterExpression: z.string().optional(),
    filterExpressionType: z.string().optional(),
    messageModel: z.string().optional(),
    subscriptionStatus: z.string().optional(),
  });

  const connection = z.object({
    clientId: z.string(),
    egressIp: z.string().optional(),
    hostname: z.string().optional(),
    language: z.string().optional(),
    version: z.string().optional(),
    messageModel: z.string().optional(),
  });

  return {
    GetTrace: envelope(
      z
        .object({
          topicName: z.string().optional(),
          messageInfo: messageInfo.optional(),
          producerInfo: z.object({ records: z.array(producerRecord).optional() }).nullish(),
          brokerInfo: brokerInfo.nullish(),
          consumerInfos: z.array(consumerInfo).optional(),
        })
        .nullish(),
    ),
    GetMessageDetail: envelope(
      messageInfo.extend({ systemProperties: z.record(z.string(), str).optional(), userProperties: z.record(z.string(), str).optional() }).nullish(),
    ),
    ListTopicSubscriptions: envelope(z.array(subscription.extend({ consumerGroupId: z.string() })).nullish()),
    GetConsumerGroupLag: envelope(
      z
        .object({
          totalLag: lag.optional(),
          topicLagMap: z.record(z.string(), lag.extend({ topicName: z.string().optional() })).optional(),
        })
        .nullish(),
    ),
    ListConsumerConnections: envelope(z.object({ connections: z.array(connection).optional() }).nullish()),
    GetConsumerGroupSubscription: envelope(
      z.array(z.object({ connectionDTO: connection.partial().optional(), subscriptionDTO: subscription.optional() })).nullish(),
    ),
    ListMessages: envelope(
      z
        .object({
          list: z.array(messageInfo.extend({ messageId: z.string() })).optional(),
          pageNumber: num.optional(),
          pageSize: num.optional(),
          scrollId: z.string().optional(),
          totalCount: num.optional(),
        })
        .nullish(),
    ),
  };
}

export type RocketMq5Schemas = ReturnType<typeof buildSchemas>;
export type RocketMq5Body<K extends keyof RocketMq5Schemas> = z.output<RocketMq5Schemas[K]>;

let built: RocketMq5Schemas | undefined;

/** The response schemas, built on the first call. */
export function rocketMq5Schemas(): RocketMq5Schemas {
  built ??= buildSchemas();
  return built;
}
