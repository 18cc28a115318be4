import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/errors';
import { onsEndpointFor } from '../../../shared/ons/endpoint';
import { RESOURCE_PLACEHOLDERS, type ResourcePlaceholder } from '../../../shared/ram/api-calls';
import {
  attributeKey,
  checkFunctionEnv,
  checkRamInputs,
  checkRegionNames,
  checkTemplateValues,
  FC_CODE_DIR,
  hasComments,
  issuesOf,
  loaderIssues,
  redactValues,
  sYamlSources,
  unpassedKeyWarnings,
  valuesToHide,
  type EnvProblem,
} from '../../../scripts/deploy/env-checks';
import { KNOWN_REGION_IDS, ONS_ENDPOINT_EXCEPTION_REGIONS } from '../../../scripts/deploy/regions';
import { loadSpotCheckConfig } from '../../../shared/config/spot-check-config';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CODE_DIR = '/nowhere/dist/http';
const INSTANCE = 'MQ_INST_1234567890123456_BXprod01';
const CHECK = { name: 'orders', instanceId: INSTANCE, topic: 'orders' };
const SECRET = 'SECRETVALUE-signing-0123456789';
const keysOf = (items: readonly EnvProblem[]) => items.map((p) => p.key);
const noFile = () => {
  throw new Error('ENOENT');
};

