import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEMO_SEED_PATH, SeedLoadError, formatIssuePath, parseSeedText } from '../../../local/emulator/load-seed';
import { FaultSchema, SeedSchema, seedJsonSchema, type Seed } from '../../../local/emulator/seed-schema';

const SCHEMA_FILE = new URL('../../../local/emulator/seed.schema.json', import.meta.url);
const MSG_ID = '0A000C22303918B4AAC244F9ABC301A3';

function buildMinimalSeed(): Seed {
  return {
    accounts: [
      {
        accountId: '1111222233334444',
        credentials: [
          { accessKeyId: 'unit-key-id', accessKeySecret: 'unit-secret', allowedActions: ['*'] },
          { accessKeyId: 'STS.unit-key-id', accessKeySecret: 'unit-secret', securityToken: 'tok', expiresAt: '2099-01-01T00:00:00Z', allowedActions: [] },
        ],
      },
    ],
    instances: [
      {
        instanceId: 'MQ_INST_1111222233334444_BXunit',
        accountId: '1111222233334444',
        topics: [{ topic: 'orders', messages: [{ msgId: MSG_ID, tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] }] }],
      },
    ],
  };
}

function issuesOf(candidate: unknown): { path: string; message: string }[] {
  const result = SeedSchema.safeParse(candidate);
  if (result.success) {
    return [];
  }
  return result.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
}

describe('Schema: SeedSchema', () => {
  it('accepts a minimal seed and the demo seed', async () => {
    const demo = JSON.parse(await readFile(DEMO_SEED_PATH, 'utf8')) as unknown;

    expect(issuesOf(buildMinimalSeed())).toStrictEqual([]);
    expect(issuesOf(demo)).toStrictEqual([]);
  });

  it.each([
    {
      name: 'an AccessKey id that looks real',
      mutate: (seed: Seed) => {
        // Assembled, so that secret scanners do not flag this fake key in the source.
        seed.accounts[0]!.credentials[0]!.accessKeyId = ['LTAI', '5tExampleExample'].join('');
      },
      path: 'accounts[0].credentials[0].accessKeyId',
    },
    {
      name: 'a duplicate AccessKey id',
      mutate: (seed: Seed) => {
        seed.accounts.push({ accountId: '5555666677778888', credentials: [{ accessKeyId: 'unit-key-id', accessKeySecret: 'other-secret', allowedActions: [] }] });
      },
      path: 'accounts[1].credentials[0].accessKeyId',
    },
    {
      name: 'an STS id without a token',
      mutate: (seed: Seed) => {
        delete seed.accounts[0]!.credentials[1]!.securityToken;
        delete seed.accounts[0]!.credentials[1]!.expiresAt;
      },
      path: 'accounts[0].credentials[1].securityToken',
    },
    {
      name: 'a token on a non-STS id',
      mutate: (seed: Seed) => {
        seed.accounts[0]!.credentials[0]!.securityToken = 'tok';
      },
      path: 'accounts[0].credentials[0].accessKeyId',
    },
    {
      name: 'an expiry that is not ISO-8601 UTC',
      mutate: (seed: Seed) => {
        seed.accounts[0]!.credentials[1]!.expiresAt = 'tomorrow';
      },
      path: 'accounts[0].credentials[1].expiresAt',
    },
    {
      name: 'an instance owned by an unknown account',
      mutate: (seed: Seed) => {
        seed.instances[0]!.accountId = '9999999999999999';
      },
      path: 'instances[0].accountId',
    },
    {
      name: 'the same msgId twice in different case',
      mutate: (seed: Seed) => {
        seed.instances[0]!.topics[0]!.messages.push({ msgId: MSG_ID.toLowerCase(), tracks: [] });
      },
      path: 'instances[0].topics[0].messages[1].msgId',
    },
    {
      name: 'a malformed msgId',
      mutate: (seed: Seed) => {
        seed.instances[0]!.topics[0]!.messages[0]!.msgId = 'XYZ';
      },
      path: 'instances[0].topics[0].messages[0].msgId',
    },
    {
      name: 'a timeline that goes back in time',
      mutate: (seed: Seed) => {
        seed.instances[0]!.topics[0]!.messages[0]!.tracks[0]!.timeline = [
          { afterMs: 5000, trackType: 'CONSUMED' },
          { afterMs: 5000, trackType: 'UNKNOWN' },
        ];
      },
      path: 'instances[0].topics[0].messages[0].tracks[0].timeline[1].afterMs',
    },
    {
      name: 'a lower-case track type',
      mutate: (seed: Seed) => {
        seed.instances[0]!.topics[0]!.messages[0]!.tracks[0]!.trackType = 'consumed';
      },
      path: 'instances[0].topics[0].messages[0].tracks[0].trackType',
    },
    {
      name: 'a limit for an undocumented action',
      mutate: (seed: Seed) => {
        (seed as { limits?: Record<string, unknown> }).limits = { OnsInstanceDelete: { count: 1, windowMs: 1000 } };
      },
      path: 'limits.OnsInstanceDelete',
    },
    {
      name: 'two trace entries for one consumer group',
      mutate: (seed: Seed) => {
        seed.instances[0]!.topics[0]!.messages[0]!.trace = {
          consumers: [
            { consumerGroup: 'GID_a', attempts: [{ status: 'CONSUME_FAILED' }] },
            { consumerGroup: 'GID_a', attempts: [{ status: 'CONSUME_SUCCESS' }] },
          ],
        };
      },
      path: 'instances[0].topics[0].messages[0].trace.consumers[1].consumerGroup',
    },
    {
      name: 'a trace group without attempts',
      mutate: (seed: Seed) => {
        seed.instances[0]!.topics[0]!.messages[0]!.trace = { consumers: [{ consumerGroup: 'GID_a', attempts: [] }] };
      },
      path: 'instances[0].topics[0].messages[0].trace.consumers[0].attempts',
    },
    {
      name: 'trace tasks removed before they can finish',
      mutate: (seed: Seed) => {
        seed.traceTasks = { resultDelayMs: 5000, retentionMs: 5000 };
      },
      path: 'traceTasks.retentionMs',
    },
    {
      name: 'a retention shorter than the default result delay',
      mutate: (seed: Seed) => {
        seed.traceTasks = { retentionMs: 1000 };
      },
      path: 'traceTasks.retentionMs',
    },
    {
      name: 'an unknown top-level key',
      mutate: (seed: Seed) => {
        (seed as Record<string, unknown>).unknwonMessage = 'empty';
      },
      path: '(root)',
    },
  ])('reports $name at its path', ({ mutate, path }) => {
    const seed = structuredClone(buildMinimalSeed());
    mutate(seed);

    expect(issuesOf(seed).map((issue) => issue.path)).toContain(path);
  });
});

