import { describe, expect, it } from 'vitest';
import {
  deriveFindings,
  deriveJourneyFindings,
  FINDING_CODES,
  formatDuration,
  needsConsumerStatus,
  needsDlqCheck,
  OFFSET_COMMIT_INTERVAL_MS,
  type DiagnosisFacts,
  type GroupFacts,
} from '../../../../shared/trace/findings';
import { FindingSchema } from '../../../../shared/trace/report-schema';
import {
  buildAccumulate,
  buildClientDetail,
  buildConnections,
  buildGroupFacts,
  buildStatus,
  buildStoredMessage,
  FACTS_NOW_MS,
  FACTS_TOPIC,
} from '../../../builders/build-diagnosis-facts';

function facts(groups: GroupFacts[], overrides: Partial<DiagnosisFacts> = {}): DiagnosisFacts {
  return { topic: FACTS_TOPIC, nowMs: FACTS_NOW_MS, message: buildStoredMessage(), groups, ...overrides };
}

const codes = (f: DiagnosisFacts) => deriveFindings(f).map((x) => `${x.code}${x.group ? `@${x.group}` : ''}`);

describe('Function: deriveFindings', () => {
  describe('Given a healthy NOT_CONSUME_YET group with every check done', () => {
    it('finds nothing but says so, with the facts it checked', () => {
      // Act
      const [finding, ...rest] = deriveFindings(facts([buildGroupFacts()]));

      // Assert
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({
        code: 'NO_CAUSE_FOUND',
        severity: 'INFO',
        group: 'GID_billing',
        evidence: { trackType: 'NOT_CONSUME_YET', online: true, connectedClients: 2, totalDiff: 0, inDlq: false, statusChecked: true },
      });
    });

    it('does not claim "no cause" when one of the group’s checks was skipped', () => {
      expect(codes(facts([buildGroupFacts({ status: undefined, skipped: ['CONSUMER_STATUS'] })]))).toEqual([]);
    });

    it('does not claim "no cause" when the message facts are missing', () => {
      expect(codes(facts([buildGroupFacts()], { message: undefined }))).toEqual([]);
    });

    it.each(['PULL', 'CONSUME_BROADCASTING'])('does not claim "no cause" for a %s group, whose progress cannot be judged', (trackType) => {
      expect(codes(facts([buildGroupFacts({ trackType })]))).toEqual([]);
    });
  });

  describe('Given a group with no connected client (GROUP_OFFLINE)', () => {
    it.each([
      ['OnsConsumerAccumulate says Online=false', { accumulate: buildAccumulate({ online: false }), connections: undefined }],
      ['OnsConsumerGetConnection lists no client', { accumulate: undefined, connections: { clients: [] } }],
      ['OnsConsumerStatus says Online=false', { accumulate: undefined, connections: undefined, status: buildStatus({ online: false, clients: [] }) }],
    ])('reports it offline when %s', (_label, overrides) => {
      // Act
      const found = deriveFindings(facts([buildGroupFacts({ trackType: 'NOT_ONLINE', status: undefined, ...overrides })]));

      // Assert
      expect(found[0]).toMatchObject({ code: 'GROUP_OFFLINE', severity: 'CRITICAL', group: 'GID_billing', evidence: { trackType: 'NOT_ONLINE' } });
    });

    it('carries the online flag, the client count and the last consumed born time as evidence', () => {
      // Arrange
      const accumulate = buildAccumulate({ online: false, lastConsumedBornAt: FACTS_NOW_MS - 3_600_000 });

      // Act
      const [finding] = deriveFindings(facts([buildGroupFacts({ accumulate, connections: { clients: [] }, status: undefined })]));

      // Assert
      expect(finding?.evidence).toEqual({
        trackType: 'NOT_CONSUME_YET',
        online: false,
        connectedClients: 0,
        lastConsumedBornAt: new Date(FACTS_NOW_MS - 3_600_000).toISOString(),
      });
      expect(finding?.detail).toContain(new Date(FACTS_NOW_MS - 3_600_000).toISOString());
    });

    it('does not also report its backlog', () => {
      const accumulate = buildAccumulate({ online: false, topics: [{ topic: FACTS_TOPIC, totalDiff: 900, lastConsumedBornAt: undefined, delayMs: 60_000 }] });
      expect(codes(facts([buildGroupFacts({ accumulate, connections: { clients: [] }, status: undefined })]))).toEqual(['GROUP_OFFLINE@GID_billing']);
    });
  });

  describe('Given a backlog on the message’s topic (BACKLOG)', () => {
    const backlogged = (overrides: Partial<GroupFacts['accumulate'] & object> = {}) =>
      buildAccumulate({
        consumeTps: 3.5,
        topics: [{ topic: FACTS_TOPIC, totalDiff: 1840, lastConsumedBornAt: FACTS_NOW_MS - 2_520_000, delayMs: 2_520_000 }],
        ...overrides,
      });

    it('reports the queue in front of the message with N and the delay D as evidence', () => {
      // Act
      const [finding] = deriveFindings(facts([buildGroupFacts({ accumulate: backlogged(), status: undefined })]));

      // Assert
      expect(finding).toMatchObject({
        code: 'BACKLOG',
        severity: 'WARNING',
        title: 'Queued behind 1840 message(s) in GID_billing',
        evidence: {
          topic: FACTS_TOPIC,
          totalDiff: 1840,
          delayMs: 2_520_000,
          consumeTps: 3.5,
          lastConsumedBornAt: new Date(FACTS_NOW_MS - 2_520_000).toISOString(),
          messageBornAt: new Date(FACTS_NOW_MS - 600_000).toISOString(),
        },
      });
      expect(finding?.detail).toContain('42 min behind');
    });

    it('is critical when the group consumes nothing (0 TPS)', () => {
      const [finding] = deriveFindings(facts([buildGroupFacts({ accumulate: backlogged({ consumeTps: 0 }), status: undefined })]));
      expect(finding).toMatchObject({ code: 'BACKLOG', severity: 'CRITICAL' });
      expect(finding?.detail).toContain('0 TPS');
    });

    it('says the rate is not reported, never "stalled", when the broker gives none (5.x)', () => {
      const [finding] = deriveFindings(facts([buildGroupFacts({ accumulate: backlogged({ consumeTps: undefined }), status: undefined })]));
      expect(finding).toMatchObject({ code: 'BACKLOG', severity: 'WARNING', evidence: { consumeTps: null } });
      expect(finding?.detail).toContain('the broker reports no consumption rate');
      expect(finding?.detail).not.toContain('0 TPS');
    });

    it('uses the group totals when there is no per-topic detail', () => {
      const accumulate = buildAccumulate({ topics: [], totalDiff: 70, delayMs: 9000, lastConsumedBornAt: FACTS_NOW_MS - 700_000 });
      const [finding] = deriveFindings(facts([buildGroupFacts({ accumulate, status: undefined })]));
      expect(finding).toMatchObject({ code: 'BACKLOG', evidence: { totalDiff: 70, delayMs: 9000 } });
    });

    it('ignores a backlog on another topic', () => {
      const accumulate = buildAccumulate({ totalDiff: 500, topics: [{ topic: 'other', totalDiff: 500, lastConsumedBornAt: undefined, delayMs: 1 }] });
      expect(codes(facts([buildGroupFacts({ accumulate })]))).toEqual(['NO_CAUSE_FOUND@GID_billing']);
    });

    it('ignores a backlog that is behind the message (the group consumed something born later)', () => {
      const accumulate = backlogged({ topics: [{ topic: FACTS_TOPIC, totalDiff: 3, lastConsumedBornAt: FACTS_NOW_MS - 1000, delayMs: 100 }] });
      expect(codes(facts([buildGroupFacts({ accumulate })]))).toEqual(['NO_CAUSE_FOUND@GID_billing']);
    });
  });

  describe('Given the clients’ subscriptions (OnsConsumerStatus)', () => {
    it('reports TAG_NOT_SUBSCRIBED when no client subscribes to the message’s tag', () => {
      // Arrange
      const status = buildStatus({ clients: [buildClientDetail('c1', 'order-created'), buildClientDetail('c2', 'order-created')] });

      // Act
      const found = deriveFindings(facts([buildGroupFacts({ status })]));

      // Assert
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        code: 'TAG_NOT_SUBSCRIBED',
        severity: 'CRITICAL',
        title: 'Tag "order-paid" is not in GID_billing\'s subscription',
        evidence: { topic: FACTS_TOPIC, tag: 'order-paid', clients: 2, clientsExcluding: ['c1', 'c2'], expressions: ['order-created'] },
      });
    });

    it('reports TAG_NOT_SUBSCRIBED when the clients do not subscribe to the topic at all', () => {
      const status = buildStatus({ clients: [{ clientId: 'c1', consumeType: 'PUSH', subscriptions: [{ topic: 'other', subString: '*', tags: [] }] }] });
      const [finding] = deriveFindings(facts([buildGroupFacts({ status })]));
      expect(finding).toMatchObject({ code: 'TAG_NOT_SUBSCRIBED', evidence: { expressions: [] } });
      expect(finding?.detail).toContain('do not subscribe to the topic at all');
    });

    it('treats an untagged message as excluded by a tag filter', () => {
      const status = buildStatus({ clients: [buildClientDetail('c1', 'order-paid')] });
      const [finding] = deriveFindings(facts([buildGroupFacts({ status })], { message: buildStoredMessage({ tag: undefined }) }));
      expect(finding).toMatchObject({ code: 'TAG_NOT_SUBSCRIBED', evidence: { tag: null } });
    });

    it.each([['*'], ['order-paid'], ['order-created || order-paid']])('finds no tag problem for the expression %j', (expression) => {
      const status = buildStatus({ clients: [buildClientDetail('c1', expression)] });
      expect(codes(facts([buildGroupFacts({ status })]))).toEqual(['NO_CAUSE_FOUND@GID_billing']);
    });

    it('reports SUBSCRIPTIONS_INCONSISTENT, and the tag missing from one of two clients', () => {
      // Arrange
      const status = buildStatus({
        subscriptionSame: false,
        clients: [buildClientDetail('c1', 'order-created'), buildClientDetail('c2', 'order-created || order-paid')],
      });

      // Act
      const found = deriveFindings(facts([buildGroupFacts({ status })]));

      // Assert
      expect(found.map((f) => f.code)).toEqual(['SUBSCRIPTIONS_INCONSISTENT', 'TAG_NOT_SUBSCRIBED']);
      expect(found[0]?.evidence).toEqual({
        subscriptionSame: false,
        clients: 2,
        subscriptions: ['c1: orders=order-created', 'c2: orders=order-created || order-paid'],
      });
      expect(found[1]).toMatchObject({
        title: 'Tag "order-paid" is missing from 1 of 2 GID_billing clients\' subscriptions',
        evidence: { clientsExcluding: ['c1'] },
      });
    });

    it('reports SUBSCRIPTIONS_INCONSISTENT when ONS says so even if the client lists look alike', () => {
      expect(codes(facts([buildGroupFacts({ status: buildStatus({ subscriptionSame: false }) })]))).toEqual([
        'SUBSCRIPTIONS_INCONSISTENT@GID_billing',
      ]);
    });

    it('reports REBALANCE_NOT_OK with the client count and consume model', () => {
      const [finding] = deriveFindings(facts([buildGroupFacts({ status: buildStatus({ rebalanceOk: false }) })]));
      expect(finding).toMatchObject({
        code: 'REBALANCE_NOT_OK',
        severity: 'WARNING',
        evidence: { rebalanceOk: false, clients: 2, consumeModel: 'CLUSTERING' },
      });
    });
  });

  describe('Given the message is in a group’s dead-letter queue (IN_DLQ)', () => {
    it('reports it after K retries for an unconsumed group', () => {
      // Arrange
      const dlq = buildStoredMessage({ reconsumeTimes: 16, storedAt: FACTS_NOW_MS - 60_000 });

      // Act
      const [finding] = deriveFindings(facts([buildGroupFacts({ dlq })]));

      // Assert
      expect(finding).toMatchObject({
        code: 'IN_DLQ',
        severity: 'CRITICAL',
        title: "In GID_billing's dead-letter queue after 16 retries",
        evidence: { trackType: 'NOT_CONSUME_YET', reconsumeTimes: 16, deadLetteredAt: new Date(FACTS_NOW_MS - 60_000).toISOString() },
      });
    });

    it('reports it for a CONSUMED group too, next to RECONSUMED', () => {
      // Arrange
      const message = buildStoredMessage({ reconsumeTimes: 16 });
      const consumed = buildGroupFacts({ trackType: 'CONSUMED', dlq: buildStoredMessage({ reconsumeTimes: 16 }), accumulate: undefined, connections: undefined, status: undefined });

      // Act
      const found = codes(facts([consumed], { message }));

      // Assert
      expect(found).toEqual(['IN_DLQ@GID_billing', 'RECONSUMED']);
    });
  });

  describe('Given a message younger than the offset-commit interval (MESSAGE_TOO_RECENT)', () => {
    it('says to look again, with the age and the interval as evidence, and claims no other cause', () => {
      // Arrange
      const message = buildStoredMessage({ bornAt: FACTS_NOW_MS - 1200 });

      // Act
      const found = deriveFindings(facts([buildGroupFacts()], { message }));

      // Assert
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({
        code: 'MESSAGE_TOO_RECENT',
        severity: 'INFO',
        evidence: { ageMs: 1200, offsetCommitIntervalMs: OFFSET_COMMIT_INTERVAL_MS, waitingGroups: ['GID_billing'], bornAt: new Date(FACTS_NOW_MS - 1200).toISOString() },
      });
      expect(found[0]).not.toHaveProperty('group');
    });

    it('is silent when the message is older than the interval', () => {
      const message = buildStoredMessage({ bornAt: FACTS_NOW_MS - OFFSET_COMMIT_INTERVAL_MS });
      expect(codes(facts([buildGroupFacts()], { message }))).toEqual(['NO_CAUSE_FOUND@GID_billing']);
    });

    it('is silent when no group is NOT_CONSUME_YET', () => {
      const message = buildStoredMessage({ bornAt: FACTS_NOW_MS - 100 });
      const offline = buildGroupFacts({ trackType: 'NOT_ONLINE', connections: { clients: [] }, status: undefined });
      expect(codes(facts([offline], { message }))).toEqual(['GROUP_OFFLINE@GID_billing']);
    });
  });

  describe('Given a CONSUMED message that was redelivered (RECONSUMED)', () => {
    it('reports K and the groups whose track says CONSUMED', () => {
      // Arrange
      const consumed = (g: string): GroupFacts => ({ consumerGroup: g, trackType: 'CONSUMED', dlq: null, skipped: [] });

      // Act
      const found = deriveFindings(facts([consumed('GID_a'), consumed('GID_b')], { message: buildStoredMessage({ reconsumeTimes: 3 }) }));

      // Assert
      expect(found).toEqual([
        expect.objectContaining({ code: 'RECONSUMED', severity: 'WARNING', evidence: { reconsumeTimes: 3, consumedBy: ['GID_a', 'GID_b'] } }),
      ]);
    });

    it('is silent for a message delivered once', () => {
      const consumed: GroupFacts = { consumerGroup: 'GID_a', trackType: 'CONSUMED', skipped: [] };
      expect(deriveFindings(facts([consumed]))).toEqual([]);
    });
  });

  describe('Given several groups and findings', () => {
    it('orders them by severity, keeping group order within one severity, and every finding fits the schema', () => {
      // Arrange
      const groups = [
        buildGroupFacts({ consumerGroup: 'GID_slow', accumulate: buildAccumulate({ topics: [{ topic: FACTS_TOPIC, totalDiff: 5, lastConsumedBornAt: undefined, delayMs: 10 }] }), status: undefined }),
        buildGroupFacts({ consumerGroup: 'GID_off', trackType: 'NOT_ONLINE', connections: { clients: [] }, status: undefined }),
        buildGroupFacts({ consumerGroup: 'GID_ok' }),
        { consumerGroup: 'GID_filtered', trackType: 'CONSUMED_BUT_FILTERED', skipped: [] },
      ];

      // Act
      const found = deriveFindings(facts(groups));

      // Assert
      expect(found.map((f) => `${f.code}@${f.group}`)).toEqual(['GROUP_OFFLINE@GID_off', 'BACKLOG@GID_slow', 'NO_CAUSE_FOUND@GID_ok']);
      for (const finding of found) expect(FindingSchema.parse(finding)).toEqual(finding);
      expect(new Set(found.map((f) => f.code)).size).toBeLessThanOrEqual(FINDING_CODES.length);
    });
  });
});

