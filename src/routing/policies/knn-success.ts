import { blendedPricePer1M } from '../../config/catalog.js';
import type { CatalogModel } from '../../config/schema.js';
import { trials, type WinRecord } from '../../store/types.js';
import { normalCdf } from '../policy.js';
import type { Decision, DecisionReason, Evidence, ModelScore, PolicyInput } from '../types.js';
import { effectiveCostWeight, eligibleModels } from '../eligibility.js';
import { similarityCovers } from '../coverage.js';

export interface KnnSuccessOptions {
  /**
   * How many neighbours' worth of weight the model's global rate carries (default 10). In neighbour
   * units, not weighted trials, so the shrinkage is the same whatever the embedder's similarity
   * scale. Fit it to a reference set with `fitKnnSuccess` (leave-one-out Brier score).
   */
  readonly priorNeighbours?: number;
  /** Neighbour weight = (similarity / top similarity)^power; defaults to the configured similarityPower. */
  readonly power?: number;
}

export type Policy = (input: PolicyInput) => Decision;

interface Estimate {
  readonly quality: number;
  /** Relative weight of the neighbours that hold a record for the model (neighbour units). */
  readonly support: number;
  /** Kish effective sample size of those weights, for the confidence. */
  readonly effectiveN: number;
}

/**
 * knn-success: predicts each model's success rate on the prompt as the similarity-weighted mean of
 * its per-reference rates (wins + ties/2 over trials, so a reference counts once whatever its number
 * of trials), shrunk toward the model's global rate by `priorNeighbours`. Weights are relative to the
 * nearest reference, which makes the estimate independent of how high an embedder's similarities run.
 * Utility = predicted success − costWeight × price / dearest price: price is *linear*, so the knob is a
 * Lagrange multiplier on spend and sweeping it traces the expected cost–quality frontier. Exclusions,
 * rules, the similarity threshold and the default are as in `decide`; coverage support is counted in
 * neighbour units (see coverageSupport).
 */
export function createKnnSuccessPolicy(options: KnnSuccessOptions = {}): Policy {
  const prior = options.priorNeighbours ?? DEFAULT_PRIOR_NEIGHBOURS;
  return (input) => {
    const { eligible, excluded } = eligibleModels(input);
    if (eligible.length === 0) return { kind: 'no_eligible_model', excluded };
    const { evidence, params } = input;
    const weights = relativeWeights(evidence, options.power ?? params.similarityPower);
    const ctx = { modelTotals: input.modelTotals, prior };
    const scores = rank(eligible.map((m) => scoreModel(m, estimate(m.id, evidence, weights, ctx), input)));
    const topSimilarity = evidence[0]?.similarity ?? null;
    const covered = similarityCovers(input) && coverageSupport(evidence, weights) >= params.minSupport;
    const pin = input.rule?.then.pin;
    const pinned = pin !== undefined && scores.some((s) => s.model === pin) ? pin : undefined;
    const choice = pinned !== undefined ? { model: pinned, reason: 'rule' as const } : covered ? { model: first(scores), reason: 'covered' as const } : fallback(scores, input);
    return {
      kind: 'routed',
      ...choice,
      basis: choice.reason === 'rule' ? 'rule' : covered ? 'neighbours' : 'default_model',
      gain: null,
      fallbacks: scores.map((s) => s.model).filter((id) => id !== choice.model),
      covered,
      confidence: pinned !== undefined ? 1 : covered ? confidenceOf(scores, prior) : 0,
      rule: input.rule?.name ?? null,
      explored: false,
      topSimilarity,
      coverageThreshold: params.coverageThreshold,
      intent: weightedIntent(evidence, weights),
      scores: scores.map((s) => s.score),
      excluded,
      evidence,
    };
  };
}

/** Weak per-prompt signal is the norm (see the eval): the global rate counts as ten neighbours. */
export const DEFAULT_PRIOR_NEIGHBOURS = 10;

/** The policy with its default options. */
export const decideKnnSuccess: Policy = createKnnSuccessPolicy();

/** Predicted success per model on the prompt: the estimate the policy ranks by, for calibration. */
export function predictSuccess(
  input: Pick<PolicyInput, 'evidence' | 'modelTotals'>,
  models: readonly string[],
  options: { priorNeighbours: number; power: number },
): Map<string, number> {
  const weights = relativeWeights(input.evidence, options.power);
  const ctx = { modelTotals: input.modelTotals, prior: options.priorNeighbours };
  return new Map(models.map((m) => [m, estimate(m, input.evidence, weights, ctx).quality]));
}

