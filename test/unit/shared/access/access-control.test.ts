import { describe, expect, it } from 'vitest';
import { createAccessControl } from '../../../../shared/access/access-control';
import { sha256Hex } from '../../../../shared/access/bearer';
import { parseAppConfig } from '../../../../shared/config/app-config-schema';
import { ForbiddenError, UnauthenticatedError } from '../../../../shared/errors';

const PROD = 'MQ_INST_1234567890123456_BXprod01';
const STAGING = 'MQ_INST_1234567890123456_BXstag01';
const OTHER = 'MQ_INST_9999999999999999_BXelse01';

const access = createAccessControl(
  parseAppConfig({
    aliases: { prod: PROD, staging: STAGING },
    defaultInstance: 'staging',
    http: {
      tokens: [
        { name: 'orders', sha256: sha256Hex('tok-orders'), scope: { instances: ['prod'], topics: ['orders-*'] }, defaultInstance: 'prod' },
        { name: 'ops', sha256: sha256Hex('tok-ops'), scope: { instances: ['MQ_INST_*'], topics: ['*'] } },
      ],
    },
    slack: {
      channels: [
        { teamId: 'T0AAA', channelId: 'C0ORDERS', scope: { instances: ['prod'], topics: ['orders'] }, visibility: 'in_channel' },
        { teamId: 'T0AAA', channelId: '*', scope: { instances: ['staging'], topics: ['*'] } },
        { teamId: 'E0GRID', channelId: 'C0GRID', scope: { instances: ['*'], topics: ['*'] } },
      ],
    },
    dingtalk: {
      conversations: [{ corpId: 'dingcorp1', conversationId: 'cidGroup1==', scope: { instances: ['prod'], topics: ['orders'] }, defaultInstance: 'prod' }],
    },
  }),
);

