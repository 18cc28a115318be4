import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { NotFoundError } from '../../../../shared/errors';
import type { MessageTraceResult, OnsPort } from '../../../../shared/ons/ons-port';
import { TraceReportSchema } from '../../../../shared/trace/report-schema';
import { createTraceService } from '../../../../shared/trace/trace-service';

const NOW = Date.parse('2019-10-20T00:00:00.000Z');
const QUERY = { instanceId: 'MQ_INST_1234567890123456_BXhFHryi', topic: 'TopicA', msgId: '1E05791C117818B4AAC23B1BB0CE0001' };

function buildPort(answer: MessageTraceResult | Error): { port: OnsPort; calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    port: {
      async messageTrace(query) {
        calls.push(query);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  };
}

describe('Function: createTraceService', () => {
  describe('Given groups that consumed, are offline, and report an undocumented type', () => {
    it('builds a full report that satisfies the report schema', async () => {
      // Arrange
      const { port, calls } = buildPort({
        requestId: 'UP-REQ-1',
        tracks: [
          { consumerGroup: 'GID_a', trackType: 'CONSUMED' },
          { consumerGroup: 'GID_b', trackType: 'NOT_ONLINE', exceptionDesc: 'no consumer online' },
          { consumerGroup: 'GID_c', trackType: 'PULL' },
        ],
      });
      const service = createTraceService({ ons: port, now: () => NOW, producerUtcOffsetMinutes: 480 });

      // Act
      const report = await service.lookup(QUERY, { deadline: createDeadline(1000, () => NOW), requestId: 'req-1' });

      // Assert
      expect(calls).toEqual([QUERY]);
      expect(TraceReportSchema.parse(report)).toEqual(report);
      expect(report).toMatchObject({
        requestId: 'req-1',
        checkedAt: '2019-10-20T00:00:00.000Z',
        ...QUERY,
        verdict: 'PARTIALLY_CONSUMED',
        upstreamRequestId: 'UP-REQ-1',
        messageId: { kind: 'CLIENT_ID_4X', producerIp: '30.5.121.28', approxSentAt: '2019-10-12T03:27:50.478Z' },
      });
      expect(report.groups.map((gr) => [gr.consumerGroup, gr.trackType, gr.exceptionDesc])).toEqual([
        ['GID_a', 'CONSUMED', undefined],
        ['GID_b', 'NOT_ONLINE', 'no consumer online'],
        ['GID_c', 'PULL', undefined],
      ]);
      expect(report.groups[0]).not.toHaveProperty('exceptionDesc');
      expect(report.groups[1]?.advice).toContain('Start the group');
      expect(report.caveats.map((c) => c.code)).toEqual(['OFFSET_BASED', 'CONSUMED_IS_NOT_SUCCESS', 'UNDOCUMENTED_TRACK_TYPE']);
    });
  });

  describe('Given the API returned no groups', () => {
    it('answers NO_SUBSCRIBERS with the empty-list caveat', async () => {
      // Arrange
      const { port } = buildPort({ requestId: 'UP-REQ-2', tracks: [] });
      const service = createTraceService({ ons: port, now: () => NOW, producerUtcOffsetMinutes: 480 });

      // Act
      const report = await service.lookup(QUERY, { deadline: createDeadline(1000, () => NOW), requestId: 'req-2' });

      // Assert
      expect(report.verdict).toBe('NO_SUBSCRIBERS');
      expect(report.groups).toEqual([]);
      expect(report.caveats.map((c) => c.code)).toEqual(['OFFSET_BASED', 'EMPTY_TRACK_LIST']);
    });
  });

  describe('Given a message ID that only the query schema would reject', () => {
    it('reports messageId as null rather than failing', async () => {
      // Arrange
      const { port } = buildPort({ requestId: 'UP-REQ-3', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] });
      const service = createTraceService({ ons: port, now: () => NOW, producerUtcOffsetMinutes: 480 });

      // Act
      const report = await service.lookup({ ...QUERY, msgId: 'NOT-HEX' }, { deadline: createDeadline(1000, () => NOW), requestId: 'r' });

      // Assert
      expect(report.messageId).toBeNull();
      expect(report.verdict).toBe('CONSUMED');
    });
  });

  describe('Given the port rejects', () => {
    it('passes the typed error through', async () => {
      // Arrange
      const { port } = buildPort(new NotFoundError('ONS has no such message in this topic'));
      const service = createTraceService({ ons: port, now: () => NOW, producerUtcOffsetMinutes: 480 });

      // Act
      const lookup = service.lookup(QUERY, { deadline: createDeadline(1000, () => NOW), requestId: 'r' });

      // Assert
      await expect(lookup).rejects.toThrow(NotFoundError);
    });
  });
});
