import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../../shared/errors';
import { mergeChecks, parseChecks, parsePayloadChecks } from '../../../../shared/spot-check/check-schema';
import { buildSpotCheck, CHECK_INSTANCE } from '../../../builders/build-spot-check';
import { thrownBy } from '../../../builders/thrown-by';

const valid = { name: 'orders', instanceId: CHECK_INSTANCE, topic: 'orders' };

function issuesOf(fn: () => unknown) {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as InvalidInputError).issues;
}

describe('Function: parseChecks()', () => {
  it('applies the documented defaults: sample 20, minAgeSeconds 300, lookbackMinutes 60', () => {
    // Act
    const [check] = parseChecks([valid], 'payload');

    // Assert
    expect(check).toEqual({ ...valid, sample: 20, minAgeSeconds: 300, lookbackMinutes: 60 });
  });

  it('upper-cases listed message IDs', () => {
    const [check] = parseChecks([{ ...valid, msgIds: ['0a000c22303918b4aac244f9abc301a3'] }], 'payload');

    expect(check?.msgIds).toEqual(['0A000C22303918B4AAC244F9ABC301A3']);
  });

  it.each([
    [{ sample: 51 }, 'payload.checks[orders].sample', 'must be at most 50'],
    [{ sample: 2.5 }, 'payload.checks[orders].sample', 'must be a whole number'],
    [{ minAgeSeconds: -1 }, 'payload.checks[orders].minAgeSeconds', 'must be at least 0'],
    [{ lookbackMinutes: 5, minAgeSeconds: 300 }, 'payload.checks[orders].lookbackMinutes', 'must reach further back than minAgeSeconds'],
    [{ instanceId: 'rmq-cn-abc' }, 'payload.checks[orders].instanceId', 'or a 5.x instance ID like rmq-'],
    [{ instanceId: 'prod' }, 'payload.checks[orders].instanceId', 'must be a 4.x instance ID like MQ_INST_'],
    [{ topic: 'bad topic' }, 'payload.checks[orders].topic', 'may contain only'],
    [{ expectGroups: [] }, 'payload.checks[orders].expectGroups', 'must name at least one group'],
    [{ expectGroups: ['GID ok?'] }, 'payload.checks[orders].expectGroups.0', 'consumer group ID'],
    [{ msgIds: ['nothex'] }, 'payload.checks[orders].msgIds.0', '32 or 56 hex'],
    [{ sample: 0 }, 'payload.checks[orders].sample', 'look at nothing'],
    [{ minAge: 10 }, 'payload.checks[orders]', 'minAge'],
  ])('names the check and the field for %j', (change, path, message) => {
    // Act
    const issues = issuesOf(() => parseChecks([{ ...valid, ...change }], 'payload'));

    // Assert
    expect(issues).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  it('names a check without a usable name by its position, and reports every bad check at once', () => {
    const issues = issuesOf(() => parseChecks([valid, { instanceId: CHECK_INSTANCE, topic: 'x' }, { ...valid, name: 'b', sample: 99 }], 'config'));

    expect(issues.map((i) => i.path)).toEqual(['config.checks[1].name', 'config.checks[b].sample']);
  });
});

describe('Function: parsePayloadChecks()', () => {
  it.each([undefined, '', '   '])('treats %j as no checks', (payload) => {
    expect(parsePayloadChecks(payload)).toEqual([]);
  });

  it('rejects text that is not JSON, naming the payload', () => {
    expect(issuesOf(() => parsePayloadChecks('{checks: ['))).toEqual([{ path: 'payload', message: expect.stringContaining('not valid JSON') }]);
  });

  it('rejects a payload without a checks array', () => {
    expect(issuesOf(() => parsePayloadChecks('{"kind":"spot-check"}')).map((i) => i.path).sort()).toEqual(['payload', 'payload.checks']);
  });

  it('parses the checks of a valid payload', () => {
    expect(parsePayloadChecks(JSON.stringify({ checks: [valid] }))).toEqual([buildSpotCheck()]);
  });

  it('names the failing check and field of a bad payload', () => {
    const error = thrownBy(() => parsePayloadChecks(JSON.stringify({ checks: [{ ...valid, name: 'orders-canary', sample: 500 }] })));

    expect((error as Error).message).toBe('payload.checks[orders-canary].sample: must be at most 50');
  });
});

describe('Function: mergeChecks()', () => {
  it('runs the configured checks and then the payload ones', () => {
    const merged = mergeChecks([buildSpotCheck({ name: 'a' })], [buildSpotCheck({ name: 'b' })]);

    expect(merged.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('rejects a name used twice, saying where', () => {
    const issues = issuesOf(() => mergeChecks([buildSpotCheck({ name: 'a' })], [buildSpotCheck({ name: 'a' })]));

    expect(issues).toEqual([{ path: 'payload.checks[a].name', message: 'is already used by a check from config; names must be unique' }]);
  });

  it('rejects a run with nothing to check', () => {
    expect(issuesOf(() => mergeChecks([], [])).map((i) => i.path)).toEqual(['checks']);
  });
});
