/**
 * The diagnosis rules: facts gathered about a message and its groups become findings, each with
 * the evidence it rests on. Pure: the facts and the clock are inputs.
 */
import type { ClientSubscription, ConsumerAccumulate, ConsumerConnections, ConsumerStatus, StoredMessage } from './diagnostics-port';
import type { JourneyAttempt } from './journey';
import type { EvidenceValue, Finding } from './report-schema';

/** What explain finds (`deriveFindings`). */
export const EXPLAIN_FINDING_CODES = [
  'GROUP_OFFLINE',
  'IN_DLQ',
  'BACKLOG',
  'TAG_NOT_SUBSCRIBED',
  'SUBSCRIPTIONS_INCONSISTENT',
  'REBALANCE_NOT_OK',
  'MESSAGE_TOO_RECENT',
  'RECONSUMED',
  'NO_CAUSE_FOUND',
] as const;

/** Where the journey (the trace) and the verdict (4.x: the offsets) disagree (`deriveJourneyFindings`). */
export const JOURNEY_FINDING_CODES = ['CONSUMED_BUT_LAST_ATTEMPT_FAILED', 'ATTEMPTED_BUT_OFFSET_BEHIND', 'NO_ATTEMPTS'] as const;

export const FINDING_CODES = [...EXPLAIN_FINDING_CODES, ...JOURNEY_FINDING_CODES] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export const SEVERITIES = ['CRITICAL', 'WARNING', 'INFO'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The upstream checks a diagnosis may run; a failed one is reported as skipped. */
export const DIAGNOSIS_CHECKS = ['MESSAGE_DETAIL', 'CONSUMER_ACCUMULATE', 'CONSUMER_CONNECTIONS', 'CONSUMER_STATUS', 'DLQ'] as const;
export type DiagnosisCheck = (typeof DIAGNOSIS_CHECKS)[number];

const UNJUDGEABLE_TRACK_TYPES: ReadonlySet<string> = new Set(['PULL', 'CONSUME_BROADCASTING']);

/** RocketMQ clients persist consumer offsets every 5 s (`ClientConfig.persistConsumerOffsetInterval`). */
export const OFFSET_COMMIT_INTERVAL_MS = 5000;

/** Everything learned about one group of the message's track list. */
export interface GroupFacts {
  consumerGroup: string;
  trackType: string;
  accumulate?: ConsumerAccumulate;
  connections?: ConsumerConnections;
  status?: ConsumerStatus;
  /** The dead-lettered copy, `null` when checked and absent, undefined when not checked. */
  dlq?: StoredMessage | null;
  /** Checks for this group that failed, so a missing finding proves nothing. */
  skipped: DiagnosisCheck[];
}

export interface DiagnosisFacts {
  topic: string;
  nowMs: number;
  /** Undefined when the message detail check failed. */
  message: StoredMessage | undefined;
  groups: GroupFacts[];
}

/** Groups whose track says the message still has to reach them; filtered groups never will. */
export function isUnconsumed(trackType: string): boolean {
  return trackType !== 'CONSUMED' && trackType !== 'CONSUMED_BUT_FILTERED';
}

/** A consumed group is worth a DLQ check only when the message was redelivered. */
export function needsDlqCheck(trackType: string, message: StoredMessage | undefined): boolean {
  return isUnconsumed(trackType) || (trackType === 'CONSUMED' && (message?.reconsumeTimes ?? 0) > 0);
}

/**
 * OnsConsumerStatus is slow upstream, so it is asked only when the cheaper facts leave the group
 * unexplained: it is online, the message is neither dead-lettered nor too recent, and no backlog
 * stands in front of it, or its clients run mixed versions (subscriptions may differ). Pull and
 * broadcasting groups are skipped: the server keeps no progress of theirs to reconcile.
 */
export function needsConsumerStatus(group: GroupFacts, facts: Pick<DiagnosisFacts, 'message' | 'nowMs' | 'topic'>): boolean {
  if (!isUnconsumed(group.trackType) || UNJUDGEABLE_TRACK_TYPES.has(group.trackType)) return false;
  if (onlineState(group) === false || group.dlq) return false;
  if (isTooRecent(facts.message, facts.nowMs)) return false;
  if (mixedClients(group)) return true;
  return !backlogInFront(group, facts.topic, facts.message);
}

/** Turns the facts into findings, most severe first; ties keep message-level, then group order. */
export function deriveFindings(facts: DiagnosisFacts): Finding[] {
  const findings: Finding[] = [];
  const { message } = facts;

  const waiting = facts.groups.filter((g) => g.trackType === 'NOT_CONSUME_YET').map((g) => g.consumerGroup);
  if (message?.bornAt !== undefined && isTooRecent(message, facts.nowMs) && waiting.length > 0) {
    const ageMs = Math.max(0, facts.nowMs - message.bornAt);
    findings.push({
      code: 'MESSAGE_TOO_RECENT',
      severity: 'INFO',
      title: 'Sent moments ago: look again in a few seconds',
      detail: `The message was born ${formatDuration(ageMs)} ago, less than the ${formatDuration(OFFSET_COMMIT_INTERVAL_MS)} in which clients commit offsets, so NOT_CONSUME_YET may only mean the offset is not committed yet.`,
      evidence: { bornAt: iso(message.bornAt), ageMs, offsetCommitIntervalMs: OFFSET_COMMIT_INTERVAL_MS, waitingGroups: waiting },
    });
  }

  const consumed = facts.groups.filter((g) => g.trackType === 'CONSUMED').map((g) => g.consumerGroup);
  if (message && message.reconsumeTimes > 0 && consumed.length > 0) {
    findings.push({
      code: 'RECONSUMED',
      severity: 'WARNING',
      title: `CONSUMED, but redelivered ${message.reconsumeTimes} time(s)`,
      detail: `The track says CONSUMED, yet the message was reconsumed ${message.reconsumeTimes} time(s): CONSUMED means the group's offset passed it, not that its handler succeeded. Check the consumers' logs for the failed attempts.`,
      evidence: { reconsumeTimes: message.reconsumeTimes, consumedBy: consumed },
    });
  }

  for (const group of facts.groups) findings.push(...groupFindings(group, facts));
  return findings
    .map((finding, order) => ({ finding, order }))
    .sort((a, b) => SEVERITIES.indexOf(a.finding.severity) - SEVERITIES.indexOf(b.finding.severity) || a.order - b.order)
    .map((entry) => entry.finding);
}

function groupFindings(group: GroupFacts, facts: DiagnosisFacts): Finding[] {
  const found: Finding[] = [];
  const g = group.consumerGroup;
  const add = (code: FindingCode, severity: Severity, title: string, detail: string, evidence: Record<string, EvidenceValue>) =>
    found.push({ code, severity, group: g, title, detail, evidence });

  if (group.dlq) {
    const k = group.dlq.reconsumeTimes;
    add(
      'IN_DLQ',
      'CRITICAL',
      `In ${g}'s dead-letter queue after ${k} retries`,
      `The message failed ${k} delivery attempts in ${g} and was moved to its dead-letter queue; it will not be delivered again unless it is resent from there. Fix the handler's failure first.`,
      { trackType: group.trackType, reconsumeTimes: k, deadLetteredAt: iso(group.dlq.storedAt) },
    );
  }
  if (!isUnconsumed(group.trackType)) return found;

  const online = onlineState(group);
  const clients = group.connections?.clients.length ?? group.status?.clients.length;
  if (online === false) {
    add(
      'GROUP_OFFLINE',
      'CRITICAL',
      `${g} is offline: no client is connected`,
      `No consumer client of ${g} is connected, so nothing can consume the message.${
        group.accumulate?.lastConsumedBornAt ? ` The last message it consumed was born ${iso(group.accumulate.lastConsumedBornAt)}.` : ''
      } Start its consumers, or find out why they stopped (logs, AccessKey, endpoint, GroupId).`,
      {
        trackType: group.trackType,
        online: group.accumulate?.online ?? group.status?.online ?? null,
        connectedClients: clients ?? null,
        lastConsumedBornAt: iso(group.accumulate?.lastConsumedBornAt),
      },
    );
  }

  const backlog = backlogOf(group, facts.topic);
  if (online !== false && backlog && backlogInFront(group, facts.topic, facts.message)) {
    const stalled = backlog.consumeTps === 0;
    add(
      'BACKLOG',
      stalled ? 'CRITICAL' : 'WARNING',
      `Queued behind ${backlog.totalDiff} message(s) in ${g}${stalled ? ', which is not consuming' : ''}`,
      `${g} has ${backlog.totalDiff} unconsumed message(s) on ${backlog.topic} and is ${formatDuration(backlog.delayMs)} behind${
        stalled
          ? ', consuming none right now (0 TPS): its clients are connected but stuck'
          : backlog.consumeTps === undefined
            ? ' (the broker reports no consumption rate)'
            : `, consuming ${backlog.consumeTps} message(s)/s`
      }. The message is waiting its turn; scale out or speed up the consumers.`,
      {
        topic: backlog.topic,
        totalDiff: backlog.totalDiff,
        delayMs: backlog.delayMs,
        consumeTps: backlog.consumeTps ?? null,
        lastConsumedBornAt: iso(backlog.lastConsumedBornAt),
        messageBornAt: iso(facts.message?.bornAt),
      },
    );
  }

  const status = group.status;
  if (status) {
    const subscriptions = status.clients.map((c) => ({ clientId: c.clientId, expression: describeSubscriptions(c.subscriptions) }));
    const distinct = [...new Set(subscriptions.map((s) => s.expression))];
    if (!status.subscriptionSame || distinct.length > 1) {
      add(
        'SUBSCRIPTIONS_INCONSISTENT',
        'CRITICAL',
        `${g}'s clients subscribe differently`,
        `The clients of ${g} do not share one subscription, so the broker assigns queues to clients that filter differently and messages can be skipped. Deploy one subscription (topic and tag expression) to every client of the group.`,
        {
          subscriptionSame: status.subscriptionSame,
          clients: status.clients.length,
          subscriptions: subscriptions.map((s) => `${s.clientId}: ${s.expression}`),
        },
      );
    }
    if (facts.message) {
      const tag = facts.message.tag;
      const excluding = status.clients.filter((c) => !subscribesTo(c.subscriptions, facts.topic, tag)).map((c) => c.clientId);
      if (excluding.length > 0) {
        const all = excluding.length === status.clients.length;
        const expressions = [
          ...new Set(status.clients.flatMap((c) => c.subscriptions.filter((s) => s.topic === facts.topic).map((s) => s.subString))),
        ];
        const what = tag === undefined ? 'An untagged message' : `Tag "${tag}"`;
        add(
          'TAG_NOT_SUBSCRIBED',
          'CRITICAL',
          all
            ? `${what} is not in ${g}'s subscription`
            : `${what} is missing from ${excluding.length} of ${status.clients.length} ${g} clients' subscriptions`,
          `${all ? 'No' : `${excluding.length} of ${status.clients.length}`} client(s) of ${g} subscribe to ${facts.topic} with an expression that matches ${
            tag === undefined ? 'an untagged message' : `tag "${tag}"`
          }${expressions.length ? ` (expressions: ${expressions.join(', ')})` : ' (they do not subscribe to the topic at all)'}. Add the tag to the group's subscription if this group should get it.`,
          { topic: facts.topic, tag: tag ?? null, clients: status.clients.length, clientsExcluding: excluding, expressions },
        );
      }
    }
    if (!status.rebalanceOk) {
      add(
        'REBALANCE_NOT_OK',
        'WARNING',
        `${g} has not finished rebalancing`,
        `ONS reports that ${g}'s queues are not evenly assigned to its ${status.clients.length} client(s) (RebalanceOK=false), so some queues may have no consumer. This usually follows clients joining or leaving, or clients that disagree on the subscription; it should settle within seconds.`,
        { rebalanceOk: false, clients: status.clients.length, consumeModel: status.consumeModel ?? null },
      );
    }
  }

  // PULL and broadcasting groups keep no server-side progress to judge; their guide says so.
  const judgeable = !UNJUDGEABLE_TRACK_TYPES.has(group.trackType);
  const explainedByMessage = isTooRecent(facts.message, facts.nowMs);
  if (found.length === 0 && group.skipped.length === 0 && facts.message && judgeable && !explainedByMessage) {
    add(
      'NO_CAUSE_FOUND',
      'INFO',
      `Nothing mqtrace can see explains ${g}`,
      `${g} is online with no backlog in front of the message, its clients subscribe to it consistently, its queues are balanced and the message is not in its dead-letter queue. Look again in a minute; if it stays ${group.trackType}, read the consumers' logs.`,
      {
        trackType: group.trackType,
        online: online ?? null,
        connectedClients: clients ?? null,
        totalDiff: group.accumulate ? (group.accumulate.topics.find((t) => t.topic === facts.topic)?.totalDiff ?? group.accumulate.totalDiff) : null,
        inDlq: group.dlq === null ? false : null,
        statusChecked: group.status !== undefined,
      },
    );
  }
  return found;
}

/** False when any check saw the group offline, true when one saw it online, else unknown. */
function onlineState(group: GroupFacts): boolean | undefined {
  const views = [group.accumulate?.online, group.connections ? group.connections.clients.length > 0 : undefined, group.status?.online];
  if (views.includes(false)) return false;
  return views.includes(true) ? true : undefined;
}

interface Backlog {
  topic: string;
  totalDiff: number;
  delayMs: number;
  consumeTps: number | undefined;
  lastConsumedBornAt: number | undefined;
}

/** The group's backlog on the message's topic; the group totals when there is no per-topic detail. */
function backlogOf(group: GroupFacts, topic: string): Backlog | undefined {
  const acc = group.accumulate;
  if (!acc) return undefined;
  const detail = acc.topics.find((t) => t.topic === topic);
  if (detail) return detail.totalDiff > 0 ? { ...detail, consumeTps: acc.consumeTps } : undefined;
  if (acc.topics.length > 0) return undefined;
  return acc.totalDiff > 0
    ? { topic, totalDiff: acc.totalDiff, delayMs: acc.delayMs, consumeTps: acc.consumeTps, lastConsumedBornAt: acc.lastConsumedBornAt }
    : undefined;
}

/** A backlog is in front of the message unless the group already consumed something born after it. */
function backlogInFront(group: GroupFacts, topic: string, message: StoredMessage | undefined): boolean {
  const backlog = backlogOf(group, topic);
  if (!backlog) return false;
  const bornAt = message?.bornAt;
  return !(bornAt !== undefined && backlog.lastConsumedBornAt !== undefined && backlog.lastConsumedBornAt >= bornAt);
}

function isTooRecent(message: StoredMessage | undefined, nowMs: number): boolean {
  return message?.bornAt !== undefined && nowMs - message.bornAt < OFFSET_COMMIT_INTERVAL_MS;
}

function mixedClients(group: GroupFacts): boolean {
  const clients = group.connections?.clients ?? [];
  return new Set(clients.map((c) => `${c.language ?? ''}/${c.version ?? ''}`)).size > 1;
}

/**
 * Whether one client's subscriptions deliver a message with `tag` from `topic`, as the broker
 * filters: `*` (or an empty expression) takes everything; a tag list takes only its tags. An
 * expression without parsed tags (e.g. SQL92) cannot be judged here and counts as a match.
 */
function subscribesTo(subscriptions: readonly ClientSubscription[], topic: string, tag: string | undefined): boolean {
  return subscriptions.some((s) => {
    if (s.topic !== topic) return false;
    const expression = s.subString.trim();
    if (expression === '*' || expression === '' || s.tags.includes('*')) return true;
    if (s.tags.length === 0) return true;
    return tag !== undefined && s.tags.includes(tag);
  });
}

function describeSubscriptions(subscriptions: readonly ClientSubscription[]): string {
  if (subscriptions.length === 0) return '(none)';
  return [...subscriptions]
    .sort((a, b) => a.topic.localeCompare(b.topic))
    .map((s) => `${s.topic}=${s.subString.trim()}`)
    .join('; ');
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** "950 ms", "12 s", "3 min 5 s", "2 h 4 min". */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value} ms`;
  const seconds = Math.floor(value / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

/** One group as the journey findings see it: its verdict track type and its traced attempts. */
export interface JourneyGroupFacts {
  consumerGroup: string;
  /** From the verdict; undefined for a group only the trace knows. */
  trackType: string | undefined;
  attempts: readonly JourneyAttempt[];
  deadLettered: boolean;
}

export interface JourneyFacts {
  groups: readonly JourneyGroupFacts[];
  /** The verdict comes from consumer offsets (4.x OnsMessageTrace), not from the trace itself. */
  offsetBased: boolean;
  /** The trace knows the message at all (a send or any group's attempt); without it nothing is compared. */
  traced: boolean;
}

/**
 * Where the two views of a message disagree, most severe first: the verdict says CONSUMED but
 * the last attempt failed; a group has attempts but its offset has not passed the message; a
 * subscribing group has no attempt at all. Pure.
 */
export function deriveJourneyFindings(facts: JourneyFacts): Finding[] {
  const found: Finding[] = [];
  if (!facts.traced) return found;
  for (const g of facts.groups) {
    const last = g.attempts.at(-1);
    const failedLast = last !== undefined && (last.outcome === 'FAILED' || last.outcome === 'PENDING');
    const evidence = (extra: Record<string, EvidenceValue>): Record<string, EvidenceValue> => ({
      trackType: g.trackType ?? null,
      attempts: g.attempts.length,
      ...(last ? { lastAttemptStatus: last.status, lastAttemptAt: iso(last.atMs) } : {}),
      deadLettered: g.deadLettered,
      ...extra,
    });
    if (g.trackType === 'CONSUMED' && failedLast) {
      found.push({
        code: 'CONSUMED_BUT_LAST_ATTEMPT_FAILED',
        severity: g.deadLettered ? 'CRITICAL' : 'WARNING',
        group: g.consumerGroup,
        title: `${g.consumerGroup} shows CONSUMED, but its last attempt ${last.outcome === 'FAILED' ? 'failed' : 'returned no result'}`,
        detail: `The verdict says CONSUMED, yet the trace's last attempt of ${g.consumerGroup} is ${last.status}${
          g.deadLettered ? ' and the message went to its dead-letter queue' : ''
        }. CONSUMED means the offset passed the message: a failed message moves on to the retry queue. Read the consumer's logs for the failure.`,
        evidence: evidence({}),
      });
    }
    if (facts.offsetBased && g.trackType === 'NOT_CONSUME_YET' && g.attempts.length > 0) {
      const succeeded = g.attempts.some((a) => a.outcome === 'SUCCEEDED');
      found.push({
        code: 'ATTEMPTED_BUT_OFFSET_BEHIND',
        severity: succeeded ? 'WARNING' : 'INFO',
        group: g.consumerGroup,
        title: `${g.consumerGroup} has ${g.attempts.length} attempt(s), but its offset has not passed the message`,
        detail: succeeded
          ? `The trace shows ${g.consumerGroup} consumed it, but the group's offset is still behind it: clients commit offsets about every ${formatDuration(OFFSET_COMMIT_INTERVAL_MS)}, so look again shortly; if it stays, the offset was reset or a queue is stuck.`
          : `${g.consumerGroup} received it and has not consumed it yet (its attempts did not succeed), so its offset stays behind it until an attempt succeeds or it is dead-lettered.`,
        evidence: evidence({ succeededAttempts: g.attempts.filter((a) => a.outcome === 'SUCCEEDED').length }),
      });
    }
    if (g.trackType !== undefined && g.trackType !== 'CONSUMED_BUT_FILTERED' && g.attempts.length === 0 && !g.deadLettered) {
      const consumed = g.trackType === 'CONSUMED';
      found.push({
        code: 'NO_ATTEMPTS',
        severity: consumed ? 'INFO' : 'WARNING',
        group: g.consumerGroup,
        title: `${g.consumerGroup} has no delivery attempt in the trace`,
        detail: consumed
          ? `${g.consumerGroup}'s offset passed the message, but its clients left no trace of the delivery: they may not record traces (a client setting, or an older SDK).`
          : `The trace shows no delivery of the message to ${g.consumerGroup}: the group may be offline or behind, or its clients do not record traces. Ask "trace … why" for its backlog and clients.`,
        evidence: evidence({}),
      });
    }
  }
  return found
    .map((finding, order) => ({ finding, order }))
    .sort((a, b) => SEVERITIES.indexOf(a.finding.severity) - SEVERITIES.indexOf(b.finding.severity) || a.order - b.order)
    .map((entry) => entry.finding);
}
