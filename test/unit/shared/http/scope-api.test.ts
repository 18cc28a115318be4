import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../../shared/access/bearer';
import { ScopeViewSchema } from '../../../../shared/http/scope-schema';
import { buildAccessControl } from '../../../builders/build-access';
import { buildFcContext, buildFcHttpEventBuffer } from '../../../builders/build-fc-http-event';
import { buildHttpHandler } from '../../../builders/build-http-handler';

const PROD = 'MQ_INST_1234567890123456_BXprod01';
const STAGING = 'MQ_INST_1234567890123456_BXstag01';
const NARROW_TOKEN = 'mqt_narrow_scope_5e1b';

const access = buildAccessControl({
  overrides: {
    aliases: { prod: PROD, staging: STAGING },
    defaultInstance: 'staging',
    http: {
      tokens: [
        { name: 'orders-team', sha256: sha256Hex(NARROW_TOKEN), scope: { instances: ['prod'], topics: ['orders', 'orders-*'] }, defaultInstance: 'prod' },
        { name: 'no-default', sha256: sha256Hex('mqt_no_default_77aa'), scope: { instances: ['MQ_INST_9*'], topics: ['*'] } },
      ],
    },
  },
});

const get = (token: string | null) => buildFcHttpEventBuffer({ path: '/v1/scope', authorization: token === null ? null : `Bearer ${token}` });

describe('Route: GET /v1/scope', () => {
  describe('Given a token with its own default and a narrow scope', () => {
    it('answers its name, its default with the alias that names it, only the aliases it may use, and its patterns', async () => {
      // Arrange
      const harness = buildHttpHandler({ access });

      // Act
      const response = await harness.invoke(get(NARROW_TOKEN), buildFcContext());

      // Assert
      expect(response.statusCode).toBe(200);
      expect(ScopeViewSchema.parse(JSON.parse(response.body))).toEqual({
        caller: 'orders-team',
        defaultInstance: { instanceId: PROD, alias: 'prod' },
        aliases: [{ alias: 'prod', instanceId: PROD }],
        scope: { instances: [PROD], topics: ['orders', 'orders-*'] },
      });
      expect(harness.fake.queries).toEqual([]);
    });
  });

  describe('Given a token whose scope holds no alias and that has no default of its own', () => {
    it('answers the global default, without an alias outside the scope, and no aliases', async () => {
      const harness = buildHttpHandler({ access });
      const response = await harness.invoke(get('mqt_no_default_77aa'), buildFcContext());
      expect(JSON.parse(response.body)).toMatchObject({ caller: 'no-default', defaultInstance: { instanceId: STAGING }, aliases: [] });
      expect(JSON.parse(response.body).defaultInstance).not.toHaveProperty('alias');
    });
  });

  describe('Given no default anywhere', () => {
    it('answers a null default', async () => {
      const harness = buildHttpHandler();
      const response = await harness.invoke(buildFcHttpEventBuffer({ path: '/v1/scope' }), buildFcContext());
      expect(JSON.parse(response.body)).toMatchObject({ defaultInstance: null, aliases: [], scope: { instances: ['*'], topics: ['*'] } });
    });
  });

  describe.each([
    ['no token', null],
    ['an unknown token', 'mqt_unknown_0000'],
  ])('Given %s', (_, token) => {
    it('answers 401 with WWW-Authenticate', async () => {
      const harness = buildHttpHandler({ access });
      const response = await harness.invoke(get(token), buildFcContext());
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="mqtrace"');
      expect(JSON.parse(response.body).error.code).toBe('UNAUTHENTICATED');
    });
  });
});
