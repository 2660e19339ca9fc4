import { trials, type WinRecord } from '../../store/types.js';
import { assessNeighbours, type CoverageTest } from '../coverage.js';
import { rankingRate, successRate, withoutRecord, type IntentTotals } from '../ranking.js';
import type { Evidence } from '../types.js';
import { aiq, type CostQuality } from './frontier.js';

/**
 * Leave-one-out fit of the router's policy (`decide` in routing/policy.ts) on the references that
 * carry records: each sampled reference is routed as if it were a new prompt (its neighbours
 * without itself) and judged by its own records. Pure; the caller draws the samples.
 *
 * 1. Estimator (k, similarityPower, priorStrength): the grid setting with the lowest Brier score of
 *    the predicted per-model success against the held-out rates.
 * 2. No-harm gap threshold: the setting whose cost-weight sweep has the largest LOO AIQ
 *    (RouterBench's area under the non-decreasing hull). The grid includes Infinity, which always
 *    takes the ranking's choice (the zero router, per intent: routing/ranking.ts), so the chosen
 *    setting's LOO AIQ is never below the ranking's on the references.
 *
 * Leave-one-out is honest about the ranking too: a sample's own records are taken out of the global
 * and intent totals its prior and fallback are computed from.
 * 3. The LOO curve over cost weights, from which a target (`calibrateTarget`) picks its cost weight:
 *    the same idea as RouteLLM's threshold calibration (calibrate_threshold.py picks the threshold
 *    whose strong-model call share on a calibration set matches the requested share).
 */
export interface LooSample {
  /** Up to the largest k of the grid, nearest first, the sample itself left out. */
  readonly evidence: readonly Evidence[];
  /** The sample's own success rate per model (wins + ties/2 over trials). */
  readonly targets: ReadonlyMap<string, number>;
  /** The sample's vector, for the coverage test's intent centroids (absent: the intent by vote). */
  readonly vector?: Float32Array;
  /** The sample's own intent and records, taken out of the totals while it is held out. */
  readonly intent?: string | null;
  readonly own?: ReadonlyMap<string, WinRecord>;
}

export interface FitContext {
  /** Catalog ids, in a fixed order. */
  readonly models: readonly string[];
  /** Price ÷ the dearest model's price, per model (as `decide` normalises it). */
  readonly normalizedPrice: ReadonlyMap<string, number>;
  readonly modelTotals: ReadonlyMap<string, WinRecord>;
  /** Per intent totals (the intent ranking); absent = the global ranking only. */
  readonly intentTotals?: IntentTotals;
  /** The router's coverage test: a sample is covered as the router would judge it (routing/coverage.ts). */
  readonly coverage: CoverageTest;
  readonly minSupport: number;
}

export interface EstimatorFit {
  readonly k: number;
  readonly similarityPower: number;
  readonly priorStrength: number;
  /** Mean squared error of the predicted success against the held-out rates. */
  readonly brier: number;
}

export interface LooPoint extends CostQuality {
  readonly costWeight: number;
  /** Share of samples that followed the neighbours rather than the global ranking. */
  readonly neighbourShare: number;
}

export const K_GRID: readonly number[] = [5, 10, 20, 30, 50];
export const POWER_GRID: readonly number[] = [0, 1, 2, 4, 8, 16];
export const PRIOR_GRID: readonly number[] = [0.5, 1, 2, 4, 8, 16, 32, 64];
export const GAP_GRID: readonly number[] = [0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, Infinity];
/** 0 and 48 log-spaced weights from 0.001 to 20: dense enough that each hull vertex is hit. */
export const COST_WEIGHT_GRID: readonly number[] = [0, ...Array.from({ length: 48 }, (_, i) => 0.001 * 20_000 ** (i / 47))];

/** Success rate over all references; 0.5 for a model without records (as `decide` assumes). */
export function globalRate(total: WinRecord | undefined): number {
  return successRate(total);
}

/**
 * What `decide` makes of a held-out sample apart from its neighbours' records: the router's coverage
 * verdict (covered by similarity, and the prompt's intent) and, per model, the ranking rate it ranks
 * by and centres the prior on, with the sample's own records out of the totals.
 */
