import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../shared/errors';
import { DEFAULT_REGION, loadHttpConfig, type HttpConfig } from '../../../../shared/config/config-schema';
import { onsEndpointFor } from '../../../../shared/ons/endpoint';
import { thrownBy } from '../../../builders/thrown-by';

/** The 4.x endpoint the functions sign against, as the composition roots (functions/http/index.ts, functions/spot-check/index.ts) pick it. */
const onsEndpointOf = (config: HttpConfig) => config.onsEndpoint ?? onsEndpointFor(config.region);

describe('Function: loadHttpConfig', () => {
  describe('Given an empty environment', () => {
    it('applies every default', () => {
      // Act
      const config = loadHttpConfig({});

      // Assert
      expect(config).toEqual({
        onsEndpoint: undefined,
        rocketmq5Endpoint: undefined,
        region: 'cn-hangzhou',
        callTimeoutMs: 2500,
        lookupDeadlineMs: 8000,
        maxAttempts: 3,
        traceRateLimit: 10,
        producerUtcOffsetMinutes: 480,
        timeZone: { kind: 'iana', name: 'Asia/Shanghai' },
        logLevel: 'info',
        envCredentials: undefined,
      });
      expect(DEFAULT_REGION).toBe('cn-hangzhou');
      expect(onsEndpointOf(config)).toBe('https://ons.cn-hangzhou.aliyuncs.com');
    });

    it.each([
      ['a Chinese region', { MQTRACE_REGION: 'cn-beijing' }, { kind: 'iana', name: 'Asia/Shanghai' }],
      ['Hong Kong', { MQTRACE_REGION: 'cn-hongkong' }, { kind: 'iana', name: 'Asia/Hong_Kong' }],
      ['an unknown region', { MQTRACE_REGION: 'xx-nowhere-1' }, { kind: 'offset', minutes: 0 }],
      ['an offset', { MQTRACE_TIME_ZONE: 'UTC+05:30' }, { kind: 'offset', minutes: 330 }],
      ['UTC', { MQTRACE_TIME_ZONE: 'UTC', MQTRACE_REGION: 'cn-hangzhou' }, { kind: 'offset', minutes: 0 }],
    ])('derives the time zone from %s', (_name, env, zone) => {
      expect(loadHttpConfig(env).timeZone).toEqual(zone);
    });

    it('refuses a time zone it does not know, naming the variable', () => {
      expect(() => loadHttpConfig({ MQTRACE_TIME_ZONE: 'Mars/Olympus' })).toThrow(/MQTRACE_TIME_ZONE/);
    });

    it('treats blank values as unset', () => {
      // Act
      const config = loadHttpConfig({ MQTRACE_CALL_TIMEOUT_MS: '  ', MQTRACE_REGION: '', ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: ' ' });

      // Assert
      expect(config).toMatchObject({ callTimeoutMs: 2500, region: 'cn-hangzhou', envCredentials: undefined });
    });
  });

  describe('Given valid values for every variable', () => {
    it('parses them', () => {
      // Act
      const config = loadHttpConfig({
        MQTRACE_REGION: 'cn-shanghai',
        MQTRACE_CALL_TIMEOUT_MS: '1500',
        MQTRACE_LOOKUP_DEADLINE_MS: '600000',
        MQTRACE_MAX_ATTEMPTS: '1',
        MQTRACE_TRACE_RATE_LIMIT: '1000',
        MQTRACE_PRODUCER_UTC_OFFSET_MINUTES: '-300',
        MQTRACE_LOG_LEVEL: 'debug',
        MQTRACE_TIME_ZONE: 'Europe/Berlin',
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'AK_ENV',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret',
        ALIBABA_CLOUD_SECURITY_TOKEN: 'env-token',
      });

      // Assert
      expect(config).toEqual({
        onsEndpoint: undefined,
        rocketmq5Endpoint: undefined,
        region: 'cn-shanghai',
        callTimeoutMs: 1500,
        lookupDeadlineMs: 600_000,
        maxAttempts: 1,
        traceRateLimit: 1000,
        producerUtcOffsetMinutes: -300,
        timeZone: { kind: 'iana', name: 'Europe/Berlin' },
        logLevel: 'debug',
        envCredentials: { accessKeyId: 'AK_ENV', accessKeySecret: 'env-secret', securityToken: 'env-token' },
      });
      expect(onsEndpointOf(config)).toBe('https://ons.cn-shanghai.aliyuncs.com');
    });

    it.each([
      ['+480', 480],
      ['0', 0],
      ['-720', -720],
      ['840', 840],
    ])('accepts producer offset %s', (value, expected) => {
      // Act + Assert
      expect(loadHttpConfig({ MQTRACE_PRODUCER_UTC_OFFSET_MINUTES: value }).producerUtcOffsetMinutes).toBe(expected);
    });
  });

  describe('Given one invalid variable', () => {
    it.each([
      ['ONS_ENDPOINT', 'ftp://VALUEMARK.example.com'],
      ['ONS_ENDPOINT', 'VALUEMARK'],
      ['MQTRACE_REGION', 'VALUEMARK_Region'],
      ['FC_REGION', 'cn hangzhou VALUEMARK'],
      ['MQTRACE_CALL_TIMEOUT_MS', '12VALUEMARK'],
      ['MQTRACE_CALL_TIMEOUT_MS', '99'],
      ['MQTRACE_CALL_TIMEOUT_MS', '-100'],
      ['MQTRACE_LOOKUP_DEADLINE_MS', '600001'],
      ['MQTRACE_LOOKUP_DEADLINE_MS', '1.5'],
      ['MQTRACE_MAX_ATTEMPTS', '0'],
      ['MQTRACE_MAX_ATTEMPTS', '11'],
      ['MQTRACE_TRACE_RATE_LIMIT', '1001'],
      ['MQTRACE_PRODUCER_UTC_OFFSET_MINUTES', '841'],
      ['MQTRACE_PRODUCER_UTC_OFFSET_MINUTES', '-721'],
      ['MQTRACE_PRODUCER_UTC_OFFSET_MINUTES', 'UTC+8VALUEMARK'],
      ['MQTRACE_LOG_LEVEL', 'VALUEMARK'],
      ['ROCKETMQ_ENDPOINT', 'ftp://VALUEMARK.example.com'],
      ['ROCKETMQ_ENDPOINT', 'VALUEMARK'],
    ])('names %s in ConfigError.keys and keeps the value %j out of the message', (key, value) => {
      // Act
      const error = thrownBy(() => loadHttpConfig({ [key]: value }));

      // Assert
      expect(error).toBeInstanceOf(ConfigError);
      const configError = error as ConfigError;
      expect(configError.code).toBe('CONFIG_INVALID');
      expect(configError.keys).toEqual([key]);
      expect(configError.message).toContain(key);
      expect(configError.message).not.toContain(value);
      expect(JSON.stringify(configError)).not.toContain(value);
    });
  });

  describe('Given several invalid variables', () => {
    it('names each of them', () => {
      // Act
      const error = thrownBy(() => loadHttpConfig({ MQTRACE_MAX_ATTEMPTS: 'x', MQTRACE_LOG_LEVEL: 'loud', ONS_ENDPOINT: 'nope' }));

      // Assert
      expect((error as ConfigError).keys.sort()).toEqual(['MQTRACE_LOG_LEVEL', 'MQTRACE_MAX_ATTEMPTS', 'ONS_ENDPOINT']);
    });
  });

  describe('Given a region', () => {
    it.each([
      ['cn-hangzhou', 'https://ons.cn-hangzhou.aliyuncs.com'],
      ['ap-southeast-1', 'https://ons.ap-southeast-1.aliyuncs.com'],
      ['cn-beijing-finance-1', 'https://ons.aliyuncs.com'],
      ['cn-hongkong-finance-pop', 'https://ons.aliyuncs.com'],
      ['cn-wuhan', 'https://ons.aliyuncs.com'],
      ['cn-fujian', 'https://ons.aliyuncs.com'],
      ['cn-edge-1', 'https://ons.aliyuncs.com'],
      ['ap-northeast-2-pop', 'https://ons.ap-northeast-1.aliyuncs.com'],
      ['eu-west-1-oxs', 'https://ons.ap-northeast-1.aliyuncs.com'],
      ['rus-west-1-pop', 'https://ons.ap-northeast-1.aliyuncs.com'],
    ])('%s → %s', (region, endpoint) => {
      // Act
      const config = loadHttpConfig({ MQTRACE_REGION: region });

      // Assert
      expect(config).toMatchObject({ region, onsEndpoint: undefined });
      expect(onsEndpointOf(config)).toBe(endpoint);
      expect(onsEndpointFor(region)).toBe(endpoint);
    });

    it('prefers MQTRACE_REGION over FC_REGION, and uses FC_REGION alone', () => {
      // Act
      const both = loadHttpConfig({ MQTRACE_REGION: 'cn-shanghai', FC_REGION: 'cn-beijing' });
      const fcOnly = loadHttpConfig({ FC_REGION: 'cn-beijing' });

      // Assert
      expect(both).toMatchObject({ region: 'cn-shanghai' });
      expect(onsEndpointOf(both)).toBe('https://ons.cn-shanghai.aliyuncs.com');
      expect(fcOnly).toMatchObject({ region: 'cn-beijing' });
      expect(onsEndpointOf(fcOnly)).toBe('https://ons.cn-beijing.aliyuncs.com');
    });
  });

  describe('Given ONS_ENDPOINT', () => {
    it.each(['http://127.0.0.1:8080', 'https://ons-vpc.cn-hangzhou.aliyuncs.com'])('uses %s whatever the region', (endpoint) => {
      // Act
      const config = loadHttpConfig({ ONS_ENDPOINT: endpoint, MQTRACE_REGION: 'cn-wuhan' });

      // Assert
      expect(config).toMatchObject({ onsEndpoint: endpoint, rocketmq5Endpoint: undefined, region: 'cn-wuhan' });
      expect(onsEndpointOf(config)).toBe(endpoint);
    });
  });

  describe('Given ROCKETMQ_ENDPOINT', () => {
    it.each(['http://127.0.0.1:8081', 'https://rocketmq-vpc.cn-hangzhou.aliyuncs.com'])('overrides only the 5.x endpoint with %s', (endpoint) => {
      // Act
      const config = loadHttpConfig({ ROCKETMQ_ENDPOINT: endpoint, MQTRACE_REGION: 'cn-shanghai' });

      // Assert
      expect(config).toMatchObject({ rocketmq5Endpoint: endpoint, onsEndpoint: undefined, region: 'cn-shanghai' });
      expect(onsEndpointOf(config)).toBe('https://ons.cn-shanghai.aliyuncs.com');
    });
  });

  describe('Given only one of the two credential variables', () => {
    it.each([
      ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'LTAI_ONLY_ID_VALUE'],
      ['ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'only-secret-value-123'],
    ])('rejects %s alone without echoing it', (key, value) => {
      // Act
      const error = thrownBy(() => loadHttpConfig({ [key]: value, ALIBABA_CLOUD_SECURITY_TOKEN: 'tok-value-xyz' }));

      // Assert
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).keys).toEqual(['ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET']);
      expect((error as ConfigError).message).toBe(
        'invalid configuration: ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET: set both or neither',
      );
      expect(JSON.stringify(error)).not.toContain(value);
    });
  });

  describe('Given both credential variables without a token', () => {
    it('omits securityToken', () => {
      // Act
      const config = loadHttpConfig({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'AK', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'S' });

      // Assert
      expect(config.envCredentials).toEqual({ accessKeyId: 'AK', accessKeySecret: 'S' });
    });
  });
});