/** (s_i / s_top)^power; references at or below zero similarity carry no weight. */
export function relativeWeights(evidence: readonly Evidence[], power: number): number[] {
  const top = Math.max(0, ...evidence.map((e) => e.similarity));
  if (top === 0) return evidence.map(() => 0);
  return evidence.map((e) => (Math.max(0, e.similarity) / top) ** power);
}

function estimate(model: string, evidence: readonly Evidence[], weights: readonly number[], ctx: { modelTotals: PolicyInput['modelTotals']; prior: number }): Estimate {
  let sum = 0;
  let weight = 0;
  let squares = 0;
  evidence.forEach((e, i) => {
    const r = e.records.get(model);
    const w = weights[i] ?? 0;
    if (!r || trials(r) === 0 || w === 0) return;
    sum += w * rate(r);
    weight += w;
    squares += w * w;
  });
  const global = globalRate(ctx.modelTotals.get(model));
  return {
    quality: (sum + ctx.prior * global) / (weight + ctx.prior),
    support: weight,
    effectiveN: squares === 0 ? 0 : (weight * weight) / squares,
  };
}

function rate(r: WinRecord): number {
  return (r.wins + r.ties / 2) / trials(r);
}

/** A model with no record anywhere is assumed average (0.5), not bad. */
function globalRate(total: WinRecord | undefined): number {
  return total && trials(total) > 0 ? rate(total) : 0.5;
}

interface Ranked {
  readonly model: string;
  readonly score: ModelScore;
  readonly effectiveN: number;
}

function scoreModel(model: CatalogModel, est: Estimate, input: PolicyInput): Ranked {
  const { catalog, promptTokens, params } = input;
  const price = (m: CatalogModel) => blendedPricePer1M(m, promptTokens, params.expectedOutputTokens);
  const dearest = Math.max(...catalog.map(price));
  const pricePer1M = price(model);
  const normalizedPrice = dearest > 0 ? pricePer1M / dearest : 0;
  const utility = est.quality - effectiveCostWeight(input) * normalizedPrice;
  return { model: model.id, effectiveN: est.effectiveN, score: { model: model.id, quality: est.quality, pricePer1M, normalizedPrice, utility, support: est.support } };
}

/** Best utility first; ties go to higher quality, then the cheaper model, then the id. */
function rank(scores: Ranked[]): Ranked[] {
  return scores.sort(
    (x, y) =>
      y.score.utility - x.score.utility || y.score.quality - x.score.quality || x.score.pricePer1M - y.score.pricePer1M || x.model.localeCompare(y.model),
  );
}

/**
 * Evidence behind the decision in neighbour units: the relative weight of the neighbours that hold
 * any record. `decide` counts similarity^power-weighted trials instead, which one-trial references
 * at the similarities a lexical embedder produces (0.3–0.5) rarely lift over minSupport; here the
 * calibrated similarity threshold judges closeness and this only asks that close references have data.
 */
function coverageSupport(evidence: readonly Evidence[], weights: readonly number[]): number {
  let support = 0;
  evidence.forEach((e, i) => {
    if ([...e.records.values()].some((r) => trials(r) > 0)) support += weights[i] ?? 0;
  });
  return support;
}

function fallback(scores: readonly Ranked[], input: PolicyInput): { model: string; reason: DecisionReason } {
  if (scores.some((s) => s.model === input.params.defaultModel)) {
    return { model: input.params.defaultModel, reason: input.evidence.length === 0 ? 'empty_index' : 'uncovered' };
  }
  return { model: first(scores), reason: 'default_not_eligible' };
}

function first(scores: readonly Ranked[]): string {
  const top = scores[0];
  if (!top) throw new Error('rank() was given no eligible model');
  return top.model;
}

/** P(chosen utility > runner-up's) under normal approximations of the two success estimates. */
function confidenceOf(scores: readonly Ranked[], prior: number): number {
  const [best, second] = scores;
  if (!best || !second) return 1;
  const variance = (s: Ranked) => (s.score.quality * (1 - s.score.quality)) / (s.effectiveN + prior + 1);
  const sd = Math.sqrt(variance(best) + variance(second));
  return sd === 0 ? 1 : normalCdf((best.score.utility - second.score.utility) / sd);
}

function weightedIntent(evidence: readonly Evidence[], weights: readonly number[]): string | null {
  const votes = new Map<string, number>();
  evidence.forEach((e, i) => {
    if (e.intent !== null) votes.set(e.intent, (votes.get(e.intent) ?? 0) + (weights[i] ?? 0) + 1e-9 / (i + 1));
  });
  let best: string | null = null;
  let top = -Infinity;
  for (const [intent, vote] of votes) if (vote > top) [best, top] = [intent, vote];
  return best;
}