describe('Function: checkFunctionEnv (the cold-start loaders, then what fails later)', () => {
  describe('Given the HTTP function', () => {
    const http = (env: Record<string, string>, readFile: (path: string) => string = noFile) => checkFunctionEnv('http', env, { codeDir: CODE_DIR, readFile });

    it('accepts an empty environment, warning that every call would be refused', () => {
      // Act
      const report = http({});

      // Assert
      expect(report.problems).toEqual([]);
      expect(keysOf(report.warnings)).toEqual(['MQTRACE_CONFIG']);
    });

    it.each([
      ['truncated JSON', { MQTRACE_CONFIG: '{"http":' }, 'MQTRACE_CONFIG', 'is not valid JSON', 'cold-start'],
      ['a token hash that is no SHA-256', { MQTRACE_CONFIG: JSON.stringify({ http: { tokens: [{ name: 'ops', sha256: SECRET, scope: { instances: [], topics: [] } }] } }) }, 'MQTRACE_CONFIG.http.tokens.0.sha256', '64 lower-case hex', 'cold-start'],
      ['a chat secret without the internal one', { SLACK_SIGNING_SECRET: SECRET }, 'MQTRACE_INTERNAL_SECRET', 'is required', 'chat-start'],
      ['a chat timeout out of range', { MQTRACE_CHAT_REPLY_TIMEOUT_MS: '5' }, 'MQTRACE_CHAT_REPLY_TIMEOUT_MS', 'at least 200', 'chat-start'],
      ['a number out of range', { MQTRACE_CALL_TIMEOUT_MS: '5' }, 'MQTRACE_CALL_TIMEOUT_MS', 'at least 100', 'cold-start'],
      ['half an AccessKey', { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-somebody' }, 'ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'both or neither', 'cold-start'],
    ])('fails %s when the function (or its chat) starts, naming the key and not the value', (_name, env, key, message, phase) => {
      // Act
      const { problems } = http(env);

      // Assert
      expect(problems).toContainEqual({ key, message: expect.stringContaining(message), phase });
      expect(JSON.stringify(problems)).not.toContain(SECRET);
    });

    it('lists every problem at once, across the three loaders', () => {
      // Act
      const { problems } = http({ MQTRACE_CONFIG: '{', MQTRACE_LOG_LEVEL: 'loud', MQTRACE_MAX_ATTEMPTS: 'x', DINGTALK_APP_SECRET: SECRET, MQTRACE_CHAT_INLINE_BUDGET_MS: '1' });

      // Assert
      expect(keysOf(problems)).toEqual(
        expect.arrayContaining(['MQTRACE_CONFIG', 'MQTRACE_LOG_LEVEL', 'MQTRACE_MAX_ATTEMPTS', 'MQTRACE_INTERNAL_SECRET', 'MQTRACE_CHAT_INLINE_BUDGET_MS']),
      );
    });

    it('hints at comments in a JSONC document, inline or in a file', () => {
      // Arrange
      const jsonc = readFileSync(join(ROOT, 'config', 'mqtrace-config.example.jsonc'), 'utf8');

      // Act
      const inline = http({ MQTRACE_CONFIG: `{ // note\n "aliases": {} }` }).problems;
      const file = http({ MQTRACE_CONFIG: 'mqtrace.json' }, () => jsonc).problems;

      // Assert
      expect(inline).toContainEqual(expect.objectContaining({ key: 'MQTRACE_CONFIG', message: expect.stringContaining('config/mqtrace.json') }));
      expect(file).toContainEqual(expect.objectContaining({ key: 'MQTRACE_CONFIG', message: expect.stringMatching(/comments.*strip them from config\/mqtrace\.json/) }));
    });

    it('reads a relative file from the code directory, and names the build step when it is missing', () => {
      // Arrange
      const read: string[] = [];

      // Act
      const { problems } = http({ MQTRACE_CONFIG: 'mqtrace.json' }, (path) => {
        read.push(path);
        throw new Error('ENOENT');
      });

      // Assert
      expect(read).toEqual([join(CODE_DIR, 'mqtrace.json')]);
      expect(problems).toContainEqual(expect.objectContaining({ key: 'MQTRACE_CONFIG', message: expect.stringContaining('npm run build copies config/mqtrace.json') }));
    });

    it('refuses an absolute path outside FC’s code directory, and reads /code/… from the local one', () => {
      // Arrange
      const deployed = (value: string, readFile: (path: string) => string) =>
        checkFunctionEnv('http', { MQTRACE_CONFIG: value }, { codeDir: CODE_DIR, deployedCodeDir: FC_CODE_DIR, readFile }).problems;
      const read: string[] = [];

      // Act
      const outside = deployed('/home/me/mqtrace.json', noFile);
      const inside = deployed('/code/conf/mqtrace.json', (path) => {
        read.push(path);
        return '{}';
      });

      // Assert
      expect(outside).toContainEqual(expect.objectContaining({ key: 'MQTRACE_CONFIG', message: expect.stringContaining('outside the code directory') }));
      expect(inside).toEqual([]);
      expect(read).toEqual([join(CODE_DIR, 'conf', 'mqtrace.json')]);
    });

    it('flags a chat secret and its allow-list that do not come together (they fail per request)', () => {
      // Arrange
      const channels = JSON.stringify({ slack: { channels: [{ teamId: 'T0123ABCD', channelId: '*', scope: { instances: ['*'], topics: ['*'] } }] } });

      // Act
      const secretOnly = http({ SLACK_SIGNING_SECRET: SECRET, MQTRACE_INTERNAL_SECRET: 'i'.repeat(32) }).problems;
      const listOnly = http({ MQTRACE_CONFIG: channels }).problems;
      const both = http({ MQTRACE_CONFIG: channels, SLACK_SIGNING_SECRET: SECRET, MQTRACE_INTERNAL_SECRET: 'i'.repeat(32) }).problems;

      // Assert
      expect(secretOnly).toEqual([{ key: 'MQTRACE_CONFIG.slack.channels', message: expect.stringContaining('every Slack command is refused'), phase: 'per-request' }]);
      expect(listOnly).toEqual([{ key: 'SLACK_SIGNING_SECRET', message: expect.stringContaining('/chat/slack answers 404'), phase: 'per-request' }]);
      expect(both).toEqual([]);
    });

    it('flags a region ID nobody knows, though its format is fine', () => {
      expect(http({ MQTRACE_REGION: 'mars-1' }).problems).toEqual([{ key: 'MQTRACE_REGION', message: expect.stringContaining('not a known Alibaba Cloud region'), phase: 'per-request' }]);
      expect(http({ MQTRACE_REGION: 'cn-shanghai' }).problems).toEqual([]);
    });
  });

  describe('Given the spot-check function', () => {
    const spot = (env: Record<string, string>, timerPayload?: string) => checkFunctionEnv('spot-check', env, { codeDir: CODE_DIR, timerPayload });

    it('lists the broker, spot-check and checks problems together, though its loader stops at the first group', () => {
      // Act
      const { problems } = spot({ MQTRACE_CALL_TIMEOUT_MS: '5', MQTRACE_SLACK_WEBHOOK_URL: 'nope', MQTRACE_SPOT_CHECKS: '[{"name": "bad name"}]' });

      // Assert
      expect(keysOf(problems)).toEqual(expect.arrayContaining(['MQTRACE_CALL_TIMEOUT_MS', 'MQTRACE_SLACK_WEBHOOK_URL', 'MQTRACE_SPOT_CHECKS: config.checks[0].name']));
      expect(problems.every((p) => p.phase === 'cold-start')).toBe(true);
    });

    it.each([
      ['text that is no JSON', '{"checks": [', 'payload'],
      ['a check without a topic', JSON.stringify({ checks: [{ name: 'x', instanceId: INSTANCE }] }), 'payload.checks[x].topic'],
      ['a name the configured checks already use', JSON.stringify({ checks: [CHECK] }), 'payload.checks[orders].name'],
    ])('fails every timer run on a payload with %s', (_name, payload, key) => {
      // Act
      const { problems } = spot({ MQTRACE_SPOT_CHECKS: JSON.stringify([CHECK]) }, payload);

      // Assert
      expect(problems).toContainEqual({ key, message: expect.stringContaining('every timer run fails'), phase: 'per-request' });
    });

    it('warns, without failing, when neither the configuration nor the payload holds a check', () => {
      // Act
      const report = spot({}, '');

      // Assert
      expect(report.problems).toEqual([]);
      expect(keysOf(report.warnings)).toEqual(['MQTRACE_SPOT_CHECKS']);
      expect(spot({}, JSON.stringify({ checks: [CHECK] }))).toEqual({ problems: [], warnings: [] });
    });
  });
});

describe('Function: loaderIssues / issuesOf', () => {
  it('drops the artefacts of removing a failed key (the robot secret "without" the URL that was only invalid)', () => {
    // Act
    const { issues } = loaderIssues(loadSpotCheckConfig, { MQTRACE_DINGTALK_ROBOT_URL: 'nope', MQTRACE_DINGTALK_ROBOT_SECRET: 'SEC0123456789' });

    // Assert
    expect(issues.map((i) => i.path)).toEqual(['MQTRACE_DINGTALK_ROBOT_URL']);
  });

  it('cuts the messages of a ConfigError along its keys, even when a message holds "; "', () => {
    // Arrange
    const error = new ConfigError([
      { path: 'MQTRACE_SPOT_CHECKS', message: 'is not valid JSON; expected [{"name": …}, …]' },
      { path: 'MQTRACE_LOG_LEVEL', message: 'Invalid option' },
    ]);

    // Act / Assert
    expect(issuesOf(error, 'x')).toEqual([
      { path: 'MQTRACE_SPOT_CHECKS', message: 'is not valid JSON; expected [{"name": …}, …]' },
      { path: 'MQTRACE_LOG_LEVEL', message: 'Invalid option' },
    ]);
    expect(issuesOf(new Error(`boom ${SECRET}`), 'X')).toEqual([{ path: 'X', message: 'could not be checked (Error)' }]);
  });
});

describe('Function: the deployer-side checks', () => {
  const ACCOUNT = '1234567890123456';

  it('accepts good RAM inputs, and names each bad one by its variable and position', () => {
    // Arrange
    const env = {
      [RESOURCE_PLACEHOLDERS.ACCOUNT_ID.env]: '12345',
      [RESOURCE_PLACEHOLDERS.MQ_INSTANCE_ID.env]: `${INSTANCE}, rmq-cn-7mz2ahxse0a, MQ_INST_x`,
      [RESOURCE_PLACEHOLDERS.ROCKETMQ5_INSTANCE_ID.env]: 'rmq-cn-7mz2ahxse0a,RMQ_BAD',
      [RESOURCE_PLACEHOLDERS.HTTP_FUNCTION_NAME.env]: 'no spaces',
    };

    // Act
    const problems = checkRamInputs(env);

    // Assert
    expect(problems.map((p) => `${p.key}: ${p.message}`)).toEqual([
      expect.stringMatching(/^MQTRACE_ACCOUNT_ID: must be the 16-digit/),
      expect.stringMatching(/^MQTRACE_RAM_INSTANCE_IDS: item 2 .* goes in MQTRACE_RAM_ROCKETMQ5_INSTANCE_IDS$/),
      expect.stringMatching(/^MQTRACE_RAM_INSTANCE_IDS: item 3 is not a 4.x instance ID/),
      expect.stringMatching(/^MQTRACE_RAM_ROCKETMQ5_INSTANCE_IDS: item 2 is not a 5.x instance ID/),
      expect.stringMatching(/^MQTRACE_HTTP_FUNCTION_NAME: must be an FC function name/),
    ]);
    expect(checkRamInputs({ MQTRACE_ACCOUNT_ID: ACCOUNT, MQTRACE_RAM_INSTANCE_IDS: INSTANCE, MQTRACE_HTTP_FUNCTION_NAME: 'mqtrace-http' })).toEqual([]);
  });

  it('checks every instance list the RAM registry has, whatever it holds', () => {
    // Arrange
    const lists = (Object.keys(RESOURCE_PLACEHOLDERS) as ResourcePlaceholder[]).filter((name) => (RESOURCE_PLACEHOLDERS[name] as { list?: boolean }).list);

    // Act / Assert
    expect(lists.length).toBeGreaterThanOrEqual(1);
    for (const name of lists) expect(checkRamInputs({ [RESOURCE_PLACEHOLDERS[name].env]: 'not-an-instance' }), name).toHaveLength(1);
  });

  it('names the region variables that hold an unknown region, never the region', () => {
    // Act
    const problems = checkRegionNames({ MQTRACE_DEPLOY_REGION: 'mars-1', MQTRACE_REGION: 'cn-hangzhou' });

    // Assert
    expect(problems).toEqual([{ key: 'MQTRACE_DEPLOY_REGION', message: expect.not.stringContaining('mars'), phase: 'per-request' }]);
  });

  it('flags a value with "${", which Serverless Devs would render as a template', () => {
    expect(checkTemplateValues({ SLACK_SIGNING_SECRET: 'abc${x}def', MQTRACE_LOG_LEVEL: 'info' }, ['SLACK_SIGNING_SECRET', 'MQTRACE_LOG_LEVEL'])).toEqual([
      { key: 'SLACK_SIGNING_SECRET', message: expect.stringContaining('template'), phase: 'deploy' },
    ]);
  });

  it('warns about function settings s.yaml never passes on', () => {
    // Arrange
    const sources = sYamlSources(readFileSync(join(ROOT, 's.yaml'), 'utf8'));

    // Act
    const warnings = unpassedKeyWarnings({ MQTRACE_REGION: 'cn-shanghai', MQTRACE_STATE_FILE: '/tmp/x', ALIBABA_CLOUD_ACCESS_KEY_ID: 'x', MQTRACE_LOG_LEVEL: 'warn' }, sources);

    // Assert
    expect(warnings).toEqual([
      { key: 'MQTRACE_REGION', message: expect.stringContaining('from MQTRACE_DEPLOY_REGION'), phase: 'deploy' },
      { key: 'MQTRACE_STATE_FILE', message: expect.stringContaining('only affects local runs'), phase: 'deploy' },
    ]);
  });
});

describe('Function: sYamlSources / attributeKey (which deployer variable a rendered setting came from)', () => {
  const sources = sYamlSources(readFileSync(join(ROOT, 's.yaml'), 'utf8'));

  it.each([
    ['mqtrace-http', 'MQTRACE_REGION', 'MQTRACE_DEPLOY_REGION'],
    ['mqtrace-http', 'region', 'MQTRACE_DEPLOY_REGION'],
    ['mqtrace-spot-check', 'payload.checks[0].name', 'MQTRACE_SPOT_CHECK_PAYLOAD.checks[0].name'],
    ['mqtrace-http', 'MQTRACE_CONFIG.http.tokens.0.sha256', 'MQTRACE_CONFIG.http.tokens.0.sha256'],
    ['mqtrace-spot-check', 'MQTRACE_SPOT_CHECKS: config.checks[0].name', 'MQTRACE_SPOT_CHECKS: config.checks[0].name'],
  ])('in %s, names %s after %s', (resource, key, expected) => {
    expect(attributeKey(key, resource, sources)).toBe(expected);
  });
});

describe('Registry: KNOWN_REGION_IDS', () => {
  it('holds the ONS SDK endpoint exceptions it claims, each still sent elsewhere by onsEndpointFor', () => {
    expect(ONS_ENDPOINT_EXCEPTION_REGIONS.length).toBeGreaterThan(0);
    for (const region of ONS_ENDPOINT_EXCEPTION_REGIONS) expect(onsEndpointFor(region), region).not.toBe(`https://ons.${region}.aliyuncs.com`);
  });

  it('has unique, well-formed IDs, the s.yaml default among them', () => {
    expect(new Set(KNOWN_REGION_IDS).size).toBe(KNOWN_REGION_IDS.length);
    for (const region of KNOWN_REGION_IDS) expect(region).toMatch(/^[a-z]{2,3}(?:-[a-z0-9]+)+$/);
    expect(KNOWN_REGION_IDS).toContain('cn-hangzhou');
  });
});

describe('Function: output hygiene', () => {
  it('hides every value of 6+ characters that s.yaml does not itself hold', () => {
    // Arrange
    const hidden = valuesToHide([{ A: SECRET, B: 'cn-hangzhou', C: 'short' }], 'region: cn-hangzhou');

    // Act / Assert
    expect(hidden).toEqual([SECRET]);
    expect(redactValues(`x ${SECRET} y`, hidden)).toBe('x … y');
    expect(valuesToHide([{ L: `${INSTANCE}, rmq-cn-abcdef123` }])).toEqual([`${INSTANCE}, rmq-cn-abcdef123`, INSTANCE, 'rmq-cn-abcdef123']);
  });

  it.each([
    ['{"a": 1} // note', true],
    ['{"a": /* no */ 1}', true],
    ['{"url": "https://example.com/x"}', false],
    ['{"$schema": "./mqtrace-config.schema.json"}', false],
  ])('sees comments in %j: %s', (text, expected) => {
    expect(hasComments(text)).toBe(expected);
  });
});
