import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preflightLocalConfig, type PreflightResult } from '../../../local/runner/preflight';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SECRET = 'SECRETVALUE-preflight-0123456789abcdef';
const keysOf = (result: PreflightResult) => (result.ok ? [] : result.problems.map((p) => p.key));

describe('Function: preflightLocalConfig (npm start says what is wrong before it reports ready)', () => {
  it('passes an environment with nothing set', () => {
    expect(preflightLocalConfig({ PATH: '/usr/bin' })).toEqual({ ok: true });
  });

  it.each([
    ['MQTRACE_CONFIG that is no JSON', { MQTRACE_CONFIG: '{"http":' }, 'MQTRACE_CONFIG'],
    ['a token hash that is no SHA-256', { MQTRACE_CONFIG: JSON.stringify({ http: { tokens: [{ name: 'me', sha256: SECRET, scope: { instances: [], topics: [] } }] } }) }, 'MQTRACE_CONFIG.http.tokens.0.sha256'],
    ['a timeout out of range', { MQTRACE_CALL_TIMEOUT_MS: '5' }, 'MQTRACE_CALL_TIMEOUT_MS'],
    ['an unknown log level', { MQTRACE_LOG_LEVEL: 'loud' }, 'MQTRACE_LOG_LEVEL'],
    ['an AccessKey ID without its secret', { ALIBABA_CLOUD_ACCESS_KEY_ID: SECRET }, 'ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
    ['an unknown deploy region', { MQTRACE_DEPLOY_REGION: 'mars-1' }, 'MQTRACE_DEPLOY_REGION'],
    ['an unknown MQTRACE_REGION', { MQTRACE_REGION: 'mars-1' }, 'MQTRACE_REGION'],
  ])('fails on %s, naming the key and never the value', (_name, env, key) => {
    // Act
    const result = preflightLocalConfig(env);

    // Assert
    expect(result.ok).toBe(false);
    expect(keysOf(result)).toEqual([key]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain('mars-1');
  });

  it('lists every problem at once', () => {
    // Act
    const result = preflightLocalConfig({ MQTRACE_CONFIG: '{', MQTRACE_MAX_ATTEMPTS: 'x', MQTRACE_LOOKUP_DEADLINE_MS: '1', MQTRACE_DEPLOY_REGION: 'mars-1' });

    // Assert
    expect(keysOf(result).sort()).toEqual(['MQTRACE_CONFIG', 'MQTRACE_DEPLOY_REGION', 'MQTRACE_LOOKUP_DEADLINE_MS', 'MQTRACE_MAX_ATTEMPTS']);
  });

  it('reads a relative MQTRACE_CONFIG from the built HTTP function, and hints at comments', () => {
    // Arrange
    const read: string[] = [];
    const jsonc = readFileSync(join(ROOT, 'config', 'mqtrace-config.example.jsonc'), 'utf8');

    // Act
    const result = preflightLocalConfig({ MQTRACE_CONFIG: 'mqtrace.json' }, {
      readFile: (path) => {
        read.push(path);
        return jsonc;
      },
    });

    // Assert
    expect(read).toEqual([join(ROOT, 'dist', 'http', 'mqtrace.json')]);
    expect(result).toEqual({ ok: false, problems: [{ key: 'MQTRACE_CONFIG', message: expect.stringContaining('comments') }] });
  });

  it('ignores what the local stack sets itself: the chat secrets, and ONS_ENDPOINT without an AccessKey', () => {
    // Act / Assert
    expect(preflightLocalConfig({ SLACK_SIGNING_SECRET: SECRET, ONS_ENDPOINT: 'not a url' })).toEqual({ ok: true });
    expect(keysOf(preflightLocalConfig({ ONS_ENDPOINT: 'not a url', ALIBABA_CLOUD_ACCESS_KEY_ID: 'id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret' }))).toEqual(['ONS_ENDPOINT']);
    expect(keysOf(preflightLocalConfig({ SLACK_SIGNING_SECRET: SECRET }, { localOverrides: [] }))).toEqual(['MQTRACE_INTERNAL_SECRET']);
  });

  it('does not fail the local stack on settings that only fail some requests', () => {
    // A Slack secret without Slack channels: /chat/slack refuses, the rest works.
    expect(preflightLocalConfig({ MQTRACE_CONFIG: '{}', SLACK_SIGNING_SECRET: SECRET, MQTRACE_INTERNAL_SECRET: 'i'.repeat(32) }, { localOverrides: [] })).toEqual({ ok: true });
  });

  it('checks the spot-check function when asked to', () => {
    // Act
    const result = preflightLocalConfig({ MQTRACE_SPOT_CHECKS: '[{"name": "x"}]' }, { functions: ['spot-check'] });

    // Assert
    expect(keysOf(result)).toEqual(['MQTRACE_SPOT_CHECKS: config.checks[x].instanceId', 'MQTRACE_SPOT_CHECKS: config.checks[x].topic']);
    expect(preflightLocalConfig({ MQTRACE_SPOT_CHECKS: '[{"name": "x"}]' })).toEqual({ ok: true });
  });

  it('names an s.yaml it cannot render', () => {
    // Act
    const result = preflightLocalConfig({}, { sYamlPath: join(ROOT, 'no-such-s.yaml') });

    // Assert
    expect(result).toEqual({ ok: false, problems: [{ key: 's.yaml', message: 'cannot be read or rendered' }] });
  });
});
