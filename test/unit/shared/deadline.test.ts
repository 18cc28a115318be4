import { describe, expect, it } from 'vitest';
import { createDeadline, earliest } from '../../../shared/deadline';
import { buildFakeClock } from '../../builders/fake-clock';

describe('Function: createDeadline', () => {
  describe('Given a budget and a clock', () => {
    it('counts down and expires at the budget', () => {
      // Arrange
      const clock = buildFakeClock({ startMs: 10_000 });

      // Act
      const deadline = createDeadline(1000, clock.now);
      const atStart = [deadline.remainingMs(), deadline.expired()];
      clock.advance(999);
      const justBefore = [deadline.remainingMs(), deadline.expired()];
      clock.advance(1);
      const atEnd = [deadline.remainingMs(), deadline.expired()];
      clock.advance(500);
      const after = [deadline.remainingMs(), deadline.expired()];

      // Assert
      expect(deadline.at).toBe(11_000);
      expect(atStart).toEqual([1000, false]);
      expect(justBefore).toEqual([1, false]);
      expect(atEnd).toEqual([0, true]);
      expect(after).toEqual([0, true]);
    });
  });

  describe('Given a negative budget', () => {
    it('is already expired', () => {
      // Act
      const deadline = createDeadline(-50, () => 5);

      // Assert
      expect(deadline.at).toBe(5);
      expect(deadline.expired()).toBe(true);
      expect(deadline.remainingMs()).toBe(0);
    });
  });
});

describe('Function: earliest', () => {
  describe('Given two deadlines', () => {
    it('returns the earlier one, whichever order', () => {
      // Arrange
      const now = () => 0;
      const soon = createDeadline(100, now);
      const late = createDeadline(200, now);

      // Act + Assert
      expect(earliest(soon, late)).toBe(soon);
      expect(earliest(late, soon)).toBe(soon);
    });
  });
});
