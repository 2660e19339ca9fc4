import { describe, expect, it } from 'vitest';
import {
  aiq,
  apgr,
  callPerformanceThreshold,
  costAtParity,
  hullCostFor,
  hullQualityAt,
  nonDecreasingHull,
  performanceGapRecovered,
  qualityAtCostShare,
} from './metrics.js';

/*
 * One router curve, used throughout:
 *   A(1, 0.50)  B(2, 0.70)  F(2, 0.60)  C(3, 0.72)  D(4, 0.90)  E(5, 0.85)
 * F shares B's cost with less quality: dropped. C lies under the chord B–D (at cost 3 the chord
 * is at 0.80 > 0.72): dropped. E is dearer and worse than D: cut off (non-decreasing).
 * Hull = A(1, .5) → B(2, .7) → D(4, .9), flat at .9 beyond 4.
 */
const CURVE = [
  { cost: 3, quality: 0.72 },
  { cost: 1, quality: 0.5 },
  { cost: 5, quality: 0.85 },
  { cost: 2, quality: 0.6 },
  { cost: 4, quality: 0.9 },
  { cost: 2, quality: 0.7 },
];

describe('nonDecreasingHull', () => {
  it('keeps the upper convex hull from the cheapest point up to the best one', () => {
    expect(nonDecreasingHull(CURVE)).toEqual([
      { cost: 1, quality: 0.5 },
      { cost: 2, quality: 0.7 },
      { cost: 4, quality: 0.9 },
    ]);
  });

  it('is one point when the cheapest point is also the best, and empty for no points', () => {
    expect(nonDecreasingHull([{ cost: 1, quality: 0.9 }, { cost: 2, quality: 0.5 }])).toEqual([{ cost: 1, quality: 0.9 }]);
    expect(nonDecreasingHull([])).toEqual([]);
  });
});

describe('reading the hull', () => {
  const hull = nonDecreasingHull(CURVE);

  it('interpolates quality at a cost, null below the cheapest point, flat past the best', () => {
    // At cost 3, halfway from B(2,.7) to D(4,.9): .7 + .5 × .2 = .8.
    expect(hullQualityAt(hull, 3)).toBeCloseTo(0.8, 12);
    expect(hullQualityAt(hull, 0.5)).toBeNull();
    expect(hullQualityAt(hull, 6)).toBeCloseTo(0.9, 12);
  });

  it('finds the least cost for a quality', () => {
    // Quality .8 is reached halfway along B→D: cost 2 + .5 × 2 = 3.
    expect(hullCostFor(hull, 0.8)).toBeCloseTo(3, 12);
    // Below the cheapest point's quality, the cheapest point is the answer.
    expect(hullCostFor(hull, 0.4)).toBe(1);
    expect(hullCostFor(hull, 0.95)).toBeNull();
  });
});

describe('costAtParity and qualityAtCostShare', () => {
  const best = { cost: 5, quality: 0.8 };

  it('gives the cost to match the best single model as a share of its cost', () => {
    // Quality .8 costs 3 on the hull (above); 3 / 5 = 0.6.
    expect(costAtParity(CURVE, best)).toBeCloseTo(0.6, 12);
    expect(costAtParity(CURVE, { cost: 5, quality: 0.95 })).toBeNull();
  });

  it('gives the quality at half the best model’s cost', () => {
    // Half of 5 is 2.5: on B(2,.7)→D(4,.9), a quarter of the way: .7 + .25 × .2 = .75.
    expect(qualityAtCostShare(CURVE, best, 0.5)).toBeCloseTo(0.75, 12);
    // A tenth of 5 is 0.5, below the router's cheapest point (1): unreachable.
    expect(qualityAtCostShare(CURVE, best, 0.1)).toBeNull();
  });
});

describe('aiq', () => {
  it('averages the hull over the cost range, counting 0 below the cheapest point', () => {
    // Over [0, 5]: [0,1) → 0; [1,2] → (.5+.7)/2 = .6; [2,4] → 2 × (.7+.9)/2 = 1.6; [4,5] → .9.
    // (0 + .6 + 1.6 + .9) / 5 = 3.1 / 5 = .62.
    expect(aiq(CURVE, { min: 0, max: 5 })).toBeCloseTo(0.62, 12);
  });

  it('clips the hull to a range inside it', () => {
    // Over [1.5, 4.5]: [1.5,2] → .5 × (.6+.7)/2 = .325; [2,4] → 1.6; [4,4.5] → .45. 2.375 / 3.
    expect(aiq(CURVE, { min: 1.5, max: 4.5 })).toBeCloseTo(2.375 / 3, 12);
  });

  it('is null for an empty range (every model costs the same)', () => {
    expect(aiq(CURVE, { min: 2, max: 2 })).toBeNull();
  });
});

describe('RouteLLM metrics', () => {
  // Weak model .6, strong .8. Router points: 20% strong calls → .7 (PGR .5); 50% → .78 (PGR .9).
  // With the trivial routers as anchors the PGR curve is (0,0) (.2,.5) (.5,.9) (1,1).
  const points = [
    { strongShare: 0.5, quality: 0.78 },
    { strongShare: 0.2, quality: 0.7 },
  ];

  it('computes PGR', () => {
    expect(performanceGapRecovered(0.7, 0.6, 0.8)).toBeCloseTo(0.5, 12);
    expect(performanceGapRecovered(0.7, 0.6, 0.6)).toBeNull();
  });

  it('computes APGR as the area under PGR over the strong-call share', () => {
    // .2 × (0+.5)/2 = .05; .3 × (.5+.9)/2 = .21; .5 × (.9+1)/2 = .475. Sum .735.
    expect(apgr(points, 0.6, 0.8)).toBeCloseTo(0.735, 12);
    // A router on the diagonal (random mixing) recovers half the area.
    expect(apgr([{ strongShare: 0.3, quality: 0.66 }], 0.6, 0.8)).toBeCloseTo(0.5, 12);
  });

  it('computes CPT(x) as the least strong-call share reaching PGR x', () => {
    expect(callPerformanceThreshold(points, 0.6, 0.8, 0.5)).toBeCloseTo(0.2, 12);
    // .95 lies between (.5, .9) and (1, 1): .5 + (.05/.1) × .5 = .75.
    expect(callPerformanceThreshold(points, 0.6, 0.8, 0.95)).toBeCloseTo(0.75, 12);
    // .25 lies between (0, 0) and (.2, .5): .25/.5 × .2 = .1.
    expect(callPerformanceThreshold(points, 0.6, 0.8, 0.25)).toBeCloseTo(0.1, 12);
    expect(callPerformanceThreshold(points, 0.6, 0.6, 0.5)).toBeNull();
  });
});