function sampleRanking(sample: LooSample, ctx: FitContext): { similarityCovers: boolean; ranking: Float64Array; intent: string | null } {
  const verdict = assessNeighbours(sample.evidence, ctx.coverage, sample.vector ? { vector: sample.vector } : {});
  const byModel = verdict.nearestIntent === null ? undefined : ctx.intentTotals?.get(verdict.nearestIntent);
  const intent = byModel === undefined ? null : verdict.nearestIntent;
  const ownIntent = intent !== null && sample.intent === intent;
  const ranking = Float64Array.from(ctx.models, (m) => {
    const own = sample.own?.get(m);
    const global = successRate(withoutRecord(ctx.modelTotals.get(m), own));
    return byModel === undefined ? global : rankingRate(global, ownIntent ? withoutRecord(byModel.get(m), own) : byModel.get(m));
  });
  return { similarityCovers: verdict.covered, ranking, intent };
}

/** Per model: Σ w·(wins + ties/2) and Σ w·trials over the first k neighbours, w relative to the nearest. */
function weightedSums(sample: LooSample, models: readonly string[], at: { k: number; power: number }): { wins: Float64Array; trials: Float64Array; support: number } {
  const evidence = sample.evidence.slice(0, at.k);
  const top = Math.max(0, ...evidence.map((e) => e.similarity));
  const wins = new Float64Array(models.length);
  const tri = new Float64Array(models.length);
  let support = 0;
  for (const e of evidence) {
    const w = top === 0 ? 0 : (Math.max(0, e.similarity) / top) ** at.power;
    if ([...e.records.values()].some((r) => trials(r) > 0)) support += w;
    models.forEach((m, j) => {
      const r = e.records.get(m);
      if (!r || w === 0) return;
      wins[j] = (wins[j] ?? 0) + w * (r.wins + r.ties / 2);
      tri[j] = (tri[j] ?? 0) + w * trials(r);
    });
  }
  return { wins, trials: tri, support };
}

/** Grid search of the estimator by LOO Brier score; null without a sample that has a target. */
export function fitEstimator(samples: readonly LooSample[], ctx: FitContext, grid: { ks?: readonly number[] } = {}): EstimatorFit | null {
  const priors = samples.map((s) => sampleRanking(s, ctx).ranking);
  let best: EstimatorFit | null = null;
  for (const k of grid.ks ?? K_GRID) {
    for (const power of POWER_GRID) {
      const sums = samples.map((s) => weightedSums(s, ctx.models, { k, power }));
      for (const prior of PRIOR_GRID) {
        const brier = brierScore(samples, sums, { models: ctx.models, priors, prior });
        if (brier !== null && (best === null || brier < best.brier - 1e-12)) best = { k, similarityPower: power, priorStrength: prior, brier };
      }
    }
  }
  return best;
}

function brierScore(samples: readonly LooSample[], sums: readonly ReturnType<typeof weightedSums>[], at: { models: readonly string[]; priors: readonly Float64Array[]; prior: number }): number | null {
  let total = 0;
  let n = 0;
  samples.forEach((s, i) => {
    const sum = sums[i];
    const priors = at.priors[i];
    if (!sum || !priors) return;
    at.models.forEach((m, j) => {
      const target = s.targets.get(m);
      if (target === undefined) return;
      const predicted = ((sum.wins[j] ?? 0) + at.prior * (priors[j] ?? 0.5)) / ((sum.trials[j] ?? 0) + at.prior);
      total += (predicted - target) ** 2;
      n += 1;
    });
  });
  return n === 0 ? null : total / n;
}

/** Each sample's predicted success per model under a fitted estimator, whether it is covered, and its ranking rates. */
export interface Predictions {
  readonly quality: readonly Float64Array[];
  readonly covered: readonly boolean[];
  /** Per sample, per model: the rate the ranking (the fallback) ranks by. */
  readonly ranking: readonly Float64Array[];
  /** Per sample: the intent whose ranking that is (null: the global ranking). */
  readonly intent: readonly (string | null)[];
}

