import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { PermissionDeniedError, ThrottledError, UpstreamTimeoutError } from '../../../../shared/errors';
import type { DiagnosticsPort } from '../../../../shared/trace/diagnostics-port';
import { createExplainService } from '../../../../shared/trace/explain-service';
import { DiagnosisSchema } from '../../../../shared/trace/report-schema';
import {
  buildAccumulate,
  buildClientDetail,
  buildConnections,
  buildStatus,
  buildStoredMessage,
  FACTS_MSG_ID,
  FACTS_NOW_MS,
  FACTS_TOPIC,
} from '../../../builders/build-diagnosis-facts';

const QUERY = { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: FACTS_TOPIC, msgId: FACTS_MSG_ID };
type Method = keyof DiagnosticsPort;

/** A diagnostics port answering from `script` per method and group, recording every call. */
function buildDiagnostics(script: Partial<{ [M in Method]: (groupId: string) => ReturnType<DiagnosticsPort[M]> | Awaited<ReturnType<DiagnosticsPort[M]>> }> = {}) {
  const calls: string[] = [];
  const answer = <M extends Method>(method: M, groupId: string, fallback: () => Awaited<ReturnType<DiagnosticsPort[M]>>) => {
    calls.push(groupId ? `${method}:${groupId}` : method);
    const scripted = script[method] as ((g: string) => unknown) | undefined;
    return Promise.resolve(scripted ? scripted(groupId) : fallback()) as ReturnType<DiagnosticsPort[M]>;
  };
  const port: DiagnosticsPort = {
    messageDetail: () => answer('messageDetail', '', () => buildStoredMessage()),
    consumerAccumulate: (g) => answer('consumerAccumulate', g.groupId, () => buildAccumulate()),
    consumerConnections: (g) => answer('consumerConnections', g.groupId, () => buildConnections()),
    consumerStatus: (g) => answer('consumerStatus', g.groupId, () => buildStatus()),
    dlqMessage: (q) => answer('dlqMessage', q.groupId, () => undefined),
  };
  return { port, calls };
}

const explain = (port: DiagnosticsPort, groups: Array<[string, string]>) =>
  createExplainService({ diagnostics: port, now: () => FACTS_NOW_MS }).explain(
    { query: QUERY, groups: groups.map(([consumerGroup, trackType]) => ({ consumerGroup, trackType })) },
    { deadline: createDeadline(5000, () => FACTS_NOW_MS) },
  );

