import { crc32 } from 'node:zlib';
import type { SeedMessage } from './seed-index';

/** `bornAgoMs` of a seeded message that does not set it: 10 minutes before emulator start. */
export const DEFAULT_BORN_AGO_MS = 600_000;
/** Broker delay between a message's born and store times. */
export const STORE_DELAY_MS = 3;
const DEFAULT_STORE_HOST = '10.0.8.15:10911';
const DEFAULT_BODY_SIZE = 256;
// Header and properties a 4.x broker stores with the body (approximate, for StoreSize).
const STORED_OVERHEAD_BYTES = 180;
const UNIQ_KEY_PATTERN = /^[0-9A-F]{32}$/;
const OFFSET_ID_MARKER = '00002A9F';

/** One `OnsRestMessageDo`, as OnsMessageGetByMsgId and OnsMessagePageQueryByTopic return it (ons-api.md §2). */
export interface OnsRestMessageDo {
  Topic: string;
  MsgId: string;
  InstanceId: string;
  BornTimestamp: number;
  BornHost: string;
  StoreTimestamp: number;
  StoreHost: string;
  StoreSize: number;
  BodyCRC: number;
  ReconsumeTimes: number;
  PropertyList: { MessageProperty: Array<{ Name: string; Value: string }> };
}

/**
 * When a seeded message was stored, on the emulator clock.
 *
 * @param message - The seeded message.
 * @param startedAtMs - When the emulator was created.
 * @returns Epoch ms.
 */
export function storeTimestampOf(message: SeedMessage, startedAtMs: number): number {
  return startedAtMs - (message.bornAgoMs ?? DEFAULT_BORN_AGO_MS) + STORE_DELAY_MS;
}

function ipv4Of(hex: string): string {
  return (hex.match(/../g) ?? []).map((byte) => Number.parseInt(byte, 16)).join('.');
}

/** A producer "ip:port": the IP a 4.x UNIQ_KEY carries, with a stable ephemeral port. */
function defaultBornHost(msgId: string): string {
  const id = msgId.toUpperCase();
  const port = 32768 + (crc32(id) % 28000);
  const isUniqKey = UNIQ_KEY_PATTERN.test(id) && id.slice(8, 16) !== OFFSET_ID_MARKER;
  return `${isUniqKey ? ipv4Of(id.slice(0, 8)) : '10.0.12.10'}:${port}`;
}

/**
 * The producer "ip:port" of a seeded message: its `bornHost`, else the IP its 4.x client id carries.
 *
 * @param message - The seeded message.
 * @returns The host.
 */
export function bornHostOf(message: SeedMessage): string {
  return message.bornHost ?? defaultBornHost(message.msgId);
}

/**
 * Renders a seeded message the way the message query actions return it.
 *
 * @param message - The seeded message.
 * @param where - Its instance and topic, and when the emulator was created.
 * @returns The `OnsRestMessageDo`.
 */
export function toOnsRestMessageDo(message: SeedMessage, where: { instanceId: string; topic: string; startedAtMs: number }): OnsRestMessageDo {
  const msgId = message.msgId.toUpperCase();
  const storeTimestamp = storeTimestampOf(message, where.startedAtMs);
  const properties: Array<{ Name: string; Value: string }> = [{ Name: 'TRACE_ON', Value: message.trace?.recorded === false ? 'false' : 'true' }];
  if (message.keys !== undefined && message.keys.length > 0) {
    // RocketMQ joins keys with a space (MessageConst.KEY_SEPARATOR).
    properties.push({ Name: 'KEYS', Value: message.keys.join(' ') });
  }
  if (message.tag !== undefined) {
    properties.push({ Name: 'TAGS', Value: message.tag });
  }
  properties.push({ Name: 'INSTANCE_ID', Value: where.instanceId });
  if (UNIQ_KEY_PATTERN.test(msgId) && msgId.slice(8, 16) !== OFFSET_ID_MARKER) {
    properties.push({ Name: 'UNIQ_KEY', Value: msgId });
  }
  return {
    Topic: where.topic,
    MsgId: msgId,
    InstanceId: where.instanceId,
    BornTimestamp: storeTimestamp - STORE_DELAY_MS,
    BornHost: bornHostOf(message),
    StoreTimestamp: storeTimestamp,
    StoreHost: message.storeHost ?? DEFAULT_STORE_HOST,
    StoreSize: (message.bodySize ?? DEFAULT_BODY_SIZE) + STORED_OVERHEAD_BYTES,
    // RocketMQ keeps the body CRC as a non-negative int (UtilAll.crc32 & 0x7FFFFFFF).
    BodyCRC: crc32(`body:${msgId}`) & 0x7fffffff,
    ReconsumeTimes: message.reconsumeTimes ?? 0,
    PropertyList: { MessageProperty: properties },
  };
}