export function predict(samples: readonly LooSample[], ctx: FitContext, fit: Omit<EstimatorFit, 'brier'>): Predictions {
  const quality: Float64Array[] = [];
  const covered: boolean[] = [];
  const ranking: Float64Array[] = [];
  const intent: (string | null)[] = [];
  for (const s of samples) {
    const sum = weightedSums(s, ctx.models, { k: fit.k, power: fit.similarityPower });
    const held = sampleRanking(s, ctx);
    intent.push(held.intent);
    quality.push(Float64Array.from(ctx.models, (_, j) => ((sum.wins[j] ?? 0) + fit.priorStrength * (held.ranking[j] ?? 0.5)) / ((sum.trials[j] ?? 0) + fit.priorStrength)));
    covered.push(held.similarityCovers && sum.support >= ctx.minSupport);
    ranking.push(held.ranking);
  }
  return { quality, covered, ranking, intent };
}

/** Index of the best value; ties go to the cheaper model, then the smaller id (as `decide` orders them). */
function argBest(values: ArrayLike<number>, ctx: FitContext, tieQuality?: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < values.length; j++) {
    const d = (values[j] ?? 0) - (values[best] ?? 0);
    const dq = tieQuality ? (tieQuality[j] ?? 0) - (tieQuality[best] ?? 0) : 0;
    const dp = price(ctx, j) - price(ctx, best);
    const did = (ctx.models[j] ?? '').localeCompare(ctx.models[best] ?? '');
    if (d > 0 || (d === 0 && (dq > 0 || (dq === 0 && (dp < 0 || (dp === 0 && did < 0)))))) best = j;
  }
  return best;
}

function price(ctx: FitContext, j: number): number {
  return ctx.normalizedPrice.get(ctx.models[j] ?? '') ?? 0;
}

/** The model index `decide` would choose for one sample at a cost weight and gap threshold. */
export function looChoice(p: ArrayLike<number>, at: { ctx: FitContext; covered: boolean; globalIndex: number; costWeight: number; gapThreshold: number }): { index: number; neighbours: boolean } {
  if (!at.covered) return { index: at.globalIndex, neighbours: false };
  const utility = Float64Array.from(at.ctx.models, (_, j) => (p[j] ?? 0) - at.costWeight * price(at.ctx, j));
  const best = argBest(utility, at.ctx, p);
  const gain = (utility[best] ?? 0) - (utility[at.globalIndex] ?? 0);
  return best === at.globalIndex || gain >= at.gapThreshold ? { index: best, neighbours: best !== at.globalIndex } : { index: at.globalIndex, neighbours: false };
}

/** The global ranking's pick at a cost weight (the zero router's model). */
export function globalIndex(ctx: FitContext, costWeight: number): number {
  return rankingIndex(Float64Array.from(ctx.models, (m) => globalRate(ctx.modelTotals.get(m))), ctx, costWeight);
}

/** The ranking's pick for rates per model at a cost weight (as `decide`'s globalChoice orders them). */
export function rankingIndex(rates: ArrayLike<number>, ctx: FitContext, costWeight: number): number {
  return argBest(Float64Array.from(ctx.models, (_, j) => (rates[j] ?? 0.5) - costWeight * price(ctx, j)), ctx);
}

/**
 * Per cost weight, per sample, what a sweep needs whatever the gap threshold: the ranking's pick,
 * the neighbours' best (the ranking's pick when uncovered) and the gain between them, as `looChoice`
 * computes them. Built once, it serves every threshold of the grid.
 */
export interface SweepTable {
  readonly costWeights: readonly number[];
  readonly ranked: readonly Int32Array[];
  readonly best: readonly Int32Array[];
  readonly gain: readonly Float64Array[];
}

export function sweepTable(samples: readonly LooSample[], predictions: Predictions, at: { ctx: FitContext; costWeights?: readonly number[] }): SweepTable {
  const { ctx } = at;
  const costWeights = at.costWeights ?? COST_WEIGHT_GRID;
  const table = { costWeights, ranked: [] as Int32Array[], best: [] as Int32Array[], gain: [] as Float64Array[] };
  for (const costWeight of costWeights) {
    const [ranked, best, gain] = [new Int32Array(samples.length), new Int32Array(samples.length), new Float64Array(samples.length)];
    samples.forEach((_, i) => {
      const g = rankingIndex(predictions.ranking[i] ?? [], ctx, costWeight);
      const follow = looChoice(predictions.quality[i] ?? [], { ctx, covered: predictions.covered[i] ?? false, globalIndex: g, costWeight, gapThreshold: -Infinity });
      const p = predictions.quality[i] ?? [];
      ranked[i] = g;
      best[i] = follow.index;
      gain[i] = (p[follow.index] ?? 0) - costWeight * price(ctx, follow.index) - ((p[g] ?? 0) - costWeight * price(ctx, g));
    });
    table.ranked.push(ranked);
    table.best.push(best);
    table.gain.push(gain);
  }
  return table;
}

