import { blendedPricePer1M } from '../config/catalog.js';
import { effectiveCostWeight, eligibleModels } from './eligibility.js';
import type { CatalogModel } from '../config/schema.js';
import { betaSample } from '../shared/random.js';
import { similarityCovers } from './coverage.js';
import { trials, type WinRecord } from '../store/types.js';
import type { Decision, DecisionReason, Evidence, ModelScore, PolicyInput } from './types.js';

/** Keeps log-scaled prices finite for free models. */
const PRICE_EPSILON = 0.01;

/**
 * The routing decision, pure: neighbours + records + catalog + request → decision.
 * Quality per model is the similarity-weighted win rate over the neighbours (a tie counts half),
 * shrunk toward the model's global win rate by a Beta prior, so a short lucky record cannot beat a
 * long one. Utility = quality − costWeight × log-normalised price. The ranking gives the fallbacks.
 */
export function decide(input: PolicyInput): Decision {
  const { eligible, excluded } = eligibleModels(input);
  if (eligible.length === 0) return { kind: 'no_eligible_model', excluded };

  const { evidence, params } = input;
  const weights = evidence.map((e) => neighbourWeight(e.similarity, params.similarityPower));
  const scores = rank(eligible.map((m) => scoreModel(m, weights, input)));
  const topSimilarity = evidence[0]?.similarity ?? null;
  const support = scores.reduce((sum, s) => sum + s.support, 0);
  const covered = similarityCovers(input) && support >= params.minSupport;

  const pin = input.rule?.then.pin;
  const pinned = pin !== undefined && scores.some((s) => s.model === pin) ? pin : undefined;
  const { model, reason } =
    pinned !== undefined ? { model: pinned, reason: 'rule' as const } : covered ? { model: firstOf(scores), reason: 'covered' as const } : fallbackChoice(scores, input);
  const explored = covered && input.random !== undefined && model !== bestByMean(scores, input);
  return {
    kind: 'routed',
    model,
    fallbacks: scores.map((s) => s.model).filter((id) => id !== model),
    reason,
    covered,
    confidence: pinned !== undefined ? 1 : covered ? winProbability(scores, params.priorStrength) : 0,
    explored,
    rule: input.rule?.name ?? null,
    topSimilarity,
    coverageThreshold: params.coverageThreshold,
    intent: weightedIntent(evidence, weights),
    scores,
    excluded,
    evidence,
  };
}

/** Closer references count much more: weight = max(0, similarity)^power. */
export function neighbourWeight(similarity: number, power: number): number {
  return Math.max(0, similarity) ** power;
}

function scoreModel(model: CatalogModel, weights: readonly number[], input: PolicyInput): ModelScore {
  const { evidence, params, modelTotals, catalog, promptTokens } = input;
  let weightedWins = 0;
  let support = 0;
  evidence.forEach((e, i) => {
    const r = e.records.get(model.id);
    const w = weights[i] ?? 0;
    if (!r || w === 0) return;
    weightedWins += w * (r.wins + r.ties / 2);
    support += w * trials(r);
  });
  const prior = globalWinRate(modelTotals.get(model.id));
  // Beta posterior: the prior contributes priorStrength pseudo-trials at the model's global rate.
  const alpha = weightedWins + params.priorStrength * prior;
  const beta = support - weightedWins + params.priorStrength * (1 - prior);
  const quality = alpha / (alpha + beta);
  const pricePer1M = blendedPricePer1M(model, promptTokens, params.expectedOutputTokens);
  const normalizedPrice = normalizePrice(pricePer1M, catalog, promptTokens, params.expectedOutputTokens);
  const costWeight = effectiveCostWeight(input);
  const score = { model: model.id, quality, pricePer1M, normalizedPrice, utility: quality - costWeight * normalizedPrice, support };
  if (!input.random) return score;
  const sampledQuality = betaSample(Math.max(alpha, 1e-6), Math.max(beta, 1e-6), input.random);
  return { ...score, sampledQuality, utility: sampledQuality - costWeight * normalizedPrice };
}

/** The model the posterior means alone would pick, to tell when exploration changed the choice. */
function bestByMean(scores: readonly ModelScore[], input: PolicyInput): string {
  const costWeight = effectiveCostWeight(input);
  const byMean = [...scores].sort((a, b) => b.quality - costWeight * b.normalizedPrice - (a.quality - costWeight * a.normalizedPrice));
  return byMean[0]?.model ?? '';
}


/** A model with no record anywhere is assumed average (0.5), not bad. */
function globalWinRate(total: WinRecord | undefined): number {
  if (!total || trials(total) === 0) return 0.5;
  return (total.wins + total.ties / 2) / trials(total);
}

function normalizePrice(price: number, catalog: readonly CatalogModel[], inTokens: number, outTokens: number): number {
  const logs = catalog.map((m) => Math.log(blendedPricePer1M(m, inTokens, outTokens) + PRICE_EPSILON));
  const lo = Math.min(...logs);
  const hi = Math.max(...logs);
  return hi - lo < 1e-12 ? 0 : (Math.log(price + PRICE_EPSILON) - lo) / (hi - lo);
}

/** Best utility first; ties go to higher quality, then the cheaper model, then the id, so order is total. */
function rank(scores: ModelScore[]): ModelScore[] {
  return scores.sort(
    (a, b) => b.utility - a.utility || b.quality - a.quality || a.pricePer1M - b.pricePer1M || a.model.localeCompare(b.model),
  );
}

/** Uncovered: the configured default when the request allows it, else the best-ranked eligible model. */
function fallbackChoice(scores: readonly ModelScore[], input: PolicyInput): { model: string; reason: DecisionReason } {
  const defaultEligible = scores.some((s) => s.model === input.params.defaultModel);
  if (defaultEligible) return { model: input.params.defaultModel, reason: input.evidence.length === 0 ? 'empty_index' : 'uncovered' };
  return { model: firstOf(scores), reason: 'default_not_eligible' };
}

function firstOf(scores: readonly ModelScore[]): string {
  const first = scores[0];
  if (!first) throw new Error('rank() was given no eligible model');
  return first.model;
}

/**
 * Confidence = the probability that the chosen model's utility really beats the runner-up's, from a
 * normal approximation of their Beta posteriors. One eligible model leaves no doubt about the choice.
 */
function winProbability(scores: readonly ModelScore[], priorStrength: number): number {
  const [best, second] = scores;
  if (!best || !second) return 1;
  const variance = (s: ModelScore) => (s.quality * (1 - s.quality)) / (s.support + priorStrength + 1);
  const sd = Math.sqrt(variance(best) + variance(second));
  return sd === 0 ? 1 : normalCdf((best.utility - second.utility) / sd);
}

function weightedIntent(evidence: readonly Evidence[], weights: readonly number[]): string | null {
  const votes = new Map<string, number>();
  evidence.forEach((e, i) => {
    if (e.intent === null) return;
    // The tiny rank term lets the nearest intent win when every weight is zero.
    votes.set(e.intent, (votes.get(e.intent) ?? 0) + (weights[i] ?? 0) + 1e-9 / (i + 1));
  });
  let best: string | null = null;
  let bestVote = -Infinity;
  for (const [intent, vote] of votes) if (vote > bestVote) [best, bestVote] = [intent, vote];
  return best;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf; error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
