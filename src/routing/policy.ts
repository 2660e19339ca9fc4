import { blendedPricePer1M } from '../config/catalog.js';
import { effectiveCostWeight, eligibleModels } from './eligibility.js';
import type { CatalogModel } from '../config/schema.js';
import { betaSample } from '../shared/random.js';
import { similarityCovers } from './coverage.js';
import { trials } from '../store/types.js';
import { rankingRate, successRate, votedIntent } from './ranking.js';
import type { Decision, DecisionBasis, DecisionReason, Evidence, ModelScore, PolicyInput } from './types.js';

/**
 * The routing decision, pure: neighbours + records + catalog + request → decision.
 *
 * - Quality per model: the neighbours' win rate with weights relative to the nearest neighbour,
 *   (s_i / s_top)^similarityPower, times each record's trials, shrunk toward the model's ranking rate
 *   by `priorStrength` pseudo-trials (a Beta posterior mean). Relative weights keep the prior in
 *   neighbour units whatever the embedder's similarity scale (lexical sits at 0.3–0.5, USE at 0.7+).
 * - Ranking rate (routing/ranking.ts): the model's rate over the references of the prompt's intent
 *   shrunk toward its rate over all references; the latter (the global ranking) without an intent.
 * - Utility = quality − costWeight × price ÷ the catalog's dearest price. With a linear price the
 *   cost weight is a Lagrange multiplier on spend, so sweeping it traces the cost–quality frontier
 *   (RouterBench, Hu et al. 2024, §3: the non-decreasing convex hull).
 * - No-harm guard: the ranking (each model's ranking rate against the same price) picks the zero
 *   router's model at this cost weight, for the prompt's intent when it has one. The neighbours'
 *   choice replaces it only when its predicted utility gain reaches `gapThreshold`, which is fitted
 *   by leave-one-out (`policies/fit-policy.ts`); uncovered prompts take the ranking's choice. The
 *   decision says which (`basis`: neighbours, intent_ranking or global_ranking; `rankingIntent`)
 *   and by how much (`gain`).
 */
export function decide(input: PolicyInput): Decision {
  const { eligible, excluded } = eligibleModels(input);
  if (eligible.length === 0) return { kind: 'no_eligible_model', excluded };

  const { evidence, params } = input;
  const weights = relativeWeights(evidence, params.similarityPower);
  const sums = neighbourSums(evidence, weights);
  const dearest = dearestPrice(input.catalog, input.promptTokens, params.expectedOutputTokens);
  const rankingIntent = rankingIntentOf(input, weights);
  const scores = rank(eligible.map((m) => scoreModel(m, { sums, dearest, rankingIntent }, input)));
  const topSimilarity = evidence[0]?.similarity ?? null;
  const covered = isCovered(input, weights);
  const choice = choose({ scores, covered, input, rankingIntent });
  const explored = choice.basis === 'neighbours' && input.random !== undefined && choice.model !== bestByMean(scores, input);
  return {
    kind: 'routed',
    model: choice.model,
    fallbacks: scores.map((s) => s.model).filter((id) => id !== choice.model),
    reason: choice.reason,
    basis: choice.basis,
    gain: choice.gain,
    rankingIntent,
    covered,
    confidence: choice.basis === 'rule' ? 1 : covered ? winProbability(scores, choice.model, params.priorStrength) : 0,
    explored,
    rule: input.rule?.name ?? null,
    topSimilarity,
    coverageThreshold: params.coverageThreshold,
    intent: votedIntent(evidence, weights),
    scores,
    excluded,
    evidence,
  };
}

/**
 * The covered rule: the calibrated similarity test (routing/coverage.ts: the router's verdict, or
 * top-1 similarity against the threshold) and neighbours that hold records weighing at least
 * `minSupport` in neighbour units (the nearest counts 1). Similarity judges closeness; support only
 * asks that close references carry data. Counting similarity^power-weighted trials instead left
 * one-trial references at a lexical embedder's similarities (0.3–0.5) below minSupport: 79% of MMLU
 * uncovered (issue 17).
 */
export function isCovered(input: PolicyInput, weights: readonly number[]): boolean {
  if (!similarityCovers(input)) return false;
  let support = 0;
  input.evidence.forEach((e, i) => {
    if (hasTrials(e.records)) support += weights[i] ?? 0;
  });
  return support >= input.params.minSupport;
}

function hasTrials(records: Evidence['records']): boolean {
  for (const r of records.values()) if (trials(r) > 0) return true;
  return false;
}

