import { crc32 } from 'node:zlib';
import { isClientId4x } from './align-client-ids';
import { DEFAULT_DLQ_RECONSUME_TIMES } from './ons-consumer-group';
import { DEFAULT_BORN_AGO_MS, STORE_DELAY_MS, bornHostOf } from './ons-rest-message';
import type { SeedConsumerGroup, SeedMessage, SeedTrack } from './seed-index';

/**
 * The 4.x message trace of one seeded message as OnsTraceGetResult shows it: one `TraceMapDo` with
 * its `SubList.SubMapDo[]` (per group) and `ClientList.SubClientInfoDo[]` (per delivery attempt).
 * Field names and status words are those of the ONS 2019-02-14 SDK models (round2.md §5).
 */

/** The status words the emulator emits by default (documented in the SDK docstrings). */
export const ONS_TRACE_STATUS = {
  sendSuccess: 'SEND_SUCCESS',
  consumeSuccess: 'CONSUME_SUCCESS',
  consumeFailed: 'CONSUME_FAILED',
  consumeNotReturn: 'CONSUME_NOT_RETURN',
} as const;

/**
 * Which id `TraceMapDo.MsgId` carries. UNVERIFIED: the API reference's only example answers a query
 * for the client id `1E05791C117818B4AAC23B1BB0CE****` with `TraceMapDo.MsgId`
 * `0BC1F01800002A9F000000531246****`, a broker offset id (store host + port 10911 + commit-log
 * offset), and its PubTime decodes exactly from the client id, so it looks like a real answer.
 * `"offset"` follows that example; `"client"` would echo the message's own id.
 */
export const TRACE_MAP_MSG_ID: 'offset' | 'client' = 'offset';

/** `TraceMapDo.PubGroupName` of a message whose seed names no producer group. */
export const DEFAULT_PRODUCER_GROUP = 'GID_producer';
/** `TraceMapDo.CostTime` (send round trip, ms) by default: a little more than the broker's store delay. */
export const DEFAULT_SEND_COST_MS = 6;
/** First delivery, this long after the message was born. */
export const DEFAULT_FIRST_DELIVERY_MS = 100;
/** `SubClientInfoDo.CostTime` by default, ms. */
export const DEFAULT_CONSUME_COST_MS = 20;
/** Consumer IP when a group has no seeded client (same fallback as OnsConsumerGetConnection). */
export const FALLBACK_CLIENT_HOST = '10.0.3.10';
/**
 * The 4.x retry delays after the n-th failure (messageDelayLevel 3..18: 10 s, 30 s, 1 min, 2 min,
 * ..., 20 min, 30 min, 1 h, 2 h); failures past the 16th wait 2 h.
 */
export const RETRY_DELAYS_MS = [
  10_000, 30_000, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000, 600_000, 1_200_000, 1_800_000, 3_600_000, 7_200_000,
] as const;

const DEFAULT_DEAD_LETTERED_AGO_MS = 60_000;
const DEFAULT_STORE_HOST = '10.0.8.15:10911';
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** One `SubClientInfoDo`: one delivery attempt to one client. */
export interface SubClientInfoDo {
  SubGroupName: string;
  ClientHost: string;
  SubTime: number;
  CostTime: number;
  ReconsumeTimes: number;
  Status: string;
}

/** One `SubMapDo`: a group's attempts. */
export interface SubMapDo {
  SubGroupName: string;
  SuccessCount: number;
  FailCount: number;
  ClientList: { SubClientInfoDo: SubClientInfoDo[] };
}

/** One `TraceMapDo`: the message's send and its consumption per group. */
export interface TraceMapDo {
  MsgId: string;
  MsgKey?: string;
  Tag?: string;
  Topic: string;
  PubGroupName: string;
  PubTime: number;
  BornHost: string;
  CostTime: number;
  Status: string;
  SubList: { SubMapDo: SubMapDo[] };
}

/** What the trace of one message is evaluated against. */
export interface TraceInput {
  message: SeedMessage;
  topic: string;
  /** The instance's seeded consumer groups, by GroupId. */
  groups: ReadonlyMap<string, SeedConsumerGroup>;
  /** When the producer sent it (epoch ms on the emulator clock). */
  bornMs: number;
  /** When the emulator was created. */
  startedAtMs: number;
  /** The message's first OnsMessageTrace, for `timelineRelativeTo: "firstLookup"`. */
  firstLookupMs: number | undefined;
  /** The moment the trace is read: attempts delivered later do not show yet. */
  atMs: number;
}

/** One group's seeded attempts (`trace.consumers[]`). */
type SeededTraceConsumer = NonNullable<NonNullable<SeedMessage['trace']>['consumers']>[number];

interface Attempt {
  group: string;
  clientHost: string;
  subTime: number;
  costMs: number;
  reconsumeTimes: number;
  status: string;
}

