import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../shared/errors';
import { parseInput, toFieldIssues } from '../../../shared/validation';

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