/**
 * The intent whose references rank the models: the router's (routing/coverage.ts: the prompt's
 * nearest intent, by centroid and nearest reference), else the neighbours' weighted vote; null (all
 * references) when that intent has no records, or when the prompt's text says nothing (empty, or a
 * language the embedder does not read). An uncovered prompt keeps its intent: coverage asks whether
 * the nearest references' own records speak for the prompt, which task it is asks less.
 */
export function rankingIntentOf(input: Pick<PolicyInput, 'evidence' | 'intentTotals' | 'coverage'>, weights: readonly number[]): string | null {
  const reason = input.coverage?.reason;
  if (!input.intentTotals || reason === 'empty' || reason === 'language') return null;
  const intent = input.coverage ? input.coverage.nearestIntent : votedIntent(input.evidence, weights);
  return intent !== null && input.intentTotals.has(intent) ? intent : null;
}

/** Similarity-power weight, absolute: max(0, similarity)^power (learning uses it). */
export function neighbourWeight(similarity: number, power: number): number {
  return Math.max(0, similarity) ** power;
}

/** (s_i / s_top)^power; references at or below zero similarity carry no weight. */
export function relativeWeights(evidence: readonly Evidence[], power: number): number[] {
  const top = Math.max(0, ...evidence.map((e) => e.similarity));
  if (top === 0) return evidence.map(() => 0);
  return evidence.map((e) => (Math.max(0, e.similarity) / top) ** power);
}

/**
 * Each model's similarity-weighted wins (a tie counts half) and trials over the neighbours, in one
 * pass over their records (k × models entries, on every route). Per model the terms are added in
 * neighbour order, as a loop per model would add them.
 */
function neighbourSums(evidence: readonly Evidence[], weights: readonly number[]): Map<string, { weightedWins: number; support: number }> {
  const sums = new Map<string, { weightedWins: number; support: number }>();
  evidence.forEach((e, i) => {
    const w = weights[i] ?? 0;
    if (w === 0) return;
    for (const [model, r] of e.records) {
      const sum = sums.get(model);
      if (sum) {
        sum.weightedWins += w * (r.wins + r.ties / 2);
        sum.support += w * trials(r);
      } else {
        sums.set(model, { weightedWins: w * (r.wins + r.ties / 2), support: w * trials(r) });
      }
    }
  });
  return sums;
}

function scoreModel(model: CatalogModel, at: { sums: ReadonlyMap<string, { weightedWins: number; support: number }>; dearest: number; rankingIntent: string | null }, input: PolicyInput): ModelScore {
  const { params, modelTotals, promptTokens } = input;
  const { weightedWins, support } = at.sums.get(model.id) ?? { weightedWins: 0, support: 0 };
  const intentTotal = at.rankingIntent === null ? undefined : input.intentTotals?.get(at.rankingIntent)?.get(model.id);
  const prior = rankingRate(successRate(modelTotals.get(model.id)), intentTotal);
  // Beta posterior: the prior contributes priorStrength pseudo-trials at the model's ranking rate.
  const alpha = weightedWins + params.priorStrength * prior;
  const beta = support - weightedWins + params.priorStrength * (1 - prior);
  const quality = alpha / (alpha + beta);
  const pricePer1M = blendedPricePer1M(model, promptTokens, params.expectedOutputTokens);
  const normalizedPrice = at.dearest > 0 ? pricePer1M / at.dearest : 0;
  const costWeight = effectiveCostWeight(input);
  const score = { model: model.id, quality, pricePer1M, normalizedPrice, utility: quality - costWeight * normalizedPrice, support, prior };
  if (!input.random) return score;
  const sampledQuality = betaSample(Math.max(alpha, 1e-6), Math.max(beta, 1e-6), input.random);
  return { ...score, sampledQuality, utility: sampledQuality - costWeight * normalizedPrice };
}

interface Choice {
  readonly model: string;
  readonly reason: DecisionReason;
  readonly basis: DecisionBasis;
  readonly gain: number | null;
}

