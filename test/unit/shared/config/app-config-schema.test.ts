import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../../shared/access/bearer';
import { EMPTY_APP_CONFIG, loadAppConfig, parseAppConfig } from '../../../../shared/config/app-config-schema';
import { ConfigError } from '../../../../shared/errors';
import { CONFIG_SCHEMA_PATH, configSchemaText } from '../../../../scripts/config-schema';
import { thrownBy } from '../../../builders/thrown-by';

const PROD = 'MQ_INST_1234567890123456_BXprod01';
const HASH = sha256Hex('VALUEMARK-token');
const token = (overrides: Record<string, unknown> = {}) => ({ name: 'oncall', sha256: HASH, scope: { instances: ['prod'], topics: ['orders'] }, ...overrides });
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

describe('Function: loadAppConfig', () => {
  describe('Given MQTRACE_CONFIG is unset or blank', () => {
    it.each([{}, { MQTRACE_CONFIG: '  ' }])('returns the empty, deny-everything config for %j', (env) => {
      expect(loadAppConfig(env, { codeDir: '/code' })).toEqual(EMPTY_APP_CONFIG);
    });
  });

  describe('Given JSON text', () => {
    it('parses it and resolves aliases in defaults and scopes', () => {
      // Act
      const config = loadAppConfig({ MQTRACE_CONFIG: JSON.stringify({ aliases: { prod: PROD }, defaultInstance: 'prod', http: { tokens: [token({ defaultInstance: 'prod' })] } }) }, { codeDir: '/code' });

      // Assert
      expect(config.defaultInstance).toBe(PROD);
      expect(config.httpTokens[0]).toMatchObject({ defaultInstance: PROD, scope: { instances: [PROD], topics: ['orders'] } });
    });
  });

  describe('Given a file path', () => {
    it('reads a relative path from the code directory and an absolute path as is', () => {
      // Prepare
      const read: string[] = [];
      const readFile = (path: string) => {
        read.push(path);
        return '{"defaultInstance": "MQ_INST_1234567890123456_BXprod01"}';
      };

      // Act
      loadAppConfig({ MQTRACE_CONFIG: 'config/mqtrace.json' }, { codeDir: '/code', readFile });
      loadAppConfig({ MQTRACE_CONFIG: '/etc/mqtrace.json' }, { codeDir: '/code', readFile });

      // Assert
      expect(read).toEqual(['/code/config/mqtrace.json', '/etc/mqtrace.json']);
    });

    it('reads the committed example once its comments are removed', () => {
      const text = readFileSync(join(ROOT, 'config', 'mqtrace-config.example.jsonc'), 'utf8').replace(/^\s*\/\/.*$/gm, '');
      expect(parseAppConfig(JSON.parse(text)).chatCallers.slack).toHaveLength(2);
    });
  });

  describe('Given a broken document', () => {
    it.each([
      ['an unreadable file', 'missing-VALUEMARK.json', 'MQTRACE_CONFIG', 'names a file that cannot be read'],
      ['invalid JSON', '{"http": VALUEMARK}', 'MQTRACE_CONFIG', 'is not valid JSON'],
      ['an unknown key', JSON.stringify({ tokens: 'VALUEMARK' }), 'MQTRACE_CONFIG', 'Unrecognized key'],
      ['a token hash that is not hex', JSON.stringify({ http: { tokens: [token({ sha256: 'VALUEMARK' })] } }), 'MQTRACE_CONFIG.http.tokens.0.sha256', 'must be 64 lower-case hex digits'],
      ['a plaintext token field', JSON.stringify({ http: { tokens: [token({ token: 'VALUEMARK' })] } }), 'MQTRACE_CONFIG.http.tokens.0', 'Unrecognized key'],
      ['a scope without topics', JSON.stringify({ http: { tokens: [token({ scope: { instances: ['*'] } })] } }), 'MQTRACE_CONFIG.http.tokens.0.scope.topics', ''],
      ['a regex in a topic pattern', JSON.stringify({ http: { tokens: [token({ scope: { instances: ['*'], topics: ['orders.(VALUEMARK)'] } })] } }), 'MQTRACE_CONFIG.http.tokens.0.scope.topics.0', 'must be a topic pattern'],
      ['an unknown alias as default', JSON.stringify({ defaultInstance: 'VALUEMARK' }), 'MQTRACE_CONFIG.defaultInstance', 'is neither a configured alias nor an instance ID'],
      ['a bad alias target', JSON.stringify({ aliases: { prod: 'rmq-VALUEMARK' } }), 'MQTRACE_CONFIG.aliases.prod', 'must be a 4.x instance ID'],
      ['a bad Slack team', JSON.stringify({ slack: { channels: [{ teamId: 'VALUEMARK', channelId: '*', scope: { instances: ['*'], topics: ['*'] } }] } }), 'MQTRACE_CONFIG.slack.channels.0.teamId', 'must be a Slack team'],
      ['a bad DingTalk corp', JSON.stringify({ dingtalk: { conversations: [{ corpId: 'VALUE MARK', conversationId: '*', scope: { instances: ['*'], topics: ['*'] } }] } }), 'MQTRACE_CONFIG.dingtalk.conversations.0.corpId', 'must be a DingTalk corp ID'],
      ['two tokens with one hash', JSON.stringify({ http: { tokens: [token(), token({ name: 'twin' })] } }), 'MQTRACE_CONFIG.http.tokens', 'has two tokens with the same sha256'],
    ])('throws ConfigError naming the key for %s, never the value', (_, raw, key, message) => {
      // Act
      const error = thrownBy(() => loadAppConfig({ MQTRACE_CONFIG: raw }, { codeDir: '/nonexistent-dir' }));

      // Assert
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).keys).toContain(key);
      expect((error as ConfigError).message).toContain(message);
      expect((error as ConfigError).message).not.toContain('VALUEMARK');
      expect((error as ConfigError).message).not.toContain(HASH);
    });
  });
});

describe('File: config/mqtrace-config.schema.json', () => {
  it('matches the zod schema (regenerate with npx tsx scripts/config-schema.ts)', () => {
    expect(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')).toBe(configSchemaText());
  });
});
