import { orderAttempts, type BrokerJourney, type JourneyAttempt, type JourneyGroupTrace, type JourneySend, type JourneyStore } from '../trace/journey';
import type { RocketMq5Body } from './schemas';
import { attemptGuide, produceGuide } from './status-table';
import { parseWireTime } from './wire-time';

type TraceData = NonNullable<RocketMq5Body<'GetTrace'>['data']>;
type ConsumerInfo = NonNullable<TraceData['consumerInfos']>[number];
type TraceRecord = NonNullable<ConsumerInfo['records']>[number];

/**
 * GetTrace → {@link BrokerJourney}, pure. The send is `producerInfo.records[]` (the earliest),
 * the store its `arriveTime` (else the message's `storeTime`) on `storeHost`, with
 * `brokerInfo.delayStatus` when set; each `consumerInfos[].records[]` entry is one delivery
 * attempt, timed from its first operation (the delivery) to its last (ACK or the retry decision);
 * `deadMessage` with `deadLetterInfo` is the dead-lettering. UNVERIFIED: that GetTrace keeps one
 * record per delivery attempt (the SDK says "Consumer record list").
 */
export function toJourney(trace: TraceData | null | undefined): BrokerJourney {
  const send = toSend(trace);
  const groups = (trace?.consumerInfos ?? []).map(toGroup);
  const store = toStore(trace);
  const traced = send !== undefined || groups.some((g) => g.attempts.length > 0 || g.deadLettered !== undefined);
  return {
    status: traced ? 'complete' : 'no_trace_data',
    ...(send ? { send } : {}),
    ...(store ? { store } : {}),
    groups,
    missingPermissions: [],
    skipped: [],
  };
}

function toSend(trace: TraceData | null | undefined): JourneySend | undefined {
  const records = (trace?.producerInfo?.records ?? [])
    .map((r) => ({ record: r, atMs: parseWireTime(r.produceTime) }))
    .filter((r): r is { record: (typeof r)['record']; atMs: number } => r.atMs !== undefined)
    .sort((a, b) => a.atMs - b.atMs);
  const first = records[0];
  if (!first) return undefined;
  const status = first.record.produceStatus ?? 'UNKNOWN';
  const guide = produceGuide(status);
  return {
    ...(first.record.clientHost ? { producerHost: first.record.clientHost } : {}),
    atMs: first.atMs,
    ...(first.record.produceDuration !== undefined ? { durationMs: first.record.produceDuration } : {}),
    status,
    statusText: guide.text,
    ...(guide.accepted !== undefined ? { accepted: guide.accepted } : {}),
  };
}

function toStore(trace: TraceData | null | undefined): JourneyStore | undefined {
  const arrived = (trace?.producerInfo?.records ?? []).map((r) => parseWireTime(r.arriveTime)).find((t) => t !== undefined);
  const atMs = arrived ?? parseWireTime(trace?.messageInfo?.storeTime);
  const broker = trace?.messageInfo?.storeHost;
  const status = trace?.brokerInfo?.delayStatus;
  if (atMs === undefined && !broker && !status) return undefined;
  return { ...(atMs !== undefined ? { atMs } : {}), ...(broker ? { broker } : {}), ...(status ? { status } : {}) };
}

function toGroup(info: ConsumerInfo): JourneyGroupTrace {
  const attempts = (info.records ?? []).flatMap((record, index) => toAttempt(record, index));
  const dlq = info.deadLetterInfo;
  const deadAt = parseWireTime(dlq?.toDlqTime);
  return {
    consumerGroup: info.consumerGroupId,
    attempts: orderAttempts(attempts),
    ...(info.deadMessage === true ? { deadLettered: { ...(deadAt !== undefined ? { atMs: deadAt } : {}), ...(dlq?.topicName ? { topic: dlq.topicName } : {}) } } : {}),
  };
}

function toAttempt(record: TraceRecord, index: number): JourneyAttempt[] {
  const times = (record.operations ?? []).map((o) => parseWireTime(o.operateTime)).filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  const first = times[0];
  if (first === undefined) return [];
  const last = times[times.length - 1] as number;
  const status = record.consumeStatus ?? 'UNKNOWN';
  const guide = attemptGuide(status);
  return [
    {
      ...(record.clientHost ? { clientHost: record.clientHost } : {}),
      atMs: first,
      ...(times.length > 1 ? { durationMs: last - first } : {}),
      status,
      statusText: guide.text,
      outcome: guide.outcome,
      reconsumeTimes: index,
    },
  ];
}