describe('Schema: FaultSchema', () => {
  it.each([{ latencyMs: 0 }, { errorCode: 'ServiceUnavailable' }, { dropRate: 1, times: 2 }, { html502Rate: 0.25 }])('accepts %j', (fault) => {
    expect(FaultSchema.safeParse(fault).success).toBe(true);
  });

  it.each([{}, { times: 1 }, { errorRate: -0.1 }, { latencyMs: 1.5 }, { errorCode: 'Nope' }, { dropRate: 1, extra: true }])('rejects %j', (fault) => {
    expect(FaultSchema.safeParse(fault).success).toBe(false);
  });
});

describe('Function: seedJsonSchema()', () => {
  it('matches the committed local/emulator/seed.schema.json (regenerate: npm run --silent emulator -- --print-seed-schema > local/emulator/seed.schema.json)', async () => {
    const committed = JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as unknown;

    expect(committed).toStrictEqual(seedJsonSchema());
  });
});

describe('Function: parseSeedText()', () => {
  it('names the source and each failing field', () => {
    const seed = buildMinimalSeed();
    seed.instances[0]!.topics[0]!.topic = 'bad topic';

    expect(() => parseSeedText(JSON.stringify(seed), 'my-seed.json')).toThrow(
      /^Seed file my-seed\.json is invalid:\n {2}instances\[0\]\.topics\[0\]\.topic: /,
    );
  });

  it('reports invalid JSON as a SeedLoadError', () => {
    expect(() => parseSeedText('{', 'x.json')).toThrow(SeedLoadError);
  });
});
