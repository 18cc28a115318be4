import { z } from 'zod';
import { BROKER_KINDS } from './broker-port';
import { REPORT_CAVEATS } from './caveats';
import { DEFAULT_FIND_LIMIT, keyProblem, MAX_FIND_LIMIT, parseIsoTime, tagProblem } from './find-query';
import { InstanceRefSchema, TopicSchema } from './query-schema';
import { VERDICTS } from './verdict';

/**
 * `GET /v1/messages`: the edge schema of a find and the shape of its answer. Loaded with the
 * find route only (zod schema construction costs cold-start time).
 */

const stringError = (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : 'must be a string');

export const MessageKeySchema = z
  .string({ error: stringError })
  .trim()
  .superRefine((value, ctx) => {
    const problem = keyProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ description: 'A message key (one of the KEYS the producer set).' });

export const TagSchema = z
  .string({ error: stringError })
  .trim()
  .superRefine((value, ctx) => {
    const problem = tagProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const IsoTimeSchema = z
  .string({ error: stringError })
  .trim()
  .transform((value, ctx) => {
    const ms = parseIsoTime(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time such as 2026-12-01T10:00:00Z (no zone means UTC)' });
      return z.NEVER;
    }
    return ms;
  });

const LimitSchema = z
  .string({ error: 'must be a string' })
  .regex(/^\d{1,4}$/, 'must be a whole number')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(MAX_FIND_LIMIT, `must be at most ${MAX_FIND_LIMIT}`));

/** The query string of `GET /v1/messages`: a key, or a window (`from`, `to`, optionally `tag`). */
export const FindQuerySchema = z
  .strictObject({
    instanceId: InstanceRefSchema.optional(),
    topic: TopicSchema,
    key: MessageKeySchema.optional(),
    from: IsoTimeSchema.optional(),
    to: IsoTimeSchema.optional(),
    tag: TagSchema.optional(),
    limit: LimitSchema.optional(),
  })
  .superRefine((q, ctx) => {
    const window = q.from !== undefined || q.to !== undefined;
    if (q.key !== undefined && window) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'cannot be combined with from/to: search by key or by time window' });
      return;
    }
    if (q.key === undefined && !window) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'is required unless from and to give a time window' });
      return;
    }
    if (window && q.from === undefined) ctx.addIssue({ code: 'custom', path: ['from'], message: 'is required with to' });
    if (window && q.to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: 'is required with from' });
    if (q.tag !== undefined && !window) ctx.addIssue({ code: 'custom', path: ['tag'], message: 'filters a time window only; give from and to' });
  });

export type FindQuery = z.output<typeof FindQuerySchema>;

export { DEFAULT_FIND_LIMIT, MAX_FIND_LIMIT };

export const FIND_TRUNCATION_REASONS = ['CAP', 'DEADLINE', 'RATE_BUDGET'] as const;

export const FoundMessageReportSchema = z
  .object({
    msgId: z.string(),
    storedAt: z.iso.datetime().optional(),
    bornAt: z.iso.datetime().optional(),
    tag: z.string().optional(),
    keys: z.array(z.string()).optional(),
    verdict: z.enum(VERDICTS).meta({ description: 'UNKNOWN with `error` when the message could not be judged.' }),
    summary: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: 'FoundMessage' });

export const FindReportSchema = z
  .object({
    requestId: z.string(),
    checkedAt: z.iso.datetime(),
    instanceId: z.string(),
    broker: z.enum(BROKER_KINDS),
    topic: z.string(),
    query: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('key'), key: z.string() }),
      z.object({ kind: z.literal('window'), from: z.iso.datetime(), to: z.iso.datetime(), tag: z.string().optional() }),
    ]),
    summary: z.object({
      found: z.number().int().meta({ description: 'Key: the messages the broker says carry it. Window: the messages seen on the pages read (after the tag filter).' }),
      examined: z.number().int().meta({ description: 'Messages judged (verdict) or tried; the rest are counted in `more`.' }),
      failed: z.number().int().meta({ description: 'Examined messages whose lookup failed (listed with `error`).' }),
      byVerdict: z.record(z.enum(VERDICTS), z.number().int()).meta({ description: 'Judged messages per verdict; a failed lookup is counted in `failed` only.' }),
    }),
    messages: z.array(FoundMessageReportSchema).meta({ description: 'Key: every examined message, newest first. Window: the examined ones that are not CONSUMED, newest first.' }),
    more: z.number().int().meta({ description: 'Found but not examined: beyond the cap, or cut by the deadline or the rate budget.' }),
    truncated: z
      .object({ reason: z.enum(FIND_TRUNCATION_REASONS), hint: z.string() })
      .optional()
      .meta({ description: 'Why `more` is not 0, and how to narrow the search.' }),
    sampling: z
      .object({ pagesRead: z.number().int(), pagesPlanned: z.number().int(), maxPageCount: z.number().int() })
      .optional()
      .meta({ description: 'Window only: how much of the window the page query read.' }),
    caveats: z.array(z.object({ code: z.enum(REPORT_CAVEATS), text: z.string() })),
  })
  .meta({ id: 'FindReport' });

export type FoundMessageReport = z.infer<typeof FoundMessageReportSchema>;
export type FindReport = z.infer<typeof FindReportSchema>;
