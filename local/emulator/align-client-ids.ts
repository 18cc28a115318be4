import { DEFAULT_BORN_AGO_MS } from './ons-rest-message';
import type { Seed } from './seed-schema';

/** The producer zone the rewritten ids assume: UTC+8, the Alibaba Cloud China default. */
export const ALIGNED_PRODUCER_UTC_OFFSET_MINUTES = 480;
const CLIENT_ID_4X = /^(?:[0-9A-F]{32}|[0-9A-F]{56})$/;
const MAX_PORT = 0xffff;

/** True for a 4.x client id (UNIQ_KEY); false for broker offset ids, 5.x ids and anything else. */
export function isClientId4x(msgId: string): boolean {
  const id = msgId.toUpperCase();
  if (!CLIENT_ID_4X.test(id)) return false;
  const bytes = Buffer.from(id, 'hex');
  // Same rule as the decoder: a value in 1..65535 where an offset id keeps its port is an offset id.
  const port = bytes.readUInt32BE(bytes.length === 16 ? 4 : 16);
  return port === 0 || port > MAX_PORT;
}

/**
 * Rewrites the 4 time bytes of a 4.x client id to `bornMs` as ms since the start of its UTC+8
 * month, as the producer writes them; IP, PID, class-loader hash and counter are kept.
 */
export function alignClientId(msgId: string, bornMs: number): string {
  const bytes = Buffer.from(msgId.toUpperCase(), 'hex');
  const ipLength = bytes.length === 16 ? 4 : 16;
  const offsetMs = ALIGNED_PRODUCER_UTC_OFFSET_MINUTES * 60_000;
  const local = new Date(bornMs + offsetMs);
  const monthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - offsetMs;
  bytes.writeUInt32BE(bornMs - monthStart, ipLength + 6);
  return bytes.toString('hex').toUpperCase();
}

/**
 * A copy of `seed` whose 4.x client ids (messages and DLQ entries) encode each message's born
 * time: `startedAtMs - bornAgoMs`, also for `bornRelativeTo: "request"` messages (a fixed id can
 * only reflect the start). 5.x and offset ids are unchanged.
 */
export function alignSeedClientIds(seed: Seed, startedAtMs: number): Seed {
  const copy = structuredClone(seed);
  for (const instance of copy.instances) {
    const renamed = new Map<string, string>();
    for (const message of instance.topics.flatMap((topic) => topic.messages)) {
      if (!isClientId4x(message.msgId)) continue;
      const aligned = alignClientId(message.msgId, startedAtMs - (message.bornAgoMs ?? DEFAULT_BORN_AGO_MS));
      renamed.set(message.msgId.toUpperCase(), aligned);
      if (aligned !== message.msgId.toUpperCase()) message.alsoKnownAs = [...(message.alsoKnownAs ?? []), message.msgId];
      message.msgId = aligned;
    }
    for (const entry of (instance.consumerGroups ?? []).flatMap((group) => group.dlq ?? [])) {
      entry.msgId = renamed.get(entry.msgId.toUpperCase()) ?? entry.msgId;
    }
  }
  return copy;
}
