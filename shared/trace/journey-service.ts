import type { Caller } from '../access/access-control';
import type { Credentials } from '../credentials';
import type { Deadline } from '../deadline';
import { AppError, ErrorCode, toAppError } from '../errors';
import type { RequestLog } from '../request-log';
import type { BrokerKind } from './broker-port';
import { describeReportCaveat, type ReportCaveat } from './caveats';
import { deriveJourneyFindings, formatDuration } from './findings';
import { firstSuccess, journeyWindow, type BrokerJourney, type JourneyPartialReason } from './journey';
import type { JourneyGroupReport, JourneyReport } from './journey-schema';
import type { LookupService } from './lookup-service';
import { decodeMessageId } from './message-id';
import type { TraceReport } from './report-schema';

export interface JourneyServiceDeps {
  /** The lookup use case: resolve, scope check, broker and audit come from its session. */
  lookups: Pick<LookupService, 'session'>;
  now: () => number;
  producerUtcOffsetMinutes: number;
}

/** A journey as a channel parsed it: `instance` is an ID, an alias or absent for the default. */
export interface JourneyInput {
  instance?: string | undefined;
  topic: string;
  msgId: string;
}

export interface JourneyOptions {
  credentials: Credentials;
  log: RequestLog;
  deadline: Deadline;
  callTimeoutMs?: number;
}

/**
 * A message's whole journey, with its verdict: the lookup's verdict and the broker's trace side
 * by side, the durations between the steps, and findings where the two disagree.
 */
export interface JourneyService {
  /**
   * Rejects like a lookup (InvalidInputError, ForbiddenError, NotFoundError for an unknown
   * message, the verdict's upstream failure). A failed or refused trace query is not a failure:
   * the answer is partial and says so (`missingPermissions` names a missing RAM action).
   */
  journey(caller: Caller, input: JourneyInput, options: JourneyOptions): Promise<JourneyReport>;
}

// A send less than this long ago may still be missing attempts: clients batch their traces.
const RECENT_SEND_MS = 60_000;

/** Creates the {@link JourneyService}. */
export function createJourneyService(deps: JourneyServiceDeps): JourneyService {
  return {
    async journey(caller, input, options) {
      return deps.lookups.session(
        caller,
        { instance: input.instance, topic: input.topic, msgId: input.msgId },
        { ...options, command: 'journey' },
        async (session) => {
          const nowMs = deps.now();
          const message = { ...session.target, msgId: input.msgId };
          const facts = decodeMessageId(input.msgId, { nowMs, producerUtcOffsetMinutes: deps.producerUtcOffsetMinutes });
          const sentAt = facts && 'approxSentAt' in facts ? Date.parse(facts.approxSentAt) : undefined;
          // The verdict first: a 5.x journey reads the trace its consumption call is fetching.
          const verdict = settle(session.verdict(input.msgId));
          const traced = settle(session.broker.journey(message, session.ctx, journeyWindow(nowMs, sentAt)));
          const [v, j] = await Promise.all([verdict, traced]);
          const verdictReport = v.ok ? v.value : verdictWithout(v.error);
          const report = assembleJourneyReport({
            requestId: options.log.requestId,
            nowMs: deps.now(),
            broker: session.broker.kind,
            message,
            verdict: verdictReport,
            journey: j.ok ? j.value : undefined,
            journeyError: j.ok ? undefined : j.error,
            upstreamRequestIds: [...new Set(session.ctx.trail?.map((a) => a.requestId).filter((id): id is string => Boolean(id)) ?? [])],
          });
          Object.assign(options.log.fields, { journeyStatus: report.status, findings: report.findings.map((f) => f.code) });
          return { result: report, audit: { msgId: input.msgId, verdict: report.verdict } };
        },
      );
    },
  };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: AppError };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error: toAppError(error) }),
  );
}

/** The verdict's place when the lookup itself was refused by RAM: the journey still answers. */
interface VerdictPart {
  verdict: TraceReport['verdict'];
  summary: string;
  groups: Array<{ consumerGroup: string; trackType: string }>;
  caveats: TraceReport['caveats'];
  missingPermission?: string;
}

