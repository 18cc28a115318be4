import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { PermissionDeniedError, ThrottledError } from '../../../../shared/errors';
import { planPages, sampleCheck, spreadSample } from '../../../../shared/spot-check/sampler';
import { buildFakePagePort, buildFoundMessages, buildSpotCheck } from '../../../builders/build-spot-check';
import { buildFakeClock } from '../../../builders/fake-clock';

describe('Function: planPages()', () => {
  it.each([
    [0, 4, []],
    [1, 4, [1]],
    [3, 4, [1, 3, 2]],
    [10, 1, [1]],
    [10, 2, [1, 10]],
    [10, 4, [1, 10, 4, 7]],
    [80, 4, [1, 50, 17, 34]],
  ])('plans %i pages with an allowance of %i as %j', (maxPageCount, allowance, pages) => {
    expect(planPages(maxPageCount, allowance)).toEqual(pages);
  });
});

describe('Function: spreadSample()', () => {
  const pool = buildFoundMessages(10, 1_000_000, (i) => 10_000 - i * 1000);

  it('returns everything when the pool is smaller than the sample', () => {
    expect(spreadSample(pool, 20)).toHaveLength(10);
  });

  it('spreads the sample over store time, both ends included', () => {
    const picked = spreadSample(pool, 4).map((m) => m.storeTimestamp);

    expect(picked).toEqual([990_000, 993_000, 996_000, 999_000]);
  });
});

describe('Function: sampleCheck()', () => {
  it('queries the window that ends minAgeSeconds ago and starts lookbackMinutes ago, 50 a page', async () => {
    // Arrange
    const clock = buildFakeClock();
    const pages = buildFakePagePort();
    const check = buildSpotCheck({ minAgeSeconds: 300, lookbackMinutes: 60 });

    // Act
    const outcome = await sampleCheck(check, { pages: pages.port, now: clock.now }, { pageAllowance: 4, ctx: { deadline: createDeadline(10_000, clock.now) } });

    // Assert
    expect(pages.queries).toEqual([
      { instanceId: check.instanceId, topic: 'orders', beginTimeMs: clock.now() - 3_600_000, endTimeMs: clock.now() - 300_000, pageSize: 50, currentPage: 1 },
    ]);
    expect(outcome).toMatchObject({ messages: [], pagesRead: 1, maxPageCount: 0, pagesPlanned: 1 });
    expect(outcome.stop).toBeUndefined();
  });

  it('pages by TaskId within its allowance and samples across the pages read', async () => {
    // Arrange
    const clock = buildFakeClock();
    const pages = buildFakePagePort();
    pages.topics.set('orders', buildFoundMessages(200, clock.now(), (i) => 400_000 + i * 10_000));
    const check = buildSpotCheck({ sample: 20 });

    // Act
    const outcome = await sampleCheck(check, { pages: pages.port, now: clock.now }, { pageAllowance: 2, ctx: { deadline: createDeadline(10_000, clock.now) } });

    // Assert
    expect(pages.queries.map((q) => [q.currentPage, q.taskId])).toEqual([
      [1, undefined],
      [4, 'TASK1'],
    ]);
    expect(outcome).toMatchObject({ pagesRead: 2, pagesPlanned: 2, maxPageCount: 4, candidates: 100 });
    expect(outcome.messages).toHaveLength(20);
    expect(new Set(outcome.messages.map((m) => m.msgId)).size).toBe(20);
  });

  it('drops a message stored after the window end: it is still in its grace period', async () => {
    const clock = buildFakeClock();
    const pages = buildFakePagePort();
    const [young] = buildFoundMessages(1, clock.now(), () => 10_000);
    pages.port.pageByTopic = async (query) => ({ currentPage: 1, maxPageCount: 1, taskId: 'T', requestId: 'R', messages: [young!] });

    const outcome = await sampleCheck(buildSpotCheck(), { pages: pages.port, now: clock.now }, { pageAllowance: 1, ctx: { deadline: createDeadline(10_000, clock.now) } });

    expect(outcome.messages).toEqual([]);
  });

  it('makes no call for a check that samples nothing', async () => {
    const clock = buildFakeClock();
    const pages = buildFakePagePort();

    const outcome = await sampleCheck(buildSpotCheck({ sample: 0, msgIds: ['0A000C22303918B4AAC244F9ABC301A3'] }), { pages: pages.port, now: clock.now }, {
      pageAllowance: 4,
      ctx: { deadline: createDeadline(10_000, clock.now) },
    });

    expect(pages.queries).toEqual([]);
    expect(outcome.pagesPlanned).toBe(0);
  });

  it('stops without calling when the deadline is already near', async () => {
    const clock = buildFakeClock();
    const pages = buildFakePagePort();

    const outcome = await sampleCheck(buildSpotCheck(), { pages: pages.port, now: clock.now }, { pageAllowance: 4, ctx: { deadline: createDeadline(100, clock.now) } });

    expect(pages.queries).toEqual([]);
    expect(outcome.stop).toEqual({ reason: 'DEADLINE', code: 'DEADLINE', local: true });
  });

  it.each([
    ['a refusal of the local limiter (no slot before the deadline)', new ThrottledError('no slot', 30), { reason: 'DEADLINE', code: 'THROTTLED', local: true }],
    ['upstream throttling', new ThrottledError('throttled', 1, { upstream: { code: 'Throttling.User' } }), { reason: 'RATE_LIMITED', code: 'Throttling.User', local: false }],
    ['a missing RAM permission', new PermissionDeniedError('no', { upstream: { code: 'Forbidden.RAM' } }), { reason: 'ERROR', code: 'Forbidden.RAM', local: false }],
    ['a bug in a port', new Error('boom'), { reason: 'ERROR', code: 'INTERNAL', local: false }],
  ])('reports %s on page 1 as the stop reason', async (_label, failure, stop) => {
    const clock = buildFakeClock();
    const pages = buildFakePagePort({ failWith: failure });

    const outcome = await sampleCheck(buildSpotCheck(), { pages: pages.port, now: clock.now }, { pageAllowance: 4, ctx: { deadline: createDeadline(10_000, clock.now) } });

    expect(outcome.stop).toEqual(stop);
    expect(outcome.messages).toEqual([]);
  });
});
