import { z } from 'zod';
import { AppError } from '../errors';
import type { ClientSubscription, ConsumerAccumulate, ConsumerStatus, DiagnosticsPort, StoredMessage, TopicBacklog } from '../trace/diagnostics-port';
import type { OnsCaller } from './ons-gateway';
import { lazySchema } from '../validation';

/**
 * UNVERIFIED (ons-api.md §2–§3): what ONS answers when a group has no online client
 * (OnsConsumerGetConnection) or when a message is not in a group's dead-letter queue
 * (OnsDLQMessageGetById). The open-source broker fails the former with CONSUMER_NOT_ONLINE, whose
 * ONS code is BIZ_CONSUMER_NOT_ONLINE; BIZ_NO_MESSAGE is the plausible code for the latter. These
 * two sets are the only place to change when the real answers are known.
 */
export const CONSUMER_OFFLINE_CODES: ReadonlySet<string> = new Set(['BIZ_CONSUMER_NOT_ONLINE']);
export const NOT_IN_DLQ_CODES: ReadonlySet<string> = new Set(['BIZ_NO_MESSAGE']);

// The gateway hands numbers through; some ONS fields are documented as strings ("true", "12").
export const num = lazySchema(() => z.union([z.number(), z.string().regex(/^-?\d+(?:\.\d+)?$/).transform(Number)]));
const bool = lazySchema(() => z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]));
/** Wrapper lists (`{ItemType: [...]}`) may be absent, or hold no array when empty. */
export const wrapped = <T extends z.ZodType>(key: string, item: T) =>
  z
    .object({ [key]: z.array(item).optional() })
    .optional()
    .transform((w) => ((w as Record<string, z.output<T>[] | undefined> | undefined)?.[key] ?? []) as z.output<T>[]);

const MessageDataSchema = lazySchema(() =>
  z.object({
    MsgId: z.string(),
    Topic: z.string().optional(),
    InstanceId: z.string().optional(),
    BornTimestamp: num.optional(),
    BornHost: z.string().optional(),
    StoreTimestamp: num.optional(),
    StoreHost: z.string().optional(),
    StoreSize: num.optional(),
    BodyCRC: num.optional(),
    ReconsumeTimes: num.optional(),
    PropertyList: wrapped('MessageProperty', z.object({ Name: z.string(), Value: z.string() })),
  }),
);

/** OnsMessageGetByMsgId: `Data` with `PropertyList.MessageProperty[] {Name, Value}`. */
export const MessageGetByMsgIdResponseSchema = lazySchema(() => z.object({ RequestId: z.string(), Data: MessageDataSchema }));

/** OnsDLQMessageGetById: the same message fields; `Data` may be missing when nothing matches. */
export const DlqMessageGetByIdResponseSchema = lazySchema(() => z.object({ RequestId: z.string(), Data: MessageDataSchema.optional() }));

const DetailInTopicSchema = lazySchema(() =>
  z.object({
    Topic: z.string(),
    TotalDiff: num.optional(),
    LastTimestamp: num.optional(),
    DelayTime: num.optional(),
  }),
);

/** OnsConsumerAccumulate: `Data` with `DetailInTopicList.DetailInTopicDo[]` when `Detail=true`. */
export const ConsumerAccumulateResponseSchema = lazySchema(() =>
  z.object({
    RequestId: z.string(),
    Data: z.object({
      Online: bool,
      TotalDiff: num.optional(),
      ConsumeTps: num.optional(),
      LastTimestamp: num.optional(),
      DelayTime: num.optional(),
      DetailInTopicList: wrapped('DetailInTopicDo', DetailInTopicSchema),
    }),
  }),
);

const ConnectionDoSchema = lazySchema(() =>
  z.object({
    ClientId: z.string(),
    ClientAddr: z.string().optional(),
    Language: z.string().optional(),
    Version: z.string().optional(),
  }),
);

/** OnsConsumerGetConnection: `Data.ConnectionList.ConnectionDo[]`. */
export const ConsumerGetConnectionResponseSchema = lazySchema(() =>
  z.object({
    RequestId: z.string(),
    Data: z
      .object({ ConnectionList: wrapped('ConnectionDo', ConnectionDoSchema), MessageModel: z.string().optional() })
      .optional(),
  }),
);

const SubscriptionDataSchema = lazySchema(() =>
  z.object({
    Topic: z.string(),
    SubString: z.string().optional(),
    SubVersion: num.optional(),
    TagsSet: wrapped('Tag', z.string()),
  }),
);

/**
 * OnsConsumerStatus: `Data` with `ConnectionSet.ConnectionDo[]`, `DetailInTopicList.DetailInTopicDo[]`
 * and `ConsumerConnectionInfoList.ConsumerConnectionInfoDo[]`, each with `SubscriptionSet.SubscriptionData[]`
 * (and their `TagsSet.Tag[]`). Fields mqtrace does not use are not validated.
 */
