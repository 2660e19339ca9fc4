import { describe, expect, it } from 'vitest';
import { TEST_CATALOG } from '../../../test/helpers/catalog.js';
import { seededRandom } from '../../shared/random.js';
import type { WinRecord } from '../../store/types.js';
import { assessNeighbours, fixedCoverageModel, type CoverageTest } from '../coverage.js';
import { decide } from '../policy.js';
import type { Evidence, PolicyParams } from '../types.js';
import {
  fitEstimator,
  fitGapThreshold,
  looChoice,
  predict,
  PRIOR_GRID,
  rankingIndex,
  type FitContext,
  type LooSample,
} from './fit-policy.js';
import { calibrateTarget } from './target.js';

const win: WinRecord = { wins: 1, losses: 0, ties: 0 };
const loss: WinRecord = { wins: 0, losses: 1, ties: 0 };
const rec = (ok: boolean): WinRecord => (ok ? win : loss);

/** Price ÷ dearest at 20 prompt + 500 output tokens (as `decide` computes it for TEST_CATALOG). */
const PRICES = new Map([
  ['premium', 1],
  ['mid', (0.8 * 20 + 4 * 500) / (3 * 20 + 15 * 500)],
  ['budget', (0.05 * 20 + 0.08 * 500) / (3 * 20 + 15 * 500)],
]);

function context(totals: Record<string, WinRecord>): FitContext {
  return { models: ['premium', 'mid', 'budget'], normalizedPrice: PRICES, modelTotals: new Map(Object.entries(totals)), coverage: { model: fixedCoverageModel(0.5), k: 50, similarityPower: 4 }, minSupport: 1 };
}

/** A reference whose success per model is given; `outcome` maps a model to right (true) or wrong. */
function reference(id: number, similarity: number, outcome: Record<string, boolean>): Evidence {
  return { id, similarity, intent: null, records: new Map(Object.entries(outcome).map(([m, ok]) => [m, rec(ok)])) };
}

/**
 * Two clusters of 40 references each. "math": only premium is right. "chat": every model is right.
 * Each sample's neighbours are the other members of its own cluster, so the neighbourhood predicts
 * the sample exactly. Known answers: premium is the best single model (quality 1, price 1); routing
 * math to premium and chat to budget keeps quality 1 at about half the price.
 */
function clusteredSamples(neighbourOutcome: (cluster: 'math' | 'chat') => Record<string, boolean> = (c) => outcomeOf(c)): LooSample[] {
  const samples: LooSample[] = [];
  for (const cluster of ['math', 'chat'] as const) {
    for (let i = 0; i < 40; i++) {
      const evidence = Array.from({ length: 10 }, (_, j) => reference(1000 + j, 0.9 - j * 0.01, neighbourOutcome(cluster)));
      samples.push({ evidence, targets: new Map(Object.entries(outcomeOf(cluster)).map(([m, ok]) => [m, ok ? 1 : 0])) });
    }
  }
  return samples;
}

function outcomeOf(cluster: 'math' | 'chat'): Record<string, boolean> {
  return cluster === 'math' ? { premium: true, mid: false, budget: false } : { premium: true, mid: true, budget: true };
}

/** Premium 80/80, mid and budget 40/80: the totals the clustered set implies. */
const TOTALS = { premium: { wins: 80, losses: 0, ties: 0 }, mid: { wins: 40, losses: 40, ties: 0 }, budget: { wins: 40, losses: 40, ties: 0 } };

describe('fitEstimator', () => {
  it('trusts neighbours that predict the sample exactly: the least prior on the grid', () => {
    const fit = fitEstimator(clusteredSamples(), context(TOTALS));
    expect(fit?.priorStrength).toBe(PRIOR_GRID[0]);
  });

  it('shrinks to the global rate when the neighbours say nothing about the sample: the largest prior', () => {
    // Neighbours come from the other cluster: their records are anti-informative.
    const fit = fitEstimator(clusteredSamples((c) => outcomeOf(c === 'math' ? 'chat' : 'math')), context(TOTALS));
    expect(fit?.priorStrength).toBe(PRIOR_GRID[PRIOR_GRID.length - 1]);
  });
});

