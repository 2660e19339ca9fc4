import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';
import { SqliteDecisionStore, type DecisionToStore } from './decision-store.js';

function decision(id: string, records: Map<string, { wins: number; losses: number; ties: number }>): DecisionToStore {
  return {
    id,
    createdAt: '2026-12-01T00:00:00.000Z',
    promptHash: 'h',
    promptText: null,
    promptChars: 1,
    chosenModel: 'a',
    reason: 'covered',
    covered: true,
    topSimilarity: 0.9,
    confidence: 0.5,
    intent: 'x',
    neighborIds: [7],
    neighborSimilarities: [0.9],
    fallbacks: [],
    scores: [],
    details: { inline: { explanation: 'e' }, params: { k: 1 }, neighbours: [{ intent: 'x', records }] },
  };
}

describe('SqliteDecisionStore details parts', () => {
  it('does not reuse a part whose transaction rolled back', () => {
    const db = openDatabase(':memory:');
    const store = new SqliteDecisionStore(db);
    const records = new Map([['a', { wins: 3, losses: 1, ties: 0 }]]);
    // The first decision's savepoint fails after its parts were written: they roll back with it.
    expect(() =>
      db.transaction(() => {
        store.insert(decision('d1', records), null);
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    db.transaction(() => store.insert(decision('d2', records), null).committed())();
    expect(store.get('d2')?.details).toEqual({ explanation: 'e', params: { k: 1 }, neighbours: [{ id: 7, similarity: 0.9, intent: 'x', records: { a: { wins: 3, losses: 1, ties: 0 } } }] });
    // Committed parts are reused, not written again.
    db.transaction(() => store.insert(decision('d3', records), null).committed())();
    expect(db.prepare('SELECT COUNT(*) AS n FROM decision_parts').get()).toEqual({ n: 2 });
    expect(store.get('d3')?.details).toEqual(store.get('d2')?.details);
  });

  it('keeps a neighbour whose intent changed apart from the same records under the old intent', () => {
    const db = openDatabase(':memory:');
    const store = new SqliteDecisionStore(db);
    const records = new Map([['a', { wins: 1, losses: 0, ties: 0 }]]);
    db.transaction(() => store.insert(decision('d1', records), null).committed())();
    const renamed = decision('d2', records);
    db.transaction(() => store.insert({ ...renamed, details: { inline: {}, params: { k: 1 }, neighbours: [{ intent: 'y', records }] } }, null).committed())();
    expect(store.get('d1')?.details).toMatchObject({ neighbours: [{ intent: 'x' }] });
    expect(store.get('d2')?.details).toMatchObject({ neighbours: [{ intent: 'y' }] });
  });
});
