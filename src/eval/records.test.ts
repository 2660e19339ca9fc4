import { describe, expect, it } from 'vitest';
import { intentOf, recordsFromOutcomes, referenceItems } from './records.js';

describe('recordsFromOutcomes', () => {
  it('success: each model’s own result as one trial (fractional for graded scores)', () => {
    expect(recordsFromOutcomes({ a: 1, b: 0, c: 0.3 }, 'success')).toEqual({
      a: { wins: 1, losses: 0, ties: 0 },
      b: { wins: 0, losses: 1, ties: 0 },
      c: { wins: 0.3, losses: 0.7, ties: 0 },
    });
  });

  it('pairwise: every pair is one comparison, higher score wins, equal ties', () => {
    // a=1, b=1, c=0: a ties b and beats c; b likewise; c loses both.
    expect(recordsFromOutcomes({ a: 1, b: 1, c: 0 }, 'pairwise')).toEqual({
      a: { wins: 1, losses: 0, ties: 1 },
      b: { wins: 1, losses: 0, ties: 1 },
      c: { wins: 0, losses: 2, ties: 0 },
    });
  });

  it('pairwise: a model alone on a prompt gets no record', () => {
    expect(recordsFromOutcomes({ a: 1 }, 'pairwise')).toEqual({});
  });
});

describe('referenceItems', () => {
  it('merges rows with the same text (after whitespace normalisation) by summing their records', () => {
    const items = referenceItems(
      [
        { prompt: 'What is 2+2?', outcomes: { a: 1, b: 0 }, group: 'math' },
        { prompt: '  What is   2+2? ', outcomes: { a: 0, b: 0 }, group: 'math' },
        { prompt: 'Name a colour', outcomes: { a: 1 }, group: 'trivia quiz' },
      ],
      'success',
    );
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ text: 'What is 2+2?', intent: 'math', records: { a: { wins: 1, losses: 1, ties: 0 }, b: { wins: 0, losses: 2, ties: 0 } } });
    expect(items[1]?.intent).toBe('trivia_quiz');
  });

  it('turns a group into a one-word intent', () => {
    expect(intentOf('arc-challenge')).toBe('arc-challenge');
    expect(intentOf('high school / math')).toBe('high_school_math');
    expect(intentOf(undefined)).toBeNull();
  });
});
