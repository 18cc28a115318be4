import { describe, expect, it } from 'vitest';
import { decodeMessageId } from '../../../shared/trace/message-id';
import { DEMO_SEED_PATH, formatIssuePath, loadSeedFile } from '../../../local/emulator/load-seed';
import { ROCKETMQ5_ACTION_NAMES } from '../../../local/emulator/rocketmq5/action-names';
import type { RocketMq5Call } from '../../../local/emulator/rocketmq5/call-context';
import { handleGetConsumeTimespan, handleListTopicSubscriptions } from '../../../local/emulator/rocketmq5/group-handlers';
import { createScrollStore } from '../../../local/emulator/rocketmq5/scroll-store';
import { handleGetTrace } from '../../../local/emulator/rocketmq5/trace-handlers';
import { buildRocketMq5World, listRocketMq5Messages, type RocketMq5World } from '../../../local/emulator/rocketmq5/world';
import { SeedSchema, type Seed } from '../../../local/emulator/seed-schema';

const ACCOUNT = '1111222233334444';

function buildSeed(): Seed {
  return {
    accounts: [{ accountId: ACCOUNT, credentials: [{ accessKeyId: 'unit5-key-id', accessKeySecret: 'unit5-secret', allowedActions: ['rocketmq:*'] }] }],
    instances: [],
    limits: { GetTrace: { count: 2, windowMs: 1000 } },
    faults: { ListMessages: { errorCode: 'ServiceUnavailable', times: 1 } },
    rocketmq5: {
      instances: [
        {
          instanceId: 'rmq-cn-unit50001',
          accountId: ACCOUNT,
          topics: [
            {
              topicName: 'orders',
              messages: [
                {
                  generatedId: { producerMac: '00:16:3E:00:00:01', producerPid: 1, sequence: 1 },
                  consumers: [{ consumerGroupId: 'GID_a', records: [{ consumeStatus: 'SUCCESS' }] }],
                },
                { messageId: `01${'A'.repeat(32)}`, consumers: [] },
              ],
            },
          ],
          consumerGroups: [{ consumerGroupId: 'GID_a', subscriptions: [{ topicName: 'orders' }], connections: [{ clientId: '10.0.0.1@1' }] }],
        },
      ],
    },
  };
}

function issuePaths(candidate: unknown): string[] {
  const result = SeedSchema.safeParse(candidate);
  return result.success ? [] : result.error.issues.map((issue) => formatIssuePath(issue.path));
}

type Instance5 = NonNullable<Seed['rocketmq5']>['instances'][number];

function mutateInstance(mutate: (instance: Instance5) => void): Seed {
  const seed = structuredClone(buildSeed());
  const instance = seed.rocketmq5?.instances[0];
  if (instance === undefined) {
    throw new Error('fixture has no instance');
  }
  mutate(instance);
  return seed;
}

