import { z } from 'zod';
import { ErrorCode } from '../errors';
import { ANSWER_CAVEATS, BROKER_KINDS } from './broker-port';
import { DIAGNOSIS_CHECKS, FINDING_CODES, SEVERITIES } from './findings';
import { VERDICTS } from './verdict';

/**
 * The report's shape, as zod schemas so that the OpenAPI document and the TypeScript types come
 * from one source.
 */
export const ClientIdFactsSchema = z.object({
  kind: z.literal('CLIENT_ID_4X'),
  description: z.string(),
  producerIp: z.string(),
  producerPid: z.number().int(),
  classLoaderHash: z.string(),
  counter: z.number().int(),
  approxSentAt: z.iso.datetime(),
  assumption: z.string(),
  ambiguous: z.boolean().meta({ description: 'True only when the other 4.x reading is also possible (an offset ID reading: a client ID whose process ID ends in 0x0000 has the same bytes).' }),
});

export const OffsetIdFactsSchema = z.object({
  kind: z.literal('OFFSET_ID_4X'),
  description: z.string(),
  brokerHost: z.string(),
  brokerPort: z.number().int(),
  commitLogOffset: z.string().meta({ description: 'A 64-bit integer, as a decimal string.' }),
  ambiguous: z.boolean(),
});

export const V5IdFactsSchema = z.object({
  kind: z.literal('MESSAGE_ID_5X'),
  description: z.string(),
  producerMac: z.string(),
  producerPid: z.number().int(),
  sequence: z.number().int(),
  approxSentAt: z.iso.datetime(),
  assumption: z.string(),
});

export const MessageIdFactsSchema = z
  .discriminatedUnion('kind', [ClientIdFactsSchema, OffsetIdFactsSchema, V5IdFactsSchema])
  .meta({ id: 'MessageIdFacts' });

export const CaveatSchema = z
  .object({
    code: z.enum(ANSWER_CAVEATS),
    text: z.string(),
  })
  .meta({ id: 'Caveat' });

export const GroupReportSchema = z
  .object({
    consumerGroup: z.string(),
    trackType: z.string().meta({
      description:
        "RocketMQ's TrackType: CONSUMED, CONSUMED_BUT_FILTERED, NOT_CONSUME_YET, NOT_ONLINE, UNKNOWN. 4.x: exactly as OnsMessageTrace returned it, undocumented values included; 5.x: mapped from the trace's consumeStatus.",
    }),
    upstreamStatus: z.string().optional().meta({ description: "5.x: the trace's consumeStatus, exactly as returned." }),
    meaning: z.string(),
    advice: z.string(),
    exceptionDesc: z.string().optional(),
  })
  .meta({ id: 'GroupReport' });

export const EvidenceValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);

export const FindingSchema = z
  .object({
    code: z.enum(FINDING_CODES),
    severity: z.enum(SEVERITIES),
    group: z.string().optional().meta({ description: 'The consumer group it is about; absent for message-level findings.' }),
    title: z.string(),
    detail: z.string(),
    evidence: z.record(z.string(), EvidenceValueSchema).meta({ description: 'The numbers and fields the finding rests on; times are ISO 8601.' }),
  })
  .meta({ id: 'Finding' });

export const SkippedCheckSchema = z
  .object({
    check: z.enum(DIAGNOSIS_CHECKS),
    group: z.string().optional(),
    reason: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
    upstreamCode: z.string().optional(),
    detail: z.string(),
  })
  .meta({ id: 'SkippedCheck' });

export const MessageFactsSchema = z
  .object({
    tag: z.string().nullable(),
    keys: z.array(z.string()),
    bornAt: z.iso.datetime().nullable(),
    bornHost: z.string().nullable(),
    storedAt: z.iso.datetime().nullable(),
    storeHost: z.string().nullable(),
    reconsumeTimes: z.number().int(),
  })
  .meta({ id: 'MessageFacts' });

export const DiagnosisSchema = z
  .object({
    message: MessageFactsSchema.nullable().meta({ description: 'From OnsMessageGetByMsgId (4.x) or GetMessageDetail (5.x); null when that check was skipped.' }),
    findings: z.array(FindingSchema),
    skippedChecks: z.array(SkippedCheckSchema).meta({ description: 'Checks that failed; the diagnosis is partial when any are listed.' }),
  })
  .meta({ id: 'Diagnosis' });

export const WaitSchema = z
  .object({
    outcome: z.enum(['CONSUMED', 'TIMED_OUT']),
    waitedMs: z.number().int(),
    polls: z.number().int(),
    windowMs: z.number().int().meta({ description: 'How long it was allowed to wait: waitSeconds, capped by the function timeout.' }),
    cappedFrom: z.number().int().optional().meta({ description: 'The waitSeconds asked for, when the function timeout cut the window shorter.' }),
  })
  .meta({ id: 'Wait' });

export const CachedSchema = z
  .object({
    at: z.iso.datetime().meta({ description: 'When the broker gave this answer.' }),
    ageMs: z.number().int().min(0).meta({ description: 'How old the answer is, in milliseconds.' }),
  })
  .meta({ id: 'Cached' });

export const TraceReportSchema = z
  .object({
    requestId: z.string(),
    checkedAt: z.iso.datetime(),
    instanceId: z.string(),
    broker: z.enum(BROKER_KINDS).meta({ description: 'Which OpenAPI answered: ons-4x (OnsMessageTrace) or rocketmq-5x (GetTrace).' }),
    topic: z.string(),
    msgId: z.string(),
    verdict: z.enum(VERDICTS),
    summary: z.string(),
    groups: z.array(GroupReportSchema),
    messageId: MessageIdFactsSchema.nullable(),
    caveats: z.array(CaveatSchema),
    upstreamRequestId: z.string(),
    diagnosis: DiagnosisSchema.optional().meta({ description: 'Present with explain=true.' }),
    wait: WaitSchema.optional().meta({ description: 'Present with waitSeconds.' }),
    cached: CachedSchema.optional().meta({ description: 'Present when the answer came from the verdict cache instead of the broker (only CONSUMED answers are cached); fresh=true asks the broker.' }),
  })
  .meta({ id: 'TraceReport' });

export type ClientIdFacts = z.infer<typeof ClientIdFactsSchema>;
export type OffsetIdFacts = z.infer<typeof OffsetIdFactsSchema>;
export type V5IdFacts = z.infer<typeof V5IdFactsSchema>;
export type MessageIdFacts = z.infer<typeof MessageIdFactsSchema>;
export type Caveat = z.infer<typeof CaveatSchema>;
export type GroupReport = z.infer<typeof GroupReportSchema>;
export type TraceReport = z.infer<typeof TraceReportSchema>;
export type EvidenceValue = z.infer<typeof EvidenceValueSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type SkippedCheck = z.infer<typeof SkippedCheckSchema>;
export type MessageFacts = z.infer<typeof MessageFactsSchema>;
export type Diagnosis = z.infer<typeof DiagnosisSchema>;
export type Wait = z.infer<typeof WaitSchema>;
export type Cached = z.infer<typeof CachedSchema>;