describe('Function: createExplainService', () => {
  describe('Given a message every group consumed once', () => {
    it('asks only for the message facts (1 call) and finds nothing', async () => {
      // Arrange
      const { port, calls } = buildDiagnostics();

      // Act
      const diagnosis = await explain(port, [['GID_a', 'CONSUMED'], ['GID_b', 'CONSUMED']]);

      // Assert
      expect(calls).toEqual(['messageDetail']);
      expect(diagnosis).toEqual({
        message: {
          tag: 'order-paid',
          keys: ['order-1'],
          bornAt: new Date(FACTS_NOW_MS - 600_000).toISOString(),
          bornHost: '10.0.12.34:50001',
          storedAt: new Date(FACTS_NOW_MS - 600_000 + 3).toISOString(),
          storeHost: '10.0.8.15:10911',
          reconsumeTimes: 0,
        },
        findings: [],
        skippedChecks: [],
      });
      expect(DiagnosisSchema.parse(diagnosis)).toEqual(diagnosis);
    });
  });

  describe('Given a consumed message that was redelivered', () => {
    it('checks the DLQ of each consumed group, not of filtered ones', async () => {
      // Arrange
      const { port, calls } = buildDiagnostics({
        messageDetail: () => buildStoredMessage({ reconsumeTimes: 16 }),
        dlqMessage: (g) => (g === 'GID_a' ? buildStoredMessage({ reconsumeTimes: 16 }) : undefined),
      });

      // Act
      const diagnosis = await explain(port, [['GID_a', 'CONSUMED'], ['GID_b', 'CONSUMED'], ['GID_c', 'CONSUMED_BUT_FILTERED']]);

      // Assert
      expect(calls.sort()).toEqual(['dlqMessage:GID_a', 'dlqMessage:GID_b', 'messageDetail']);
      expect(diagnosis.findings.map((f) => f.code)).toEqual(['IN_DLQ', 'RECONSUMED']);
    });
  });

  describe('Given an unconsumed group that its cheap facts do not explain', () => {
    it('costs 1 + 4 calls: accumulate, connections, DLQ, then the slow status', async () => {
      // Arrange
      const { port, calls } = buildDiagnostics({
        consumerStatus: () => buildStatus({ clients: [buildClientDetail('c1', 'order-created')] }),
      });

      // Act
      const diagnosis = await explain(port, [['GID_a', 'NOT_CONSUME_YET']]);

      // Assert
      expect(calls.sort()).toEqual(['consumerAccumulate:GID_a', 'consumerConnections:GID_a', 'consumerStatus:GID_a', 'dlqMessage:GID_a', 'messageDetail']);
      expect(diagnosis.findings.map((f) => f.code)).toEqual(['TAG_NOT_SUBSCRIBED']);
    });
  });

  describe('Given unconsumed groups that the cheap facts do explain', () => {
    it('never calls OnsConsumerStatus for an offline, a backlogged or a dead-lettered group', async () => {
      // Arrange
      const { port, calls } = buildDiagnostics({
        consumerAccumulate: (g) =>
          g === 'GID_slow'
            ? buildAccumulate({ topics: [{ topic: FACTS_TOPIC, totalDiff: 99, lastConsumedBornAt: FACTS_NOW_MS - 3_600_000, delayMs: 60_000 }] })
            : buildAccumulate({ online: g !== 'GID_off' }),
        consumerConnections: (g) => (g === 'GID_off' ? { clients: [] } : buildConnections()),
        dlqMessage: (g) => (g === 'GID_dead' ? buildStoredMessage({ reconsumeTimes: 16 }) : undefined),
      });

      // Act
      const diagnosis = await explain(port, [['GID_off', 'NOT_ONLINE'], ['GID_slow', 'NOT_CONSUME_YET'], ['GID_dead', 'NOT_CONSUME_YET']]);

      // Assert
      expect(calls.filter((c) => c.startsWith('consumerStatus'))).toEqual([]);
      expect(calls).toHaveLength(1 + 3 * 3);
      expect(diagnosis.findings.map((f) => `${f.code}@${f.group}`)).toEqual(['GROUP_OFFLINE@GID_off', 'IN_DLQ@GID_dead', 'BACKLOG@GID_slow']);
    });
  });

  describe('Given checks that fail', () => {
    it('returns a partial diagnosis listing each skipped check with its reason, message first then group order', async () => {
      // Arrange
      const denied = new PermissionDeniedError("mqtrace's role may not call OnsConsumerStatus on this resource: Forbidden.RAM", {
        upstream: { action: 'OnsConsumerStatus', code: 'Forbidden.RAM', requestId: 'UP-1' },
      });
      const { port } = buildDiagnostics({
        messageDetail: () => Promise.reject(new ThrottledError('local rate limit: no slot before the deadline', 1)),
        consumerAccumulate: (g) => (g === 'GID_b' ? Promise.reject(new UpstreamTimeoutError('OnsConsumerAccumulate: the endpoint did not answer in time')) : buildAccumulate()),
        consumerStatus: () => Promise.reject(denied),
      });

      // Act
      const diagnosis = await explain(port, [['GID_a', 'NOT_CONSUME_YET'], ['GID_b', 'NOT_CONSUME_YET']]);

      // Assert
      expect(diagnosis.message).toBeNull();
      expect(diagnosis.findings).toEqual([]);
      expect(diagnosis.skippedChecks).toEqual([
        { check: 'MESSAGE_DETAIL', reason: 'THROTTLED', detail: 'local rate limit: no slot before the deadline' },
        {
          check: 'CONSUMER_STATUS',
          group: 'GID_a',
          reason: 'PERMISSION_DENIED',
          upstreamCode: 'Forbidden.RAM',
          detail: "mqtrace's role may not call OnsConsumerStatus on this resource: Forbidden.RAM",
        },
        { check: 'CONSUMER_ACCUMULATE', group: 'GID_b', reason: 'UPSTREAM_TIMEOUT', detail: 'OnsConsumerAccumulate: the endpoint did not answer in time' },
        { check: 'CONSUMER_STATUS', group: 'GID_b', reason: 'PERMISSION_DENIED', upstreamCode: 'Forbidden.RAM', detail: expect.any(String) },
      ]);
      expect(DiagnosisSchema.parse(diagnosis)).toEqual(diagnosis);
    });

    it('hides the message of an unexpected error', async () => {
      const { port } = buildDiagnostics({ dlqMessage: () => Promise.reject(new Error('secret-bearing text')) });
      const diagnosis = await explain(port, [['GID_a', 'NOT_ONLINE']]);
      expect(diagnosis.skippedChecks).toEqual([{ check: 'DLQ', group: 'GID_a', reason: 'INTERNAL', detail: 'internal error' }]);
      expect(JSON.stringify(diagnosis)).not.toContain('secret-bearing');
    });
  });
});
