import { describe, expect, it } from 'vitest';
import { deltasFor, learningTargets, outcomeRecords, sumRecords } from './learning.js';

const PARAMS = { similarityPower: 1, minSimilarity: 0.5 };

describe('outcomeRecords', () => {
  it('turns success, score and pairwise outcomes into win/loss/tie counts', () => {
    expect(outcomeRecords({ model: 'a', kind: 'success', value: 1, opponent: null }).get('a')).toEqual({ wins: 1, losses: 0, ties: 0 });
    expect(outcomeRecords({ model: 'a', kind: 'success', value: 0, opponent: null }).get('a')).toEqual({ wins: 0, losses: 1, ties: 0 });
    expect(outcomeRecords({ model: 'a', kind: 'score', value: 0.75, opponent: null }).get('a')).toEqual({ wins: 0.75, losses: 0.25, ties: 0 });
    const pair = outcomeRecords({ model: 'a', kind: 'pairwise', value: 1, opponent: 'b' });
    expect(pair.get('a')).toEqual({ wins: 1, losses: 0, ties: 0 });
    expect(pair.get('b')).toEqual({ wins: 0, losses: 1, ties: 0 });
    const tie = outcomeRecords({ model: 'a', kind: 'pairwise', value: 0.5, opponent: 'b' });
    expect([tie.get('a'), tie.get('b')]).toEqual([{ wins: 0, losses: 0, ties: 1 }, { wins: 0, losses: 0, ties: 1 }]);
  });
});

describe('learningTargets', () => {
  it("gives the prompt's own reference the whole outcome", () => {
    expect(learningTargets(7, [{ id: 1, similarity: 0.9 }], PARAMS)).toEqual([{ referenceId: 7, weight: 1 }]);
  });

  it('spreads one trial over neighbours above the threshold, by similarity weight', () => {
    const targets = learningTargets(null, [{ id: 1, similarity: 0.9 }, { id: 2, similarity: 0.6 }, { id: 3, similarity: 0.4 }], PARAMS);
    expect(targets.map((t) => t.referenceId)).toEqual([1, 2]);
    expect(targets[0]?.weight).toBeCloseTo(0.6, 10);
    expect(targets[1]?.weight).toBeCloseTo(0.4, 10);
  });

  it('learns nothing when no neighbour is close enough', () => {
    expect(learningTargets(null, [{ id: 1, similarity: 0.2 }], PARAMS)).toEqual([]);
  });
});

describe('deltasFor and sumRecords', () => {
  it('scales the records by each target weight', () => {
    const deltas = deltasFor({ model: 'a', kind: 'success', value: 0, opponent: null }, [{ referenceId: 1, weight: 0.25 }, { referenceId: 2, weight: 0.75 }]);
    expect(deltas).toEqual([
      { referenceId: 1, model: 'a', wins: 0, losses: 0.25, ties: 0 },
      { referenceId: 2, model: 'a', wins: 0, losses: 0.75, ties: 0 },
    ]);
  });

  it('adds outcomes up at full weight', () => {
    const sum = sumRecords([
      { model: 'a', kind: 'success', value: 1, opponent: null },
      { model: 'a', kind: 'success', value: 0, opponent: null },
      { model: 'b', kind: 'pairwise', value: 1, opponent: 'a' },
    ]);
    expect(sum.get('a')).toEqual({ wins: 1, losses: 2, ties: 0 });
    expect(sum.get('b')).toEqual({ wins: 1, losses: 0, ties: 0 });
  });
});