describe('fitGapThreshold (no harm)', () => {
  it('never does worse than the global ranking on the references, and follows informative neighbours', () => {
    const samples = clusteredSamples();
    const ctx = context(TOTALS);
    const fit = fitGapThreshold(samples, predict(samples, ctx, { k: 10, similarityPower: 1, priorStrength: 0.5 }), ctx);
    expect(fit.aiq).not.toBeNull();
    expect(fit.aiq ?? 0).toBeGreaterThan((fit.zeroRouterAiq ?? 1) + 0.1);
    expect(Number.isFinite(fit.gapThreshold)).toBe(true);
    // Somewhere on the sweep: every answer right at about half the premium price.
    expect(fit.curve.some((p) => p.quality === 1 && p.cost < 0.51)).toBe(true);
  });

  it('falls back to the global ranking (gap ∞) when the neighbours mislead', () => {
    const samples = clusteredSamples((c) => outcomeOf(c === 'math' ? 'chat' : 'math'));
    const ctx = context(TOTALS);
    const fit = fitGapThreshold(samples, predict(samples, ctx, { k: 10, similarityPower: 1, priorStrength: 0.5 }), ctx);
    expect(fit.gapThreshold).toBe(Infinity);
    expect(fit.aiq).toBe(fit.zeroRouterAiq);
  });
  it('with equal prices (no AIQ) judges by held-out quality, and follows informative neighbours', () => {
    const samples = clusteredSamples();
    const ctx = { ...context(TOTALS), normalizedPrice: new Map([['premium', 1], ['mid', 1], ['budget', 1]]) };
    // Budget's global rate is made the best, so the global ranking alone misses the math cluster.
    const totals = { premium: { wins: 40, losses: 40, ties: 0 }, mid: { wins: 30, losses: 50, ties: 0 }, budget: { wins: 50, losses: 30, ties: 0 } };
    const skewed = { ...ctx, modelTotals: new Map(Object.entries(totals)) };
    const fit = fitGapThreshold(samples, predict(samples, skewed, { k: 10, similarityPower: 1, priorStrength: 0.5 }), skewed);
    expect(fit.aiq).toBeNull();
    expect(Number.isFinite(fit.gapThreshold)).toBe(true);
    expect(Math.max(...fit.curve.map((p) => p.quality))).toBe(1);
  });
});

describe('the intent ranking (no harm per intent)', () => {
  // Intent totals the clustered set implies: on math only premium is right, on chat every model is.
  const INTENTS = new Map([
    ['math', new Map([['premium', { wins: 40, losses: 0, ties: 0 }], ['mid', { wins: 0, losses: 40, ties: 0 }], ['budget', { wins: 0, losses: 40, ties: 0 }]])],
    ['chat', new Map([['premium', { wins: 40, losses: 0, ties: 0 }], ['mid', { wins: 40, losses: 0, ties: 0 }], ['budget', { wins: 40, losses: 0, ties: 0 }]])],
  ]);

  /** Each sample's neighbours carry its own intent but the *other* cluster's records: the intent is right, the records mislead. */
  function misleadingWithIntents(): LooSample[] {
    return (['math', 'chat'] as const).flatMap((cluster) =>
      Array.from({ length: 40 }, (_, i) => {
        const other = cluster === 'math' ? 'chat' : 'math';
        const evidence = Array.from({ length: 10 }, (_, j) => ({ ...reference(2000 + j, 0.9 - j * 0.01, outcomeOf(other)), intent: cluster }));
        const targets = new Map(Object.entries(outcomeOf(cluster)).map(([m, ok]) => [m, ok ? 1 : 0]));
        return { evidence, targets, intent: `${cluster}-held-out-${i}` };
      }),
    );
  }

  it('falls back to each intent’s zero router: quality 1 at half the price, where the global ranking cannot', () => {
    const samples = misleadingWithIntents();
    const withIntents = { ...context(TOTALS), intentTotals: INTENTS };
    const fit = fitGapThreshold(samples, predict(samples, withIntents, { k: 10, similarityPower: 1, priorStrength: 0.5 }), withIntents);
    expect(fit.gapThreshold).toBe(Infinity);
    // Known answer: math → premium, chat → budget: every answer right at (1 + budget's price) / 2.
    expect(fit.curve.some((p) => p.quality === 1 && p.cost < 0.51)).toBe(true);
    const global = fitGapThreshold(samples, predict(samples, context(TOTALS), { k: 10, similarityPower: 1, priorStrength: 0.5 }), context(TOTALS));
    expect(global.curve.some((p) => p.quality === 1 && p.cost < 0.99)).toBe(false);
    expect(fit.aiq ?? 0).toBeGreaterThan((global.aiq ?? 1) + 0.1);
  });

  it('takes a held-out sample’s own records out of its intent’s totals', () => {
    // A one-reference intent: without its own record the intent says nothing, so the ranking is the global one.
    const own = new Map([['budget', win], ['premium', loss], ['mid', loss]]);
    const solo = new Map([['solo', own]]);
    const evidence = [{ ...reference(1, 0.9, { premium: true, mid: true, budget: true }), intent: 'solo' }];
    const ctx = { ...context(TOTALS), intentTotals: solo };
    const heldOut = predict([{ evidence, targets: new Map(), intent: 'solo', own }], ctx, { k: 10, similarityPower: 1, priorStrength: 1 });
    // The global totals lose the sample's record too: premium 80–0, mid 40–39, budget 39–40.
    const ranking = [...(heldOut.ranking[0] ?? [])];
    [1, 40 / 79, 39 / 79].forEach((rate, j) => expect(ranking[j]).toBeCloseTo(rate, 12));
    const seen = predict([{ evidence, targets: new Map() }], ctx, { k: 10, similarityPower: 1, priorStrength: 1 });
    expect(seen.ranking[0]?.[2]).toBeCloseTo((1 + 10 * 0.5) / 11, 12);
  });
});

