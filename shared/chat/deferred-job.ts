import { z } from 'zod';
import { PLATFORM_NAMES } from '../platforms/registry';
import { LocaleSchema } from '../i18n/locale';
import { InstanceIdSchema, MessageIdSchema, TopicSchema } from '../trace/query-schema';

const TargetSchema = z.object({ instanceId: InstanceIdSchema, topic: TopicSchema, msgId: MessageIdSchema });

/**
 * The body of the internal async event that finishes a deferred chat reply, the same for every
 * platform: what to run again, for whom, and the platform's own reply part (`reply`), which the
 * platform's adapter validates with its `jobSchema` when the job is opened.
 */
export const DeferredChatJobSchema = z.object({
  type: z.literal('chat.reply'),
  issuedAt: z.number().int().nonnegative(),
  /** The platform's delivery key, e.g. `slack:<trigger_id>`: one reply per key. */
  idempotencyKey: z.string().min(1).max(300),
  /** The request that deferred, to tie the two log lines together. */
  originRequestId: z.string().max(200),
  platform: z.enum(PLATFORM_NAMES),
  /** What the lookup is about, for the log line. */
  target: TargetSchema,
  /** The command to run again, with the instance already resolved. */
  command: z.object({
    name: z.string().min(1).max(40),
    args: z.record(z.string().max(40), z.string().max(300)),
    switches: z.array(z.string().max(40)).max(10),
    /** Options the deferred run honours too (`--fresh`: ask the broker, not the verdict cache). */
    flags: z.array(z.string().max(40)).max(10).optional(),
  }),
  /** Who asked, as the front half resolved it; the deferred run finds the caller again and re-checks its scope. */
  caller: z.object({ channel: z.enum(PLATFORM_NAMES), id: z.string().min(1).max(300) }),
  /** The reply language the front half used. */
  locale: LocaleSchema,
  /** How the user addressed the bot (e.g. the slash command they used), for the commands the answer shows. */
  invocation: z.string().max(64).optional(),
  /** The platform's reply target (a response_url, a sessionWebhook, a message to reply to). */
  reply: z.record(z.string(), z.unknown()),
});

export type DeferredChatJob = z.output<typeof DeferredChatJobSchema>;

/** How old an internal event may be: Slack's response_url lives 30 minutes, so later is pointless. */
export const MAX_JOB_AGE_MS = 30 * 60 * 1000;

/** A job before sealing: `type` and `issuedAt` are filled in when it is handed off. */
export type DeferredChatJobInput = Omit<DeferredChatJob, 'type' | 'issuedAt'>;
