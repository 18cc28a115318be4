import { describe, expect, it } from 'vitest';
import { createAccessControl } from '../../../../shared/access/access-control';
import { sha256Hex } from '../../../../shared/access/bearer';
import { EMPTY_APP_CONFIG } from '../../../../shared/config/app-config-schema';
import { NotFoundError } from '../../../../shared/errors';
import { buildAccessControl, TEST_API_TOKEN } from '../../../builders/build-access';
import { buildFcContext, buildFcHttpEventBuffer } from '../../../builders/build-fc-http-event';
import { buildHttpHandler } from '../../../builders/build-http-handler';

const PROD = 'MQ_INST_1234567890123456_BXprod01';
const STAGING = 'MQ_INST_1234567890123456_BXstag01';
const MSG = '7F0000017B3575B84C926A6F7E7C03BA';
const ORDERS_TOKEN = 'mqt_orders_5d41402abc4b2a76b9719d911017c592';

/** The orders team may look up orders-* topics on prod (its default) only; the global default is staging. */
const scopedAccess = () =>
  buildAccessControl({
    overrides: {
      aliases: { prod: PROD, staging: STAGING },
      defaultInstance: 'staging',
      http: { tokens: [{ name: 'orders-team', sha256: sha256Hex(ORDERS_TOKEN), scope: { instances: ['prod'], topics: ['orders-*'] }, defaultInstance: 'prod' }] },
    },
  });
const asOrders = `Bearer ${ORDERS_TOKEN}`;
const get = (query: Record<string, string>, authorization: string | null = asOrders) => buildFcHttpEventBuffer({ query, authorization });
const post = (body: unknown, authorization: string | null = asOrders) =>
  buildFcHttpEventBuffer({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, authorization });
const audits = (logs: Array<Record<string, unknown>>) => logs.filter((l) => l.event === 'audit.lookup');

