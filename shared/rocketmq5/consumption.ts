import type { AnswerCaveat, ConsumptionAnswer, GroupConsumption } from '../trace/broker-port';
import { filterVerdict } from './filter-expression';
import type { RocketMq5Body } from './schemas';
import { DERIVED_GUIDES, guideForConsumeStatus, type StatusGuide } from './status-table';

type Subscription = NonNullable<RocketMq5Body<'ListTopicSubscriptions'>['data']>[number];
type TraceData = NonNullable<RocketMq5Body<'GetTrace'>['data']>;
type ConsumerInfo = NonNullable<TraceData['consumerInfos']>[number];

/**
 * Turns ListTopicSubscriptions (who subscribes, with which filter) and GetTrace (what each group's
 * clients reported) into one {@link GroupConsumption} per group, with the answer's caveats. Pure.
 *
 * - A group with a trace record is judged by its `consumeStatus` through the status table; a
 *   dead-lettered one (`deadMessage`) by the DEAD_LETTERED row whatever its status.
 * - A subscribing group without a record is CONSUMED_BUT_FILTERED when its tag filter excludes
 *   the message's tag (`messageInfo.messageTag`), otherwise UNKNOWN ("no trace record yet"), never
 *   a not-consumed verdict: traces are written asynchronously.
 * - Groups that have a record but no longer subscribe are kept (after the subscribers): the trace
 *   is evidence that they received the message.
 */
export function answerConsumption(subscriptions: readonly Subscription[], trace: TraceData | null | undefined, requestId: string): ConsumptionAnswer {
  const traced = new Map<string, ConsumerInfo>();
  for (const info of trace?.consumerInfos ?? []) if (!traced.has(info.consumerGroupId)) traced.set(info.consumerGroupId, info);
  const subscribed = new Map<string, Subscription>();
  for (const s of subscriptions) if (!subscribed.has(s.consumerGroupId)) subscribed.set(s.consumerGroupId, s);

  const caveats = new Set<AnswerCaveat>(['TRACE_BASED']);
  const groups: GroupConsumption[] = [];
  const messageInfo = trace?.messageInfo;
  for (const group of [...subscribed.keys(), ...[...traced.keys()].filter((g) => !subscribed.has(g))]) {
    const info = traced.get(group);
    const judged = info && hasRecord(info) ? judgeTraced(info) : judgeUntraced(subscribed.get(group), messageInfo);
    for (const c of judged.caveats) caveats.add(c);
    groups.push({
      consumerGroup: group,
      trackType: judged.guide.trackType,
      ...(judged.upstreamStatus !== undefined ? { upstreamStatus: judged.upstreamStatus } : {}),
      meaning: judged.guide.meaning,
      advice: judged.guide.advice,
    });
  }
  if (groups.length === 0) caveats.add('EMPTY_TRACK_LIST');
  return { groups, requestId, caveats: [...caveats] };
}

interface Judged {
  guide: StatusGuide;
  upstreamStatus?: string;
  caveats: AnswerCaveat[];
}

/** A record says something: a status (the group's or a delivery's) or the dead-letter flag. */
function hasRecord(info: ConsumerInfo): boolean {
  return info.deadMessage === true || groupStatus(info) !== undefined;
}

function judgeTraced(info: ConsumerInfo): Judged {
  const status = groupStatus(info);
  if (info.deadMessage === true) return { guide: DERIVED_GUIDES.DEAD_LETTERED, ...(status !== undefined ? { upstreamStatus: status } : {}), caveats: [] };
  const raw = status as string;
  const { guide, recognised } = guideForConsumeStatus(raw);
  const caveats: AnswerCaveat[] = [];
  if (!recognised) caveats.push('UNRECOGNISED_STATUS');
  if (guide.trackType === 'CONSUMED' && failedDeliveries(info) > 0) caveats.push('CONSUMED_IS_NOT_SUCCESS');
  return { guide, upstreamStatus: raw, caveats };
}

function judgeUntraced(subscription: Subscription | undefined, messageInfo: TraceData['messageInfo']): Judged {
  // Without the message's info the tag is unknown, and an untagged message is not the same thing.
  if (subscription && messageInfo) {
    const tag = messageInfo.messageTag === undefined || messageInfo.messageTag === '' ? undefined : messageInfo.messageTag;
    if (filterVerdict(subscription.filterExpression, subscription.filterExpressionType, tag) === 'excludes') {
      return { guide: DERIVED_GUIDES.FILTERED, caveats: [] };
    }
  }
  const offline = subscription?.subscriptionStatus?.toUpperCase() === 'OFFLINE';
  return { guide: offline ? DERIVED_GUIDES.NO_TRACE_RECORD_OFFLINE : DERIVED_GUIDES.NO_TRACE_RECORD, caveats: ['NO_TRACE_RECORD'] };
}

/**
 * The group's own `consumeStatus`; without one, a successful delivery's status if any record has
 * one, else the last delivery's. (The emulator and the SDK example both set the group field.)
 */
function groupStatus(info: ConsumerInfo): string | undefined {
  if (info.consumeStatus !== undefined && info.consumeStatus !== '') return info.consumeStatus;
  const statuses = (info.records ?? []).map((r) => r.consumeStatus).filter((s): s is string => s !== undefined && s !== '');
  return statuses.find((s) => guideForConsumeStatus(s).guide.trackType === 'CONSUMED') ?? statuses.at(-1);
}

/** Deliveries whose own status says they did not succeed (failed, timed out, …). */
export function failedDeliveries(info: Pick<ConsumerInfo, 'records'>): number {
  return (info.records ?? []).filter((r) => r.consumeStatus !== undefined && guideForConsumeStatus(r.consumeStatus).guide.trackType === 'NOT_CONSUME_YET').length;
}

/**
 * Redeliveries of the message to a group: every delivery after the first. UNVERIFIED: that GetTrace
 * keeps one `records[]` entry per delivery attempt (the emulator does; the SDK says "Consumer
 * record list").
 */
export function redeliveries(info: Pick<ConsumerInfo, 'records'>): number {
  return Math.max(0, (info.records ?? []).length - 1);
}
