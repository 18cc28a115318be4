import { z } from 'zod';
import { InstanceIdSchema, MessageIdSchema, TopicSchema } from '../trace/query-schema';

const TargetSchema = z.object({ instanceId: InstanceIdSchema, topic: TopicSchema, msgId: MessageIdSchema });

const JobBaseSchema = z.object({
  type: z.literal('chat.reply'),
  issuedAt: z.number().int().nonnegative(),
  /** Slack `trigger_id` or DingTalk `msgId`, prefixed with the platform: one reply per key. */
  idempotencyKey: z.string().min(1).max(300),
  /** The request that deferred, to tie the two log lines together. */
  originRequestId: z.string().max(200),
  target: TargetSchema,
  /** Who asked, as the front half resolved it; the deferred run finds the caller again and re-checks its scope. */
  caller: z.object({ channel: z.enum(['slack', 'dingtalk']), id: z.string().min(1).max(300) }),
  /** The user asked `why`: the deferred run explains even a consumed message. */
  why: z.boolean().optional(),
  /** Absent for a lookup (`trace`); `journey` finishes a journey whose trace task was still working. */
  command: z.literal('journey').optional(),
  /** How the user invoked the bot (`/mqtrace`), for the commands the answer shows. */
  invocation: z.string().max(64).optional(),
  /** The user asked `--fresh`: the deferred run asks the broker, not the verdict cache. */
  fresh: z.boolean().optional(),
});

export const SlackJobSchema = JobBaseSchema.extend({
  platform: z.literal('slack'),
  slack: z.object({
    responseUrl: z.url({ protocol: /^https?$/ }).max(2000),
    visibility: z.enum(['ephemeral', 'in_channel']),
    teamId: z.string().max(64),
    userId: z.string().max(64),
    channelId: z.string().max(64),
  }),
});

export const DingTalkJobSchema = JobBaseSchema.extend({
  platform: z.literal('dingtalk'),
  dingtalk: z.object({
    sessionWebhook: z.url({ protocol: /^https?$/ }).max(2000),
    expiresAtMs: z.number().int().nonnegative(),
    staffId: z.string().max(200).optional(),
    corpId: z.string().max(200).optional(),
    conversationId: z.string().max(200).optional(),
  }),
});

/** The body of the internal async event that finishes a deferred chat reply. */
export const DeferredChatJobSchema = z.discriminatedUnion('platform', [SlackJobSchema, DingTalkJobSchema]);

export type DeferredChatJob = z.output<typeof DeferredChatJobSchema>;
export type SlackJob = z.output<typeof SlackJobSchema>;
export type DingTalkJob = z.output<typeof DingTalkJobSchema>;

/** How old an internal event may be: Slack's response_url lives 30 minutes, so later is pointless. */
export const MAX_JOB_AGE_MS = 30 * 60 * 1000;

/** A job before sealing: `type` and `issuedAt` are filled in when it is handed off. */
export type DeferredChatJobInput = DeferredChatJob extends infer J ? (J extends unknown ? Omit<J, 'type' | 'issuedAt'> : never) : never;
