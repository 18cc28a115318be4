/**
 * Message-ID decoding (ons-api.md §6). Pure: the clock and the producer's time zone are inputs,
 * because a 4.x client ID only stores milliseconds since the start of the producer's month.
 */
import type { ClientIdFacts, MessageIdFacts, OffsetIdFacts, V5IdFacts } from './report-schema';

export type { ClientIdFacts, MessageIdFacts, OffsetIdFacts, V5IdFacts };

export interface DecodeOptions {
  /** "now" in epoch ms: the month of a 4.x client ID is inferred from it. */
  nowMs: number;
  /** The producer JVM's UTC offset in minutes; +480 (UTC+8) is the Alibaba Cloud China default. */
  producerUtcOffsetMinutes: number;
}

const HEX_4X = /^(?:[0-9A-F]{32}|[0-9A-F]{56})$/;
const HEX_5X = /^01[0-9A-F]{32}$/;
const V5_EPOCH_YEAR = 2021;
// Broker offset IDs carry a 4-byte port; real ports never set the top two bytes.
const MAX_PORT = 0xffff;

/** True when `id` (already upper-cased) has a valid 4.x or 5.x shape. */
export function isWellFormedMessageId(id: string): boolean {
  return HEX_4X.test(id) || HEX_5X.test(id);
}

/** Decodes a well-formed message ID; returns undefined for anything else. */
export function decodeMessageId(rawId: string, options: DecodeOptions): MessageIdFacts | undefined {
  const id = rawId.toUpperCase();
  if (HEX_5X.test(id)) return decodeV5(id, options);
  if (!HEX_4X.test(id)) return undefined;
  // Fields are read straight from the hex: a lookup decodes one ID, and a Buffer would cost more.
  const ipLength = id.length === 32 ? 4 : 16;
  const port = unsignedAt(id, ipLength, 4);
  if (port > 0 && port <= MAX_PORT) return decodeOffsetId(id, ipLength, port);
  return decodeClientId(id, ipLength, options);
}

/** The unsigned big-endian integer of `length` (≤ 4) bytes at byte `offset` of a hex ID. */
const unsignedAt = (id: string, offset: number, length: number) => Number.parseInt(id.slice(offset * 2, (offset + length) * 2), 16);

function decodeClientId(id: string, ipLength: number, options: DecodeOptions): ClientIdFacts {
  const producerIp = formatIp(id, ipLength);
  const producerPid = unsignedAt(id, ipLength, 2);
  const classLoaderHash = id.slice((ipLength + 2) * 2, (ipLength + 6) * 2);
  // RocketMQ reads these 4 bytes into a zero-padded long: unsigned.
  const sinceMonthStart = unsignedAt(id, ipLength + 6, 4);
  const counter = unsignedAt(id, ipLength + 10, 2);
  const sentAt = nearlyTimeFromMonthOffset(sinceMonthStart, options);
  return {
    kind: 'CLIENT_ID_4X',
    description: '4.x client message ID (UNIQ_KEY), created by the producer',
    producerIp,
    producerPid,
    classLoaderHash,
    counter,
    approxSentAt: new Date(sentAt).toISOString(),
    assumption: `time assumes the producer ran in ${formatOffset(options.producerUtcOffsetMinutes)} and sent it in the latest month that is not in the future`,
    // Its process-ID bytes are not zero, so no broker port (at most 65535) could read this way.
    ambiguous: false,
  };
}

function decodeOffsetId(id: string, ipLength: number, port: number): OffsetIdFacts {
  return {
    kind: 'OFFSET_ID_4X',
    description: '4.x broker offset message ID (offsetMsgId); OnsMessageTrace expects the client message ID',
    brokerHost: formatIp(id, ipLength),
    brokerPort: port,
    commitLogOffset: BigInt(`0x${id.slice((ipLength + 4) * 2, (ipLength + 12) * 2)}`).toString(),
    // A client ID whose process ID ends in 0x0000 has the same bytes here.
    ambiguous: true,
  };
}

function decodeV5(id: string, options: DecodeOptions): V5IdFacts {
  const bytes = Buffer.from(id.slice(2), 'hex');
  const seconds = bytes.readUInt32BE(8);
  const epoch = Date.UTC(V5_EPOCH_YEAR, 0, 1) - options.producerUtcOffsetMinutes * 60_000;
  return {
    kind: 'MESSAGE_ID_5X',
    description: '5.x message ID (gRPC client)',
    producerMac: [...bytes.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':'),
    producerPid: bytes.readUInt16BE(6),
    sequence: bytes.readUInt32BE(12),
    approxSentAt: new Date(epoch + seconds * 1000).toISOString(),
    assumption: `time assumes the client ran in ${formatOffset(options.producerUtcOffsetMinutes)}; only the low 32 bits of seconds since 2021-01-01 are stored`,
  };
}

/**
 * Mirrors RocketMQ's `MessageClientIDSetter.getNearlyTimeFromID`: the offset is counted from the
 * start of the producer's current month, or of the previous month if that would be in the future.
 */
function nearlyTimeFromMonthOffset(sinceMonthStartMs: number, options: DecodeOptions): number {
  const offsetMs = options.producerUtcOffsetMinutes * 60_000;
  const local = new Date(options.nowMs + offsetMs);
  const thisMonth = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - offsetMs;
  const candidate = thisMonth + sinceMonthStartMs;
  // RocketMQ moves to the previous month when the result is not strictly in the past.
  if (candidate < options.nowMs) return candidate;
  const previousMonth = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1) - offsetMs;
  return previousMonth + sinceMonthStartMs;
}

function formatIp(id: string, length: number): string {
  if (length === 4) return `${unsignedAt(id, 0, 1)}.${unsignedAt(id, 1, 1)}.${unsignedAt(id, 2, 1)}.${unsignedAt(id, 3, 1)}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(unsignedAt(id, i, 2).toString(16));
  return groups.join(':');
}

const offsetLabels = new Map<number, string>();
function formatOffset(minutes: number): string {
  let label = offsetLabels.get(minutes);
  if (label === undefined) {
    label = offsetLabel(minutes);
    if (offsetLabels.size < 16) offsetLabels.set(minutes, label);
  }
  return label;
}

function offsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