/** Rule pin, else the neighbours' best when covered and worth the gap, else the ranking's choice. */
function choose(at: { scores: readonly ModelScore[]; covered: boolean; input: PolicyInput; rankingIntent: string | null }): Choice {
  const { scores, covered, input } = at;
  const pin = input.rule?.then.pin;
  if (pin !== undefined && scores.some((s) => s.model === pin)) return { model: pin, reason: 'rule', basis: 'rule', gain: null };
  if (!covered) return fallbackChoice(scores, input, at.rankingIntent);
  const best = firstOf(scores);
  const global = globalChoice(scores, input);
  const gain = best.utility - (scores.find((s) => s.model === global)?.utility ?? best.utility);
  // The gap threshold fitted for the prompt's intent, else the global one (policies/fit-intent-gaps.ts).
  const gapThreshold = (at.rankingIntent === null ? undefined : input.intentGaps?.get(at.rankingIntent)) ?? input.params.gapThreshold;
  if (best.model === global || gain >= gapThreshold) return { model: best.model, reason: 'covered', basis: 'neighbours', gain };
  return { model: global, reason: 'covered', basis: at.rankingIntent === null ? 'global_ranking' : 'intent_ranking', gain };
}

/**
 * The zero router's pick: best ranking rate (`prior`: the intent's or the global one) − costWeight ×
 * price (ties: cheaper, then id). Mixing these picks over cost weights reaches every vertex of the
 * single models' cost–quality hull (per intent, on the references).
 */
export function globalChoice(scores: readonly ModelScore[], input: PolicyInput): string {
  const costWeight = effectiveCostWeight(input);
  const value = (s: ModelScore) => (s.prior ?? 0.5) - costWeight * s.normalizedPrice;
  const sorted = [...scores].sort((a, b) => value(b) - value(a) || a.pricePer1M - b.pricePer1M || a.model.localeCompare(b.model));
  return firstOf(sorted).model;
}

/** The model the posterior means alone would pick, to tell when exploration changed the choice. */
function bestByMean(scores: readonly ModelScore[], input: PolicyInput): string {
  const costWeight = effectiveCostWeight(input);
  const byMean = [...scores].sort((a, b) => b.quality - costWeight * b.normalizedPrice - (a.quality - costWeight * a.normalizedPrice));
  return byMean[0]?.model ?? '';
}

/** The catalog's dearest price for this request shape: a score's price ÷ this is 0 = free, 1 = dearest. */
function dearestPrice(catalog: readonly CatalogModel[], inTokens: number, outTokens: number): number {
  return Math.max(0, ...catalog.map((m) => blendedPricePer1M(m, inTokens, outTokens)));
}

/** Best utility first; ties go to higher quality, then the cheaper model, then the id, so order is total. */
function rank(scores: ModelScore[]): ModelScore[] {
  return scores.sort(
    (a, b) => b.utility - a.utility || b.quality - a.quality || a.pricePer1M - b.pricePer1M || a.model.localeCompare(b.model),
  );
}

/**
 * Uncovered: the global ranking's choice when any model has a record; with no records at all (an
 * empty or unscored index) the configured default when the request allows it, else the best ranked.
 */
function fallbackChoice(scores: readonly ModelScore[], input: PolicyInput, rankingIntent: string | null): Choice {
  const hasRecords = [...input.modelTotals.values()].some((t) => trials(t) > 0);
  const reason = input.evidence.length === 0 ? 'empty_index' : 'uncovered';
  const defaultEligible = scores.some((s) => s.model === input.params.defaultModel);
  // The operator's default answers what no reference covers, unless they chose the global ranking
  // (the eval does) or the default is not eligible for this request.
  if (defaultEligible && (input.params.uncoveredModel !== 'global_ranking' || !hasRecords)) return { model: input.params.defaultModel, reason, basis: 'default_model', gain: null };
  const basis = rankingIntent === null ? 'global_ranking' : 'intent_ranking';
  if (hasRecords) return { model: globalChoice(scores, input), reason: defaultEligible ? reason : 'default_not_eligible', basis, gain: null };
  return { model: firstOf(scores).model, reason: 'default_not_eligible', basis: 'default_model', gain: null };
}

function firstOf(scores: readonly ModelScore[]): ModelScore {
  const first = scores[0];
  if (!first) throw new Error('rank() was given no eligible model');
  return first;
}

/**
 * Confidence = the probability that the chosen model's utility really beats the best other's, from
 * a normal approximation of their Beta posteriors. One eligible model leaves no doubt.
 */
function winProbability(scores: readonly ModelScore[], chosen: string, priorStrength: number): number {
  const mine = scores.find((s) => s.model === chosen);
  const other = scores.find((s) => s.model !== chosen);
  if (!mine || !other) return 1;
  const variance = (s: ModelScore) => (s.quality * (1 - s.quality)) / (s.support + priorStrength + 1);
  const sd = Math.sqrt(variance(mine) + variance(other));
  return sd === 0 ? 1 : normalCdf((mine.utility - other.utility) / sd);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf; error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
