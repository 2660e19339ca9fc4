import { describe, expect, it } from 'vitest';
import { planFolds } from './folds.js';
import type { EvalRow } from './types.js';

const row = (prompt: string, extra: Partial<EvalRow> = {}): EvalRow => ({ prompt, outcomes: { a: 1 }, ...extra });

describe('planFolds', () => {
  it('uses the dataset’s split when every row has one', () => {
    const plan = planFolds([row('p', { split: 'train' }), row('q', { split: 'test' }), row('r', { split: 'train' })], { k: 5, seed: 1 });
    expect(plan).toEqual({ mode: 'split', folds: [{ train: [0, 2], test: [1] }] });
  });

  it('refuses a half-split dataset', () => {
    expect(() => planFolds([row('p', { split: 'train' }), row('q')], { k: 5, seed: 1 })).toThrow('1 of 2 rows have a split');
  });

  it('cross-validates: every row is tested once, never with its own text among the references', () => {
    const rows = [
      ...Array.from({ length: 20 }, (_, i) => row(`math ${i}`, { group: 'math' })),
      ...Array.from({ length: 10 }, (_, i) => row(`code ${i}`, { group: 'code' })),
      row('math 3', { group: 'math' }),
    ];
    const plan = planFolds(rows, { k: 5, seed: 7 });
    expect(plan.mode).toBe('cv');
    const tested = plan.folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(tested).toEqual(rows.map((_, i) => i));
    for (const f of plan.folds) {
      expect(f.train.length + f.test.length).toBe(rows.length);
      // Stratified: each fold tests 2 code prompts and 4 (or 5, with the duplicate) math prompts.
      expect(f.test.filter((i) => rows[i]?.group === 'code')).toHaveLength(2);
      const texts = new Set(f.train.map((i) => rows[i]?.prompt));
      expect(f.test.some((i) => texts.has(rows[i]?.prompt))).toBe(false);
    }
    expect(planFolds(rows, { k: 5, seed: 7 })).toEqual(plan);
  });

  it('needs at least two folds', () => {
    expect(() => planFolds([row('p')], { k: 1, seed: 1 })).toThrow('at least 2');
  });
});
