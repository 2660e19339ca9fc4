import { describe, expect, it } from 'vitest';
import { baselines, type ScoredRow } from './baselines.js';

function row(outcomes: Record<string, number>, costs: Record<string, number>): ScoredRow {
  return { outcomes: new Map(Object.entries(outcomes)), costs: new Map(Object.entries(costs)) };
}

/*
 * Two prompts, three models (scores; costs in $):
 *          a       b       c
 *   r1     1 ($1)  1 ($2)  0 ($.5)
 *   r2     0 ($1)  1 ($2)  0 ($.5)
 * Means: a .5 @ $1, b 1 @ $2, c 0 @ $.5.
 */
const ROWS = [row({ a: 1, b: 1, c: 0 }, { a: 1, b: 2, c: 0.5 }), row({ a: 0, b: 1, c: 0 }, { a: 1, b: 2, c: 0.5 })];

describe('baselines', () => {
  const base = baselines(['a', 'b', 'c'], ROWS);

  it('finds the best single model and the cheapest one', () => {
    expect(base.bestSingle).toEqual({ model: 'b', quality: 1, cost: 2 });
    expect(base.cheapest).toEqual({ model: 'c', quality: 0, cost: 0.5 });
    expect(base.maxCost).toBe(2);
  });

  it('gives the uniform random router in expectation', () => {
    // Quality (.5 + 1 + 0) / 3 = .5; cost (1 + 2 + .5) / 3 = 3.5 / 3.
    expect(base.random.quality).toBeCloseTo(0.5, 12);
    expect(base.random.cost).toBeCloseTo(3.5 / 3, 12);
  });

  it('gives the oracle: best score per prompt, cheapest among the models reaching it', () => {
    // r1: a and b score 1, a is cheaper ($1). r2: only b ($2). Quality 1, cost 1.5.
    expect(base.oracle).toEqual({ quality: 1, cost: 1.5 });
  });

  it('breaks quality ties toward the cheaper model', () => {
    const tied = baselines(['dear', 'cheap'], [row({ dear: 1, cheap: 1 }, { dear: 3, cheap: 1 })]);
    expect(tied.bestSingle.model).toBe('cheap');
    // When nobody is right the oracle still pays for the cheapest model.
    expect(baselines(['dear', 'cheap'], [row({ dear: 0, cheap: 0 }, { dear: 3, cheap: 1 })]).oracle).toEqual({ quality: 0, cost: 1 });
  });
});
