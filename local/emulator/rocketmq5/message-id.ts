/**
 * Builds 5.x message ids (gRPC clients): `01` + MAC (6 bytes) + PID (2 bytes) + seconds since
 * 2021-01-01 00:00 in the producer's local time (low 4 bytes) + sequence (4 bytes), upper-case
 * hex. This is the layout shared/trace/message-id.ts decodes.
 */

const V5_EPOCH_UTC = Date.UTC(2021, 0, 1);

/** The parts of a generated id that do not depend on time. */
export interface MessageIdParts {
  /** `AA:BB:CC:DD:EE:FF`. */
  producerMac: string;
  producerPid: number;
  sequence: number;
}

/**
 * Composes a 5.x message id whose embedded time is `bornMs` as seen by a producer in the given zone.
 *
 * @param parts - MAC, PID and sequence.
 * @param bornMs - When the producer created the id (epoch ms).
 * @param producerUtcOffsetMinutes - The producer's UTC offset (mqtrace assumes +480).
 * @returns 34 upper-case hex digits.
 * @example
 * composeMessageId({ producerMac: '00:16:3E:5D:0A:01', producerPid: 4711, sequence: 1 }, Date.UTC(2025, 0, 1), 480);
 */
export function composeMessageId(parts: MessageIdParts, bornMs: number, producerUtcOffsetMinutes: number): string {
  const bytes = Buffer.alloc(16);
  Buffer.from(parts.producerMac.replace(/:/g, ''), 'hex').copy(bytes, 0);
  bytes.writeUInt16BE(parts.producerPid, 6);
  const seconds = Math.floor((bornMs + producerUtcOffsetMinutes * 60_000 - V5_EPOCH_UTC) / 1000);
  bytes.writeUInt32BE(((seconds % 0x1_0000_0000) + 0x1_0000_0000) % 0x1_0000_0000, 8);
  bytes.writeUInt32BE(parts.sequence, 12);
  return `01${bytes.toString('hex').toUpperCase()}`;
}