describe('looChoice', () => {
  it('chooses exactly what decide chooses, on random neighbourhoods, cost weights and gap thresholds', () => {
    const random = seededRandom(7);
    const totals = { premium: { wins: 30, losses: 10, ties: 0 }, mid: { wins: 25, losses: 15, ties: 0 }, budget: { wins: 18, losses: 22, ties: 2 } };
    // Intent 'a' ranks budget first, 'b' mid; 'c' has no totals (the global ranking).
    const intentTotals = new Map([
      ['a', new Map([['premium', { wins: 5, losses: 5, ties: 0 }], ['budget', { wins: 9, losses: 1, ties: 0 }]])],
      ['b', new Map([['mid', { wins: 12, losses: 0, ties: 0 }]])],
    ]);
    const ctx = { ...context(totals), intentTotals };
    for (let trial = 0; trial < 300; trial++) {
      const evidence = Array.from({ length: 6 }, (_, j) => ({
        ...reference(j, 0.95 - 0.1 * j * random(), { premium: random() < 0.7, mid: random() < 0.6, budget: random() < 0.4 }),
        intent: (['a', 'b', 'c'] as const)[Math.floor(random() * 3)] ?? null,
      }));
      evidence.sort((a, b) => b.similarity - a.similarity);
      const costWeight = [0, 0.05, 0.2, 0.5, 2][trial % 5] ?? 0;
      const gapThreshold = [0, 0.02, 0.1, Infinity][trial % 4] ?? 0;
      const fit = { k: 6, similarityPower: 2, priorStrength: 2 };
      const predictions = predict([{ evidence, targets: new Map() }], ctx, fit);
      const loo = looChoice(predictions.quality[0] ?? [], { ctx, covered: predictions.covered[0] ?? false, globalIndex: rankingIndex(predictions.ranking[0] ?? [], ctx, costWeight), costWeight, gapThreshold });
      const params: PolicyParams = { costWeight, defaultModel: 'mid', priorStrength: 2, similarityPower: 2, coverageThreshold: 0.5, minSupport: 1, expectedOutputTokens: 500, gapThreshold };
      // As the router gives it: its coverage verdict (covered, and the prompt's intent) with the evidence.
      const coverage = assessNeighbours(evidence, ctx.coverage);
      const d = decide({ evidence, coverage, modelTotals: new Map(Object.entries(totals)), intentTotals, catalog: TEST_CATALOG, constraints: {}, promptTokens: 20, params: { ...params, uncoveredModel: 'global_ranking' } });
      expect(d.kind === 'routed' ? d.model : null).toBe(ctx.models[loo.index]);
    }
  });
});