export const ConsumerStatusResponseSchema = lazySchema(() =>
  z.object({
    RequestId: z.string(),
    Data: z.object({
      Online: bool,
      TotalDiff: num.optional(),
      ConsumeTps: num.optional(),
      LastTimestamp: num.optional(),
      DelayTime: num.optional(),
      ConsumeModel: z.string().optional(),
      SubscriptionSame: bool,
      RebalanceOK: bool,
      InstanceId: z.string().optional(),
      ConnectionSet: wrapped('ConnectionDo', ConnectionDoSchema),
      DetailInTopicList: wrapped('DetailInTopicDo', DetailInTopicSchema),
      ConsumerConnectionInfoList: wrapped(
        'ConsumerConnectionInfoDo',
        z.object({
          ClientId: z.string(),
          Connection: z.string().optional(),
          Language: z.string().optional(),
          Version: z.string().optional(),
          ConsumeModel: z.string().optional(),
          ConsumeType: z.string().optional(),
          SubscriptionSet: wrapped('SubscriptionData', SubscriptionDataSchema),
        }),
      ),
    }),
  }),
);

/** Creates the {@link DiagnosticsPort} over a caller. */
export function createOnsDiagnosticsPort(caller: OnsCaller): DiagnosticsPort {
  return {
    async messageDetail(query, ctx) {
      const body = await caller.call(
        'OnsMessageGetByMsgId',
        { InstanceId: query.instanceId, Topic: query.topic, MsgId: query.msgId },
        MessageGetByMsgIdResponseSchema,
        ctx,
      );
      return toStoredMessage(body.Data);
    },

    async consumerAccumulate(group, ctx) {
      const body = await caller.call(
        'OnsConsumerAccumulate',
        { InstanceId: group.instanceId, GroupId: group.groupId, Detail: 'true' },
        ConsumerAccumulateResponseSchema,
        ctx,
      );
      const d = body.Data;
      return {
        online: d.Online,
        totalDiff: d.TotalDiff ?? 0,
        consumeTps: d.ConsumeTps ?? 0,
        lastConsumedBornAt: timestamp(d.LastTimestamp),
        delayMs: d.DelayTime ?? 0,
        topics: d.DetailInTopicList.map(toTopicBacklog),
      } satisfies ConsumerAccumulate;
    },

    async consumerConnections(group, ctx) {
      try {
        const body = await caller.call(
          'OnsConsumerGetConnection',
          { InstanceId: group.instanceId, GroupId: group.groupId },
          ConsumerGetConnectionResponseSchema,
          ctx,
        );
        return {
          clients: (body.Data?.ConnectionList ?? []).map((c) => ({
            clientId: c.ClientId,
            clientAddr: c.ClientAddr,
            language: c.Language,
            version: c.Version,
          })),
        };
      } catch (error) {
        if (hasUpstreamCode(error, CONSUMER_OFFLINE_CODES)) return { clients: [] };
        throw error;
      }
    },

    async consumerStatus(group, ctx) {
      const body = await caller.call(
        'OnsConsumerStatus',
        { InstanceId: group.instanceId, GroupId: group.groupId, Detail: 'true' },
        ConsumerStatusResponseSchema,
        ctx,
      );
      const d = body.Data;
      return {
        online: d.Online,
        totalDiff: d.TotalDiff ?? 0,
        consumeModel: d.ConsumeModel,
        subscriptionSame: d.SubscriptionSame,
        rebalanceOk: d.RebalanceOK,
        clients: d.ConsumerConnectionInfoList.map((c) => ({
          clientId: c.ClientId,
          consumeType: c.ConsumeType,
          subscriptions: c.SubscriptionSet.map(
            (s): ClientSubscription => ({ topic: s.Topic, subString: s.SubString ?? '*', tags: s.TagsSet }),
          ),
        })),
      } satisfies ConsumerStatus;
    },

    async dlqMessage(query, ctx) {
      try {
        const body = await caller.call(
          'OnsDLQMessageGetById',
          { InstanceId: query.instanceId, GroupId: query.groupId, MsgId: query.msgId },
          DlqMessageGetByIdResponseSchema,
          ctx,
        );
        return body.Data ? toStoredMessage(body.Data) : undefined;
      } catch (error) {
        if (hasUpstreamCode(error, NOT_IN_DLQ_CODES)) return undefined;
        throw error;
      }
    },
  };
}

function toStoredMessage(d: z.output<typeof MessageDataSchema>): StoredMessage {
  const property = (name: string) => d.PropertyList.find((p) => p.Name === name)?.Value;
  const tag = property('TAGS');
  return {
    msgId: d.MsgId,
    topic: d.Topic,
    tag: tag ? tag : undefined,
    // RocketMQ joins keys with a single space (MessageConst.KEY_SEPARATOR).
    keys: (property('KEYS') ?? '').split(' ').filter(Boolean),
    bornAt: timestamp(d.BornTimestamp),
    bornHost: d.BornHost,
    storedAt: timestamp(d.StoreTimestamp),
    storeHost: d.StoreHost,
    reconsumeTimes: d.ReconsumeTimes ?? 0,
  };
}

function toTopicBacklog(t: z.output<typeof DetailInTopicSchema>): TopicBacklog {
  return { topic: t.Topic, totalDiff: t.TotalDiff ?? 0, lastConsumedBornAt: timestamp(t.LastTimestamp), delayMs: t.DelayTime ?? 0 };
}

// ONS reports "never" as 0.
function timestamp(ms: number | undefined): number | undefined {
  return ms !== undefined && ms > 0 ? ms : undefined;
}

function hasUpstreamCode(error: unknown, codes: ReadonlySet<string>): boolean {
  return error instanceof AppError && error.upstream?.code !== undefined && codes.has(error.upstream.code);
}
