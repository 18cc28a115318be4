import { describe, expect, it } from 'vitest';
import { formatIssuePath, parseSeedText, SeedLoadError } from '../../../local/emulator/load-seed';
import { tagsOf } from '../../../local/emulator/ons-consumer-group';
import { SeedSchema, type Seed } from '../../../local/emulator/seed-schema';

const MSG_ID = '0A000C22303918B4AAC244F9ABC301A3';
type Group = NonNullable<Seed['instances'][number]['consumerGroups']>[number];

function buildSeed(groups: Group[], message: Record<string, unknown> = {}): Seed {
  return {
    accounts: [{ accountId: '1111222233334444', credentials: [{ accessKeyId: 'unit-key-id', accessKeySecret: 'unit-secret', allowedActions: ['*'] }] }],
    instances: [
      {
        instanceId: 'MQ_INST_1111222233334444_BXunit',
        accountId: '1111222233334444',
        topics: [{ topic: 'orders', messages: [{ msgId: MSG_ID, tracks: [{ consumerGroup: 'GID_a', trackType: 'NOT_CONSUME_YET' }], ...message }] }],
        consumerGroups: groups,
      },
    ],
  };
}

const group = (overrides: Partial<Group> = {}): Group => ({
  groupId: 'GID_a',
  connections: [{ clientId: '10.0.0.1@1', subscriptions: [{ topic: 'orders', subString: '*' }] }],
  ...overrides,
});

function issuesOf(candidate: unknown): Array<{ path: string; message: string }> {
  const result = SeedSchema.safeParse(candidate);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
}

describe('Schema: SeedSchema consumerGroups', () => {
  it('accepts groups with backlog, connections, subscriptions and a DLQ entry for a seeded message', () => {
    // Arrange
    const seed = buildSeed(
      [
        group({
          consumeModel: 'CLUSTERING',
          consumeTps: 2.5,
          rebalanceOk: false,
          topics: [{ topic: 'orders', totalDiff: 10, delayMs: 500, lastConsumedAgoMs: 60_000 }],
          dlq: [{ msgId: MSG_ID.toLowerCase(), reconsumeTimes: 16, deadLetteredAgoMs: 1000 }],
        }),
        group({ groupId: 'GID_offline', connections: [] }),
      ],
      { bornRelativeTo: 'request', bornAgoMs: 1500 },
    );

    // Act & Assert
    expect(issuesOf(seed)).toEqual([]);
  });

  it.each([
    ['a duplicate groupId', [group(), group()], 'instances[0].consumerGroups[1].groupId', 'Duplicate groupId "GID_a".'],
    [
      'a duplicate clientId',
      [group({ connections: [group().connections[0] as Group['connections'][number], group().connections[0] as Group['connections'][number]] })],
      'instances[0].consumerGroups[0].connections[1].clientId',
      'Duplicate clientId "10.0.0.1@1".',
    ],
    [
      'a DLQ entry for a message that is not seeded',
      [group({ dlq: [{ msgId: '0A000C22303918B4AAC244F9FFFF0001' }] })],
      'instances[0].consumerGroups[0].dlq[0].msgId',
      'No message "0A000C22303918B4AAC244F9FFFF0001" is seeded on instance MQ_INST_1111222233334444_BXunit.',
    ],
    [
      'the same DLQ message twice',
      [group({ dlq: [{ msgId: MSG_ID }, { msgId: MSG_ID.toLowerCase() }] })],
      'instances[0].consumerGroups[0].dlq[1].msgId',
      `Duplicate dlq msgId (case-insensitive) "${MSG_ID}".`,
    ],
    [
      'one topic listed twice',
      [group({ topics: [{ topic: 'orders' }, { topic: 'orders', totalDiff: 1 }] })],
      'instances[0].consumerGroups[0].topics[1].topic',
      'Duplicate topic "orders".',
    ],
  ])('names the field of %s', (_label, groups, path, message) => {
    expect(issuesOf(buildSeed(groups))).toEqual([{ path, message }]);
  });

  it.each([
    ['a negative backlog', group({ topics: [{ topic: 'orders', totalDiff: -1 }] }), 'instances[0].consumerGroups[0].topics[0].totalDiff'],
    ['a client without subscriptions', group({ connections: [{ clientId: 'c', subscriptions: [] }] }), 'instances[0].consumerGroups[0].connections[0].subscriptions'],
    ['an unknown consume model', group({ consumeModel: 'FANOUT' as never }), 'instances[0].consumerGroups[0].consumeModel'],
    ['an empty subscription expression', group({ connections: [{ clientId: 'c', subscriptions: [{ topic: 'orders', subString: ' ' }] }] }), 'instances[0].consumerGroups[0].connections[0].subscriptions[0].subString'],
    ['an unknown field', { ...group(), online: true } as Group, 'instances[0].consumerGroups[0]'],
  ])('rejects %s', (_label, bad, path) => {
    expect(issuesOf(buildSeed([bad])).map((i) => i.path)).toEqual([path]);
  });

  it('rejects an unknown bornRelativeTo', () => {
    expect(issuesOf(buildSeed([group()], { bornRelativeTo: 'yesterday' })).map((i) => i.path)).toEqual(['instances[0].topics[0].messages[0].bornRelativeTo']);
  });

  it('explains a bad seed file with the failing path when loading it', () => {
    const text = JSON.stringify(buildSeed([group({ dlq: [{ msgId: '0A000C22303918B4AAC244F9FFFF0001' }] })]));
    expect(() => parseSeedText(text, 'bad.json')).toThrow(SeedLoadError);
    expect(() => parseSeedText(text, 'bad.json')).toThrow(/instances\[0\]\.consumerGroups\[0\]\.dlq\[0\]\.msgId: No message/);
  });
});

describe('Function: tagsOf', () => {
  it.each([
    ['*', []],
    ['  ', []],
    ['TagA', ['TagA']],
    ['TagA || TagB', ['TagA', 'TagB']],
    ['TagA||TagB||', ['TagA', 'TagB']],
  ])('parses %j as %j', (expression, tags) => {
    expect(tagsOf(expression)).toEqual(tags);
  });
});
