import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors';
import { lazySchema, parseInput, toFieldIssues } from '../../../shared/validation';

const Schema = z.object({ name: z.string().min(1, 'is required'), items: z.array(z.object({ id: z.number({ error: 'must be a number' }) })) });

describe('Function: toFieldIssues', () => {
  describe('Given nested failures', () => {
    it('joins paths with dots, behind the prefix', () => {
      // Arrange
      const result = Schema.safeParse({ name: '', items: [{ id: 1 }, { id: 'SECRET_VALUE' }] });

      // Act
      const issues = result.success ? [] : toFieldIssues(result.error, 'lookups.3');

      // Assert
      expect(issues).toEqual([
        { path: 'lookups.3.name', message: 'is required' },
        { path: 'lookups.3.items.1.id', message: 'must be a number' },
      ]);
    });

    it('leaves a root issue with an empty path when there is no prefix', () => {
      // Arrange
      const result = z.string({ error: 'must be a string' }).safeParse(1);

      // Act
      const issues = result.success ? [] : toFieldIssues(result.error);

      // Assert
      expect(issues).toEqual([{ path: '', message: 'must be a string' }]);
    });
  });
});

describe('Function: parseInput', () => {
  describe('Given valid input', () => {
    it('returns the parsed output', () => {
      // Act + Assert
      expect(parseInput(Schema, { name: 'a', items: [] })).toEqual({ name: 'a', items: [] });
    });
  });

  describe('Given invalid input', () => {
    it('throws InvalidInputError naming each field but never the value', () => {
      // Act
      const parse = () => parseInput(Schema, { name: '', items: [{ id: 'SECRET_VALUE' }] }, 'body');

      // Assert
      expect(parse).toThrow(InvalidInputError);
      expect(parse).toThrow('body.name: is required; body.items.0.id: must be a number');
      expect(parse).not.toThrow(/SECRET_VALUE/);
    });
  });
});

describe('Function: lazySchema', () => {
  describe('Given a schema nothing has used yet', () => {
    it('builds it on first use, once', () => {
      // Arrange
      let builds = 0;
      const Lazy = lazySchema(() => {
        builds += 1;
        return z.object({ name: z.string() });
      });

      // Act
      const before = builds;
      const first = Lazy.safeParse({ name: 'a' });
      const second = Lazy.safeParse({ name: 1 });

      // Assert
      expect(before).toBe(0);
      expect(builds).toBe(1);
      expect(first).toEqual({ success: true, data: { name: 'a' } });
      expect(second.success).toBe(false);
    });
  });

  describe('Given a schema used as zod schemas are', () => {
    it('has its shape, methods, metadata and class, also inside other schemas and their JSON Schema', () => {
      // Arrange
      const Inner = lazySchema(() => z.string().min(2).describe('two or more').meta({ id: 'LazyInner' }));
      const Outer = lazySchema(() => z.object({ inner: Inner, list: z.array(Inner) }));

      // Act
      const extended = Outer.extend({ more: z.number() });
      const json = z.toJSONSchema(Outer) as { properties: Record<string, unknown>; $defs?: Record<string, unknown> };

      // Assert
      expect(Outer).toBeInstanceOf(z.ZodObject);
      expect(Object.keys(Outer.shape)).toEqual(['inner', 'list']);
      expect(extended.safeParse({ inner: 'ab', list: [], more: 1 }).success).toBe(true);
      expect(Outer.safeParse({ inner: 'a', list: ['b'] }).error?.issues.map((i) => i.path.join('.'))).toEqual(['inner', 'list.0']);
      expect(Inner.description).toBe('two or more');
      expect(JSON.stringify(json)).toContain('"description":"two or more"');
      expect(JSON.stringify(json)).toContain('LazyInner');
    });
  });

  describe('Given a fast path', () => {
    it('answers a direct safeParse or parse without building the schema while the fast path accepts', () => {
      // Arrange
      let builds = 0;
      const Lazy = lazySchema(
        () => {
          builds += 1;
          return z.string().max(3, 'is too long');
        },
        (input) => (typeof input === 'string' && input.length <= 3 ? { value: input } : undefined),
      );

      // Act
      const parsed = [Lazy.safeParse('abc'), Lazy.parse('ab')];

      // Assert
      expect(parsed).toEqual([{ success: true, data: 'abc' }, 'ab']);
      expect(builds).toBe(0);
    });

    it('lets zod produce the error when the fast path declines', () => {
      // Arrange
      const Lazy = lazySchema(
        () => z.string().max(3, 'is too long'),
        (input) => (typeof input === 'string' && input.length <= 3 ? { value: input } : undefined),
      );

      // Act
      const parse = () => parseInput(Lazy, 'abcd', 'field');

      // Assert
      expect(parse).toThrow('field: is too long');
    });
  });
});
