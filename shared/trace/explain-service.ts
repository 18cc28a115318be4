import { ErrorCode, toAppError } from '../errors';
import type { GroupRef, DiagnosticsPort, StoredMessage } from './diagnostics-port';
import type { CallContext } from './broker-port';
import {
  deriveFindings,
  isUnconsumed,
  needsConsumerStatus,
  needsDlqCheck,
  type DiagnosisCheck,
  type GroupFacts,
} from './findings';
import type { TraceQuery } from './query-schema';
import type { Diagnosis, MessageFacts, SkippedCheck } from './report-schema';

export interface ExplainServiceDeps {
  diagnostics: DiagnosticsPort;
  now: () => number;
}

export interface ExplainInput {
  query: TraceQuery;
  /** The groups of the lookup, with their raw track types. */
  groups: ReadonlyArray<{ consumerGroup: string; trackType: string }>;
}

/** Explains why a message was (or was not) consumed, from upstream facts beyond its track list. */
export interface ExplainService {
  /**
   * Gathers the message's facts and, for each group that has not consumed it, its backlog,
   * clients, dead-letter state and (only when those leave it unexplained) its subscriptions and
   * rebalance state, all under `ctx.deadline`. A check that fails is listed in `skippedChecks`;
   * the diagnosis is then partial, never an error.
   */
  explain(input: ExplainInput, ctx: CallContext): Promise<Diagnosis>;
}

type Attempt<T> = { ok: true; value: T } | { ok: false };

/** Creates the explain service over an {@link DiagnosticsPort}. */
export function createExplainService(deps: ExplainServiceDeps): ExplainService {
  return {
    async explain({ query, groups }, ctx) {
      const skippedChecks: SkippedCheck[] = [];
      const attempt = async <T>(check: DiagnosisCheck, group: string | undefined, run: () => Promise<T>): Promise<Attempt<T>> => {
        try {
          return { ok: true, value: await run() };
        } catch (error) {
          skippedChecks.push(toSkippedCheck(check, group, error));
          return { ok: false };
        }
      };

      // The per-group checks that do not depend on the message's facts start at once.
      const messageAttempt = attempt('MESSAGE_DETAIL', undefined, () => deps.diagnostics.messageDetail(query, ctx));
      const messagePromise = messageAttempt.then((m) => (m.ok ? m.value : undefined));
      const gathered = await Promise.all(
        groups.map(async (track): Promise<GroupFacts> => {
          const facts: GroupFacts = { consumerGroup: track.consumerGroup, trackType: track.trackType, skipped: [] };
          const ref: GroupRef = { instanceId: query.instanceId, groupId: track.consumerGroup, topic: query.topic };
          const g = track.consumerGroup;
          const unconsumed = isUnconsumed(track.trackType);
          const checkDlq = () => attempt('DLQ', g, () => deps.diagnostics.dlqMessage({ ...ref, msgId: query.msgId }, ctx));
          const [accumulate, connections, dlq] = await Promise.all([
            unconsumed ? attempt('CONSUMER_ACCUMULATE', g, () => deps.diagnostics.consumerAccumulate(ref, ctx)) : undefined,
            unconsumed ? attempt('CONSUMER_CONNECTIONS', g, () => deps.diagnostics.consumerConnections(ref, ctx)) : undefined,
            // A consumed group needs the message's reconsume count before it is worth a DLQ check.
            unconsumed
              ? checkDlq()
              : messagePromise.then((message) => (needsDlqCheck(track.trackType, message) ? checkDlq() : undefined)),
          ]);
          if (accumulate?.ok) facts.accumulate = accumulate.value;
          if (connections?.ok) facts.connections = connections.value;
          if (dlq?.ok) facts.dlq = dlq.value ?? null;
          const message = await messagePromise;
          if (needsConsumerStatus(facts, { message, nowMs: deps.now(), topic: query.topic })) {
            const status = await attempt('CONSUMER_STATUS', g, () => deps.diagnostics.consumerStatus(ref, ctx));
            if (status.ok) facts.status = status.value;
          }
          return facts;
        }),
      );

      const message = await messagePromise;
      for (const facts of gathered) {
        facts.skipped = skippedChecks.filter((s) => s.group === facts.consumerGroup).map((s) => s.check);
      }
      return {
        message: message ? toMessageFacts(message) : null,
        findings: deriveFindings({ topic: query.topic, nowMs: deps.now(), message, groups: gathered }),
        skippedChecks: sortSkipped(skippedChecks, groups),
      };
    },
  };
}

function toSkippedCheck(check: DiagnosisCheck, group: string | undefined, error: unknown): SkippedCheck {
  const appError = toAppError(error);
  return {
    check,
    ...(group === undefined ? {} : { group }),
    reason: appError.code,
    ...(appError.upstream?.code ? { upstreamCode: appError.upstream.code } : {}),
    // AppError messages are written to be shown (never upstream text); unexpected ones are not.
    detail: appError.code === ErrorCode.INTERNAL ? 'internal error' : appError.message,
  };
}

// Checks finish in any order; the reply lists them message first, then in the groups' order.
function sortSkipped(skipped: SkippedCheck[], groups: ExplainInput['groups']): SkippedCheck[] {
  const rank = (s: SkippedCheck) => (s.group === undefined ? -1 : groups.findIndex((g) => g.consumerGroup === s.group));
  const checkOrder = ['MESSAGE_DETAIL', 'CONSUMER_ACCUMULATE', 'CONSUMER_CONNECTIONS', 'DLQ', 'CONSUMER_STATUS'];
  return [...skipped].sort((a, b) => rank(a) - rank(b) || checkOrder.indexOf(a.check) - checkOrder.indexOf(b.check));
}

function toMessageFacts(m: StoredMessage): MessageFacts {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    tag: m.tag ?? null,
    keys: m.keys,
    bornAt: iso(m.bornAt),
    bornHost: m.bornHost ?? null,
    storedAt: iso(m.storedAt),
    storeHost: m.storeHost ?? null,
    reconsumeTimes: m.reconsumeTimes,
  };
}