describe('Schema: the rocketmq5 seed section', () => {
  it('accepts a minimal section, 5.x limit and fault keys, and the demo seed', async () => {
    const demo = await loadSeedFile(DEMO_SEED_PATH);

    expect(issuePaths(buildSeed())).toStrictEqual([]);
    expect(demo.rocketmq5?.instances.map((instance) => instance.instanceId)).toStrictEqual(['rmq-cn-demo5x0001', 'rmq-cn-other5x0001']);
  });

  it.each([
    { name: 'an unknown owner account', mutate: (i: Instance5) => void (i.accountId = '9999999999999999'), path: 'rocketmq5.instances[0].accountId' },
    {
      name: 'a trace entry for an unseeded group',
      mutate: (i: Instance5) => i.topics[0]?.messages[0]?.consumers.push({ consumerGroupId: 'GID_ghost' }),
      path: 'rocketmq5.instances[0].topics[0].messages[0].consumers[1].consumerGroupId',
    },
    {
      name: 'a subscription to an unseeded topic',
      mutate: (i: Instance5) => i.consumerGroups[0]?.subscriptions.push({ topicName: 'ghost' }),
      path: 'rocketmq5.instances[0].consumerGroups[0].subscriptions[1].topicName',
    },
    {
      name: 'both messageId and generatedId',
      mutate: (i: Instance5) => {
        const message = i.topics[0]?.messages[0];
        if (message !== undefined) message.messageId = `01${'B'.repeat(32)}`;
      },
      path: 'rocketmq5.instances[0].topics[0].messages[0]',
    },
    {
      name: 'neither messageId nor generatedId',
      mutate: (i: Instance5) => {
        const message = i.topics[0]?.messages[1];
        if (message !== undefined) delete message.messageId;
      },
      path: 'rocketmq5.instances[0].topics[0].messages[1]',
    },
    {
      name: 'a seeded %DLQ% topic',
      mutate: (i: Instance5) => i.topics.push({ topicName: '%DLQ%GID_a', messages: [] }),
      path: 'rocketmq5.instances[0].topics[1].topicName',
    },
    {
      name: 'a duplicate generated id',
      mutate: (i: Instance5) =>
        i.topics[0]?.messages.push({ generatedId: { producerMac: '00:16:3E:00:00:01', producerPid: 1, sequence: 1 }, consumers: [] }),
      path: 'rocketmq5.instances[0].topics[0].messages[2].generatedId',
    },
    {
      name: 'a dead letter without delivery records',
      mutate: (i: Instance5) => i.topics[0]?.messages[1]?.consumers.push({ consumerGroupId: 'GID_a', deadLetter: {} }),
      path: 'rocketmq5.instances[0].topics[0].messages[1].consumers[0].deadLetter',
    },
    {
      name: "a client filter for a topic the group does not subscribe to",
      mutate: (i: Instance5) => {
        const connection = i.consumerGroups[0]?.connections[0];
        if (connection !== undefined) connection.subscriptions = [{ topicName: 'other' }];
      },
      path: 'rocketmq5.instances[0].consumerGroups[0].connections[0].subscriptions[0].topicName',
    },
    {
      name: 'a lower-case consume status',
      mutate: (i: Instance5) => {
        const record = i.topics[0]?.messages[0]?.consumers[0]?.records?.[0];
        if (record !== undefined) record.consumeStatus = 'success';
      },
      path: 'rocketmq5.instances[0].topics[0].messages[0].consumers[0].records[0].consumeStatus',
    },
  ])('reports $name at its path', ({ mutate, path }) => {
    expect(issuePaths(mutateInstance(mutate))).toContain(path);
  });

  it('rejects a duplicate 5.x instance id', () => {
    const seed = buildSeed();
    const instance = seed.rocketmq5?.instances[0];
    seed.rocketmq5?.instances.push(structuredClone(instance!));

    expect(issuePaths(seed)).toContain('rocketmq5.instances[1].instanceId');
  });
});

function tagMatches(filter: string | undefined, tag: string | undefined): boolean {
  const expression = filter ?? '*';
  return expression.trim() === '*' || expression.split('||').some((part) => part.trim() === tag);
}

function callAt(world: RocketMq5World, accountId: string, nowMs: number, params: Record<string, string>): RocketMq5Call {
  return { params: new Map(Object.entries(params)), accountId, world, nowMs, scrolls: createScrollStore({ now: () => nowMs, newId: () => 'S' }) };
}