function verdictWithout(error: AppError): VerdictPart {
  // Only a missing permission is worth answering without a verdict; the rest fail as a lookup does.
  if (error.code !== ErrorCode.PERMISSION_DENIED) throw error;
  return {
    verdict: 'UNKNOWN',
    summary: `The verdict could not be checked: ${error.message}.`,
    groups: [],
    caveats: [],
    ...(error.upstream?.ramAction ? { missingPermission: error.upstream.ramAction } : {}),
  };
}

export interface JourneyReportInput {
  requestId: string;
  nowMs: number;
  broker: BrokerKind;
  message: { instanceId: string; topic: string; msgId: string };
  verdict: VerdictPart | TraceReport;
  /** Undefined when the trace query failed (`journeyError`). */
  journey: BrokerJourney | undefined;
  journeyError?: AppError | undefined;
  upstreamRequestIds: string[];
}

/** Puts the verdict and the trace together: durations, findings, caveats. Pure. */
export function assembleJourneyReport(input: JourneyReportInput): JourneyReport {
  const { verdict, journey, journeyError } = input;
  const status = journey ? journey.status : journeyError?.code === ErrorCode.NOT_FOUND ? 'no_trace_data' : 'partial';
  const missing = new Set(journey?.missingPermissions ?? []);
  if ('missingPermission' in verdict && verdict.missingPermission) missing.add(verdict.missingPermission);
  let partial: JourneyReport['partial'];
  if (journey?.partial) partial = { reason: journey.partial.reason, text: journey.partial.detail };
  else if (!journey && journeyError && status === 'partial') {
    const reason: JourneyPartialReason = journeyError.code === ErrorCode.PERMISSION_DENIED ? 'TRACE_PERMISSION_DENIED' : 'TRACE_QUERY_FAILED';
    if (journeyError.upstream?.ramAction) missing.add(journeyError.upstream.ramAction);
    const what = reason === 'TRACE_PERMISSION_DENIED' ? 'was refused' : `failed (${journeyError.code})`;
    // AppError messages are mqtrace's own (never upstream text); an unexpected error's is not shown.
    const detail = journeyError.code === ErrorCode.INTERNAL ? 'internal error' : journeyError.message;
    partial = { reason, text: `The trace query ${what}: ${detail}. The verdict above still stands.` };
  }

  const base = journey?.send?.atMs;
  const since = (atMs: number | undefined) => (atMs !== undefined && base !== undefined ? Math.round(atMs - base) : undefined);
  const iso = (ms: number) => new Date(ms).toISOString();
  const traceGroups = new Map((journey?.groups ?? []).map((g) => [g.consumerGroup, g]));
  const names = [...verdict.groups.map((g) => g.consumerGroup), ...[...traceGroups.keys()].filter((n) => !verdict.groups.some((g) => g.consumerGroup === n))];
  const groups: JourneyGroupReport[] = names.map((consumerGroup) => {
    const trackType = verdict.groups.find((g) => g.consumerGroup === consumerGroup)?.trackType;
    const trace = traceGroups.get(consumerGroup);
    const attempts = trace?.attempts ?? [];
    const first = attempts[0];
    const success = trace ? firstSuccess(trace) : undefined;
    const dead = trace?.deadLettered;
    const firstDeliveryMs = since(first?.atMs);
    const consumedAfterMs = success ? since(success.atMs + (success.durationMs ?? 0)) : undefined;
    return {
      consumerGroup,
      ...(trackType !== undefined ? { trackType } : {}),
      attempts: attempts.map((a) => {
        const s = since(a.atMs);
        return {
          ...(a.clientHost ? { clientHost: a.clientHost } : {}),
          at: iso(a.atMs),
          ...(s !== undefined ? { sinceSendMs: s } : {}),
          ...(a.durationMs !== undefined ? { durationMs: Math.round(a.durationMs) } : {}),
          status: a.status,
          statusText: a.statusText,
          outcome: a.outcome,
          reconsumeTimes: a.reconsumeTimes,
        };
      }),
      ...(dead
        ? {
            deadLettered: {
              ...(dead.atMs !== undefined ? { at: iso(dead.atMs) } : {}),
              ...(since(dead.atMs) !== undefined ? { sinceSendMs: since(dead.atMs) } : {}),
              ...(dead.topic ? { topic: dead.topic } : {}),
            },
          }
        : {}),
      ...(firstDeliveryMs !== undefined ? { firstDeliveryMs } : {}),
      ...(consumedAfterMs !== undefined ? { consumedAfterMs } : {}),
    };
  });

  const traced = journey !== undefined && (journey.send !== undefined || journey.groups.some((g) => g.attempts.length > 0));
  const findings = deriveJourneyFindings({
    traced,
    offsetBased: verdict.caveats.some((c) => c.code === 'OFFSET_BASED'),
    groups: names.map((consumerGroup) => ({
      consumerGroup,
      trackType: verdict.groups.find((g) => g.consumerGroup === consumerGroup)?.trackType,
      attempts: traceGroups.get(consumerGroup)?.attempts ?? [],
      deadLettered: traceGroups.get(consumerGroup)?.deadLettered !== undefined,
    })),
  });

  const caveats: Array<{ code: ReportCaveat; text: string }> = [...verdict.caveats];
  if (status === 'no_trace_data') caveats.push(describeReportCaveat('NO_TRACE_DATA'));
  const recent = base !== undefined && input.nowMs - base < RECENT_SEND_MS;
  if (traced && (recent || findings.some((f) => f.code === 'NO_ATTEMPTS'))) caveats.push(describeReportCaveat('TRACE_WRITTEN_ASYNC'));
  if (journey?.traceTask?.reused) {
    const age = formatDuration(input.nowMs - journey.traceTask.createdAtMs);
    caveats.push(describeReportCaveat('TRACE_TASK_REUSED', `It was created ${age} ago (${iso(journey.traceTask.createdAtMs)}).`));
  }
  for (const part of journey?.skipped ?? []) {
    const what = part.part === 'store' ? 'The store time and host' : `Whether ${part.group ?? 'a group'} dead-lettered it`;
    caveats.push(describeReportCaveat('PART_SKIPPED', `${what}: ${part.code}.`));
  }

  const send = journey?.send;
  const store = journey?.store;
  return {
    requestId: input.requestId,
    checkedAt: iso(input.nowMs),
    instanceId: input.message.instanceId,
    broker: input.broker,
    topic: input.message.topic,
    msgId: input.message.msgId,
    status,
    ...(partial ? { partial } : {}),
    ...(send
      ? {
          send: {
            ...(send.producerHost ? { producerHost: send.producerHost } : {}),
            ...(send.producerGroup ? { producerGroup: send.producerGroup } : {}),
            at: iso(send.atMs),
            sinceSendMs: 0 as const,
            ...(send.durationMs !== undefined ? { durationMs: Math.round(send.durationMs) } : {}),
            status: send.status,
            statusText: send.statusText,
          },
        }
      : {}),
    ...(store
      ? {
          store: {
            ...(store.atMs !== undefined ? { at: iso(store.atMs) } : {}),
            ...(since(store.atMs) !== undefined ? { sinceSendMs: since(store.atMs) } : {}),
            ...(store.broker ? { broker: store.broker } : {}),
            ...(store.status ? { status: store.status } : {}),
          },
        }
      : {}),
    groups,
    verdict: verdict.verdict,
    summary: verdict.summary,
    findings,
    caveats,
    ...(missing.size > 0 ? { missingPermissions: [...missing].sort() } : {}),
    ...(journey?.traceTask ? { traceTask: { createdAt: iso(journey.traceTask.createdAtMs), reused: journey.traceTask.reused } } : {}),
    upstreamRequestIds: input.upstreamRequestIds,
  };
}
