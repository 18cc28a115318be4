import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { intFromEnv } from '../../../shared/config/env-values';
import {
  CONFIGURATION_DOC_PATH,
  configurationDoc,
  DEPLOY_TIME_VARIABLES,
  deployTimeRows,
  describeEnvVariable,
  ENV_SECTIONS,
} from '../../../scripts/docs/gen-config';

const S_YAML_WITH = (...names: string[]) => names.map((n) => `  ${n}: \${env('${n}', '')}`).join('\n');

describe('File: docs/configuration.md', () => {
  it('matches what the env schemas generate', () => {
    const committed = existsSync(CONFIGURATION_DOC_PATH) ? readFileSync(CONFIGURATION_DOC_PATH, 'utf8') : '';
    expect(committed, 'docs/configuration.md is out of date with the env schemas: run `npm run docs:config`').toBe(configurationDoc());
  });
});

describe('Function: describeEnvVariable', () => {
  it.each(ENV_SECTIONS.flatMap((s) => Object.entries(s.schema.shape).map(([name, field]) => [s.title, name, field] as const)))(
    '%s: %s has a description',
    (_, name, field) => {
      expect((field as z.ZodType).description, `${name}: add .describe('…') to it`).toBeTruthy();
    },
  );

  it('reads the default and the bounds of an integer variable', () => {
    const row = describeEnvVariable('X_MS', intFromEnv(2500, 100, 60_000).describe('Timeout, in milliseconds.'));
    expect(row).toEqual({ name: 'X_MS', defaultText: '`2500`', accepts: 'a whole number from 100 to 60000', description: 'Timeout, in milliseconds.' });
  });

  it('reads enum values, URLs, patterns and lengths through preprocess and optional', () => {
    const opt = (schema: z.ZodType) => z.preprocess((v) => v, schema.optional());
    expect(describeEnvVariable('L', opt(z.enum(['a', 'b'])).describe('d')).accepts).toBe('one of `a` or `b`');
    expect(describeEnvVariable('U', opt(z.url({ protocol: /^https?$/ })).describe('d')).accepts).toBe('an http(s) URL');
    expect(describeEnvVariable('R', opt(z.string().regex(/^[a-z]+$/)).describe('d')).accepts).toBe('text matching `^[a-z]+$`');
    expect(describeEnvVariable('S', opt(z.string().min(8)).describe('d')).accepts).toBe('text, at least 8 characters');
    expect(describeEnvVariable('S', opt(z.string().min(8)).describe('d')).defaultText).toBe('unset');
  });

  it('refuses a variable without a description', () => {
    expect(() => describeEnvVariable('NAKED', z.string().optional(), 'a schema')).toThrow(/NAKED in a schema has no description/);
  });
});

describe('Function: deployTimeRows', () => {
  const known = Object.keys(DEPLOY_TIME_VARIABLES);

  it('skips the variables an env schema holds', () => {
    const rows = deployTimeRows(`${S_YAML_WITH(...known)}\n${S_YAML_WITH('MQTRACE_LOG_LEVEL')}`);
    expect(rows.map((r) => r.name)).toEqual(known);
  });

  it('fails on an s.yaml variable that nothing describes', () => {
    expect(() => deployTimeRows(S_YAML_WITH(...known, 'MQTRACE_NEW_THING'))).toThrow(/MQTRACE_NEW_THING.*DEPLOY_TIME_VARIABLES/);
  });

  it('fails on a description that s.yaml no longer uses', () => {
    expect(() => deployTimeRows(S_YAML_WITH(...known.slice(1)))).toThrow(new RegExp(`${known[0]}, which s.yaml does not read`));
  });
});
