import { describe, expect, it } from 'vitest';
import { invocationBudgetMs } from '../../../shared/fc-context';

describe('Function: invocationBudgetMs', () => {
  describe('Given function timeouts', () => {
    it.each([
      ['no function info', undefined, 8000, 8000],
      ['no timeout', {}, 8000, 8000],
      ['a zero timeout', { timeout: 0 }, 8000, 8000],
      ['a negative timeout', { timeout: -1 }, 8000, 8000],
      ['a generous timeout', { timeout: 60 }, 8000, 8000],
      ['a timeout shorter than the budget', { timeout: 5 }, 8000, 4500],
      ['a timeout just above the budget', { timeout: 8 }, 8000, 7500],
      ['a timeout below the response margin', { timeout: 0.2 }, 8000, 0],
    ])('with %s → %i ms', (_label, fn, configured, expected) => {
      // Arrange
      const context = { requestId: 'r', ...(fn === undefined ? {} : { function: fn }) };

      // Act + Assert
      expect(invocationBudgetMs(context, configured)).toBe(expected);
    });
  });
});