describe('Function: createHttpHandler (access control)', () => {
  describe('Given a request without a valid bearer token', () => {
    it.each([
      ['no Authorization header', null],
      ['a wrong token', 'Bearer mqt_wrong_token'],
      ['the token hash instead of the token', `Bearer ${sha256Hex(ORDERS_TOKEN)}`],
      ['a Basic header', `Basic ${Buffer.from(`x:${ORDERS_TOKEN}`).toString('base64')}`],
    ])('answers 401 with WWW-Authenticate for %s, without calling ONS, and audits the refusal', async (_, authorization) => {
      // Arrange
      const harness = buildHttpHandler({ access: scopedAccess() });

      // Act
      const response = await harness.invoke(get({ instanceId: PROD, topic: 'orders-eu', msgId: MSG }, authorization), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="mqtrace"');
      expect(JSON.parse(response.body).error.code).toBe('UNAUTHENTICATED');
      expect(harness.fake.queries).toEqual([]);
      expect(audits(harness.logs())).toEqual([
        expect.objectContaining({ outcome: 'refused', reason: 'unauthenticated', caller: { channel: 'http', id: 'anonymous' } }),
      ]);
      expect(harness.rawLogs.join('\n')).not.toContain(ORDERS_TOKEN);
      expect(harness.rawLogs.join('\n')).not.toContain(sha256Hex(ORDERS_TOKEN));
    });
  });

  describe('Given no token is configured at all', () => {
    it.each([
      ['GET', '/v1/trace'],
      ['POST', '/v1/trace'],
      ['GET', '/openapi.json'],
      ['GET', '/nowhere'],
    ])('answers 401 to %s %s even with a token', async (method, path) => {
      const harness = buildHttpHandler({ access: createAccessControl(EMPTY_APP_CONFIG) });
      const response = await harness.invoke(buildFcHttpEventBuffer({ method, path, authorization: `Bearer ${TEST_API_TOKEN}` }), buildFcContext());
      expect(response.statusCode).toBe(401);
    });

    it('still serves /healthz', async () => {
      const harness = buildHttpHandler({ access: createAccessControl(EMPTY_APP_CONFIG) });
      const response = await harness.invoke(buildFcHttpEventBuffer({ path: '/healthz', authorization: null }), buildFcContext());
      expect(response.statusCode).toBe(200);
    });
  });

  describe('Given a token scoped to orders-* on prod', () => {
    it('looks up an allowed message, resolving the alias, and audits caller, target, verdict and upstream id', async () => {
      // Arrange
      const harness = buildHttpHandler({ access: scopedAccess(), respond: () => ({ requestId: 'UP-1', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] }) });

      // Act
      const response = await harness.invoke(get({ instanceId: 'prod', topic: 'orders-eu', msgId: MSG }), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
      expect(harness.fake.queries).toEqual([{ instanceId: PROD, topic: 'orders-eu', msgId: MSG }]);
      expect(audits(harness.logs())).toEqual([
        {
          time: expect.any(String),
          level: 'info',
          event: 'audit.lookup',
          requestId: 'ctx-req-1',
          caller: { channel: 'http', id: 'orders-team' },
          instanceId: PROD,
          topic: 'orders-eu',
          msgId: MSG,
          outcome: 'answered',
          verdict: 'CONSUMED',
          upstreamRequestIds: ['UP-1'],
        },
      ]);
    });

    it("uses the token's default instance (prod), not the global one, when none is given", async () => {
      const harness = buildHttpHandler({ access: scopedAccess() });
      const response = await harness.invoke(get({ topic: 'orders-eu', msgId: MSG }), buildFcContext());
      expect(response.statusCode).toBe(200);
      expect(harness.fake.queries[0]?.instanceId).toBe(PROD);
    });

    it.each([
      ['another topic on prod', { instanceId: PROD, topic: 'payments', msgId: MSG }],
      ['the allowed topic on staging, by alias', { instanceId: 'staging', topic: 'orders-eu', msgId: MSG }],
      ['an instance that does not exist', { instanceId: 'MQ_INST_9999999999999999_BXnope01', topic: 'orders-eu', msgId: MSG }],
      ['explain=true outside the scope', { instanceId: STAGING, topic: 'orders-eu', msgId: MSG, explain: 'true' }],
      ['waitSeconds outside the scope', { instanceId: STAGING, topic: 'orders-eu', msgId: MSG, waitSeconds: '5' }],
    ])('refuses %s with 403 before any upstream call, with the same body every time', async (_, query) => {
      // Arrange
      const harness = buildHttpHandler({ access: scopedAccess() });

      // Act
      const response = await harness.invoke(get(query), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(403);
      expect(JSON.parse(response.body)).toEqual({ error: { code: 'FORBIDDEN', message: 'this caller may not look up this message', requestId: 'ctx-req-1' } });
      expect(harness.fake.queries).toEqual([]);
      expect(audits(harness.logs())).toEqual([expect.objectContaining({ outcome: 'refused', reason: 'out_of_scope', caller: { channel: 'http', id: 'orders-team' }, topic: query.topic })]);
    });

    it('gives an out-of-scope message that exists the same answer as one that does not', async () => {
      // Arrange: upstream would find the first and not the second; neither call may happen.
      const harness = buildHttpHandler({
        access: scopedAccess(),
        respond: (q) => {
          if (q.msgId === MSG) return { requestId: 'UP-X', tracks: [{ consumerGroup: 'GID_a', trackType: 'CONSUMED' }] };
          throw new NotFoundError('no such message');
        },
      });

      // Act
      const a = await harness.invoke(get({ instanceId: STAGING, topic: 'orders-eu', msgId: MSG }), buildFcContext({ requestId: 'r' }));
      const b = await harness.invoke(get({ instanceId: STAGING, topic: 'orders-eu', msgId: 'AC11000100002A9F0000000000000000' }), buildFcContext({ requestId: 'r' }));

      // Assert
      expect([a.statusCode, a.body]).toEqual([b.statusCode, b.body]);
    });

    it('refuses out-of-scope batch items one by one and looks up only the permitted ones', async () => {
      // Arrange
      const harness = buildHttpHandler({ access: scopedAccess() });

      // Act
      const response = await harness.invoke(
        post({
          lookups: [
            { instanceId: 'prod', topic: 'orders-eu', msgId: MSG },
            { instanceId: PROD, topic: 'payments', msgId: MSG },
            { topic: 'orders-us', msgId: MSG },
          ],
        }),
        buildFcContext(),
      );

      // Assert
      const { results } = JSON.parse(response.body) as { results: Array<Record<string, any>> };
      expect(results.map((r) => [r.index, r.ok, r.error?.code])).toEqual([
        [0, true, undefined],
        [1, false, 'FORBIDDEN'],
        [2, true, undefined],
      ]);
      expect(harness.fake.queries.map((q) => q.topic)).toEqual(['orders-eu', 'orders-us']);
      expect(audits(harness.logs()).map((l) => [l.topic, l.outcome])).toEqual(
        expect.arrayContaining([
          ['orders-eu', 'answered'],
          ['payments', 'refused'],
          ['orders-us', 'answered'],
        ]),
      );
      expect(audits(harness.logs())).toHaveLength(3);
    });

    it('refuses an out-of-scope POST with explain the same way', async () => {
      const harness = buildHttpHandler({ access: scopedAccess() });
      const response = await harness.invoke(post({ instanceId: STAGING, topic: 'orders-eu', msgId: MSG, explain: true }), buildFcContext());
      expect(response.statusCode).toBe(403);
      expect(harness.fake.queries).toEqual([]);
    });
  });
});
