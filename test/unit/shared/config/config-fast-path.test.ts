import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppConfigSchema, fastAppConfigDocument } from '../../../../shared/config/app-config-schema';
import { EnvSchema, fastEnv } from '../../../../shared/config/config-schema';
import { fastRedisEnv, RedisEnvSchema } from '../../../../shared/config/redis-config-schema';
import { expectFastPathAgrees, mostly, rawOrParsedJson } from '../../../builders/fast-path-agreement';

const INSTANCE = 'MQ_INST_1234567890123456_BXabcdef';
const pick = <T>(common: T[], rare: T[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...common) }, { weight: 1, arbitrary: fc.constantFrom(...rare) });
const envValue = (common: string[], rare: string[]) => fc.oneof({ weight: 8, arbitrary: pick(['', ...common], rare) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) });

const env = fc.record(
  {
    ONS_ENDPOINT: envValue(['http://127.0.0.1:9100', 'https://ons.cn-hangzhou.aliyuncs.com', ' http://a.b '], ['ftp://x', 'not a url', 'http://', 'HTTP://A']),
    ROCKETMQ_ENDPOINT: envValue(['https://rocketmq.cn-hangzhou.aliyuncs.com'], ['//x', 'https://[::1]:8080']),
    MQTRACE_REGION: envValue(['cn-hangzhou', 'ap-southeast-1'], ['CN', 'c', ' cn-hangzhou']),
    FC_REGION: envValue(['cn-shanghai'], ['x_y']),
    MQTRACE_CALL_TIMEOUT_MS: envValue(['2500', '100', '60000', ' 300 '], ['99', '60001', '1e3', '+200', '0x10', '1.5']),
    MQTRACE_LOOKUP_DEADLINE_MS: envValue(['8000', '600000'], ['199', '600001']),
    MQTRACE_MAX_ATTEMPTS: envValue(['1', '3', '10'], ['0', '11', '03']),
    MQTRACE_TRACE_RATE_LIMIT: envValue(['10', '1000'], ['1001']),
    MQTRACE_PRODUCER_UTC_OFFSET_MINUTES: envValue(['480', '-720', '840', '+60', '-0'], ['841', ' 480', '4.5', '--1']),
    MQTRACE_TIME_ZONE: envValue(['Asia/Shanghai', 'UTC', 'UTC+8', '+05:30', ' Europe/Berlin ', 'gmt-0530'], ['Mars/Base', 'UTC+15', '+08:60', 'utc+8x', 'Z']),
    MQTRACE_LOG_LEVEL: envValue(['debug', 'info', 'warn', 'error'], ['INFO', 'trace', ' info']),
    ALIBABA_CLOUD_ACCESS_KEY_ID: envValue(['id-example'], [' ']),
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: envValue(['secret-example'], ['\t']),
    ALIBABA_CLOUD_SECURITY_TOKEN: envValue(['token-example'], ['  ']),
    PATH: fc.string(),
  },
  { requiredKeys: [] },
);

const scope = fc.record({
  instances: fc.array(mostly(pick(['*', INSTANCE, 'prod', 'MQ_INST_*_BX?'], ['', 'a b', 'x'.repeat(65)])), { maxLength: 3 }),
  topics: fc.array(mostly(pick(['*', 'orders-*', '%RETRY%|x'], ['', 'a b', 't'.repeat(128)])), { maxLength: 3 }),
});
const locale = mostly(pick(['zh-CN', 'en'], ['EN', 'zh-cn', 'fr']));
const ref = mostly(pick(['prod', INSTANCE], ['', 'x'.repeat(65)]));
const token = fc.record(
  {
    name: mostly(pick(['ops', 'a.b-c_d'], ['', 'a b', 'x'.repeat(65)])),
    sha256: mostly(pick(['a'.repeat(64), '0123456789abcdef'.repeat(4)], ['A'.repeat(64), 'a'.repeat(63)])),
    scope: mostly(scope),
    defaultInstance: ref,
  },
  { requiredKeys: ['name', 'sha256', 'scope'] },
);
const slack = fc.record(
  {
    teamId: mostly(pick(['T0123ABCD', 'E01AB'], ['t0123', 'T'])),
    channelId: mostly(pick(['C0123ABCD', '*', 'D01AB'], ['c01', '**'])),
    scope: mostly(scope),
    defaultInstance: ref,
    visibility: mostly(pick(['ephemeral', 'in_channel'], ['public'])),
    locale,
  },
  { requiredKeys: ['teamId', 'channelId', 'scope'] },
);
const dingtalk = fc.record(
  {
    corpId: mostly(pick(['ding0123abcd', 'ding$x.y-z'], ['d', 'a b'])),
    conversationId: mostly(pick(['cidAbC+/==', '*'], ['c', 'a b'])),
    scope: mostly(scope),
    defaultInstance: ref,
    locale,
  },
  { requiredKeys: ['corpId', 'conversationId', 'scope'] },
);
const feishu = fc.record(
  {
    tenantKey: mostly(pick(['tenant-1', '2ed263bf32cf1651'], ['t', 'a b', 'x'.repeat(65)])),
    chatId: mostly(pick(['oc_5ad11d72b830', '*'], ['oc_short', 'oc_x!', 'chat'])),
    scope: mostly(scope),
    defaultInstance: ref,
    locale,
  },
  { requiredKeys: ['tenantKey', 'chatId', 'scope'] },
);
const wecom = fc.record(
  {
    corpId: mostly(pick(['ww0123456789abcdef', 'wwABCDEF'], ['ww_1', 'w', 'x'.repeat(41)])),
    userId: mostly(pick(['zhang.san', 'ops@corp', '*'], ['', 'a b', 'u'.repeat(65)])),
    scope: mostly(scope),
    defaultInstance: ref,
    locale,
  },
  { requiredKeys: ['corpId', 'userId', 'scope'] },
);
const aliases = fc.dictionary(
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom('prod', 'staging', 'a_b-c', 'hasownproperty') }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'Prod', '1x', '') }),
  mostly(pick([INSTANCE, ` ${INSTANCE} `, 'rmq-cn-7mz2ahxse0a'], ['MQ_INST_x', ''])),
  { maxKeys: 3 },
);
const document = fc.record(
  {
    $schema: mostly(fc.constant('./mqtrace-config.schema.json')),
    aliases: mostly(aliases),
    defaultInstance: ref,
    http: mostly(fc.record({ tokens: fc.array(token, { maxLength: 2 }) })),
    slack: mostly(fc.record({ channels: fc.array(slack, { maxLength: 2 }) })),
    dingtalk: mostly(fc.record({ conversations: fc.array(dingtalk, { maxLength: 2 }) })),
    feishu: mostly(fc.record({ chats: fc.array(feishu, { maxLength: 2 }) })),
    wecom: mostly(fc.record({ users: fc.array(wecom, { maxLength: 2 }) })),
  },
  { requiredKeys: [] },
);
// Now and then a section the schema does not have.
const documents = fc
  .tuple(document, fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('teams', 'http2') }))
  .map(([doc, extra]) => (extra ? { ...doc, [extra]: {} } : doc));