/**
 * The broker's delay before the delivery with `reconsumeTimes` (0 = the first delivery).
 *
 * @param reconsumeTimes - The attempt's ReconsumeTimes.
 * @returns Milliseconds after the previous attempt ended (or after the message was born).
 */
export function retryDelayMs(reconsumeTimes: number): number {
  if (reconsumeTimes <= 0) {
    return DEFAULT_FIRST_DELIVERY_MS;
  }
  return RETRY_DELAYS_MS[Math.min(reconsumeTimes, RETRY_DELAYS_MS.length) - 1] ?? DEFAULT_FIRST_DELIVERY_MS;
}

function ipOf(hostPort: string): string {
  return hostPort.replace(/:\d+$/, '');
}

function clientHostsOf(group: SeedConsumerGroup | undefined): string[] {
  const hosts = (group?.connections ?? []).map((connection) => (connection.clientAddr === undefined ? (connection.clientId.split('@')[0] ?? '') : ipOf(connection.clientAddr)));
  const valid = hosts.filter((host) => IPV4.test(host));
  return valid.length > 0 ? valid : [FALLBACK_CLIENT_HOST];
}

function hexOfIpv4(ip: string): string {
  return ip
    .split('.')
    .map((part) => Number(part).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

/**
 * The broker offset id of a seeded message: store IP, port (4 bytes) and a stable commit-log
 * offset (8 bytes), as `MessageDecoder.createMessageId` lays it out (ons-api.md §6b). A message
 * seeded under its offset id keeps it.
 *
 * @param message - The seeded message.
 * @returns 32 upper-case hex digits.
 */
export function offsetMsgIdOf(message: SeedMessage): string {
  const id = message.msgId.toUpperCase();
  if (id.length === 32 && !isClientId4x(id)) {
    return id;
  }
  const [ip = '', port = '10911'] = (message.storeHost ?? DEFAULT_STORE_HOST).split(':');
  const hostHex = IPV4.test(ip) ? hexOfIpv4(ip) : hexOfIpv4(ipOf(DEFAULT_STORE_HOST));
  const portHex = (Number(port) & 0xffff).toString(16).padStart(8, '0').toUpperCase();
  // A stable, plausible commit-log position: one 4 KiB slot per crc value.
  const offset = (BigInt(crc32(`commitlog:${id}`)) * 4096n).toString(16).padStart(16, '0').toUpperCase();
  return `${hostHex}${portHex}${offset}`;
}

function explicitAttempts(consumer: SeededTraceConsumer, input: TraceInput): Attempt[] {
  const hosts = clientHostsOf(input.groups.get(consumer.consumerGroup));
  const attempts: Attempt[] = [];
  let previousEnd = input.bornMs;
  consumer.attempts.forEach((seeded, index) => {
    const reconsumeTimes = seeded.reconsumeTimes ?? index;
    const subTime = seeded.afterMs === undefined ? previousEnd + retryDelayMs(index === 0 ? 0 : reconsumeTimes) : input.bornMs + seeded.afterMs;
    const costMs = seeded.costMs ?? DEFAULT_CONSUME_COST_MS;
    previousEnd = subTime + costMs;
    attempts.push({ group: consumer.consumerGroup, clientHost: seeded.clientHost ?? hosts[0] ?? FALLBACK_CLIENT_HOST, subTime, costMs, reconsumeTimes, status: seeded.status });
  });
  return attempts;
}

/** When the track's current state began, or `undefined` if it has not reached `trackType`. */
function consumedSince(track: SeedTrack, input: TraceInput): number | undefined {
  const base = input.message.timelineRelativeTo === 'firstLookup' ? (input.firstLookupMs ?? input.atMs) : input.startedAtMs;
  let state = track.trackType;
  let since = input.bornMs;
  for (const entry of track.timeline ?? []) {
    if (base + entry.afterMs > input.atMs) {
      break;
    }
    if (entry.trackType !== state) {
      since = base + entry.afterMs;
    }
    state = entry.trackType;
  }
  return state === 'CONSUMED' ? since : undefined;
}

function derivedAttempts(track: SeedTrack, input: TraceInput): Attempt[] {
  const group = input.groups.get(track.consumerGroup);
  const hosts = clientHostsOf(group);
  const msgId = input.message.msgId.toUpperCase();
  const dead = (group?.dlq ?? []).find((entry) => entry.msgId.toUpperCase() === msgId);
  if (dead !== undefined) {
    // A dead-lettered message failed every delivery. The 4.x trace has no DLQ row (the docs show
    // none), so the dead-lettering itself only shows through OnsDLQMessageGetById; the failed
    // attempts are spread evenly between the first delivery and the dead-letter time.
    const last = dead.reconsumeTimes ?? DEFAULT_DLQ_RECONSUME_TIMES;
    const first = input.bornMs + DEFAULT_FIRST_DELIVERY_MS;
    const deadAt = input.startedAtMs - (dead.deadLetteredAgoMs ?? DEFAULT_DEAD_LETTERED_AGO_MS);
    const step = Math.max(DEFAULT_CONSUME_COST_MS, Math.floor((deadAt - DEFAULT_CONSUME_COST_MS - first) / Math.max(1, last)));
    return Array.from({ length: last + 1 }, (_, r) => ({
      group: track.consumerGroup,
      clientHost: hosts[r % hosts.length] ?? FALLBACK_CLIENT_HOST,
      subTime: first + r * step,
      costMs: DEFAULT_CONSUME_COST_MS,
      reconsumeTimes: r,
      status: ONS_TRACE_STATUS.consumeFailed,
    }));
  }
  const since = consumedSince(track, input);
  if (since === undefined) {
    return [];
  }
  return [
    {
      group: track.consumerGroup,
      clientHost: hosts[0] ?? FALLBACK_CLIENT_HOST,
      subTime: Math.max(input.bornMs + DEFAULT_FIRST_DELIVERY_MS, since),
      costMs: DEFAULT_CONSUME_COST_MS,
      reconsumeTimes: 0,
      status: ONS_TRACE_STATUS.consumeSuccess,
    },
  ];
}

function toSubMapDo(group: string, attempts: readonly Attempt[]): SubMapDo {
  return {
    SubGroupName: group,
    SuccessCount: attempts.filter((attempt) => attempt.status === ONS_TRACE_STATUS.consumeSuccess).length,
    FailCount: attempts.filter((attempt) => attempt.status === ONS_TRACE_STATUS.consumeFailed || attempt.status === ONS_TRACE_STATUS.consumeNotReturn).length,
    ClientList: {
      SubClientInfoDo: attempts.map((attempt) => ({
        SubGroupName: group,
        ClientHost: attempt.clientHost,
        SubTime: attempt.subTime,
        CostTime: attempt.costMs,
        ReconsumeTimes: attempt.reconsumeTimes,
        Status: attempt.status,
      })),
    },
  };
}

/**
 * When a seeded message was born, on the emulator clock.
 *
 * @param message - The seeded message.
 * @param startedAtMs - When the emulator was created.
 * @param requestMs - Now, for `bornRelativeTo: "request"`.
 * @returns Epoch ms.
 */
export function bornMsOf(message: SeedMessage, startedAtMs: number, requestMs: number): number {
  return (message.bornRelativeTo === 'request' ? requestMs : startedAtMs) - (message.bornAgoMs ?? DEFAULT_BORN_AGO_MS);
}

/**
 * Builds the `TraceMapDo` of one message as it stands at `input.atMs`: the send (always), and per
 * group the delivery attempts delivered by then. Groups come from `trace.consumers` when seeded,
 * else from the tracks: a group with a DLQ entry for the message failed ReconsumeTimes 0..N, a
 * group whose track is (by then) CONSUMED consumed it once, any other group has no SubMapDo.
 *
 * @param input - The message and the moment.
 * @returns The trace, or `undefined` for a message without trace data (`trace.recorded: false`).
 */
export function buildTraceMapDo(input: TraceInput): TraceMapDo | undefined {
  const { message } = input;
  const trace = message.trace;
  if (trace?.recorded === false) {
    return undefined;
  }
  const attemptsByGroup: Array<[string, Attempt[]]> =
    trace?.consumers === undefined
      ? message.tracks.map((track) => [track.consumerGroup, derivedAttempts(track, input)])
      : trace.consumers.map((consumer) => [consumer.consumerGroup, explicitAttempts(consumer, input)]);
  const subMaps = attemptsByGroup
    .map(([group, attempts]) => [group, attempts.filter((attempt) => attempt.subTime <= input.atMs)] as const)
    .filter(([, attempts]) => attempts.length > 0)
    .map(([group, attempts]) => toSubMapDo(group, attempts));
  const keys = message.keys ?? [];
  return {
    MsgId: TRACE_MAP_MSG_ID === 'offset' ? offsetMsgIdOf(message) : message.msgId.toUpperCase(),
    // RocketMQ joins keys with a space (MessageConst.KEY_SEPARATOR), as in the KEYS property.
    ...(keys.length === 0 ? {} : { MsgKey: keys.join(' ') }),
    ...(message.tag === undefined ? {} : { Tag: message.tag }),
    Topic: input.topic,
    PubGroupName: trace?.producerGroup ?? DEFAULT_PRODUCER_GROUP,
    PubTime: input.bornMs,
    // The SDK example is an IP without a port ("30.5.**.**"), as the open-source trace records it.
    BornHost: ipOf(bornHostOf(message)),
    CostTime: trace?.sendCostMs ?? Math.max(DEFAULT_SEND_COST_MS, STORE_DELAY_MS),
    Status: trace?.sendStatus ?? ONS_TRACE_STATUS.sendSuccess,
    SubList: { SubMapDo: subMaps },
  };
}