describe('Seed: the 5.x part of seeds/demo.json', async () => {
  const seed = await loadSeedFile(DEMO_SEED_PATH);
  const startedAt = Date.UTC(2025, 11, 1, 2, 0, 0);
  const world = buildRocketMq5World(seed.rocketmq5, startedAt);
  const demo = seed.rocketmq5?.instances.find((instance) => instance.instanceId === 'rmq-cn-demo5x0001');
  const instance = world.instances.get('rmq-cn-demo5x0001');
  const rows = listRocketMq5Messages(world).filter((row) => row.instanceId === 'rmq-cn-demo5x0001' && !row.topicName.startsWith('%DLQ%'));

  it('belongs to the demo account, and the demo STS key may call every 5.x operation', () => {
    const account = seed.accounts.find((candidate) => candidate.accountId === demo?.accountId);
    const sts = account?.credentials.find((credential) => credential.accessKeyId.startsWith('STS.'));

    expect(demo?.accountId).toBe('1234567890123456');
    expect(ROCKETMQ5_ACTION_NAMES.every((action) => sts?.allowedActions.includes(`rocketmq:${action}`))).toBe(true);
  });

  it('generates message ids whose embedded time is the born time (UTC+8, as mqtrace decodes)', () => {
    for (const row of rows) {
      const facts = decodeMessageId(row.messageId, { nowMs: startedAt, producerUtcOffsetMinutes: 480 });

      expect(facts?.kind).toBe('MESSAGE_ID_5X');
      expect(facts !== undefined && 'approxSentAt' in facts ? facts.approxSentAt : '').toBe(new Date(Math.floor(row.bornTimeMs / 1000) * 1000).toISOString());
    }
  });

  it('gives every message a note and a unique first key', () => {
    expect(rows.every((row) => (row.note ?? '').length > 0)).toBe(true);
    expect(new Set(rows.map((row) => row.messageKeys[0])).size).toBe(rows.length);
  });

  it('shows every case: all SUCCESS, dead-lettered, record-less, filtered by tag, offline with backlog, FIFO', () => {
    const traces = rows.map((row) => handleGetTrace(callAt(world, '1234567890123456', startedAt, { instanceId: row.instanceId, topicName: row.topicName, messageId: row.messageId })));
    const infos = traces.map((trace) => trace.consumerInfos as { consumerGroupId: string; consumeStatus?: string; deadMessage: boolean; records: unknown[] }[]);
    const groups = demo?.consumerGroups ?? [];

    expect(infos.some((list) => list.length >= 3 && list.every((info) => info.consumeStatus === 'SUCCESS'))).toBe(true);
    expect(infos.some((list) => list.some((info) => info.deadMessage && info.consumeStatus === 'FAILED'))).toBe(true);
    expect(infos.some((list) => list.some((info) => info.consumeStatus === undefined && info.records.length === 0))).toBe(true);
    expect(groups.some((group) => group.connections.length === 0 && group.subscriptions.some((s) => (s.readyCount ?? 0) > 0))).toBe(true);
    expect(traces.some((trace) => (trace.messageInfo as { messageType: string }).messageType === 'FIFO')).toBe(true);
    const filtered = rows.some((row) =>
      groups.some((group) => group.subscriptions.some((s) => s.topicName === row.topicName && !tagMatches(s.filterExpression, row.messageTag))),
    );
    expect(filtered).toBe(true);
  });

  it('agrees with itself: trace entries, tag filters and consume positions tell the same story at start', () => {
    for (const row of rows) {
      const trace = handleGetTrace(callAt(world, '1234567890123456', startedAt, { instanceId: row.instanceId, topicName: row.topicName, messageId: row.messageId }));
      const infos = new Map((trace.consumerInfos as { consumerGroupId: string; consumeStatus?: string; deadMessage: boolean }[]).map((info) => [info.consumerGroupId, info]));
      const storeMs = instance?.topics.get(row.topicName)?.messages.get(row.messageId)?.storeMs ?? Number.NaN;
      const subscribed = handleListTopicSubscriptions(callAt(world, '1234567890123456', startedAt, { instanceId: row.instanceId, topicName: row.topicName })) as {
        consumerGroupId: string;
        filterExpression: string;
      }[];
      for (const subscription of subscribed) {
        const info = infos.get(subscription.consumerGroupId);
        const span = handleGetConsumeTimespan(
          callAt(world, '1234567890123456', startedAt, { instanceId: row.instanceId, consumerGroupId: subscription.consumerGroupId, topicName: row.topicName }),
        );
        const passed = Number(span.consumeTimestamp) >= storeMs;
        const done = info !== undefined && (info.consumeStatus === 'SUCCESS' || info.deadMessage);
        const context = `${row.messageKeys[0]} / ${subscription.consumerGroupId}`;

        if (!tagMatches(subscription.filterExpression, row.messageTag)) {
          expect(info, context).toBeUndefined();
        } else {
          expect(passed, context).toBe(done);
        }
      }
    }
  });
});