/**
 * Mean held-out quality and cost of the choices over the samples, per cost weight; a sample whose
 * intent has its own gap threshold (`intentGaps`) is routed with it, as `decide` does. `table`
 * (from `sweepTable` on the same samples) saves recomputing what does not depend on the threshold.
 */
export function looCurve(
  samples: readonly LooSample[],
  predictions: Predictions,
  at: { ctx: FitContext; gapThreshold: number; intentGaps?: ReadonlyMap<string, number>; costWeights?: readonly number[]; table?: SweepTable },
): LooPoint[] {
  const { ctx } = at;
  const table = at.table ?? sweepTable(samples, predictions, at);
  const gaps = samples.map((_, i) => {
    const intent = predictions.intent[i] ?? null;
    return (intent === null ? undefined : at.intentGaps?.get(intent)) ?? at.gapThreshold;
  });
  return table.costWeights.map((costWeight, c) => {
    let quality = 0;
    let scored = 0;
    let cost = 0;
    let followed = 0;
    samples.forEach((s, i) => {
      const g = table.ranked[c]?.[i] ?? 0;
      const best = table.best[c]?.[i] ?? g;
      const follows = best !== g && (table.gain[c]?.[i] ?? 0) >= (gaps[i] ?? Infinity);
      const index = follows ? best : g;
      const target = s.targets.get(ctx.models[index] ?? '');
      if (target !== undefined) [quality, scored] = [quality + target, scored + 1];
      cost += price(ctx, index);
      if (follows) followed += 1;
    });
    const n = Math.max(1, samples.length);
    return { costWeight, quality: quality / Math.max(1, scored), cost: cost / n, neighbourShare: followed / n };
  });
}

/** Each model's mean held-out rate and price over the samples (the single-model points). */
export function singleModelPoints(samples: readonly LooSample[], ctx: FitContext): (CostQuality & { model: string })[] {
  return ctx.models.map((model, j) => {
    const known = samples.flatMap((s) => s.targets.get(model) ?? []);
    const quality = known.length === 0 ? 0 : known.reduce((a, b) => a + b, 0) / known.length;
    return { model, quality, cost: price(ctx, j) };
  });
}

/** LOO AIQ of a curve, anchored at the cheapest model as the eval anchors it, over the catalog's price range. */
export function looAiq(curve: readonly CostQuality[], singles: readonly CostQuality[]): number | null {
  const cheapest = [...singles].sort((a, b) => a.cost - b.cost || b.quality - a.quality)[0];
  if (!cheapest) return null;
  const max = Math.max(...singles.map((s) => s.cost));
  return aiq([...curve, cheapest], { min: cheapest.cost, max });
}

export interface GapFit {
  readonly gapThreshold: number;
  readonly curve: LooPoint[];
  readonly aiq: number | null;
  /** The same with gapThreshold ∞: the ranking alone (per intent when intents are known), the zero router on the references. */
  readonly zeroRouterAiq: number | null;
}

/**
 * The gap threshold whose LOO curve has the largest AIQ; a tie keeps the larger threshold (closer to
 * the zero router). ∞ is on the grid, so the result's LOO AIQ is never below the zero router's.
 */
export function fitGapThreshold(samples: readonly LooSample[], predictions: Predictions, ctx: FitContext): GapFit {
  const singles = singleModelPoints(samples, ctx);
  const table = sweepTable(samples, predictions, { ctx });
  const scored = GAP_GRID.map((gapThreshold) => {
    const curve = looCurve(samples, predictions, { ctx, gapThreshold, table });
    return { gapThreshold, curve, aiq: looAiq(curve, singles) };
  });
  // Equal prices leave AIQ undefined (no cost range): then the best held-out quality decides.
  const merit = (s: (typeof scored)[number]) => s.aiq ?? Math.max(...s.curve.map((p) => p.quality));
  const chosen = scored.reduce((a, b) => (merit(b) >= merit(a) - 1e-12 ? b : a));
  return { ...chosen, zeroRouterAiq: scored.find((s) => s.gapThreshold === Infinity)?.aiq ?? null };
}
