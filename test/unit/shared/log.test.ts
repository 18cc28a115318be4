import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, formatLogLine, redact, REDACTED } from '../../../shared/log';

function buildCapturingLogger(options: Parameters<typeof createLogger>[0] = {}) {
  const lines: string[] = [];
  const logger = createLogger({ now: () => Date.parse('2025-10-25T04:00:00.000Z'), ...options, write: (l) => lines.push(l) });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('Function: createLogger', () => {
  describe('Given an info call', () => {
    it('writes one JSON line with time, level, event, base and fields', () => {
      // Arrange
      const { logger, lines, records } = buildCapturingLogger({ base: { fn: 'http' } });

      // Act
      logger.info('http.request', { status: 200 });

      // Assert
      expect(lines).toHaveLength(1);
      expect(lines[0]).not.toContain('\n');
      expect(records()).toEqual([{ time: '2025-10-25T04:00:00.000Z', level: 'info', event: 'http.request', fn: 'http', status: 200 }]);
    });
  });

  describe('Given a level threshold', () => {
    it.each([
      ['debug', ['debug', 'info', 'warn', 'error']],
      ['info', ['info', 'warn', 'error']],
      ['warn', ['warn', 'error']],
      ['error', ['error']],
    ] as const)('at %s writes %j', (level, expected) => {
      // Arrange
      const { logger, records } = buildCapturingLogger({ level });

      // Act
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');

      // Assert
      expect(records().map((r) => r.level)).toEqual(expected);
    });
  });

  describe('Given a child logger', () => {
    it('adds its fields to every line, with call fields winning', () => {
      // Arrange
      const { logger, records } = buildCapturingLogger({ base: { fn: 'http' } });

      // Act
      logger.child({ requestId: 'r-1', route: 'a' }).child({ route: 'b' }).warn('x', { extra: 1 });

      // Assert
      expect(records()[0]).toMatchObject({ fn: 'http', requestId: 'r-1', route: 'b', extra: 1, level: 'warn' });
    });
  });

  describe('Given fields under secret-looking keys', () => {
    it.each([
      'accessKeySecret',
      'AccessKeySecret',
      'securityToken',
      'SecurityToken',
      'token',
      'Signature',
      'password',
      'authorization',
      'Authorization',
      'cookie',
      'set-cookie',
      'sign',
      'accessKeyId',
      'AccessKeyId',
      'credentials',
      'x-acs-security-token',
    ])('redacts %s', (key) => {
      // Arrange
      const { logger, lines, records } = buildCapturingLogger();

      // Act
      logger.info('e', { [key]: 'VERY-SENSITIVE-VALUE' });

      // Assert
      expect(records()[0]?.[key]).toBe(REDACTED);
      expect(lines[0]).not.toContain('VERY-SENSITIVE-VALUE');
    });

    it.each(['design', 'signal', 'topic', 'requestId', 'status'])('keeps %s', (key) => {
      // Arrange
      const { logger, records } = buildCapturingLogger();

      // Act
      logger.info('e', { [key]: 'plain' });

      // Assert
      expect(records()[0]?.[key]).toBe('plain');
    });

    it('redacts secret keys at any depth, including whole objects', () => {
      // Arrange
      const { logger, lines, records } = buildCapturingLogger();

      // Act
      logger.info('e', { outer: { list: [{ password: 'p4ss-w0rd!' }], credentials: { accessKeyId: 'AKID-1', accessKeySecret: 'sk-2' } } });

      // Assert
      expect(records()[0]).toMatchObject({ outer: { list: [{ password: REDACTED }], credentials: REDACTED } });
      expect(lines[0]).not.toContain('p4ss-w0rd!');
      expect(lines[0]).not.toContain('AKID-1');
    });

    it.each([
      ['undefined', undefined, undefined],
      ['null', null, null],
      ['an empty string', '', ''],
    ])('leaves %s as is, so absence stays visible', (_label, value, expected) => {
      // Act
      const out = redact({ securityToken: value }) as Record<string, unknown>;

      // Assert
      expect(out.securityToken).toBe(expected);
    });
  });

  describe('Given registered secret values', () => {
    it('masks them inside strings under any key, at any depth', () => {
      // Arrange
      const secret = 'Sup3rSecretValue';
      const { logger, lines, records } = buildCapturingLogger({ secrets: [secret] });

      // Act
      logger.error('e', {
        message: `GET https://ons/?Signature=x&AccessKeySecret=${secret}&more=${secret}`,
        nested: { list: ['a', `pre${secret}post`] },
      });

      // Assert
      expect(lines[0]).not.toContain(secret);
      expect(records()[0]).toMatchObject({
        message: `GET https://ons/?Signature=x&AccessKeySecret=${REDACTED}&more=${REDACTED}`,
        nested: { list: ['a', `pre${REDACTED}post`] },
      });
    });

    it('masks them in the event name and base fields too', () => {
      // Arrange
      const { logger, lines } = buildCapturingLogger({ secrets: ['tok-123456'], base: { note: 'has tok-123456' } });

      // Act
      logger.info('event tok-123456');

      // Assert
      expect(lines[0]).not.toContain('tok-123456');
    });

    it('ignores registered values shorter than 6 characters, which would mask ordinary text', () => {
      // Arrange
      const { logger, records } = buildCapturingLogger({ secrets: ['abc', ''] });

      // Act
      logger.info('e', { text: 'abcdef' });

      // Assert
      expect(records()[0]?.text).toBe('abcdef');
    });
  });
});

describe('Function: createLogger, addSecrets', () => {
  describe('Given secrets registered after the logger and its children were made', () => {
    it('masks them from then on in the root and in every child', () => {
      // Arrange
      const { logger, lines } = buildCapturingLogger({ secrets: ['first-secret'] });
      const child = logger.child({ requestId: 'r-1' }, ['child-secret']);
      logger.info('before', { text: 'late-secret' });

      // Act
      logger.addSecrets(['late-secret']);
      logger.info('after', { text: 'late-secret first-secret' });
      child.info('child', { text: 'late-secret child-secret first-secret' });

      // Assert
      expect(lines[0]).toContain('late-secret');
      expect(lines[1]).not.toMatch(/late-secret|first-secret/);
      expect(lines[2]).not.toMatch(/late-secret|child-secret|first-secret/);
    });
  });
});

describe('Function: formatLogLine', () => {
  describe('Given arbitrary records and secrets', () => {
    it('writes exactly what JSON.stringify(redact(record)) writes', () => {
      // Arrange
      const secret = fc.oneof(fc.constantFrom('Sup3rSecretValue', 'sec"ret-quoted', 'line\nbreak!', 'uni\u2028code', 'abc'), fc.string({ minLength: 6, maxLength: 10 }));
      const key = fc.oneof(fc.constantFrom('token', 'accessKeySecret', 'topic', 'toJSON', 'design', '__proto__'), fc.string({ maxLength: 6 }));
      const leaf = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('x Sup3rSecretValue y', '', null, undefined, 12345678901234567890n, Number.NaN), fc.integer(), fc.constant(new Error('e')), fc.constant(new Date(0)));
      const { tree } = fc.letrec((tie) => ({
        tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('tree'), { maxLength: 3 }), fc.dictionary(key, tie('tree'), { maxKeys: 4 })),
      }));
      const deep = fc.nat({ max: 10 }).map((depth) => {
        let value: unknown = { leaf: 'Sup3rSecretValue' };
        for (let i = 0; i < depth; i++) value = { d: value };
        return value;
      });

      // Act / Assert
      fc.assert(
        fc.property(fc.dictionary(key, fc.oneof(tree, deep), { maxKeys: 6 }), fc.array(secret, { maxLength: 3 }), (record, secrets) => {
          const usable = [...new Set(secrets.filter((s) => s.length >= 6))].sort((a, b) => b.length - a.length);
          expect(formatLogLine(record, usable)).toBe(JSON.stringify(redact(record, usable)));
        }),
        { numRuns: 1000 },
      );
    });
  });
});

describe('Function: redact', () => {
  describe('Given values of every kind', () => {
    it('keeps JSON-safe scalars and converts the rest', () => {
      // Act
      const out = redact({ n: 1, b: true, nil: null, big: 12345678901234567890n, error: new Error('with Sup3rSecret'), arr: [1, 'x'] });

      // Assert
      expect(out).toEqual({ n: 1, b: true, nil: null, big: '12345678901234567890', error: { name: 'Error' }, arr: [1, 'x'] });
    });

    it('cuts off structures deeper than 8 levels', () => {
      // Arrange
      let deep: Record<string, unknown> = { leaf: 'x' };
      for (let i = 0; i < 10; i++) deep = { d: deep };

      // Act
      const json = JSON.stringify(redact(deep));

      // Assert
      expect(json).toContain('"[DEPTH]"');
      expect(json).not.toContain('leaf');
    });

    it('does not change its input', () => {
      // Arrange
      const input = { password: 'p', nested: { token: 't' } };

      // Act
      redact(input);

      // Assert
      expect(input).toEqual({ password: 'p', nested: { token: 't' } });
    });
  });
});