describe('predict: coverage', () => {
  // A calibrated test: mean of the top 3 against 0.6, shifted +0.1 for the tight intent, −0.1 for the loose one.
  const test: CoverageTest = { model: { threshold: 0.6, topN: 3, intentOffsets: new Map([['tight', 0.1], ['loose', -0.1]]), source: 'background' }, k: 10, similarityPower: 4 };
  const ctx: FitContext = { ...context(TOTALS), coverage: test };
  const fit = { k: 10, similarityPower: 2, priorStrength: 2 };
  const withIntent = (intent: string, sims: readonly number[]): Evidence[] => sims.map((s, j) => ({ ...reference(j, s, { premium: true, mid: false, budget: true }), intent }));

  it('judges a held-out reference as the router does: the top-3 mean and its intent’s threshold, not top-1 alone', () => {
    const oneCloseTwoFar = withIntent('unshifted', [0.9, 0.35, 0.35]);
    const tightAtSeventy = withIntent('tight', [0.7, 0.7, 0.7]);
    const looseAtFiftyFive = withIntent('loose', [0.55, 0.55, 0.55]);
    const covered = predict([oneCloseTwoFar, tightAtSeventy, looseAtFiftyFive].map((evidence) => ({ evidence, targets: new Map() })), ctx, fit).covered;
    // Top-1 against 0.6 would say covered, uncovered, uncovered.
    expect(covered).toEqual([false, false, true]);
  });

  it('agrees with the router’s verdict on random neighbourhoods', () => {
    const random = seededRandom(11);
    for (let trial = 0; trial < 300; trial++) {
      const evidence = Array.from({ length: 12 }, (_, j) => ({ ...reference(j, 0.9 - 0.5 * random(), { premium: random() < 0.7, mid: random() < 0.5, budget: random() < 0.4 }), intent: random() < 0.5 ? 'tight' : 'loose' }));
      evidence.sort((a, b) => b.similarity - a.similarity);
      const predicted = predict([{ evidence, targets: new Map() }], ctx, fit).covered[0];
      const params: PolicyParams = { costWeight: 0, defaultModel: 'mid', priorStrength: 2, similarityPower: 2, coverageThreshold: 0.6, minSupport: 1, expectedOutputTokens: 500, gapThreshold: 0 };
      const d = decide({ evidence: evidence.slice(0, fit.k), coverage: assessNeighbours(evidence, test), modelTotals: new Map(Object.entries(TOTALS)), catalog: TEST_CATALOG, constraints: {}, promptTokens: 20, params });
      expect(d.kind === 'routed' && d.covered).toBe(predicted);
    }
  });
});

describe('calibrateTarget', () => {
  const curve = [
    { costWeight: 0, quality: 0.9, cost: 1, neighbourShare: 0 },
    { costWeight: 0.1, quality: 0.88, cost: 0.6, neighbourShare: 0.4 },
    { costWeight: 0.5, quality: 0.8, cost: 0.3, neighbourShare: 0.7 },
  ];
  const best = { quality: 0.9, cost: 1 };

  it('meets a quality share at the least cost', () => {
    expect(calibrateTarget(curve, best, { qualityShare: 0.95 })).toMatchObject({ costWeight: 0.1, expectedCostShare: 0.6, met: true });
    expect(calibrateTarget(curve, best, { qualityShare: 1 })).toMatchObject({ costWeight: 0, met: true });
  });

  it('spends at most a cost share for the most quality', () => {
    const r = calibrateTarget(curve, best, { costShare: 0.5 });
    expect(r).toMatchObject({ costWeight: 0.5, met: true });
    expect(r.expectedQualityShare).toBeCloseTo(0.8 / 0.9, 12);
  });

  it('says when a target cannot be met and takes the closest point', () => {
    expect(calibrateTarget(curve, best, { costShare: 0.2 })).toMatchObject({ costWeight: 0.5, met: false });
  });

  it('calibrates a 95% quality target on the clustered set to about half the cost', () => {
    const samples = clusteredSamples();
    const ctx = context(TOTALS);
    const fit = fitGapThreshold(samples, predict(samples, ctx, { k: 10, similarityPower: 1, priorStrength: 0.5 }), ctx);
    const r = calibrateTarget(fit.curve, { quality: 1, cost: 1 }, { qualityShare: 0.95 });
    expect(r.met).toBe(true);
    expect(r.expectedQualityShare).toBeGreaterThanOrEqual(0.95);
    expect(r.expectedCostShare).toBeLessThan(0.51);
  });
});