describe('Function: needsConsumerStatus', () => {
  const context = { message: buildStoredMessage(), nowMs: FACTS_NOW_MS, topic: FACTS_TOPIC };
  const group = (overrides: Partial<GroupFacts>) => buildGroupFacts({ status: undefined, ...overrides });

  it.each<[string, Partial<GroupFacts>, Partial<typeof context>, boolean]>([
    ['an online group with no backlog', {}, {}, true],
    ['an online group whose accumulate check failed', { accumulate: undefined, skipped: ['CONSUMER_ACCUMULATE'] }, {}, true],
    ['a backlog in front of the message', { accumulate: buildAccumulate({ topics: [{ topic: FACTS_TOPIC, totalDiff: 9, lastConsumedBornAt: undefined, delayMs: 5 }] }) }, {}, false],
    [
      'a backlog, but clients on mixed versions',
      { accumulate: buildAccumulate({ topics: [{ topic: FACTS_TOPIC, totalDiff: 9, lastConsumedBornAt: undefined, delayMs: 5 }] }), connections: { clients: [...buildConnections(1).clients, ...buildConnections(1, { clientId: 'x', version: 'V5_1_0' }).clients] } },
      {},
      true,
    ],
    ['an offline group', { connections: { clients: [] } }, {}, false],
    ['a dead-lettered message', { dlq: buildStoredMessage({ reconsumeTimes: 16 }) }, {}, false],
    ['a message younger than the commit interval', {}, { message: buildStoredMessage({ bornAt: FACTS_NOW_MS - 10 }) }, false],
    ['a CONSUMED group', { trackType: 'CONSUMED' }, {}, false],
    ['a CONSUMED_BUT_FILTERED group', { trackType: 'CONSUMED_BUT_FILTERED' }, {}, false],
    ['a PULL group', { trackType: 'PULL' }, {}, false],
  ])('%s → %s', (_label, overrides, contextOverrides, expected) => {
    expect(needsConsumerStatus(group(overrides), { ...context, ...contextOverrides })).toBe(expected);
  });
});