describe('Function: fastEnv (the fast path of EnvSchema)', () => {
  describe('Given arbitrary environments', () => {
    it('accepts exactly what zod accepts, with the same output', () => {
      // Act
      const { accepted, refused } = expectFastPathAgrees(EnvSchema, fastEnv, fc.oneof({ weight: 8, arbitrary: env }, { weight: 1, arbitrary: fc.anything() }), 2000);

      // Assert
      expect(accepted).toBeGreaterThan(100);
      expect(refused).toBeGreaterThan(100);
    });
  });
});

const redisEnv = fc.record(
  {
    MQTRACE_REDIS_URL: envValue(
      ['redis://127.0.0.1:6379', 'rediss://r-bp1.redis.rds.aliyuncs.com:6380/0', ' redis://cache ', 'redis://[::1]:6379/15'],
      ['http://x', 'redis://u:p@h', 'redis://:p@h', 'redis://h?db=1', 'redis://h#x', 'redis://h/100', 'redis://h/a', 'redis:///0', 'redis://'],
    ),
    MQTRACE_REDIS_USERNAME: envValue(['default', 'ops'], ['u'.repeat(129), 'u'.repeat(128)]),
    MQTRACE_REDIS_PASSWORD: envValue(['password-example', 'account:password-example'], ['p'.repeat(513), ' p ']),
    MQTRACE_REDIS_KEY_PREFIX: envValue(['mqtrace:', 'prod.mqtrace:', 'a'], ['a b', 'x'.repeat(65), ' mqtrace:']),
    MQTRACE_REDIS_TIMEOUT_MS: envValue(['50', '5', '5000'], ['4', '5001', '1.5']),
    MQTRACE_REDIS_CONNECT_TIMEOUT_MS: envValue(['500', '10000'], ['10001', '4']),
    MQTRACE_REDIS_RECONNECT_MS: envValue(['1000', '50', '60000'], ['49', '60001']),
    MQTRACE_VERDICT_CACHE_TTL_MS: envValue(['0', '60000', '3600000'], ['3600001', '-1']),
    FC_ACCOUNT_ID: envValue(['1234567890123456', '123456'], ['12345', '1'.repeat(21), 'acct']),
    PATH: fc.string(),
  },
  { requiredKeys: [] },
);

describe('Function: fastRedisEnv (the fast path of RedisEnvSchema)', () => {
  describe('Given arbitrary environments', () => {
    it('accepts exactly what zod accepts, with the same output', () => {
      // Act
      const { accepted, refused } = expectFastPathAgrees(RedisEnvSchema, fastRedisEnv, fc.oneof({ weight: 8, arbitrary: redisEnv }, { weight: 1, arbitrary: fc.anything() }), 2000);

      // Assert
      expect(accepted).toBeGreaterThan(100);
      expect(refused).toBeGreaterThan(100);
    });
  });
});

describe('Function: fastAppConfigDocument (the fast path of AppConfigSchema)', () => {
  describe('Given arbitrary documents', () => {
    it('accepts exactly what zod accepts, with the same output', () => {
      // Act
      const inputs = rawOrParsedJson(fc.oneof({ weight: 8, arbitrary: documents }, { weight: 1, arbitrary: fc.anything() }));
      const { accepted, refused } = expectFastPathAgrees(AppConfigSchema, fastAppConfigDocument, inputs, 3000);

      // Assert
      expect(accepted).toBeGreaterThan(30);
      expect(refused).toBeGreaterThan(100);
    });
  });
});
