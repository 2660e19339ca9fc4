import { describe, expect, it } from 'vitest';
import { auroc, clusterQuality, flagRates, tradeoffCurve } from './detection-quality.js';

describe('detection quality', () => {
  it('recall counts unknown-intent traffic flagged; the false-flag rate counts known-intent traffic flagged', () => {
    const r = flagRates([
      { known: false, flagged: true },
      { known: false, flagged: false },
      { known: true, flagged: true },
      { known: true, flagged: false },
      { known: true, flagged: false },
      { known: true, flagged: false },
    ]);
    expect(r).toEqual({ recall: 0.5, falseFlagRate: 0.25, unknown: 2, known: 4 });
  });

  it('AUROC is 1 when every unknown scores below every known, 0.5 for ties, 0 when reversed', () => {
    expect(auroc([{ known: false, score: 0.1 }, { known: false, score: 0.2 }, { known: true, score: 0.3 }])).toBe(1);
    expect(auroc([{ known: false, score: 0.5 }, { known: true, score: 0.5 }])).toBe(0.5);
    expect(auroc([{ known: false, score: 0.9 }, { known: true, score: 0.1 }])).toBe(0);
  });

  it('the trade-off curve steps the false-flag rate and reports recall at each threshold', () => {
    const items = [...[0.1, 0.2, 0.3, 0.4].map((score) => ({ known: false, score })), ...[0.35, 0.5, 0.6, 0.7, 0.8].map((score) => ({ known: true, score }))];
    const [none, quarter] = tradeoffCurve(items, [0, 0.25]);
    expect(none).toMatchObject({ threshold: 0.35, falseFlagRate: 0, recall: 0.75 });
    expect(quarter).toMatchObject({ threshold: 0.5, falseFlagRate: 0.2, recall: 1 });
  });

  it('purity and own clusters follow their definitions', () => {
    const truth = new Map([
      ['a1', 'A'], ['a2', 'A'], ['a3', 'A'], ['a4', 'A'],
      ['b1', 'B'], ['b2', 'B'], ['b3', 'B'],
      ['k1', 'K'],
    ]);
    // c1 = 3 A + 1 B (majority A, 3 of A's 4 flagged); c2 = 2 B (only 2 of B's 3: below 0.7); a4, k1 scattered.
    const members = new Map<string, string | null>([
      ['a1', 'c1'], ['a2', 'c1'], ['a3', 'c1'], ['b1', 'c1'],
      ['b2', 'c2'], ['b3', 'c2'], ['a4', null], ['k1', null],
    ]);
    const q = clusterQuality(members, truth, {
      unknownIntents: new Set(['A', 'B', 'C']),
      trafficPerIntent: new Map([['A', 6], ['B', 5], ['C', 2]]),
      minUtterances: 5,
      ownShare: 0.7,
    });
    expect(q).toEqual({ purity: 5 / 6, clusters: 2, clustered: 6, eligible: 2, withOwnCluster: 1, ownIntents: ['A'] });
  });
});
