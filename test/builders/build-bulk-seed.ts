import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Seed } from '../../local/emulator/seed-schema';

export const BULK_ACCOUNT = '2222333344445555';
export const BULK_INSTANCE = 'MQ_INST_2222333344445555_BXbulk01';
export const BULK_CREDENTIAL = {
  accessKeyId: 'STS.mqtrace-bulk-key-id',
  accessKeySecret: 'mqtrace-bulk-secret-not-real',
  securityToken: 'mqtrace-bulk-token-not-real',
};

type SeedMessage = Seed['instances'][number]['topics'][number]['messages'][number];

export interface BulkTopic {
  topic: string;
  count: number;
  /** Every n-th message has GID_shipping NOT_CONSUME_YET; 0 (default) for none. */
  stuckEvery?: number;
}

/** A 4.x UNIQ_KEY-shaped id: producer 10.0.12.34, pid from `topicIndex`, class-loader hash, counter `n`. */
export function bulkMsgId(topicIndex: number, n: number): string {
  return `0A000C22${(0x1000 + topicIndex).toString(16).toUpperCase()}18B4AAC2${n.toString(16).toUpperCase().padStart(12, '0')}`;
}

/** Messages born 6 to 56 minutes before emulator start: all past the default grace, within the default hour. */
function messagesOf(topicIndex: number, spec: BulkTopic): SeedMessage[] {
  return Array.from({ length: spec.count }, (_, i) => {
    const stuck = spec.stuckEvery !== undefined && spec.stuckEvery > 0 && i % spec.stuckEvery === 0;
    return {
      msgId: bulkMsgId(topicIndex, i + 1),
      bornAgoMs: 360_000 + Math.floor((i * 3_000_000) / spec.count),
      tag: 'bulk',
      tracks: [
        { consumerGroup: 'GID_billing', trackType: 'CONSUMED' },
        { consumerGroup: 'GID_shipping', trackType: stuck ? 'NOT_CONSUME_YET' : 'CONSUMED' },
      ],
    };
  });
}

/** A seed of one account and instance holding `topics`, generated: many messages without bloating demo.json. */
export function buildBulkSeed(topics: BulkTopic[]): Seed {
  return {
    accounts: [
      {
        accountId: BULK_ACCOUNT,
        credentials: [{ ...BULK_CREDENTIAL, expiresAt: '2099-01-01T00:00:00Z', allowedActions: ['mq:QueryMessageTrace', 'mq:QueryMessage'] }],
      },
    ],
    instances: [{ instanceId: BULK_INSTANCE, accountId: BULK_ACCOUNT, topics: topics.map((spec, i) => ({ topic: spec.topic, messages: messagesOf(i, spec) })) }],
  };
}

/** Writes a seed to a temp file; returns its path. */
export function writeSeedFile(seed: Seed): string {
  const path = join(mkdtempSync(join(tmpdir(), 'mqtrace-bulk-seed-')), 'seed.json');
  writeFileSync(path, JSON.stringify(seed));
  return path;
}