describe('Function: needsDlqCheck', () => {
  it.each([
    ['NOT_CONSUME_YET', 0, true],
    ['NOT_ONLINE', 0, true],
    ['UNKNOWN', 0, true],
    ['CONSUMED', 0, false],
    ['CONSUMED', 2, true],
    ['CONSUMED_BUT_FILTERED', 2, false],
  ])('%s with %i redeliveries → %s', (trackType, reconsumeTimes, expected) => {
    expect(needsDlqCheck(trackType, buildStoredMessage({ reconsumeTimes }))).toBe(expected);
  });
});

describe('Function: formatDuration', () => {
  it.each([
    [950, '950 ms'],
    [12_400, '12 s'],
    [185_000, '3 min 5 s'],
    [2_520_000, '42 min'],
    [7_440_000, '2 h 4 min'],
    [7_200_000, '2 h'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('Function: deriveJourneyFindings', () => {
  const at = Date.parse('2026-12-01T10:00:00Z');
  const attempt = (outcome: 'SUCCEEDED' | 'FAILED' | 'PENDING' | 'UNKNOWN', reconsumeTimes = 0) => ({
    atMs: at + reconsumeTimes * 1000,
    status: outcome,
    statusText: 't',
    outcome,
    reconsumeTimes,
  });
  const group = (consumerGroup: string, trackType: string | undefined, attempts: ReturnType<typeof attempt>[], deadLettered = false) => ({ consumerGroup, trackType, attempts, deadLettered });

  it('compares nothing when the trace does not know the message', () => {
    expect(deriveJourneyFindings({ traced: false, offsetBased: true, groups: [group('G', 'CONSUMED', [])] })).toEqual([]);
  });

  it.each([
    ['CONSUMED, last attempt failed', group('G', 'CONSUMED', [attempt('FAILED')]), ['CONSUMED_BUT_LAST_ATTEMPT_FAILED:WARNING']],
    ['CONSUMED, last attempt returned nothing, dead-lettered', group('G', 'CONSUMED', [attempt('SUCCEEDED'), attempt('PENDING', 1)], true), ['CONSUMED_BUT_LAST_ATTEMPT_FAILED:CRITICAL']],
    ['CONSUMED, last attempt succeeded', group('G', 'CONSUMED', [attempt('FAILED'), attempt('SUCCEEDED', 1)]), []],
    ['behind the offset after a success', group('G', 'NOT_CONSUME_YET', [attempt('SUCCEEDED')]), ['ATTEMPTED_BUT_OFFSET_BEHIND:WARNING']],
    ['behind the offset while retrying', group('G', 'NOT_CONSUME_YET', [attempt('FAILED')]), ['ATTEMPTED_BUT_OFFSET_BEHIND:INFO']],
    ['no attempt, consumed by offset', group('G', 'CONSUMED', []), ['NO_ATTEMPTS:INFO']],
    ['no attempt, not consumed', group('G', 'NOT_ONLINE', []), ['NO_ATTEMPTS:WARNING']],
    ['no attempt, filtered by tag', group('G', 'CONSUMED_BUT_FILTERED', []), []],
    ['no attempt, but dead-lettered', group('G', 'NOT_CONSUME_YET', [], true), []],
    ['a group only the trace knows', group('G', undefined, [attempt('FAILED')]), []],
  ])('finds %s', (_name, g, expected) => {
    const found = deriveJourneyFindings({ traced: true, offsetBased: true, groups: [g] });
    expect(found.map((f) => `${f.code}:${f.severity}`)).toEqual(expected);
    for (const finding of found) expect(FindingSchema.parse(finding)).toEqual(finding);
  });

  it('does not call a trace-based verdict behind its own trace', () => {
    expect(deriveJourneyFindings({ traced: true, offsetBased: false, groups: [group('G', 'NOT_CONSUME_YET', [attempt('FAILED')])] })).toEqual([]);
  });
});
