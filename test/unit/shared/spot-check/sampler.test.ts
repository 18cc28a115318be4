import { describe, expect, it } from 'vitest';
import { createDeadline } from '../../../../shared/deadline';
import { PermissionDeniedError, ThrottledError } from '../../../../shared/errors';
import { planPages, sampleCheck, spreadSample } from '../../../../shared/spot-check/sampler';
import { PAGE_QUERY_LIMITS } from '../../../../shared/ons/message-page-query';
import { buildFakeOnsBackend, buildFoundMessages, buildSpotCheck, type FakeOnsBackend } from '../../../builders/build-spot-check';
import { buildFakeClock, type FakeClock } from '../../../builders/fake-clock';

/** The sampler's dependencies over the real 4.x broker (and its documented page limits) and a fake ONS. */
const over = (ons: FakeOnsBackend, clock: FakeClock) => ({ pages: ons.broker, limits: ons.broker.budget.pageLimits, now: clock.now });

describe('Function: planPages()', () => {
  it.each([
    [0, 4, []],
    [1, 4, [1]],
    [3, 4, [1, 3, 2]],
    [10, 1, [1]],
    [10, 2, [1, 10]],
    [10, 4, [1, 10, 4, 7]],
    [80, 4, [1, 50, 17, 34]],
  ])('plans %i pages with an allowance of %i as %j (the 4.x limit of 50 pages)', (maxPageCount, allowance, pages) => {
    expect(planPages(maxPageCount, allowance, PAGE_QUERY_LIMITS.maxPage)).toEqual(pages);
  });

  it.each([
    [80, 4, 20, [1, 20, 7, 14]],
    [80, 4, 1, [1]],
    [3, 4, 2, [1, 2]],
  ])('plans %i pages with an allowance of %i within a broker limit of %i pages as %j', (maxPageCount, allowance, maxPage, pages) => {
    expect(planPages(maxPageCount, allowance, maxPage)).toEqual(pages);
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
    const ons = buildFakeOnsBackend();
    const check = buildSpotCheck({ minAgeSeconds: 300, lookbackMinutes: 60 });

    // Act
    const outcome = await sampleCheck(check, over(ons, clock), { pageAllowance: 4, ctx: { deadline: createDeadline(10_000, clock.now) } });

    // Assert
    expect(ons.pageQueries).toEqual([
      { instanceId: check.instanceId, topic: 'orders', beginTimeMs: clock.now() - 3_600_000, endTimeMs: clock.now() - 300_000, pageSize: 50, currentPage: 1 },
    ]);
    expect(outcome).toMatchObject({ messages: [], pagesRead: 1, maxPageCount: 0, pagesPlanned: 1 });
    expect(outcome.stop).toBeUndefined();
  });

  it('pages by TaskId within its allowance and samples across the pages read', async () => {
    // Arrange
    const clock = buildFakeClock();
    const ons = buildFakeOnsBackend();
    ons.topics.set('orders', buildFoundMessages(200, clock.now(), (i) => 400_000 + i * 10_000));
    const check = buildSpotCheck({ sample: 20 });

    // Act
    const outcome = await sampleCheck(check, over(ons, clock), { pageAllowance: 2, ctx: { deadline: createDeadline(10_000, clock.now) } });

    // Assert
    expect(ons.pageQueries.map((q) => [q.currentPage, q.taskId])).toEqual([
      [1, undefined],
      [4, 'TASK1'],
    ]);
    expect(outcome).toMatchObject({ pagesRead: 2, pagesPlanned: 2, maxPageCount: 4, candidates: 100 });
    expect(outcome.messages).toHaveLength(20);
    expect(new Set(outcome.messages.map((m) => m.msgId)).size).toBe(20);
  });

  it("pages with the broker's largest page size and never plans past its last page", async () => {
    // Arrange: a broker that allows pages of at most 10 messages and reads at most 2 pages.
    const clock = buildFakeClock();
    const ons = buildFakeOnsBackend();
    ons.topics.set('orders', buildFoundMessages(200, clock.now(), (i) => 400_000 + i * 10_000));
    const limits = { maxPage: 2, minPageSize: 5, maxPageSize: 10 };

    // Act
    const outcome = await sampleCheck(buildSpotCheck({ sample: 20 }), { pages: ons.broker, limits, now: clock.now }, {
      pageAllowance: 4,
      ctx: { deadline: createDeadline(10_000, clock.now) },
    });

    // Assert
    expect(ons.pageQueries.map((q) => [q.currentPage, q.pageSize, q.taskId])).toEqual([
      [1, 10, undefined],
      [2, 10, 'TASK1'],
    ]);
    expect(outcome).toMatchObject({ pagesRead: 2, pagesPlanned: 2, maxPageCount: 20, candidates: 20 });
  });

  it('drops a message stored after the window end: it is still in its grace period', async () => {
    const clock = buildFakeClock();
    const ons = buildFakeOnsBackend();
    const [young] = buildFoundMessages(1, clock.now(), () => 10_000);
    ons.broker.pageByTopic = async () => ({ currentPage: 1, maxPageCount: 1, taskId: 'T', requestId: 'R', messages: [young!] });

    const outcome = await sampleCheck(buildSpotCheck(), over(ons, clock), { pageAllowance: 1, ctx: { deadline: createDeadline(10_000, clock.now) } });

    expect(outcome.messages).toEqual([]);
  });

  it('makes no call for a check that samples nothing', async () => {
    const clock = buildFakeClock();
    const ons = buildFakeOnsBackend();

    const outcome = await sampleCheck(buildSpotCheck({ sample: 0, msgIds: ['0A000C22303918B4AAC244F9ABC301A3'] }), over(ons, clock), {
      pageAllowance: 4,
      ctx: { deadline: createDeadline(10_000, clock.now) },
    });

    expect(ons.pageQueries).toEqual([]);
    expect(outcome.pagesPlanned).toBe(0);
  });

  it('stops without calling when the deadline is already near', async () => {
    const clock = buildFakeClock();
    const ons = buildFakeOnsBackend();

    const outcome = await sampleCheck(buildSpotCheck(), over(ons, clock), { pageAllowance: 4, ctx: { deadline: createDeadline(100, clock.now) } });

    expect(ons.pageQueries).toEqual([]);
    expect(outcome.stop).toEqual({ reason: 'DEADLINE', code: 'DEADLINE', local: true });
  });

  it.each([
    ['a refusal of the local limiter (no slot before the deadline)', new ThrottledError('no slot', 30), { reason: 'DEADLINE', code: 'THROTTLED', local: true }],
    ['upstream throttling', new ThrottledError('throttled', 1, { upstream: { code: 'Throttling.User' } }), { reason: 'RATE_LIMITED', code: 'Throttling.User', local: false }],
    ['a missing RAM permission', new PermissionDeniedError('no', { upstream: { code: 'Forbidden.RAM' } }), { reason: 'ERROR', code: 'Forbidden.RAM', local: false }],
    ['a bug in a port', new Error('boom'), { reason: 'ERROR', code: 'INTERNAL', local: false }],
  ])('reports %s on page 1 as the stop reason', async (_label, failure, stop) => {
    const clock = buildFakeClock();
    const ons = buildFakeOnsBackend({ pageFailure: failure });

    const outcome = await sampleCheck(buildSpotCheck(), over(ons, clock), { pageAllowance: 4, ctx: { deadline: createDeadline(10_000, clock.now) } });

    expect(outcome.stop).toEqual(stop);
    expect(outcome.messages).toEqual([]);
  });
});