describe('Function: createAccessControl', () => {
  describe('Given an HTTP caller', () => {
    it('authenticates a configured token as its named caller, with its resolved default instance', () => {
      expect(access.authenticateHttp('Bearer tok-orders')).toMatchObject({ channel: 'http', id: 'orders', defaultInstance: PROD });
    });

    it('refuses an unknown token', () => {
      expect(() => access.authenticateHttp('Bearer tok-nope')).toThrow(UnauthenticatedError);
    });

    it('permits only what both its instance and topic patterns match', () => {
      const orders = access.authenticateHttp('Bearer tok-orders');
      expect(access.permits(orders, { instanceId: PROD, topic: 'orders-eu' })).toBe(true);
      expect(access.permits(orders, { instanceId: PROD, topic: 'payments' })).toBe(false);
      expect(access.permits(orders, { instanceId: STAGING, topic: 'orders-eu' })).toBe(false);
      expect(() => access.assertPermitted(orders, { instanceId: OTHER, topic: 'orders-eu' })).toThrow(ForbiddenError);
    });
  });

  describe('Given alias and default-instance resolution', () => {
    const orders = access.authenticateHttp('Bearer tok-orders');
    const ops = access.authenticateHttp('Bearer tok-ops');
    it.each([
      ['an alias', orders, 'prod', PROD],
      ['an alias in upper case', orders, 'PROD', PROD],
      ['an instance ID', orders, OTHER, OTHER],
      ["nothing, with the caller's default", orders, undefined, PROD],
      ['nothing, with the global default', ops, undefined, STAGING],
    ])('resolves %s', (_, caller, given, expected) => {
      expect(access.resolveInstance(caller, given)).toBe(expected);
    });

    it('lists only the aliases inside the caller’s scope', () => {
      expect(access.aliasesFor(orders)).toEqual(['prod']);
      expect(access.aliasesFor(ops)).toEqual(['prod', 'staging']);
    });

    it('offers each caller its own default, else the global one, and the aliases its scope allows with their IDs', () => {
      expect(access.instanceChoices(orders)).toEqual({ defaultInstance: PROD, aliases: [{ alias: 'prod', instanceId: PROD }] });
      expect(access.instanceChoices(ops)).toEqual({
        defaultInstance: STAGING,
        aliases: [
          { alias: 'prod', instanceId: PROD },
          { alias: 'staging', instanceId: STAGING },
        ],
      });
    });
  });

  describe('Given Slack callers', () => {
    it('prefers an exact channel entry over the team-wide "*"', () => {
      expect(access.chatCaller('slack', { orgIds: ['T0AAA'], conversationId: 'C0ORDERS' })).toMatchObject({ id: 'T0AAA/C0ORDERS', visibility: 'in_channel', scope: { instances: [PROD] } });
      expect(access.chatCaller('slack', { orgIds: ['T0AAA'], conversationId: 'C0RANDOM' })).toMatchObject({ id: 'T0AAA/C0RANDOM', visibility: 'ephemeral', scope: { instances: [STAGING] } });
    });

    it('admits an Enterprise Grid workspace through its enterprise ID', () => {
      expect(access.chatCaller('slack', { orgIds: ['T0NOTLISTED', 'E0GRID'], conversationId: 'C0GRID' })?.id).toBe('E0GRID/C0GRID');
    });

    it.each([
      ['a wrong team', { orgIds: ['T0BBB'], conversationId: 'C0ORDERS' }],
      ['a wrong channel of a team without "*"', { orgIds: ['E0GRID'], conversationId: 'C0OTHER' }],
    ])('refuses %s', (_, origin) => {
      expect(access.chatCaller('slack', origin)).toBeUndefined();
    });
  });

  describe('Given DingTalk callers', () => {
    it('admits a listed corp and conversation', () => {
      expect(access.chatCaller('dingtalk', { orgIds: ['dingcorp1'], conversationId: 'cidGroup1==' })).toMatchObject({ channel: 'dingtalk', id: 'dingcorp1/cidGroup1==', defaultInstance: PROD });
    });

    it.each([
      ['a wrong corp', ['dingother'], 'cidGroup1=='],
      ['a wrong conversation', ['dingcorp1'], 'cidOther=='],
      ['no conversation', ['dingcorp1'], undefined],
    ])('refuses %s', (_, corpIds, conversationId) => {
      expect(access.chatCaller('dingtalk', { orgIds: corpIds, conversationId })).toBeUndefined();
    });
  });

  describe('Given a conversation entry with a locale', () => {
    const withLocale = createAccessControl(
      parseAppConfig({
        slack: { channels: [{ teamId: 'T0AAA', channelId: '*', scope: { instances: ['*'], topics: ['*'] }, locale: 'zh-CN' }] },
        dingtalk: { conversations: [{ corpId: 'dingcorp1', conversationId: '*', scope: { instances: ['*'], topics: ['*'] } }] },
      }),
    );

    it('carries the locale to the caller, and nothing when the entry names none', () => {
      expect(withLocale.chatCaller('slack', { orgIds: ['T0AAA'], conversationId: 'C1' })?.locale).toBe('zh-CN');
      expect(withLocale.chatCaller('dingtalk', { orgIds: ['dingcorp1'], conversationId: 'cid1' })).not.toHaveProperty('locale');
    });

    it('keeps callers of one platform away from another platform with the same IDs', () => {
      expect(withLocale.chatCaller('dingtalk', { orgIds: ['T0AAA'], conversationId: 'C1' })).toBeUndefined();
    });
  });

  describe('Given a caller identity carried by a deferred event', () => {
    it.each([
      [{ channel: 'slack' as const, id: 'T0AAA/C0ORDERS' }, 'T0AAA/C0ORDERS'],
      [{ channel: 'dingtalk' as const, id: 'dingcorp1/cidGroup1==' }, 'dingcorp1/cidGroup1=='],
      [{ channel: 'http' as const, id: 'orders' }, 'orders'],
    ])('finds %j again', (identity, id) => {
      expect(access.callerFor(identity)?.id).toBe(id);
    });

    it('finds nothing for a caller no longer configured', () => {
      expect(access.callerFor({ channel: 'slack', id: 'T0GONE/C0GONE' })).toBeUndefined();
      expect(access.callerFor({ channel: 'timer', id: 'timer:spot-check' })).toBeUndefined();
    });
  });
});
