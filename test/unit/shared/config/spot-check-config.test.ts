import { describe, expect, it } from 'vitest';
import { loadSpotCheckConfig } from '../../../../shared/config/spot-check-config';
import { ConfigError } from '../../../../shared/errors';
import { onsEndpointFor } from '../../../../shared/ons/endpoint';
import { CHECK_INSTANCE } from '../../../builders/build-spot-check';
import { thrownBy } from '../../../builders/thrown-by';

const DINGTALK = 'https://oapi.dingtalk.com/robot/send?access_token=abcdef123456';
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';

describe('Function: loadSpotCheckConfig()', () => {
  it('has defaults: no checks, no destinations, no state, a 60-minute quiet period', () => {
    const config = loadSpotCheckConfig({});

    expect(config).toMatchObject({
      checks: [],
      runDeadlineMs: 600_000,
      reserveMs: 10_000,
      quietPeriodMs: 3600_000,
      alertTimeoutMs: 3000,
      alerts: [],
      alertLocale: undefined,
      state: { kind: 'none' },
      secrets: [],
    });
    // The 4.x endpoint, as functions/spot-check/index.ts picks it: no override, so the region's.
    expect(config.ons).toMatchObject({ region: 'cn-hangzhou', onsEndpoint: undefined, rocketmq5Endpoint: undefined });
    expect(config.ons.onsEndpoint ?? onsEndpointFor(config.ons.region)).toBe('https://ons.cn-hangzhou.aliyuncs.com');
  });

  it('reads checks, destinations and the OSS state, and lists the webhook secrets for redaction', () => {
    const config = loadSpotCheckConfig({
      MQTRACE_REGION: 'cn-shanghai',
      MQTRACE_SPOT_CHECKS: JSON.stringify([{ name: 'orders', instanceId: CHECK_INSTANCE, topic: 'orders' }]),
      MQTRACE_DINGTALK_ROBOT_URL: DINGTALK,
      MQTRACE_DINGTALK_ROBOT_SECRET: 'SECabcdefgh12345',
      MQTRACE_SLACK_WEBHOOK_URL: SLACK,
      MQTRACE_STATE_OSS_BUCKET: 'mqtrace-state',
      MQTRACE_ALERT_QUIET_MINUTES: '15',
    });

    expect(config.checks.map((c) => c.name)).toEqual(['orders']);
    expect(config.alerts).toEqual([
      { platform: 'slack', settings: { webhookUrl: SLACK } },
      { platform: 'dingtalk', settings: { webhookUrl: DINGTALK, secret: 'SECabcdefgh12345' } },
    ]);
    expect(config.alertLocale).toBeUndefined();
    expect(config.state).toEqual({ kind: 'oss', bucket: 'mqtrace-state', object: 'mqtrace/spot-check-state.json', region: 'oss-cn-shanghai' });
    expect(config.quietPeriodMs).toBe(900_000);
    expect(config.secrets.sort()).toEqual([DINGTALK, 'SECabcdefgh12345', SLACK, 'abcdef123456', '/services/T000/B000/XXXXSECRET'].sort());
  });

  it('accepts {"checks": [...]} and a state file', () => {
    const config = loadSpotCheckConfig({
      MQTRACE_SPOT_CHECKS: JSON.stringify({ checks: [{ name: 'a', instanceId: CHECK_INSTANCE, topic: 't' }] }),
      MQTRACE_STATE_FILE: '/tmp/state.json',
    });

    expect(config.checks).toHaveLength(1);
    expect(config.state).toEqual({ kind: 'file', path: '/tmp/state.json' });
  });

  it('keeps the state in Redis with MQTRACE_STATE_REDIS, and masks the Redis password', () => {
    const config = loadSpotCheckConfig({ MQTRACE_STATE_REDIS: 'true', MQTRACE_REDIS_URL: 'redis://10.0.0.5:6379', MQTRACE_REDIS_PASSWORD: 'test-redis-pass' });

    expect(config.state).toEqual({ kind: 'redis' });
    expect(config.shared.redis).toMatchObject({ url: 'redis://10.0.0.5:6379', password: 'test-redis-pass', prefix: 'mqtrace:' });
    expect(config.secrets).toContain('test-redis-pass');
  });

  it.each([
    [{ MQTRACE_SPOT_CHECKS: 'orders please' }, 'MQTRACE_SPOT_CHECKS'],
    [{ MQTRACE_SPOT_CHECKS: '{"x":1}' }, 'MQTRACE_SPOT_CHECKS'],
    [{ MQTRACE_SPOT_CHECKS: JSON.stringify([{ name: 'a', instanceId: CHECK_INSTANCE, topic: 't', sample: 99 }]) }, 'MQTRACE_SPOT_CHECKS: config.checks[a].sample'],
    [{ MQTRACE_SLACK_WEBHOOK_URL: 'hooks.slack.com/x' }, 'MQTRACE_SLACK_WEBHOOK_URL'],
    [{ MQTRACE_DINGTALK_ROBOT_SECRET: 'SECabcdefgh12345' }, 'MQTRACE_DINGTALK_ROBOT_SECRET'],
    [{ MQTRACE_STATE_OSS_BUCKET: 'Bad_Bucket' }, 'MQTRACE_STATE_OSS_BUCKET'],
    [{ MQTRACE_STATE_OSS_BUCKET: 'mqtrace-state', MQTRACE_STATE_FILE: '/tmp/x' }, 'MQTRACE_STATE_OSS_BUCKET/MQTRACE_STATE_FILE'],
    [{ MQTRACE_ALERT_QUIET_MINUTES: 'soon' }, 'MQTRACE_ALERT_QUIET_MINUTES'],
    [{ MQTRACE_STATE_REDIS: 'true' }, 'MQTRACE_STATE_REDIS'],
    [{ MQTRACE_STATE_REDIS: 'true', MQTRACE_REDIS_URL: 'redis://10.0.0.5:6379', MQTRACE_STATE_FILE: '/tmp/x' }, 'MQTRACE_STATE_REDIS'],
    [{ MQTRACE_STATE_REDIS: 'yes', MQTRACE_REDIS_URL: 'redis://10.0.0.5:6379' }, 'MQTRACE_STATE_REDIS'],
  ])('rejects %j naming %s, never the value', (env, key) => {
    const error = thrownBy(() => loadSpotCheckConfig(env));

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).keys).toEqual([key]);
    for (const value of Object.values(env)) expect((error as ConfigError).message).not.toContain(value);
  });
});
